// nasmac_snow3g_core: bus-free SNOW 3G keystream generator (ETSI/SAGE "UEA2 & UIA2 Document 2:
// SNOW 3G Specification" v1.1, clauses 3 and 4), one 32-bit keystream word per clock.
//
// Protocol: in IDLE the core raises ready_o; init_i (sampled when ready_o is high) loads key_i
// and iv_i. The core then runs the 32 initialisation clocks and the one clock whose output is
// discarded, and presents z1 on ks_o with ks_valid_o. Each ks_valid_o && ks_ready_i advances to
// the next word. clear_i (any time) wipes the whole state and returns to IDLE: the owner raises
// it as soon as it has the words it needs, so no key-dependent state outlives a job. A reset
// wipes it the same way.
//
// Octet order follows the test data: key_i = k3||k2||k1||k0 (k3 in [127:96]) and
// iv_i = IV3||IV2||IV1||IV0 (IV3 in [127:96]).
module nasmac_snow3g_core (
  input  logic clk_i, rst_ni,
  // Load (taken when ready_o), wipe, and the keystream words, as the protocol above says.
  input  logic init_i, input logic [127:0] key_i, iv_i, output logic ready_o,
  input  logic clear_i,
  output logic ks_valid_o, input logic ks_ready_i, output logic [31:0] ks_o
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

  // The S-boxes are constant vectors indexed by the input byte, not case statements: from a case
  // table Yosys infers a ROM and moves the register in front of it into the ROM's address, which
  // put two S-box lookups and the FSM adders into one path (5 LUT levels and 11 MUXF).
  // S_R is the AES S-box (spec clause 3.3.1): nasmac_sbox_pkg's table.
  function automatic logic [7:0] sr_box(input logic [7:0] x);
    sr_box = nasmac_sbox_pkg::AesSbox[8*x +: 8];
  endfunction

  // S_Q (spec clause 3.3.2), entry x in [8*x +: 8] (listed from entry 255 down to entry 0).
  localparam logic [2047:0] SqTab = {
    8'h86, 8'hf0, 8'hd0, 8'h09, 8'h6c, 8'ha8, 8'h19, 8'h90,
    8'ha3, 8'h95, 8'h9e, 8'h1e, 8'hc9, 8'h77, 8'he1, 8'h56,
    8'h3a, 8'h10, 8'h18, 8'h3e, 8'h9b, 8'hc0, 8'h3b, 8'h98,
    8'hde, 8'h12, 8'h33, 8'hec, 8'h72, 8'hfb, 8'h99, 8'had,
    8'h2b, 8'h34, 8'h76, 8'h61, 8'h26, 8'hab, 8'h91, 8'h74,
    8'h16, 8'h59, 8'hc4, 8'h2a, 8'hda, 8'hf9, 8'h6f, 8'hdf,
    8'h9c, 8'h87, 8'hb1, 8'h14, 8'he7, 8'h9d, 8'hc8, 8'h04,
    8'h38, 8'he0, 8'h0b, 8'h54, 8'h6b, 8'haf, 8'hc7, 8'hd9,
    8'hbd, 8'h2d, 8'h58, 8'h05, 8'ha1, 8'h7c, 8'ha5, 8'h94,
    8'hd3, 8'h27, 8'hfd, 8'h60, 8'h2c, 8'h35, 8'h75, 8'h63,
    8'h53, 8'h1f, 8'h3f, 8'h8b, 8'hbf, 8'ha7, 8'hd6, 8'h79,
    8'h8c, 8'hf7, 8'h17, 8'hb7, 8'hea, 8'hf6, 8'hce, 8'h06,
    8'h00, 8'ha0, 8'h32, 8'h81, 8'h66, 8'h97, 8'hd5, 8'hf2,
    8'h3d, 8'hf3, 8'hb8, 8'hf1, 8'h39, 8'h0c, 8'h3c, 8'h03,
    8'hdc, 8'hf8, 8'h0a, 8'hf5, 8'h62, 8'hb6, 8'h8a, 8'h50,
    8'hfc, 8'h0d, 8'h7e, 8'hd1, 8'ha9, 8'h1c, 8'h9a, 8'heb,
    8'h5a, 8'h5b, 8'hff, 8'h92, 8'h7a, 8'h69, 8'h23, 8'h4e,
    8'hc5, 8'h1a, 8'h55, 8'h1d, 8'h52, 8'h08, 8'h0f, 8'hbc,
    8'hfa, 8'h96, 8'h36, 8'h37, 8'h22, 8'h31, 8'h45, 8'h43,
    8'hcf, 8'he6, 8'h8f, 8'hfe, 8'h93, 8'he5, 8'hb0, 8'h8d,
    8'hf4, 8'h21, 8'h71, 8'h4d, 8'h6d, 8'hbb, 8'hc6, 8'hba,
    8'hcd, 8'h41, 8'hb4, 8'h13, 8'h42, 8'h68, 8'ha2, 8'h83,
    8'h64, 8'h4c, 8'h20, 8'h9f, 8'hc3, 8'hbe, 8'h7f, 8'hc2,
    8'h7b, 8'h44, 8'hdd, 8'hef, 8'hb3, 8'h46, 8'h01, 8'hca,
    8'hd4, 8'h89, 8'haa, 8'h51, 8'hc1, 8'h0e, 8'h4b, 8'h07,
    8'h29, 8'h47, 8'h02, 8'h2e, 8'ha6, 8'h85, 8'h80, 8'hb2,
    8'hb9, 8'h1b, 8'h15, 8'h4a, 8'he3, 8'hac, 8'hd2, 8'h57,
    8'h28, 8'h11, 8'h2f, 8'h40, 8'hed, 8'hcc, 8'he9, 8'hd8,
    8'he2, 8'h65, 8'h84, 8'h5e, 8'h5f, 8'he8, 8'h88, 8'h70,
    8'h78, 8'h6a, 8'h5d, 8'h4f, 8'h49, 8'h48, 8'h8e, 8'he4,
    8'hdb, 8'h82, 8'hb5, 8'h7d, 8'hcb, 8'h6e, 8'hee, 8'ha4,
    8'h30, 8'h5c, 8'hae, 8'hd7, 8'h67, 8'h73, 8'h24, 8'h25
  };

  function automatic logic [7:0] sq_box(input logic [7:0] x);
    sq_box = SqTab[8*x +: 8];
  endfunction

  // MULalpha or DIValpha (by the basis given): the XOR of the basis images of c's set bits.
  function automatic logic [31:0] alpha_map(input logic [255:0] basis, input logic [7:0] c);
    alpha_map = '0;
    for (int b = 0; b < 8; b++) begin
      if (c[b]) alpha_map = alpha_map ^ basis[32*b +: 32];
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

  // The core's whole key-dependent state, one record, loaded, stepped and wiped as one:
  // s: LFSR cells s0..s15, s_i in bits [32*i +: 32]; r1..r3: the FSM registers;
  // ma, da: MULalpha(s0[31:24]) and DIValpha(s11[7:0]) of the current state, computed a clock
  // early from s1 and s12 (which become s0 and s11), so that the feedback is a single XOR of five
  // words and the 8-input maps stay off the feedback path.
  typedef struct packed {
    logic [511:0] s;
    logic [31:0]  r1, r2, r3;
    logic [31:0]  ma, da;
  } state_t;
  state_t st_q /*verilator public_flat_rd*/, st_d;
  logic   step, init_mode;
  logic [31:0] s0_w, s2_w, s5_w, s15_w;
  logic [23:0] s11_hi_w;  // s11[31:8]; s11[7:0] enters through st_q.da
  assign s0_w  = st_q.s[0 +: 32];
  assign s2_w  = st_q.s[64 +: 32];
  assign s5_w  = st_q.s[160 +: 32];
  assign s11_hi_w = st_q.s[360 +: 24];
  assign s15_w = st_q.s[480 +: 32];

  // FSM output F and the next FSM state (clause 3.4.6), from the current state.
  logic [31:0] f_w, fsm_r_w, fb_w;
  always_comb begin
    f_w     = (s15_w + st_q.r1) ^ st_q.r2;
    fsm_r_w = st_q.r2 + (st_q.r3 ^ s5_w);
    // LFSR feedback of clause 3.4.4/3.4.5 (F is added only in initialisation mode).
    fb_w = {s0_w[23:0], 8'h00} ^ st_q.ma ^ s2_w ^ {8'h00, s11_hi_w} ^ st_q.da;
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

  // The key and IV loading of clause 4.1, listed s15 first (all-ones words as ~k).
  logic [511:0] load_w;
  assign load_w = {key_i[127:96] ^ iv_i[31:0], key_i[95:64], key_i[63:32],
                   key_i[31:0] ^ iv_i[63:32], ~key_i[127:96], ~key_i[95:64] ^ iv_i[95:64],
                   ~key_i[63:32] ^ iv_i[127:96], ~key_i[31:0], key_i, ~key_i};

  // Reset wipes the key-dependent state as clear_i does: a kernel reset in the middle of a job
  // must not leave a key's LFSR in the core.
  logic wipe;
  assign wipe = clear_i || !rst_ni;

  // Each next value is computed for every case (load, step, hold) from registers and inputs, and
  // the case is chosen last: load and step come from the lane's job handshake, so they must not
  // feed the 8-input alpha maps (the choice before the maps made the job-start path 7 LUT levels).
  // The maps are linear, so a wiped state has zero images, and st_q.ma/st_q.da always equal the maps
  // of s0[31:24] and s11[7:0].
  always_comb begin
    st_d = st_q;
    if (load) begin
      st_d    = '0;  // the FSM starts at zero
      st_d.s  = load_w;
      st_d.ma = alpha_map(MulAlphaBasis, load_w[31:24]);
      st_d.da = alpha_map(DivAlphaBasis, load_w[359:352]);
    end
    if (step) begin
      st_d.r3 = s2_box(st_q.r2);
      st_d.r2 = s1_box(st_q.r1);
      st_d.r1 = fsm_r_w;
      st_d.s  = {init_mode ? (fb_w ^ f_w) : fb_w, st_q.s[511:32]};
      // s1 and s12 become s0 and s11.
      st_d.ma = alpha_map(MulAlphaBasis, st_q.s[63:56]);
      st_d.da = alpha_map(DivAlphaBasis, st_q.s[391:384]);
    end
    if (wipe) st_d = '0;
  end

  // Datapath: the wipe above is its only reset. The state is zero whenever no job holds the core
  // (after clear_i or a reset), and nothing reads it before a load.
  always_ff @(posedge clk_i) st_q <= st_d;

endmodule
