# hw/: the device contract generator, the kernel RTL, lint, synth and the Alveo flow.

# --- Device contract: hw/layout.txt generates the SV package and the C header. -------------------
LAYOUT_GEN_SV := hw/gen/nasmac_layout_pkg.sv
LAYOUT_GEN_H  := driver/src/nasmac_layout.h

# Regenerate the checked-in copies by hand after editing the table: make layout
.PHONY: layout test-layout
layout:
	$(Q)$(PYTHON) scripts/gen_layout.py hw/layout.txt $(LAYOUT_GEN_SV) $(LAYOUT_GEN_H)

# make test: regenerate into $(BUILD) and fail when a checked-in copy is stale.
TEST_TARGETS += test-layout
test-layout:
	@mkdir -p $(BUILD)/gen
	$(Q)$(PYTHON) scripts/gen_layout.py hw/layout.txt $(BUILD)/gen/nasmac_layout_pkg.sv $(BUILD)/gen/nasmac_layout.h
	$(Q)p=0; f=0; \
	for pair in "$(LAYOUT_GEN_SV) $(BUILD)/gen/nasmac_layout_pkg.sv" "$(LAYOUT_GEN_H) $(BUILD)/gen/nasmac_layout.h"; do \
		set -- $$pair; \
		if cmp -s $$1 $$2; then p=$$((p+1)); else f=$$((f+1)); \
			echo "test-layout: $$1 is stale: run 'make layout' and commit it"; fi; \
	done; \
	echo "test-layout: $$p passed, $$f failed"; [ $$f -eq 0 ]
