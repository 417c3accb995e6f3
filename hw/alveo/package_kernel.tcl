# Packages the nasmac RTL as a Vitis kernel IP (Vivado batch mode, called from gen_xo.tcl).
#   package_kernel <ip_dir> <rtl files...>
# The register map below mirrors hw/layout.txt; kernel.xml carries the same offsets.
proc package_kernel {ip_dir rtl_files} {
  set proj_dir [file dirname $ip_dir]/nasmac_pkg_proj
  create_project -force nasmac_pkg $proj_dir
  add_files -norecurse $rtl_files
  set_property top nasmac [current_fileset]
  update_compile_order -fileset sources_1

  ipx::package_project -root_dir $ip_dir -vendor nasmac.org -library RTLKernel -taxonomy /KernelIP -import_files -set_current false
  ipx::unload_core $ip_dir/component.xml
  ipx::edit_ip_in_project -upgrade true -name tmp_edit_project -directory $ip_dir $ip_dir/component.xml
  set core [ipx::current_core]
  set_property core_revision 1 $core
  foreach up [ipx::get_user_parameters] { ipx::remove_user_parameter [get_property NAME $up] $core }

  ipx::associate_bus_interfaces -busif m_axi_gmem -clock ap_clk $core
  ipx::associate_bus_interfaces -busif s_axi_control -clock ap_clk $core
  set_property value ap_rst_n [ipx::get_bus_parameters ASSOCIATED_RESET -of_objects [ipx::get_bus_interfaces ap_clk -of_objects $core]]

  # Control register map: the ap_ctrl_hs registers and one register per argument.
  set mm [ipx::add_memory_map s_axi_control $core]
  set_property slave_memory_map_ref s_axi_control [ipx::get_bus_interfaces s_axi_control -of_objects $core]
  set blk [ipx::add_address_block reg0 $mm]
  set_property range 0x1000 $blk
  foreach {name off size} {
    CTRL        0x00 32
    GIER        0x04 32
    IP_IER      0x08 32
    IP_ISR      0x0C 32
    desc        0x10 64
    arena       0x18 64
    result      0x20 64
    num_jobs    0x28 32
    arena_bytes 0x2C 32
  } {
    set reg [ipx::add_register $name $blk]
    set_property address_offset $off $reg
    set_property size $size $reg
  }
  foreach ptr {desc arena result} {
    set reg [ipx::get_registers $ptr -of_objects $blk]
    set_property value m_axi_gmem [ipx::add_register_parameter ASSOCIATED_BUSIF $reg]
  }

  set_property sdx_kernel true $core
  set_property sdx_kernel_type rtl $core
  ipx::create_xgui_files $core
  ipx::update_checksums $core
  ipx::check_integrity -kernel $core
  ipx::save_core $core
  close_project -delete
}
