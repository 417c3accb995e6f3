# make install and make deb: the library and its modules, the header, nasmac.pc, the programs,
# example configurations, systemd units, the man page and the READMEs.
#   make install [PREFIX=/usr/local] [DESTDIR=stage]
#   make deb     -> build/deb/*.deb from debian/ (debhelper): nasmac, libnasmac1, libnasmac1-sim,
#                   libnasmac1-xrt, libnasmac-dev
DESTDIR ?=
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DOCDIR ?= $(PREFIX)/share/doc/nasmac
MANDIR ?= $(PREFIX)/share/man
UNITS := nasmacd-mme.service nasmacd-amf.service

# The installed programs link libnasmac.so.1 (the in-tree ones link the static archive with
# every backend): nasmacd then needs no C++ runtime, no model and no XRT, and reaches sim and
# xrt through the modules like any user of the library. The tool keeps the Verilator model
# linked in for `nasmac bench engine`, which drives the model itself (libstdc++, not XRT).
PKG_BIN := $(BUILD)/pkg/bin
PKG_NASMAC := $(PKG_BIN)/nasmac
PKG_NASMACD := $(PKG_BIN)/nasmacd
$(PKG_NASMACD): $(NASMACD_OBJS) $(HOST_COMMON_OBJS) $(NASMAC_SO)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(NASMACD_OBJS) $(HOST_COMMON_OBJS) -L$(BUILD)/lib -lnasmac \
		$(HOST_LDLIBS) -lyaml -lmicrohttpd -lsystemd $(LDLIBS)

$(PKG_NASMAC): $(TOOL_OBJS) $(NASMAC_SO) $(SIM_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(filter 1,$(V)),,echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(TOOL_OBJS) -L$(BUILD)/lib -lnasmac $(SIM_LIBS) \
		-lIPSec_MB -lcrypto $(HOST_LDLIBS) $(SIM_LDLIBS) -lm $(LDLIBS)

.PHONY: install deb test-pkg
install: lib $(PKG_NASMAC) $(PKG_NASMACD)
	install -d $(DESTDIR)$(LIBDIR)/nasmac $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/nasmac
	install -m 0644 $(NASMAC_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(NASMAC_SO)) $(DESTDIR)$(LIBDIR)/libnasmac.so.$(NASMAC_SOMAJOR)
	ln -sf $(notdir $(NASMAC_SO)) $(DESTDIR)$(LIBDIR)/libnasmac.so
	install -m 0644 $(NASMAC_MODULES) $(DESTDIR)$(LIBDIR)/nasmac/
	sed -e 's|^libdir=.*|libdir=$(LIBDIR)|; s|^prefix=.*|prefix=$(PREFIX)|' \
		$(BUILD)/lib/pkgconfig/nasmac.pc >$(DESTDIR)$(LIBDIR)/pkgconfig/nasmac.pc
	install -m 0644 driver/include/nasmac.h $(DESTDIR)$(PREFIX)/include/
	install -m 0755 $(PKG_NASMAC) $(PKG_NASMACD) $(DESTDIR)$(PREFIX)/bin/
	for f in etc/nasmac/*.yaml; do [ -e $(DESTDIR)$(SYSCONFDIR)/nasmac/$${f##*/} ] || \
		install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/nasmac/; done
	for u in $(UNITS); do sed -e 's|@BINDIR@|$(PREFIX)/bin|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g; s|@DOCDIR@|$(DOCDIR)|g' \
		etc/systemd/$$u.in >$(DESTDIR)$(UNITDIR)/$$u; chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; done
	gzip -9n <doc/nasmacd.8 >$(DESTDIR)$(MANDIR)/man8/nasmacd.8.gz
	gzip -9n <doc/nasmac.1 >$(DESTDIR)$(MANDIR)/man1/nasmac.1.gz
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -m 0644 host/README.md $(DESTDIR)$(DOCDIR)/README.host.md
	install -m 0644 hw/README.md $(DESTDIR)$(DOCDIR)/README.hw.md

# The packages, built by debhelper from debian/ (see debian/rules) in a copy of it under
# build/deb/src, so that dh's work files stay out of the source tree; the .debs land in build/deb.
# debian/rules stages with `make install` from the objects the tests ran on.
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_OUT := $(BUILD)/deb
DEB_PKGS := nasmac libnasmac1 libnasmac1-sim libnasmac1-xrt libnasmac-dev
DEBS := $(foreach p,$(DEB_PKGS),$(DEB_OUT)/$(p)_$(NASMAC_VER)_$(DEB_ARCH).deb)
deb: $(DEB_OUT)/.stamp
$(DEB_OUT)/.stamp: lib $(PKG_NASMAC) $(PKG_NASMACD) $(wildcard debian/* debian/*/*) pkg/build.mk \
		$(wildcard etc/*/*) doc/nasmacd.8 doc/nasmac.1
	$(Q)rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)/src
	$(Q)cp -r debian $(DEB_OUT)/src/
	$(Q)cd $(DEB_OUT)/src && NASMAC_TOP=$(CURDIR) NASMAC_BUILD=$(abspath $(BUILD)) \
		fakeroot debian/rules binary >$(abspath $(DEB_OUT))/build.log 2>&1 || \
		{ tail -n 30 $(abspath $(DEB_OUT))/build.log; exit 1; }
	$(Q)for d in $(DEBS); do [ -f $$d ] || { echo "deb: $$d not built"; exit 1; }; \
		echo "  DEB     $$d"; done
	$(Q)touch $@

# The packages as a user gets them: lintian, fields, contents, units systemd accepts, and the
# example built against the unpacked packages with cc + pkg-config, run on cpu and sim.
TEST_TARGETS += test-pkg
test-pkg: $(DEB_OUT)/.stamp
	$(Q)$(TEST_DRIVER_ENV) sh pkg/test_pkg.sh $(DEB_OUT) $(NASMAC_VER) $(DEB_ARCH)
