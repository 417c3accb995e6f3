# The nasmac tool: the dispatcher plus the subcommand objects other fragments add to TOOL_OBJS.
# Linked with the C++ driver because the sim backend carries the Verilator model.
TOOL_SRCS := tools/nasmac.c tools/parse.c $(wildcard tools/cmd_*.c)
TOOL_OBJS += $(patsubst %.c,$(OBJ)/%.o,$(TOOL_SRCS))
# The field parsers share the host's hex codec (host/common/hex.c, linked with the host objects).
$(OBJ)/tools/parse.o: CFLAGS += -Ihost/common
ALL_TARGETS += $(NASMAC_BIN)

$(NASMAC_BIN): $(TOOL_OBJS) $(TOOL_LIBS)
	$(call say,LD)
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(TOOL_LIBS) $(TOOL_LDLIBS) $(LDLIBS)
