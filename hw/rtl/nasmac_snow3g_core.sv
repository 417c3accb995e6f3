// nasmac_snow3g_core: bus-free SNOW 3G keystream generator (ETSI/SAGE "UEA2 & UIA2 Document 2:
// SNOW 3G Specification" v1.1, clauses 3 and 4), one 32-bit keystream word per clock.
//
// Protocol: in IDLE the core raises ready_o; init_i (sampled when ready_o is high) loads key_i
// and iv_i. The core then runs the 32 initialisation clocks and the one clock whose output is
// discarded, and presents z1 on ks_o with ks_valid_o. Each ks_valid_o && ks_ready_i advances to
// the next word. clear_i (any time) wipes the whole state and returns to IDLE: the owner raises
// it as soon as it has the words it needs, so no key-dependent state outlives a job.
//
// Octet order follows the test data: key_i = k3||k2||k1||k0 (k3 in [127:96]) and
// iv_i = IV3||IV2||IV1||IV0 (IV3 in [127:96]).
module nasmac_snow3g_core (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         init_i,
  input  logic [127:0] key_i,
  input  logic [127:0] iv_i,
  output logic         ready_o,
  input  logic         clear_i,
  output logic         ks_valid_o,
  input  logic         ks_ready_i,
  output logic [31:0]  ks_o
);

  // MULalpha(c) and DIValpha(c) of spec clause 3.4.2/3.4.3 are linear in the bits of c, so each
  // is the XOR of the images of the set bits; the eight images per map are listed below
  // (MULalpha(2^b) and DIValpha(2^b), computed from MULxPOW with c = 0xA9).
  localparam logic [255:0] MulAlphaBasis = {
    32'h50358897, 32'h28ce449f, 32'h1467229b, 32'h0ae71199,
    32'h05a7dc98, 32'hd6876e4c, 32'h6b973726, 32'he19fcf13
  };
  localparam logic [255:0] DivAlphaBasis = {
    32'he18d0321, 32'ha492d5c4, 32'h5249be62, 32'h29f05f31,
    32'hc078fbcc, 32'h603ca966, 32'h301e8033, 32'h180f40cd
  };

  function automatic logic [7:0] sr_box(input logic [7:0] x);
    case (x)
      8'h00: sr_box = 8'h63; 8'h01: sr_box = 8'h7c; 8'h02: sr_box = 8'h77; 8'h03: sr_box = 8'h7b;
      8'h04: sr_box = 8'hf2; 8'h05: sr_box = 8'h6b; 8'h06: sr_box = 8'h6f; 8'h07: sr_box = 8'hc5;
      8'h08: sr_box = 8'h30; 8'h09: sr_box = 8'h01; 8'h0a: sr_box = 8'h67; 8'h0b: sr_box = 8'h2b;
      8'h0c: sr_box = 8'hfe; 8'h0d: sr_box = 8'hd7; 8'h0e: sr_box = 8'hab; 8'h0f: sr_box = 8'h76;
      8'h10: sr_box = 8'hca; 8'h11: sr_box = 8'h82; 8'h12: sr_box = 8'hc9; 8'h13: sr_box = 8'h7d;
      8'h14: sr_box = 8'hfa; 8'h15: sr_box = 8'h59; 8'h16: sr_box = 8'h47; 8'h17: sr_box = 8'hf0;
      8'h18: sr_box = 8'had; 8'h19: sr_box = 8'hd4; 8'h1a: sr_box = 8'ha2; 8'h1b: sr_box = 8'haf;
      8'h1c: sr_box = 8'h9c; 8'h1d: sr_box = 8'ha4; 8'h1e: sr_box = 8'h72; 8'h1f: sr_box = 8'hc0;
      8'h20: sr_box = 8'hb7; 8'h21: sr_box = 8'hfd; 8'h22: sr_box = 8'h93; 8'h23: sr_box = 8'h26;
      8'h24: sr_box = 8'h36; 8'h25: sr_box = 8'h3f; 8'h26: sr_box = 8'hf7; 8'h27: sr_box = 8'hcc;
      8'h28: sr_box = 8'h34; 8'h29: sr_box = 8'ha5; 8'h2a: sr_box = 8'he5; 8'h2b: sr_box = 8'hf1;
      8'h2c: sr_box = 8'h71; 8'h2d: sr_box = 8'hd8; 8'h2e: sr_box = 8'h31; 8'h2f: sr_box = 8'h15;
      8'h30: sr_box = 8'h04; 8'h31: sr_box = 8'hc7; 8'h32: sr_box = 8'h23; 8'h33: sr_box = 8'hc3;
      8'h34: sr_box = 8'h18; 8'h35: sr_box = 8'h96; 8'h36: sr_box = 8'h05; 8'h37: sr_box = 8'h9a;
      8'h38: sr_box = 8'h07; 8'h39: sr_box = 8'h12; 8'h3a: sr_box = 8'h80; 8'h3b: sr_box = 8'he2;
      8'h3c: sr_box = 8'heb; 8'h3d: sr_box = 8'h27; 8'h3e: sr_box = 8'hb2; 8'h3f: sr_box = 8'h75;
      8'h40: sr_box = 8'h09; 8'h41: sr_box = 8'h83; 8'h42: sr_box = 8'h2c; 8'h43: sr_box = 8'h1a;
      8'h44: sr_box = 8'h1b; 8'h45: sr_box = 8'h6e; 8'h46: sr_box = 8'h5a; 8'h47: sr_box = 8'ha0;
      8'h48: sr_box = 8'h52; 8'h49: sr_box = 8'h3b; 8'h4a: sr_box = 8'hd6; 8'h4b: sr_box = 8'hb3;
      8'h4c: sr_box = 8'h29; 8'h4d: sr_box = 8'he3; 8'h4e: sr_box = 8'h2f; 8'h4f: sr_box = 8'h84;
      8'h50: sr_box = 8'h53; 8'h51: sr_box = 8'hd1; 8'h52: sr_box = 8'h00; 8'h53: sr_box = 8'hed;
      8'h54: sr_box = 8'h20; 8'h55: sr_box = 8'hfc; 8'h56: sr_box = 8'hb1; 8'h57: sr_box = 8'h5b;
      8'h58: sr_box = 8'h6a; 8'h59: sr_box = 8'hcb; 8'h5a: sr_box = 8'hbe; 8'h5b: sr_box = 8'h39;
      8'h5c: sr_box = 8'h4a; 8'h5d: sr_box = 8'h4c; 8'h5e: sr_box = 8'h58; 8'h5f: sr_box = 8'hcf;
      8'h60: sr_box = 8'hd0; 8'h61: sr_box = 8'hef; 8'h62: sr_box = 8'haa; 8'h63: sr_box = 8'hfb;
      8'h64: sr_box = 8'h43; 8'h65: sr_box = 8'h4d; 8'h66: sr_box = 8'h33; 8'h67: sr_box = 8'h85;
      8'h68: sr_box = 8'h45; 8'h69: sr_box = 8'hf9; 8'h6a: sr_box = 8'h02; 8'h6b: sr_box = 8'h7f;
      8'h6c: sr_box = 8'h50; 8'h6d: sr_box = 8'h3c; 8'h6e: sr_box = 8'h9f; 8'h6f: sr_box = 8'ha8;
      8'h70: sr_box = 8'h51; 8'h71: sr_box = 8'ha3; 8'h72: sr_box = 8'h40; 8'h73: sr_box = 8'h8f;
      8'h74: sr_box = 8'h92; 8'h75: sr_box = 8'h9d; 8'h76: sr_box = 8'h38; 8'h77: sr_box = 8'hf5;
      8'h78: sr_box = 8'hbc; 8'h79: sr_box = 8'hb6; 8'h7a: sr_box = 8'hda; 8'h7b: sr_box = 8'h21;
      8'h7c: sr_box = 8'h10; 8'h7d: sr_box = 8'hff; 8'h7e: sr_box = 8'hf3; 8'h7f: sr_box = 8'hd2;
      8'h80: sr_box = 8'hcd; 8'h81: sr_box = 8'h0c; 8'h82: sr_box = 8'h13; 8'h83: sr_box = 8'hec;
      8'h84: sr_box = 8'h5f; 8'h85: sr_box = 8'h97; 8'h86: sr_box = 8'h44; 8'h87: sr_box = 8'h17;
      8'h88: sr_box = 8'hc4; 8'h89: sr_box = 8'ha7; 8'h8a: sr_box = 8'h7e; 8'h8b: sr_box = 8'h3d;
      8'h8c: sr_box = 8'h64; 8'h8d: sr_box = 8'h5d; 8'h8e: sr_box = 8'h19; 8'h8f: sr_box = 8'h73;
      8'h90: sr_box = 8'h60; 8'h91: sr_box = 8'h81; 8'h92: sr_box = 8'h4f; 8'h93: sr_box = 8'hdc;
      8'h94: sr_box = 8'h22; 8'h95: sr_box = 8'h2a; 8'h96: sr_box = 8'h90; 8'h97: sr_box = 8'h88;
      8'h98: sr_box = 8'h46; 8'h99: sr_box = 8'hee; 8'h9a: sr_box = 8'hb8; 8'h9b: sr_box = 8'h14;
      8'h9c: sr_box = 8'hde; 8'h9d: sr_box = 8'h5e; 8'h9e: sr_box = 8'h0b; 8'h9f: sr_box = 8'hdb;
      8'ha0: sr_box = 8'he0; 8'ha1: sr_box = 8'h32; 8'ha2: sr_box = 8'h3a; 8'ha3: sr_box = 8'h0a;
      8'ha4: sr_box = 8'h49; 8'ha5: sr_box = 8'h06; 8'ha6: sr_box = 8'h24; 8'ha7: sr_box = 8'h5c;
      8'ha8: sr_box = 8'hc2; 8'ha9: sr_box = 8'hd3; 8'haa: sr_box = 8'hac; 8'hab: sr_box = 8'h62;
      8'hac: sr_box = 8'h91; 8'had: sr_box = 8'h95; 8'hae: sr_box = 8'he4; 8'haf: sr_box = 8'h79;
      8'hb0: sr_box = 8'he7; 8'hb1: sr_box = 8'hc8; 8'hb2: sr_box = 8'h37; 8'hb3: sr_box = 8'h6d;
      8'hb4: sr_box = 8'h8d; 8'hb5: sr_box = 8'hd5; 8'hb6: sr_box = 8'h4e; 8'hb7: sr_box = 8'ha9;
      8'hb8: sr_box = 8'h6c; 8'hb9: sr_box = 8'h56; 8'hba: sr_box = 8'hf4; 8'hbb: sr_box = 8'hea;
      8'hbc: sr_box = 8'h65; 8'hbd: sr_box = 8'h7a; 8'hbe: sr_box = 8'hae; 8'hbf: sr_box = 8'h08;
      8'hc0: sr_box = 8'hba; 8'hc1: sr_box = 8'h78; 8'hc2: sr_box = 8'h25; 8'hc3: sr_box = 8'h2e;
      8'hc4: sr_box = 8'h1c; 8'hc5: sr_box = 8'ha6; 8'hc6: sr_box = 8'hb4; 8'hc7: sr_box = 8'hc6;
      8'hc8: sr_box = 8'he8; 8'hc9: sr_box = 8'hdd; 8'hca: sr_box = 8'h74; 8'hcb: sr_box = 8'h1f;
      8'hcc: sr_box = 8'h4b; 8'hcd: sr_box = 8'hbd; 8'hce: sr_box = 8'h8b; 8'hcf: sr_box = 8'h8a;
      8'hd0: sr_box = 8'h70; 8'hd1: sr_box = 8'h3e; 8'hd2: sr_box = 8'hb5; 8'hd3: sr_box = 8'h66;
      8'hd4: sr_box = 8'h48; 8'hd5: sr_box = 8'h03; 8'hd6: sr_box = 8'hf6; 8'hd7: sr_box = 8'h0e;
      8'hd8: sr_box = 8'h61; 8'hd9: sr_box = 8'h35; 8'hda: sr_box = 8'h57; 8'hdb: sr_box = 8'hb9;
      8'hdc: sr_box = 8'h86; 8'hdd: sr_box = 8'hc1; 8'hde: sr_box = 8'h1d; 8'hdf: sr_box = 8'h9e;
      8'he0: sr_box = 8'he1; 8'he1: sr_box = 8'hf8; 8'he2: sr_box = 8'h98; 8'he3: sr_box = 8'h11;
      8'he4: sr_box = 8'h69; 8'he5: sr_box = 8'hd9; 8'he6: sr_box = 8'h8e; 8'he7: sr_box = 8'h94;
      8'he8: sr_box = 8'h9b; 8'he9: sr_box = 8'h1e; 8'hea: sr_box = 8'h87; 8'heb: sr_box = 8'he9;
      8'hec: sr_box = 8'hce; 8'hed: sr_box = 8'h55; 8'hee: sr_box = 8'h28; 8'hef: sr_box = 8'hdf;
      8'hf0: sr_box = 8'h8c; 8'hf1: sr_box = 8'ha1; 8'hf2: sr_box = 8'h89; 8'hf3: sr_box = 8'h0d;
      8'hf4: sr_box = 8'hbf; 8'hf5: sr_box = 8'he6; 8'hf6: sr_box = 8'h42; 8'hf7: sr_box = 8'h68;
      8'hf8: sr_box = 8'h41; 8'hf9: sr_box = 8'h99; 8'hfa: sr_box = 8'h2d; 8'hfb: sr_box = 8'h0f;
      8'hfc: sr_box = 8'hb0; 8'hfd: sr_box = 8'h54; 8'hfe: sr_box = 8'hbb; 8'hff: sr_box = 8'h16;
      default: sr_box = 8'h00;
    endcase
  endfunction

  function automatic logic [7:0] sq_box(input logic [7:0] x);
    case (x)
      8'h00: sq_box = 8'h25; 8'h01: sq_box = 8'h24; 8'h02: sq_box = 8'h73; 8'h03: sq_box = 8'h67;
      8'h04: sq_box = 8'hd7; 8'h05: sq_box = 8'hae; 8'h06: sq_box = 8'h5c; 8'h07: sq_box = 8'h30;
      8'h08: sq_box = 8'ha4; 8'h09: sq_box = 8'hee; 8'h0a: sq_box = 8'h6e; 8'h0b: sq_box = 8'hcb;
      8'h0c: sq_box = 8'h7d; 8'h0d: sq_box = 8'hb5; 8'h0e: sq_box = 8'h82; 8'h0f: sq_box = 8'hdb;
      8'h10: sq_box = 8'he4; 8'h11: sq_box = 8'h8e; 8'h12: sq_box = 8'h48; 8'h13: sq_box = 8'h49;
      8'h14: sq_box = 8'h4f; 8'h15: sq_box = 8'h5d; 8'h16: sq_box = 8'h6a; 8'h17: sq_box = 8'h78;
      8'h18: sq_box = 8'h70; 8'h19: sq_box = 8'h88; 8'h1a: sq_box = 8'he8; 8'h1b: sq_box = 8'h5f;
      8'h1c: sq_box = 8'h5e; 8'h1d: sq_box = 8'h84; 8'h1e: sq_box = 8'h65; 8'h1f: sq_box = 8'he2;
      8'h20: sq_box = 8'hd8; 8'h21: sq_box = 8'he9; 8'h22: sq_box = 8'hcc; 8'h23: sq_box = 8'hed;
      8'h24: sq_box = 8'h40; 8'h25: sq_box = 8'h2f; 8'h26: sq_box = 8'h11; 8'h27: sq_box = 8'h28;
      8'h28: sq_box = 8'h57; 8'h29: sq_box = 8'hd2; 8'h2a: sq_box = 8'hac; 8'h2b: sq_box = 8'he3;
      8'h2c: sq_box = 8'h4a; 8'h2d: sq_box = 8'h15; 8'h2e: sq_box = 8'h1b; 8'h2f: sq_box = 8'hb9;
      8'h30: sq_box = 8'hb2; 8'h31: sq_box = 8'h80; 8'h32: sq_box = 8'h85; 8'h33: sq_box = 8'ha6;
      8'h34: sq_box = 8'h2e; 8'h35: sq_box = 8'h02; 8'h36: sq_box = 8'h47; 8'h37: sq_box = 8'h29;
      8'h38: sq_box = 8'h07; 8'h39: sq_box = 8'h4b; 8'h3a: sq_box = 8'h0e; 8'h3b: sq_box = 8'hc1;
      8'h3c: sq_box = 8'h51; 8'h3d: sq_box = 8'haa; 8'h3e: sq_box = 8'h89; 8'h3f: sq_box = 8'hd4;
      8'h40: sq_box = 8'hca; 8'h41: sq_box = 8'h01; 8'h42: sq_box = 8'h46; 8'h43: sq_box = 8'hb3;
      8'h44: sq_box = 8'hef; 8'h45: sq_box = 8'hdd; 8'h46: sq_box = 8'h44; 8'h47: sq_box = 8'h7b;
      8'h48: sq_box = 8'hc2; 8'h49: sq_box = 8'h7f; 8'h4a: sq_box = 8'hbe; 8'h4b: sq_box = 8'hc3;
      8'h4c: sq_box = 8'h9f; 8'h4d: sq_box = 8'h20; 8'h4e: sq_box = 8'h4c; 8'h4f: sq_box = 8'h64;
      8'h50: sq_box = 8'h83; 8'h51: sq_box = 8'ha2; 8'h52: sq_box = 8'h68; 8'h53: sq_box = 8'h42;
      8'h54: sq_box = 8'h13; 8'h55: sq_box = 8'hb4; 8'h56: sq_box = 8'h41; 8'h57: sq_box = 8'hcd;
      8'h58: sq_box = 8'hba; 8'h59: sq_box = 8'hc6; 8'h5a: sq_box = 8'hbb; 8'h5b: sq_box = 8'h6d;
      8'h5c: sq_box = 8'h4d; 8'h5d: sq_box = 8'h71; 8'h5e: sq_box = 8'h21; 8'h5f: sq_box = 8'hf4;
      8'h60: sq_box = 8'h8d; 8'h61: sq_box = 8'hb0; 8'h62: sq_box = 8'he5; 8'h63: sq_box = 8'h93;
      8'h64: sq_box = 8'hfe; 8'h65: sq_box = 8'h8f; 8'h66: sq_box = 8'he6; 8'h67: sq_box = 8'hcf;
      8'h68: sq_box = 8'h43; 8'h69: sq_box = 8'h45; 8'h6a: sq_box = 8'h31; 8'h6b: sq_box = 8'h22;
      8'h6c: sq_box = 8'h37; 8'h6d: sq_box = 8'h36; 8'h6e: sq_box = 8'h96; 8'h6f: sq_box = 8'hfa;
      8'h70: sq_box = 8'hbc; 8'h71: sq_box = 8'h0f; 8'h72: sq_box = 8'h08; 8'h73: sq_box = 8'h52;
      8'h74: sq_box = 8'h1d; 8'h75: sq_box = 8'h55; 8'h76: sq_box = 8'h1a; 8'h77: sq_box = 8'hc5;
      8'h78: sq_box = 8'h4e; 8'h79: sq_box = 8'h23; 8'h7a: sq_box = 8'h69; 8'h7b: sq_box = 8'h7a;
      8'h7c: sq_box = 8'h92; 8'h7d: sq_box = 8'hff; 8'h7e: sq_box = 8'h5b; 8'h7f: sq_box = 8'h5a;
      8'h80: sq_box = 8'heb; 8'h81: sq_box = 8'h9a; 8'h82: sq_box = 8'h1c; 8'h83: sq_box = 8'ha9;
      8'h84: sq_box = 8'hd1; 8'h85: sq_box = 8'h7e; 8'h86: sq_box = 8'h0d; 8'h87: sq_box = 8'hfc;
      8'h88: sq_box = 8'h50; 8'h89: sq_box = 8'h8a; 8'h8a: sq_box = 8'hb6; 8'h8b: sq_box = 8'h62;
      8'h8c: sq_box = 8'hf5; 8'h8d: sq_box = 8'h0a; 8'h8e: sq_box = 8'hf8; 8'h8f: sq_box = 8'hdc;
      8'h90: sq_box = 8'h03; 8'h91: sq_box = 8'h3c; 8'h92: sq_box = 8'h0c; 8'h93: sq_box = 8'h39;
      8'h94: sq_box = 8'hf1; 8'h95: sq_box = 8'hb8; 8'h96: sq_box = 8'hf3; 8'h97: sq_box = 8'h3d;
      8'h98: sq_box = 8'hf2; 8'h99: sq_box = 8'hd5; 8'h9a: sq_box = 8'h97; 8'h9b: sq_box = 8'h66;
      8'h9c: sq_box = 8'h81; 8'h9d: sq_box = 8'h32; 8'h9e: sq_box = 8'ha0; 8'h9f: sq_box = 8'h00;
      8'ha0: sq_box = 8'h06; 8'ha1: sq_box = 8'hce; 8'ha2: sq_box = 8'hf6; 8'ha3: sq_box = 8'hea;
      8'ha4: sq_box = 8'hb7; 8'ha5: sq_box = 8'h17; 8'ha6: sq_box = 8'hf7; 8'ha7: sq_box = 8'h8c;
      8'ha8: sq_box = 8'h79; 8'ha9: sq_box = 8'hd6; 8'haa: sq_box = 8'ha7; 8'hab: sq_box = 8'hbf;
      8'hac: sq_box = 8'h8b; 8'had: sq_box = 8'h3f; 8'hae: sq_box = 8'h1f; 8'haf: sq_box = 8'h53;
      8'hb0: sq_box = 8'h63; 8'hb1: sq_box = 8'h75; 8'hb2: sq_box = 8'h35; 8'hb3: sq_box = 8'h2c;
      8'hb4: sq_box = 8'h60; 8'hb5: sq_box = 8'hfd; 8'hb6: sq_box = 8'h27; 8'hb7: sq_box = 8'hd3;
      8'hb8: sq_box = 8'h94; 8'hb9: sq_box = 8'ha5; 8'hba: sq_box = 8'h7c; 8'hbb: sq_box = 8'ha1;
      8'hbc: sq_box = 8'h05; 8'hbd: sq_box = 8'h58; 8'hbe: sq_box = 8'h2d; 8'hbf: sq_box = 8'hbd;
      8'hc0: sq_box = 8'hd9; 8'hc1: sq_box = 8'hc7; 8'hc2: sq_box = 8'haf; 8'hc3: sq_box = 8'h6b;
      8'hc4: sq_box = 8'h54; 8'hc5: sq_box = 8'h0b; 8'hc6: sq_box = 8'he0; 8'hc7: sq_box = 8'h38;
      8'hc8: sq_box = 8'h04; 8'hc9: sq_box = 8'hc8; 8'hca: sq_box = 8'h9d; 8'hcb: sq_box = 8'he7;
      8'hcc: sq_box = 8'h14; 8'hcd: sq_box = 8'hb1; 8'hce: sq_box = 8'h87; 8'hcf: sq_box = 8'h9c;
      8'hd0: sq_box = 8'hdf; 8'hd1: sq_box = 8'h6f; 8'hd2: sq_box = 8'hf9; 8'hd3: sq_box = 8'hda;
      8'hd4: sq_box = 8'h2a; 8'hd5: sq_box = 8'hc4; 8'hd6: sq_box = 8'h59; 8'hd7: sq_box = 8'h16;
      8'hd8: sq_box = 8'h74; 8'hd9: sq_box = 8'h91; 8'hda: sq_box = 8'hab; 8'hdb: sq_box = 8'h26;
      8'hdc: sq_box = 8'h61; 8'hdd: sq_box = 8'h76; 8'hde: sq_box = 8'h34; 8'hdf: sq_box = 8'h2b;
      8'he0: sq_box = 8'had; 8'he1: sq_box = 8'h99; 8'he2: sq_box = 8'hfb; 8'he3: sq_box = 8'h72;
      8'he4: sq_box = 8'hec; 8'he5: sq_box = 8'h33; 8'he6: sq_box = 8'h12; 8'he7: sq_box = 8'hde;
      8'he8: sq_box = 8'h98; 8'he9: sq_box = 8'h3b; 8'hea: sq_box = 8'hc0; 8'heb: sq_box = 8'h9b;
      8'hec: sq_box = 8'h3e; 8'hed: sq_box = 8'h18; 8'hee: sq_box = 8'h10; 8'hef: sq_box = 8'h3a;
      8'hf0: sq_box = 8'h56; 8'hf1: sq_box = 8'he1; 8'hf2: sq_box = 8'h77; 8'hf3: sq_box = 8'hc9;
      8'hf4: sq_box = 8'h1e; 8'hf5: sq_box = 8'h9e; 8'hf6: sq_box = 8'h95; 8'hf7: sq_box = 8'ha3;
      8'hf8: sq_box = 8'h90; 8'hf9: sq_box = 8'h19; 8'hfa: sq_box = 8'ha8; 8'hfb: sq_box = 8'h6c;
      8'hfc: sq_box = 8'h09; 8'hfd: sq_box = 8'hd0; 8'hfe: sq_box = 8'hf0; 8'hff: sq_box = 8'h86;
      default: sq_box = 8'h00;
    endcase
  endfunction

  function automatic logic [31:0] mul_alpha(input logic [7:0] c);
    mul_alpha = '0;
    for (int b = 0; b < 8; b++) begin
      if (c[b]) mul_alpha = mul_alpha ^ MulAlphaBasis[32*b +: 32];
    end
  endfunction

  function automatic logic [31:0] div_alpha(input logic [7:0] c);
    div_alpha = '0;
    for (int b = 0; b < 8; b++) begin
      if (c[b]) div_alpha = div_alpha ^ DivAlphaBasis[32*b +: 32];
    end
  endfunction

  // MULx(v, c) of clause 3.1.1.
  function automatic logic [7:0] mulx(input logic [7:0] v, input logic [7:0] c);
    mulx = v[7] ? ({v[6:0], 1'b0} ^ c) : {v[6:0], 1'b0};
  endfunction

  // One column of the S1/S2 mixing of clause 3.3.1/3.3.2 applied to the S-boxed bytes
  // s0..s3 (s0 from the most significant input byte) with reduction constant c.
  function automatic logic [31:0] mix(input logic [31:0] s, input logic [7:0] c);
    logic [7:0] s0, s1, s2, s3;
    s0 = s[31:24];
    s1 = s[23:16];
    s2 = s[15:8];
    s3 = s[7:0];
    mix[31:24] = mulx(s0, c) ^ s1 ^ s2 ^ mulx(s3, c) ^ s3;
    mix[23:16] = mulx(s0, c) ^ s0 ^ mulx(s1, c) ^ s2 ^ s3;
    mix[15:8]  = s0 ^ mulx(s1, c) ^ s1 ^ mulx(s2, c) ^ s3;
    mix[7:0]   = s0 ^ s1 ^ mulx(s2, c) ^ s2 ^ mulx(s3, c);
  endfunction

  function automatic logic [31:0] s1_box(input logic [31:0] w);
    s1_box = mix({sr_box(w[31:24]), sr_box(w[23:16]), sr_box(w[15:8]), sr_box(w[7:0])}, 8'h1b);
  endfunction

  function automatic logic [31:0] s2_box(input logic [31:0] w);
    s2_box = mix({sq_box(w[31:24]), sq_box(w[23:16]), sq_box(w[15:8]), sq_box(w[7:0])}, 8'h69);
  endfunction

  // LFSR cells s0..s15, s_i in bits [32*i +: 32].
  logic [511:0] s_q /*verilator public_flat_rd*/, s_d;
  logic         step, init_mode;
  logic [31:0] r1_q /*verilator public_flat_rd*/, r1_d, r2_q /*verilator public_flat_rd*/, r2_d, r3_q /*verilator public_flat_rd*/, r3_d;

  logic [31:0] s0_w, s2_w, s5_w, s11_w, s15_w;
  assign s0_w  = s_q[0 +: 32];
  assign s2_w  = s_q[64 +: 32];
  assign s5_w  = s_q[160 +: 32];
  assign s11_w = s_q[352 +: 32];
  assign s15_w = s_q[480 +: 32];

  // FSM output F and the next FSM state (clause 3.4.6), from the current state.
  logic [31:0] f_w, fsm_r_w, fb_w;
  always_comb begin
    f_w     = (s15_w + r1_q) ^ r2_q;
    fsm_r_w = r2_q + (r3_q ^ s5_w);
    // LFSR feedback of clause 3.4.4/3.4.5 (F is added only in initialisation mode).
    fb_w = {s0_w[23:0], 8'h00} ^ mul_alpha(s0_w[31:24]) ^ s2_w ^ {8'h00, s11_w[31:8]}
           ^ div_alpha(s11_w[7:0]);
  end

  logic load;

  nasmac_eia13_ks_ctrl u_ctrl (
    .clk_i,
    .rst_ni,
    .init_i,
    .clear_i,
    .ks_ready_i,
    .ready_o,
    .ks_valid_o,
    .load_o      (load),
    .step_o      (step),
    .init_mode_o (init_mode)
  );
  assign ks_o       = f_w ^ s0_w;

  always_comb begin
    s_d     = s_q;
    r1_d    = r1_q;
    r2_d    = r2_q;
    r3_d    = r3_q;
    if (load) begin
        // Key and IV loading of clause 4.1, listed s15 first (all-ones words as ~k).
        s_d = {key_i[127:96] ^ iv_i[31:0], key_i[95:64], key_i[63:32],
               key_i[31:0] ^ iv_i[63:32], ~key_i[127:96], ~key_i[95:64] ^ iv_i[95:64],
               ~key_i[63:32] ^ iv_i[127:96], ~key_i[31:0], key_i, ~key_i};
        r1_d    = '0;
        r2_d    = '0;
        r3_d    = '0;
    end
    if (step) begin
      r3_d = s2_box(r2_q);
      r2_d = s1_box(r1_q);
      r1_d = fsm_r_w;
      s_d  = {init_mode ? (fb_w ^ f_w) : fb_w, s_q[511:32]};
    end
    if (clear_i) begin
      s_d     = '0;
      r1_d = '0;
      r2_d = '0;
      r3_d = '0;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      s_q     <= '0;
      r1_q    <= '0;
      r2_q    <= '0;
      r3_q    <= '0;
    end else begin
      s_q     <= s_d;
      r1_q    <= r1_d;
      r2_q    <= r2_d;
      r3_q    <= r3_d;
    end
  end

endmodule
