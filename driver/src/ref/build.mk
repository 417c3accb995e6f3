# Reference crypto (SNOW 3G, ZUC, AES-128, CMAC, 128-EIA1/2/3, 3GPP KDFs): the golden model and
# the CPU path. libnasmac.a (driver/build.mk) carries these objects into the programs; the tests
# of the reference link them directly.
NASMAC_REF_SRCS := $(sort $(wildcard driver/src/ref/*.c))
NASMAC_REF_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(NASMAC_REF_SRCS))
NASMAC_REF_LDLIBS := -lcrypto
