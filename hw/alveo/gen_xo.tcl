# Builds nasmac.xo from the RTL (Vivado batch mode; make xclbin calls it).
#   vivado -mode batch -source hw/alveo/gen_xo.tcl \
#     -tclargs <xo> <kernel> <target> <platform> <part> <freq_hz> <work_dir> <rtl files...>
# package_xo takes the generated kernel.xml (arguments, offsets, ports, hwControlProtocol
# ap_ctrl_hs): no -ctrl_protocol, so the protocol is written in one place.
if {$::argc < 8} {
  puts "usage: gen_xo.tcl <xo_path> <kernel_name> <target> <platform> <part> <freq_hz> <work_dir> <rtl files...>"
  exit 1
}
lassign $::argv xo_path kernel_name target platform part freq_hz work_dir
set rtl_files [lrange $::argv 7 end]
set here      [file dirname [file normalize [info script]]]

source $here/package_kernel.tcl
set ip_dir $work_dir/packaged_kernel_${target}
file delete -force $ip_dir
package_kernel $ip_dir $part $freq_hz $rtl_files

if {[file exists $xo_path]} { file delete -force $xo_path }
package_xo -xo_path $xo_path -kernel_name $kernel_name -ip_directory $ip_dir -kernel_xml $here/kernel.xml
puts "gen_xo: wrote $xo_path ($kernel_name, $target, $platform, part $part)"
