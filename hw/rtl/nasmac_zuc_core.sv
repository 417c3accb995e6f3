// nasmac_zuc_core: bus-free ZUC-128 keystream generator (ETSI/SAGE "Specification of the 3GPP
// Confidentiality and Integrity Algorithms 128-EEA3 & 128-EIA3, Document 2: ZUC Specification",
// clause 3), one 32-bit keystream word per clock.
//
// Protocol: in IDLE the core raises ready_o; init_i (sampled when ready_o is high) loads key_i
// and iv_i (16-octet strings, octet 0 in [127:120]). The core runs the 32 initialisation rounds and
// the first working-mode round whose output is discarded, then presents the first keystream word
// on ks_o with ks_valid_o, from a register (36 clocks after init_i). Each ks_valid_o && ks_ready_i
// takes a word; the next one is there in the same clock's successor (one word per clock).
// clear_i (any time, priority over init_i) wipes the state and returns to IDLE, so no
// key-dependent state outlives a job; reset wipes it too.
//
// Timing (300 MHz on UltraScale+): no path adds modulo 2^31 - 1 serially. The feedback of a
// clock is p + 2^15 s15 (+ W >> 1 while initialising), where p, the part from s0/s4/s10/s13, was
// computed in the previous clock from s1/s5/s11/s14 (the cells that shift into those places) and
// registered; three rows reduce by one carry-save step to one end-around-carry adder.
module nasmac_zuc_core (
  input  logic clk_i, rst_ni,
  // Load (taken when ready_o), wipe, and the keystream words, as the protocol above says.
  input  logic init_i, input logic [127:0] key_i, iv_i, output logic ready_o,
  input  logic clear_i,
  output logic ks_valid_o, input logic ks_ready_i, output logic [31:0] ks_o
);

  // The 15-bit constants d_0..d_15 of the key loading (clause 3.5.1), d_0 in the low bits.
  localparam logic [239:0] Dconst = {
    15'h47ac, 15'h789a, 15'h3c4d, 15'h5e26, 15'h1af1, 15'h6bc4, 15'h2f13, 15'h4d78,
    15'h09af, 15'h7135, 15'h35e2, 15'h5789, 15'h135e, 15'h626b, 15'h26bc, 15'h44d7
  };

  function automatic logic [7:0] s0_box(input logic [7:0] x);
    case (x)
      8'h00: s0_box = 8'h3e; 8'h01: s0_box = 8'h72; 8'h02: s0_box = 8'h5b; 8'h03: s0_box = 8'h47;
      8'h04: s0_box = 8'hca; 8'h05: s0_box = 8'he0; 8'h06: s0_box = 8'h00; 8'h07: s0_box = 8'h33;
      8'h08: s0_box = 8'h04; 8'h09: s0_box = 8'hd1; 8'h0a: s0_box = 8'h54; 8'h0b: s0_box = 8'h98;
      8'h0c: s0_box = 8'h09; 8'h0d: s0_box = 8'hb9; 8'h0e: s0_box = 8'h6d; 8'h0f: s0_box = 8'hcb;
      8'h10: s0_box = 8'h7b; 8'h11: s0_box = 8'h1b; 8'h12: s0_box = 8'hf9; 8'h13: s0_box = 8'h32;
      8'h14: s0_box = 8'haf; 8'h15: s0_box = 8'h9d; 8'h16: s0_box = 8'h6a; 8'h17: s0_box = 8'ha5;
      8'h18: s0_box = 8'hb8; 8'h19: s0_box = 8'h2d; 8'h1a: s0_box = 8'hfc; 8'h1b: s0_box = 8'h1d;
      8'h1c: s0_box = 8'h08; 8'h1d: s0_box = 8'h53; 8'h1e: s0_box = 8'h03; 8'h1f: s0_box = 8'h90;
      8'h20: s0_box = 8'h4d; 8'h21: s0_box = 8'h4e; 8'h22: s0_box = 8'h84; 8'h23: s0_box = 8'h99;
      8'h24: s0_box = 8'he4; 8'h25: s0_box = 8'hce; 8'h26: s0_box = 8'hd9; 8'h27: s0_box = 8'h91;
      8'h28: s0_box = 8'hdd; 8'h29: s0_box = 8'hb6; 8'h2a: s0_box = 8'h85; 8'h2b: s0_box = 8'h48;
      8'h2c: s0_box = 8'h8b; 8'h2d: s0_box = 8'h29; 8'h2e: s0_box = 8'h6e; 8'h2f: s0_box = 8'hac;
      8'h30: s0_box = 8'hcd; 8'h31: s0_box = 8'hc1; 8'h32: s0_box = 8'hf8; 8'h33: s0_box = 8'h1e;
      8'h34: s0_box = 8'h73; 8'h35: s0_box = 8'h43; 8'h36: s0_box = 8'h69; 8'h37: s0_box = 8'hc6;
      8'h38: s0_box = 8'hb5; 8'h39: s0_box = 8'hbd; 8'h3a: s0_box = 8'hfd; 8'h3b: s0_box = 8'h39;
      8'h3c: s0_box = 8'h63; 8'h3d: s0_box = 8'h20; 8'h3e: s0_box = 8'hd4; 8'h3f: s0_box = 8'h38;
      8'h40: s0_box = 8'h76; 8'h41: s0_box = 8'h7d; 8'h42: s0_box = 8'hb2; 8'h43: s0_box = 8'ha7;
      8'h44: s0_box = 8'hcf; 8'h45: s0_box = 8'hed; 8'h46: s0_box = 8'h57; 8'h47: s0_box = 8'hc5;
      8'h48: s0_box = 8'hf3; 8'h49: s0_box = 8'h2c; 8'h4a: s0_box = 8'hbb; 8'h4b: s0_box = 8'h14;
      8'h4c: s0_box = 8'h21; 8'h4d: s0_box = 8'h06; 8'h4e: s0_box = 8'h55; 8'h4f: s0_box = 8'h9b;
      8'h50: s0_box = 8'he3; 8'h51: s0_box = 8'hef; 8'h52: s0_box = 8'h5e; 8'h53: s0_box = 8'h31;
      8'h54: s0_box = 8'h4f; 8'h55: s0_box = 8'h7f; 8'h56: s0_box = 8'h5a; 8'h57: s0_box = 8'ha4;
      8'h58: s0_box = 8'h0d; 8'h59: s0_box = 8'h82; 8'h5a: s0_box = 8'h51; 8'h5b: s0_box = 8'h49;
      8'h5c: s0_box = 8'h5f; 8'h5d: s0_box = 8'hba; 8'h5e: s0_box = 8'h58; 8'h5f: s0_box = 8'h1c;
      8'h60: s0_box = 8'h4a; 8'h61: s0_box = 8'h16; 8'h62: s0_box = 8'hd5; 8'h63: s0_box = 8'h17;
      8'h64: s0_box = 8'ha8; 8'h65: s0_box = 8'h92; 8'h66: s0_box = 8'h24; 8'h67: s0_box = 8'h1f;
      8'h68: s0_box = 8'h8c; 8'h69: s0_box = 8'hff; 8'h6a: s0_box = 8'hd8; 8'h6b: s0_box = 8'hae;
      8'h6c: s0_box = 8'h2e; 8'h6d: s0_box = 8'h01; 8'h6e: s0_box = 8'hd3; 8'h6f: s0_box = 8'had;
      8'h70: s0_box = 8'h3b; 8'h71: s0_box = 8'h4b; 8'h72: s0_box = 8'hda; 8'h73: s0_box = 8'h46;
      8'h74: s0_box = 8'heb; 8'h75: s0_box = 8'hc9; 8'h76: s0_box = 8'hde; 8'h77: s0_box = 8'h9a;
      8'h78: s0_box = 8'h8f; 8'h79: s0_box = 8'h87; 8'h7a: s0_box = 8'hd7; 8'h7b: s0_box = 8'h3a;
      8'h7c: s0_box = 8'h80; 8'h7d: s0_box = 8'h6f; 8'h7e: s0_box = 8'h2f; 8'h7f: s0_box = 8'hc8;
      8'h80: s0_box = 8'hb1; 8'h81: s0_box = 8'hb4; 8'h82: s0_box = 8'h37; 8'h83: s0_box = 8'hf7;
      8'h84: s0_box = 8'h0a; 8'h85: s0_box = 8'h22; 8'h86: s0_box = 8'h13; 8'h87: s0_box = 8'h28;
      8'h88: s0_box = 8'h7c; 8'h89: s0_box = 8'hcc; 8'h8a: s0_box = 8'h3c; 8'h8b: s0_box = 8'h89;
      8'h8c: s0_box = 8'hc7; 8'h8d: s0_box = 8'hc3; 8'h8e: s0_box = 8'h96; 8'h8f: s0_box = 8'h56;
      8'h90: s0_box = 8'h07; 8'h91: s0_box = 8'hbf; 8'h92: s0_box = 8'h7e; 8'h93: s0_box = 8'hf0;
      8'h94: s0_box = 8'h0b; 8'h95: s0_box = 8'h2b; 8'h96: s0_box = 8'h97; 8'h97: s0_box = 8'h52;
      8'h98: s0_box = 8'h35; 8'h99: s0_box = 8'h41; 8'h9a: s0_box = 8'h79; 8'h9b: s0_box = 8'h61;
      8'h9c: s0_box = 8'ha6; 8'h9d: s0_box = 8'h4c; 8'h9e: s0_box = 8'h10; 8'h9f: s0_box = 8'hfe;
      8'ha0: s0_box = 8'hbc; 8'ha1: s0_box = 8'h26; 8'ha2: s0_box = 8'h95; 8'ha3: s0_box = 8'h88;
      8'ha4: s0_box = 8'h8a; 8'ha5: s0_box = 8'hb0; 8'ha6: s0_box = 8'ha3; 8'ha7: s0_box = 8'hfb;
      8'ha8: s0_box = 8'hc0; 8'ha9: s0_box = 8'h18; 8'haa: s0_box = 8'h94; 8'hab: s0_box = 8'hf2;
      8'hac: s0_box = 8'he1; 8'had: s0_box = 8'he5; 8'hae: s0_box = 8'he9; 8'haf: s0_box = 8'h5d;
      8'hb0: s0_box = 8'hd0; 8'hb1: s0_box = 8'hdc; 8'hb2: s0_box = 8'h11; 8'hb3: s0_box = 8'h66;
      8'hb4: s0_box = 8'h64; 8'hb5: s0_box = 8'h5c; 8'hb6: s0_box = 8'hec; 8'hb7: s0_box = 8'h59;
      8'hb8: s0_box = 8'h42; 8'hb9: s0_box = 8'h75; 8'hba: s0_box = 8'h12; 8'hbb: s0_box = 8'hf5;
      8'hbc: s0_box = 8'h74; 8'hbd: s0_box = 8'h9c; 8'hbe: s0_box = 8'haa; 8'hbf: s0_box = 8'h23;
      8'hc0: s0_box = 8'h0e; 8'hc1: s0_box = 8'h86; 8'hc2: s0_box = 8'hab; 8'hc3: s0_box = 8'hbe;
      8'hc4: s0_box = 8'h2a; 8'hc5: s0_box = 8'h02; 8'hc6: s0_box = 8'he7; 8'hc7: s0_box = 8'h67;
      8'hc8: s0_box = 8'he6; 8'hc9: s0_box = 8'h44; 8'hca: s0_box = 8'ha2; 8'hcb: s0_box = 8'h6c;
      8'hcc: s0_box = 8'hc2; 8'hcd: s0_box = 8'h93; 8'hce: s0_box = 8'h9f; 8'hcf: s0_box = 8'hf1;
      8'hd0: s0_box = 8'hf6; 8'hd1: s0_box = 8'hfa; 8'hd2: s0_box = 8'h36; 8'hd3: s0_box = 8'hd2;
      8'hd4: s0_box = 8'h50; 8'hd5: s0_box = 8'h68; 8'hd6: s0_box = 8'h9e; 8'hd7: s0_box = 8'h62;
      8'hd8: s0_box = 8'h71; 8'hd9: s0_box = 8'h15; 8'hda: s0_box = 8'h3d; 8'hdb: s0_box = 8'hd6;
      8'hdc: s0_box = 8'h40; 8'hdd: s0_box = 8'hc4; 8'hde: s0_box = 8'he2; 8'hdf: s0_box = 8'h0f;
      8'he0: s0_box = 8'h8e; 8'he1: s0_box = 8'h83; 8'he2: s0_box = 8'h77; 8'he3: s0_box = 8'h6b;
      8'he4: s0_box = 8'h25; 8'he5: s0_box = 8'h05; 8'he6: s0_box = 8'h3f; 8'he7: s0_box = 8'h0c;
      8'he8: s0_box = 8'h30; 8'he9: s0_box = 8'hea; 8'hea: s0_box = 8'h70; 8'heb: s0_box = 8'hb7;
      8'hec: s0_box = 8'ha1; 8'hed: s0_box = 8'he8; 8'hee: s0_box = 8'ha9; 8'hef: s0_box = 8'h65;
      8'hf0: s0_box = 8'h8d; 8'hf1: s0_box = 8'h27; 8'hf2: s0_box = 8'h1a; 8'hf3: s0_box = 8'hdb;
      8'hf4: s0_box = 8'h81; 8'hf5: s0_box = 8'hb3; 8'hf6: s0_box = 8'ha0; 8'hf7: s0_box = 8'hf4;
      8'hf8: s0_box = 8'h45; 8'hf9: s0_box = 8'h7a; 8'hfa: s0_box = 8'h19; 8'hfb: s0_box = 8'hdf;
      8'hfc: s0_box = 8'hee; 8'hfd: s0_box = 8'h78; 8'hfe: s0_box = 8'h34; 8'hff: s0_box = 8'h60;
      default: s0_box = 8'h00;
    endcase
  endfunction

  function automatic logic [7:0] s1_box(input logic [7:0] x);
    case (x)
      8'h00: s1_box = 8'h55; 8'h01: s1_box = 8'hc2; 8'h02: s1_box = 8'h63; 8'h03: s1_box = 8'h71;
      8'h04: s1_box = 8'h3b; 8'h05: s1_box = 8'hc8; 8'h06: s1_box = 8'h47; 8'h07: s1_box = 8'h86;
      8'h08: s1_box = 8'h9f; 8'h09: s1_box = 8'h3c; 8'h0a: s1_box = 8'hda; 8'h0b: s1_box = 8'h5b;
      8'h0c: s1_box = 8'h29; 8'h0d: s1_box = 8'haa; 8'h0e: s1_box = 8'hfd; 8'h0f: s1_box = 8'h77;
      8'h10: s1_box = 8'h8c; 8'h11: s1_box = 8'hc5; 8'h12: s1_box = 8'h94; 8'h13: s1_box = 8'h0c;
      8'h14: s1_box = 8'ha6; 8'h15: s1_box = 8'h1a; 8'h16: s1_box = 8'h13; 8'h17: s1_box = 8'h00;
      8'h18: s1_box = 8'he3; 8'h19: s1_box = 8'ha8; 8'h1a: s1_box = 8'h16; 8'h1b: s1_box = 8'h72;
      8'h1c: s1_box = 8'h40; 8'h1d: s1_box = 8'hf9; 8'h1e: s1_box = 8'hf8; 8'h1f: s1_box = 8'h42;
      8'h20: s1_box = 8'h44; 8'h21: s1_box = 8'h26; 8'h22: s1_box = 8'h68; 8'h23: s1_box = 8'h96;
      8'h24: s1_box = 8'h81; 8'h25: s1_box = 8'hd9; 8'h26: s1_box = 8'h45; 8'h27: s1_box = 8'h3e;
      8'h28: s1_box = 8'h10; 8'h29: s1_box = 8'h76; 8'h2a: s1_box = 8'hc6; 8'h2b: s1_box = 8'ha7;
      8'h2c: s1_box = 8'h8b; 8'h2d: s1_box = 8'h39; 8'h2e: s1_box = 8'h43; 8'h2f: s1_box = 8'he1;
      8'h30: s1_box = 8'h3a; 8'h31: s1_box = 8'hb5; 8'h32: s1_box = 8'h56; 8'h33: s1_box = 8'h2a;
      8'h34: s1_box = 8'hc0; 8'h35: s1_box = 8'h6d; 8'h36: s1_box = 8'hb3; 8'h37: s1_box = 8'h05;
      8'h38: s1_box = 8'h22; 8'h39: s1_box = 8'h66; 8'h3a: s1_box = 8'hbf; 8'h3b: s1_box = 8'hdc;
      8'h3c: s1_box = 8'h0b; 8'h3d: s1_box = 8'hfa; 8'h3e: s1_box = 8'h62; 8'h3f: s1_box = 8'h48;
      8'h40: s1_box = 8'hdd; 8'h41: s1_box = 8'h20; 8'h42: s1_box = 8'h11; 8'h43: s1_box = 8'h06;
      8'h44: s1_box = 8'h36; 8'h45: s1_box = 8'hc9; 8'h46: s1_box = 8'hc1; 8'h47: s1_box = 8'hcf;
      8'h48: s1_box = 8'hf6; 8'h49: s1_box = 8'h27; 8'h4a: s1_box = 8'h52; 8'h4b: s1_box = 8'hbb;
      8'h4c: s1_box = 8'h69; 8'h4d: s1_box = 8'hf5; 8'h4e: s1_box = 8'hd4; 8'h4f: s1_box = 8'h87;
      8'h50: s1_box = 8'h7f; 8'h51: s1_box = 8'h84; 8'h52: s1_box = 8'h4c; 8'h53: s1_box = 8'hd2;
      8'h54: s1_box = 8'h9c; 8'h55: s1_box = 8'h57; 8'h56: s1_box = 8'ha4; 8'h57: s1_box = 8'hbc;
      8'h58: s1_box = 8'h4f; 8'h59: s1_box = 8'h9a; 8'h5a: s1_box = 8'hdf; 8'h5b: s1_box = 8'hfe;
      8'h5c: s1_box = 8'hd6; 8'h5d: s1_box = 8'h8d; 8'h5e: s1_box = 8'h7a; 8'h5f: s1_box = 8'heb;
      8'h60: s1_box = 8'h2b; 8'h61: s1_box = 8'h53; 8'h62: s1_box = 8'hd8; 8'h63: s1_box = 8'h5c;
      8'h64: s1_box = 8'ha1; 8'h65: s1_box = 8'h14; 8'h66: s1_box = 8'h17; 8'h67: s1_box = 8'hfb;
      8'h68: s1_box = 8'h23; 8'h69: s1_box = 8'hd5; 8'h6a: s1_box = 8'h7d; 8'h6b: s1_box = 8'h30;
      8'h6c: s1_box = 8'h67; 8'h6d: s1_box = 8'h73; 8'h6e: s1_box = 8'h08; 8'h6f: s1_box = 8'h09;
      8'h70: s1_box = 8'hee; 8'h71: s1_box = 8'hb7; 8'h72: s1_box = 8'h70; 8'h73: s1_box = 8'h3f;
      8'h74: s1_box = 8'h61; 8'h75: s1_box = 8'hb2; 8'h76: s1_box = 8'h19; 8'h77: s1_box = 8'h8e;
      8'h78: s1_box = 8'h4e; 8'h79: s1_box = 8'he5; 8'h7a: s1_box = 8'h4b; 8'h7b: s1_box = 8'h93;
      8'h7c: s1_box = 8'h8f; 8'h7d: s1_box = 8'h5d; 8'h7e: s1_box = 8'hdb; 8'h7f: s1_box = 8'ha9;
      8'h80: s1_box = 8'had; 8'h81: s1_box = 8'hf1; 8'h82: s1_box = 8'hae; 8'h83: s1_box = 8'h2e;
      8'h84: s1_box = 8'hcb; 8'h85: s1_box = 8'h0d; 8'h86: s1_box = 8'hfc; 8'h87: s1_box = 8'hf4;
      8'h88: s1_box = 8'h2d; 8'h89: s1_box = 8'h46; 8'h8a: s1_box = 8'h6e; 8'h8b: s1_box = 8'h1d;
      8'h8c: s1_box = 8'h97; 8'h8d: s1_box = 8'he8; 8'h8e: s1_box = 8'hd1; 8'h8f: s1_box = 8'he9;
      8'h90: s1_box = 8'h4d; 8'h91: s1_box = 8'h37; 8'h92: s1_box = 8'ha5; 8'h93: s1_box = 8'h75;
      8'h94: s1_box = 8'h5e; 8'h95: s1_box = 8'h83; 8'h96: s1_box = 8'h9e; 8'h97: s1_box = 8'hab;
      8'h98: s1_box = 8'h82; 8'h99: s1_box = 8'h9d; 8'h9a: s1_box = 8'hb9; 8'h9b: s1_box = 8'h1c;
      8'h9c: s1_box = 8'he0; 8'h9d: s1_box = 8'hcd; 8'h9e: s1_box = 8'h49; 8'h9f: s1_box = 8'h89;
      8'ha0: s1_box = 8'h01; 8'ha1: s1_box = 8'hb6; 8'ha2: s1_box = 8'hbd; 8'ha3: s1_box = 8'h58;
      8'ha4: s1_box = 8'h24; 8'ha5: s1_box = 8'ha2; 8'ha6: s1_box = 8'h5f; 8'ha7: s1_box = 8'h38;
      8'ha8: s1_box = 8'h78; 8'ha9: s1_box = 8'h99; 8'haa: s1_box = 8'h15; 8'hab: s1_box = 8'h90;
      8'hac: s1_box = 8'h50; 8'had: s1_box = 8'hb8; 8'hae: s1_box = 8'h95; 8'haf: s1_box = 8'he4;
      8'hb0: s1_box = 8'hd0; 8'hb1: s1_box = 8'h91; 8'hb2: s1_box = 8'hc7; 8'hb3: s1_box = 8'hce;
      8'hb4: s1_box = 8'hed; 8'hb5: s1_box = 8'h0f; 8'hb6: s1_box = 8'hb4; 8'hb7: s1_box = 8'h6f;
      8'hb8: s1_box = 8'ha0; 8'hb9: s1_box = 8'hcc; 8'hba: s1_box = 8'hf0; 8'hbb: s1_box = 8'h02;
      8'hbc: s1_box = 8'h4a; 8'hbd: s1_box = 8'h79; 8'hbe: s1_box = 8'hc3; 8'hbf: s1_box = 8'hde;
      8'hc0: s1_box = 8'ha3; 8'hc1: s1_box = 8'hef; 8'hc2: s1_box = 8'hea; 8'hc3: s1_box = 8'h51;
      8'hc4: s1_box = 8'he6; 8'hc5: s1_box = 8'h6b; 8'hc6: s1_box = 8'h18; 8'hc7: s1_box = 8'hec;
      8'hc8: s1_box = 8'h1b; 8'hc9: s1_box = 8'h2c; 8'hca: s1_box = 8'h80; 8'hcb: s1_box = 8'hf7;
      8'hcc: s1_box = 8'h74; 8'hcd: s1_box = 8'he7; 8'hce: s1_box = 8'hff; 8'hcf: s1_box = 8'h21;
      8'hd0: s1_box = 8'h5a; 8'hd1: s1_box = 8'h6a; 8'hd2: s1_box = 8'h54; 8'hd3: s1_box = 8'h1e;
      8'hd4: s1_box = 8'h41; 8'hd5: s1_box = 8'h31; 8'hd6: s1_box = 8'h92; 8'hd7: s1_box = 8'h35;
      8'hd8: s1_box = 8'hc4; 8'hd9: s1_box = 8'h33; 8'hda: s1_box = 8'h07; 8'hdb: s1_box = 8'h0a;
      8'hdc: s1_box = 8'hba; 8'hdd: s1_box = 8'h7e; 8'hde: s1_box = 8'h0e; 8'hdf: s1_box = 8'h34;
      8'he0: s1_box = 8'h88; 8'he1: s1_box = 8'hb1; 8'he2: s1_box = 8'h98; 8'he3: s1_box = 8'h7c;
      8'he4: s1_box = 8'hf3; 8'he5: s1_box = 8'h3d; 8'he6: s1_box = 8'h60; 8'he7: s1_box = 8'h6c;
      8'he8: s1_box = 8'h7b; 8'he9: s1_box = 8'hca; 8'hea: s1_box = 8'hd3; 8'heb: s1_box = 8'h1f;
      8'hec: s1_box = 8'h32; 8'hed: s1_box = 8'h65; 8'hee: s1_box = 8'h04; 8'hef: s1_box = 8'h28;
      8'hf0: s1_box = 8'h64; 8'hf1: s1_box = 8'hbe; 8'hf2: s1_box = 8'h85; 8'hf3: s1_box = 8'h9b;
      8'hf4: s1_box = 8'h2f; 8'hf5: s1_box = 8'h59; 8'hf6: s1_box = 8'h8a; 8'hf7: s1_box = 8'hd7;
      8'hf8: s1_box = 8'hb0; 8'hf9: s1_box = 8'h25; 8'hfa: s1_box = 8'hac; 8'hfb: s1_box = 8'haf;
      8'hfc: s1_box = 8'h12; 8'hfd: s1_box = 8'h03; 8'hfe: s1_box = 8'he2; 8'hff: s1_box = 8'hf2;
      default: s1_box = 8'h00;
    endcase
  endfunction

  // Multiplication by 2^k modulo 2^31 - 1 is a 31-bit rotation.
  function automatic logic [30:0] rot31(input logic [30:0] x, input int k);
    rot31 = (x << k) | (x >> (31 - k));
  endfunction

  function automatic logic [31:0] rotl32(input logic [31:0] x, input int k);
    rotl32 = (x << k) | (x >> (32 - k));
  endfunction

  function automatic logic [31:0] l1(input logic [31:0] x);
    l1 = x ^ rotl32(x, 2) ^ rotl32(x, 10) ^ rotl32(x, 18) ^ rotl32(x, 24);
  endfunction

  function automatic logic [31:0] l2(input logic [31:0] x);
    l2 = x ^ rotl32(x, 8) ^ rotl32(x, 14) ^ rotl32(x, 22) ^ rotl32(x, 30);
  endfunction

  function automatic logic [31:0] sbox32(input logic [31:0] x);
    sbox32 = {s0_box(x[31:24]), s1_box(x[23:16]), s0_box(x[15:8]), s1_box(x[7:0])};
  endfunction

  // Modular arithmetic without serial additions. A carry out of bit 30 weighs 2^31 = 1 modulo
  // 2^31 - 1, so a carry-save step keeps 31-bit rows by rotating the carry row left by one; the
  // two rows left at the end go through one end-around-carry adder, built as two parallel
  // 32-bit adders (a + b and a + b + 1) and a select on the carry out of the first. With a + b
  // not 0 (true when any addend is not 0, which holds for every LFSR cell: key loading puts a
  // non-zero d_i in each, and the adder never returns 0) the result lies in 1..2^31 - 1, the
  // representative the specification's "0 becomes 2^31 - 1" rule (clause 3.2) produces.
  function automatic logic [61:0] csa3(input logic [30:0] x, input logic [30:0] y,
                                       input logic [30:0] z);
    logic [30:0] mj;
    mj   = (x & y) | (x & z) | (y & z);
    csa3 = {x ^ y ^ z, rot31(mj, 1)};
  endfunction

  function automatic logic [30:0] add_eac(input logic [30:0] a, input logic [30:0] b);
    logic [31:0] c0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [31:0] c1;  // bit 0 is the constant carry-in
    /* verilator lint_on UNUSEDSIGNAL */
    c0      = {1'b0, a} + {1'b0, b};
    c1      = {a, 1'b1} + {b, 1'b1};   // bits 31..1: a + b + 1
    add_eac = c0[31] ? c1[31:1] : c0[30:0];
  endfunction

  // 2^17 t13 + 2^21 t10 + 2^20 t4 + (1 + 2^8) t0, the part of the feedback v (clause 3.2) that
  // does not read s15, as five rows reduced by 5:3 column counters to three rows (weights 1, 2,
  // 4, returned as {q2, q1, q0}); a carry-save step and an end-around-carry adder finish it.
  // The counts are written as logic (an arithmetic sum would become carry chains): two full
  // adders give the weight-1 bit and two weight-2 bits, whose sum is bits 1 and 2.
  function automatic logic [92:0] v_rows(input logic [30:0] t0, input logic [30:0] t4,
                                         input logic [30:0] t10, input logic [30:0] t13);
    logic [30:0] a, b, c, d, e, q0, q1, q2;
    logic        s1, k1, k2;
    a = rot31(t13, 17);
    b = rot31(t10, 21);
    c = rot31(t4, 20);
    d = t0;
    e = rot31(t0, 8);
    for (int i = 0; i < 31; i++) begin
      s1    = a[i] ^ b[i] ^ c[i];
      k1    = (a[i] & b[i]) | (a[i] & c[i]) | (b[i] & c[i]);
      q0[i] = s1 ^ d[i] ^ e[i];
      k2    = (s1 & d[i]) | (s1 & e[i]) | (d[i] & e[i]);
      q1[i] = k1 ^ k2;
      q2[i] = k1 & k2;
    end
    v_rows = {q2, q1, q0};
  endfunction

  // Key-dependent state (cleared by clear_i and by reset, otherwise no reset): the LFSR cells
  // s0..s15 (31 bits each, s_i in bits [31*i +: 31]), the FSM words R1/R2, the precomputed part
  // of the next feedback and the keystream output register.
  logic [495:0] s_q /*verilator public_flat_rd*/;
  logic [31:0]  r1_q /*verilator public_flat_rd*/, r2_q /*verilator public_flat_rd*/;
  logic [30:0]  p_q /*verilator public_flat_rd*/;
  logic [31:0]  z_q /*verilator public_flat_rd*/;

  // Control state (reset): initialisation rounds, the discarded round, keystream mode.
  logic       idle_q, init_q, disc_q, run_q, zv_q;
  logic [4:0] cnt_q;

  logic load, step, wipe;
  assign ready_o    = idle_q;
  assign ks_valid_o = zv_q;
  assign ks_o       = z_q;
  assign load       = init_i && idle_q;  // clear_i wins below
  // In keystream mode the state advances whenever the output register is empty or read.
  assign step       = init_q || disc_q || (run_q && (!zv_q || ks_ready_i));
  assign wipe       = clear_i || !rst_ni;

  // Key loading (clause 3.5.1): s_i = k_i || d_i || iv_i.
  logic [495:0] kl_w;
  always_comb begin
    for (int i = 0; i < 16; i++) begin
      kl_w[31*i +: 31] = {key_i[127-8*i -: 8], Dconst[15*i +: 15], iv_i[127-8*i -: 8]};
    end
  end

  // Bit reorganisation (clause 3.3) and the nonlinear function F (clause 3.4) on the current
  // state; X3 and W make the keystream word.
  logic [31:0] x0_w, x1_w, x2_w, x3_w, w_w, w1_w, w2_w, r1_n, r2_n;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] wi_w;  // W in initialisation mode; the feedback takes W >> 1
  /* verilator lint_on UNUSEDSIGNAL */
  logic [30:0] fb_w, p_n, pk_n, ps_n;
  logic [61:0] fsc_w, psc_w, pkc_w;
  logic [92:0] prow_w, pkrow_w;
  always_comb begin
    x0_w = {s_q[31*15+15 +: 16], s_q[31*14 +: 16]};  // s15H || s14L
    x1_w = {s_q[31*11 +: 16], s_q[31*9+15 +: 16]};   // s11L || s9H
    x2_w = {s_q[31*7 +: 16], s_q[31*5+15 +: 16]};    // s7L || s5H
    x3_w = {s_q[31*2 +: 16], s_q[15 +: 16]};         // s2L || s0H
    w_w  = (x0_w ^ r1_q) + r2_q;
    w1_w = r1_q + x1_w;
    w2_w = r2_q ^ x2_w;
    r1_n = sbox32(l1({w1_w[15:0], w2_w[31:16]}));
    r2_n = sbox32(l2({w2_w[15:0], w1_w[31:16]}));
    // The feedback (clause 3.2): s16 = v (+ W >> 1 in initialisation mode), with
    // v = 2^15 s15 + p, p = 2^17 s13 + 2^21 s10 + 2^20 s4 + (1 + 2^8) s0 from p_q. W here has
    // its own adder whose inputs are zero outside initialisation mode, so the term needs no
    // select after the adder.
    wi_w  = ({32{init_q}} & (x0_w ^ r1_q)) + ({32{init_q}} & r2_q);
    fsc_w = csa3(p_q, rot31(s_q[31*15 +: 31], 15), wi_w[31:1]);
    fb_w  = add_eac(fsc_w[61:31], fsc_w[30:0]);
    // p for the state after this clock: cells 1/5/11/14 of the current state (they shift down
    // on a step), or on load cells 0/4/10/13 of the loaded state. Two trees, so that the select
    // comes after the adders (a select in front would widen every counter's inputs).
    prow_w  = v_rows(s_q[31 +: 31], s_q[31*5 +: 31], s_q[31*11 +: 31], s_q[31*14 +: 31]);
    psc_w   = csa3(prow_w[0 +: 31], rot31(prow_w[31 +: 31], 1), rot31(prow_w[62 +: 31], 2));
    ps_n    = add_eac(psc_w[61:31], psc_w[30:0]);
    pkrow_w = v_rows(kl_w[0 +: 31], kl_w[31*4 +: 31], kl_w[31*10 +: 31], kl_w[31*13 +: 31]);
    pkc_w   = csa3(pkrow_w[0 +: 31], rot31(pkrow_w[31 +: 31], 1), rot31(pkrow_w[62 +: 31], 2));
    pk_n    = add_eac(pkc_w[61:31], pkc_w[30:0]);
    p_n     = load ? pk_n : ps_n;
  end

  // The secret registers: cleared by wipe, loaded on load, advanced on step. Written as
  // reset / enable so that synthesis puts wipe on the flip-flops' synchronous reset and
  // load || step on their clock enable.
  always_ff @(posedge clk_i) begin
    if (wipe) begin
      s_q <= '0;
    end else if (load) begin
      s_q <= kl_w;
    end else if (step) begin
      s_q <= {fb_w, s_q[495:31]};
    end
  end

  always_ff @(posedge clk_i) begin
    if (wipe || load) begin
      r1_q <= '0;
      r2_q <= '0;
    end else if (step) begin
      r1_q <= r1_n;
      r2_q <= r2_n;
    end
  end

  always_ff @(posedge clk_i) begin
    if (wipe) begin
      p_q <= '0;
    end else if (load || step) begin
      p_q <= p_n;
    end
  end

  always_ff @(posedge clk_i) begin
    if (wipe) begin
      z_q <= '0;
    end else if (run_q && step) begin
      z_q <= w_w ^ x3_w;
    end
  end

  // Sequencing: load, 32 initialisation rounds, one working-mode round whose output is
  // discarded, then keystream mode, where the first step fills the output register.
  always_ff @(posedge clk_i) begin
    if (wipe) begin
      idle_q <= 1'b1;
      init_q <= 1'b0;
      disc_q <= 1'b0;
      run_q  <= 1'b0;
      zv_q   <= 1'b0;
      cnt_q  <= '0;
    end else begin
      if (load) begin
        idle_q <= 1'b0;
        init_q <= 1'b1;
        cnt_q  <= '0;
      end
      if (init_q) begin
        cnt_q <= cnt_q + 5'd1;
        if (cnt_q == 5'd31) begin
          init_q <= 1'b0;
          disc_q <= 1'b1;
        end
      end
      if (disc_q) begin
        disc_q <= 1'b0;
        run_q  <= 1'b1;
      end
      zv_q <= run_q;
    end
  end

endmodule
