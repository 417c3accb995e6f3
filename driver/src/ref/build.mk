# Reference crypto (SNOW 3G, ZUC, AES-128, CMAC, 128-EIA1/2/3, 3GPP KDFs): the golden model and
# the CPU path. H5's libnasmac.a carries these objects; until it lands they go into the tool too.
NASMAC_REF_SRCS := $(sort $(wildcard driver/src/ref/*.c))
NASMAC_REF_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMAC_REF_SRCS))
NASMAC_REF_LDLIBS := -lcrypto

TOOL_OBJS += $(NASMAC_REF_OBJS)
TOOL_LDLIBS += $(NASMAC_REF_LDLIBS)
