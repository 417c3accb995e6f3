# make install and make deb: the library and its modules, the header, nasmac.pc, the programs,
# example configurations, systemd units, the man page and the READMEs.
#   make install [PREFIX=/usr/local] [DESTDIR=stage]
#   make deb     -> build/nasmac_<version>_<arch>.deb (PREFIX=/usr, /etc, /lib/systemd/system)
DESTDIR ?=
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DOCDIR ?= $(PREFIX)/share/doc/nasmac
MANDIR ?= $(PREFIX)/share/man
UNITS := nasmacd-mme.service nasmacd-amf.service

.PHONY: install deb test-pkg
install: lib $(NASMAC_BIN) $(NASMACD_BIN)
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
	install -m 0755 $(NASMAC_BIN) $(NASMACD_BIN) $(DESTDIR)$(PREFIX)/bin/
	for f in etc/nasmac/*.yaml; do [ -e $(DESTDIR)$(SYSCONFDIR)/nasmac/$${f##*/} ] || \
		install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/nasmac/; done
	for u in $(UNITS); do sed -e 's|@BINDIR@|$(PREFIX)/bin|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g; s|@DOCDIR@|$(DOCDIR)|g' \
		etc/systemd/$$u.in >$(DESTDIR)$(UNITDIR)/$$u; chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; done
	gzip -9n <doc/nasmacd.8 >$(DESTDIR)$(MANDIR)/man8/nasmacd.8.gz
	gzip -9n <doc/nasmac.1 >$(DESTDIR)$(MANDIR)/man1/nasmac.1.gz
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -m 0644 host/README.md $(DESTDIR)$(DOCDIR)/README.host.md
	install -m 0644 hw/README.md $(DESTDIR)$(DOCDIR)/README.hw.md

# A binary package from a staged install. Depends: from dpkg-shlibdeps over what is shipped.
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB := $(BUILD)/nasmac_$(NASMAC_VER)_$(DEB_ARCH).deb
DEB_ROOT := $(BUILD)/deb/root
deb: $(DEB)
$(DEB): lib $(NASMAC_BIN) $(NASMACD_BIN) pkg/control.in pkg/build.mk $(wildcard etc/*/*) doc/nasmacd.8 doc/nasmac.1
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(DEB_ROOT)/DEBIAN $(BUILD)/deb/debian
	$(Q)$(MAKE) --no-print-directory -s install PREFIX=/usr LIBDIR=/usr/lib/$$(dpkg-architecture -qDEB_HOST_MULTIARCH) \
		DESTDIR=$(abspath $(DEB_ROOT)) >/dev/null
	$(Q)printf 'Source: nasmac\n\nPackage: nasmac\nArchitecture: any\n' >$(BUILD)/deb/debian/control
	$(Q)deps=$$(cd $(BUILD)/deb && dpkg-shlibdeps -O --ignore-missing-info \
		$$(find root -type f \( -name '*.so*' -o -path '*/bin/*' \)) 2>/dev/null | sed -n 's/^shlibs:Depends=//p'); \
		sed -e 's|@VERSION@|$(NASMAC_VER)|; s|@ARCH@|$(DEB_ARCH)|; s|@DEPENDS@|'"$$deps"'|' \
		pkg/control.in >$(DEB_ROOT)/DEBIAN/control
	$(Q)cd $(DEB_ROOT) && find etc -type f | sed 's|^|/|' >DEBIAN/conffiles
	$(Q)fakeroot dpkg-deb --build -Zxz $(DEB_ROOT) $@ >/dev/null
	@echo "  DEB     $@"

# The package as a user gets it: fields, contents, units that systemd accepts.
TEST_TARGETS += test-pkg
test-pkg: $(DEB)
	$(Q)sh pkg/test_pkg.sh $(DEB)
