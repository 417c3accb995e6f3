# Runs gen_xo.tcl and package_kernel.tcl under plain tclsh with every Vivado command recorded
# instead of run, then checks that the packaging does what Xilinx's RTL kernel examples do.
# Catches Tcl syntax errors and missing steps without Vivado (make alveo-check).
#   tclsh hw/alveo/check_tcl.tcl <work_dir>
set calls {}
proc unknown {args} { lappend ::calls $args; return "obj" }
set work [lindex $argv 0]
file mkdir $work
set ::argv [list $work/nasmac.xo nasmac hw xilinx_u55c_gen3x16_xdma_3_202210_1 \
  xcu55c-fsvh2892-2L-e 300000000 $work nasmac_top.v nasmac.sv]
set ::argc [llength $::argv]
source [file join [file dirname [file normalize [info script]]] gen_xo.tcl]

set passed 0
set failed 0
proc expect {what pattern} {
  foreach c $::calls { if {[string match $pattern $c]} { incr ::passed; return } }
  incr ::failed
  puts "alveo-check: package_kernel/gen_xo: $what (no call matching '$pattern')"
}
proc expect_not {what pattern} {
  foreach c $::calls {
    if {[string match $pattern $c]} { incr ::failed; puts "alveo-check: $what: $c"; return }
  }
  incr ::passed
}
expect "project created for the card's part" {create_project * -part xcu55c-fsvh2892-2L-e}
expect "Verilog top" {set_property top nasmac_top *}
expect "kernel named nasmac" {set_property name nasmac *}
foreach b {m_axi_gmem m_axi_msg s_axi_control} {
  expect "$b on ap_clk" "ipx::associate_bus_interfaces -busif $b -clock ap_clk *"
}
expect "ASSOCIATED_RESET on ap_clk" {set_property value ap_rst_n *}
expect "FREQ_HZ on ap_clk" {ipx::add_bus_parameter -quiet FREQ_HZ *}
expect "FREQ_HZ value" {set_property value 300000000 *}
expect "control range 0x1000" {set_property range 0x1000 *}
source [file join [file dirname [file normalize [info script]]] kernel_regs.tcl]
foreach r $nasmac_regs {
  lassign $r name off bits busif
  expect "register $name" "ipx::add_register -quiet $name *"
  expect "register $name at $off" "set_property address_offset $off *"
  if {$busif ne ""} { expect "register $name on $busif" "set_property value $busif *" }
}
expect "sdx_kernel" {set_property sdx_kernel true *}
expect "sdx_kernel_type rtl" {set_property sdx_kernel_type rtl *}
expect "supported_families" {set_property supported_families *}
expect "auto_family_support_level" {set_property auto_family_support_level level_2 *}
expect "kernel integrity check" {ipx::check_integrity -kernel *}
expect "package_xo with kernel.xml" {package_xo * -kernel_xml */kernel.xml}
expect_not "package_xo must not pass -ctrl_protocol (kernel.xml has it)" {package_xo *-ctrl_protocol*}
puts "alveo-check: packaging Tcl: $passed passed, $failed failed"
exit [expr {$failed != 0}]
