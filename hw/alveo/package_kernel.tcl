# Packages the nasmac RTL as a Vitis kernel IP (Vivado batch mode, sourced by gen_xo.tcl).
#   package_kernel <ip_dir> <part> <freq_hz> <rtl files...>
# The steps of Xilinx's RTL kernel examples (Vitis_Accel_Examples rtl_kernels): a project for the
# card's part, the Verilog top nasmac_top.v (generated from hw/alveo/ports.txt), user parameters
# removed (the top's defaults are the build), every AXI interface tied to ap_clk, ap_rst_n as
# ap_clk's reset, FREQ_HZ on ap_clk, the s_axi_control register map, and the kernel integrity
# check. The register map comes from kernel_regs.tcl, generated with kernel.xml from hw/layout.txt.
proc package_kernel {ip_dir part freq_hz rtl_files} {
  set here [file dirname [file normalize [info script]]]
  set proj_dir [file dirname $ip_dir]/nasmac_pkg_proj
  create_project -force nasmac_pkg $proj_dir -part $part
  add_files -norecurse $rtl_files
  set_property top nasmac_top [current_fileset]
  update_compile_order -fileset sources_1

  ipx::package_project -root_dir $ip_dir -vendor nasmac.org -library RTLKernel -taxonomy /KernelIP -import_files -set_current false
  ipx::unload_core $ip_dir/component.xml
  ipx::edit_ip_in_project -upgrade true -name tmp_edit_project -directory $ip_dir $ip_dir/component.xml
  set core [ipx::current_core]
  # The kernel is "nasmac" (kernel.xml's vlnv, the name the driver opens); its top module is the
  # Verilog wrapper nasmac_top.
  set_property name nasmac $core
  set_property display_name nasmac $core
  set_property core_revision 1 $core
  foreach up [ipx::get_user_parameters] { ipx::remove_user_parameter [get_property NAME $up] $core }

  foreach busif {m_axi_gmem m_axi_msg s_axi_control} {
    ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
  }
  set clk [ipx::get_bus_interfaces ap_clk -of_objects $core]
  set_property value ap_rst_n [ipx::get_bus_parameters ASSOCIATED_RESET -of_objects $clk]
  # The frequency the design is built for; "user" lets v++ run it at the platform's kernel clock.
  set freq [ipx::add_bus_parameter -quiet FREQ_HZ $clk]
  set_property value $freq_hz $freq
  set_property value_resolve_type user $freq

  source $here/kernel_regs.tcl
  set mm [ipx::add_memory_map -quiet s_axi_control $core]
  set blk [ipx::add_address_block -quiet reg0 $mm]
  set_property range $nasmac_ctrl_range $blk
  foreach r $nasmac_regs {
    lassign $r name off bits busif
    set reg [ipx::add_register -quiet $name $blk]
    set_property address_offset $off $reg
    set_property size $bits $reg
    if {$busif ne ""} {
      set_property value $busif [ipx::add_register_parameter -quiet ASSOCIATED_BUSIF $reg]
    }
  }
  set_property slave_memory_map_ref s_axi_control [ipx::get_bus_interfaces s_axi_control -of_objects $core]

  set_property sdx_kernel true $core
  set_property sdx_kernel_type rtl $core
  # Any UltraScale+ family the part list allows (what the examples set), besides the project part.
  set_property supported_families { } $core
  set_property auto_family_support_level level_2 $core
  ipx::create_xgui_files $core
  ipx::update_checksums $core
  ipx::check_integrity -kernel $core
  ipx::save_core $core
  close_project -delete
}
