# Builds nasmac.xo from the RTL (Vivado batch mode; make xclbin calls it).
#   vivado -mode batch -source hw/alveo/gen_xo.tcl -tclargs <xo> <kernel> <target> <platform> <work_dir> <rtl files...>
if {$::argc < 6} {
  puts "usage: gen_xo.tcl <xo_path> <kernel_name> <target> <platform> <work_dir> <rtl files...>"
  exit 1
}
set xo_path     [lindex $::argv 0]
set kernel_name [lindex $::argv 1]
set target      [lindex $::argv 2]
set platform    [lindex $::argv 3]
set work_dir    [lindex $::argv 4]
set rtl_files   [lrange $::argv 5 end]
set here        [file dirname [file normalize [info script]]]

source $here/package_kernel.tcl
set ip_dir $work_dir/packaged_kernel_${target}
file delete -force $ip_dir
package_kernel $ip_dir $rtl_files

if {[file exists $xo_path]} { file delete -force $xo_path }
package_xo -xo_path $xo_path -kernel_name $kernel_name -ip_directory $ip_dir \
  -kernel_xml $here/kernel.xml -ctrl_protocol ap_ctrl_hs
puts "gen_xo: wrote $xo_path for $platform"
