/*
 * The smallest libnasmac program: verify one NAS MAC on a backend (default cpu).
 *   cc verify.c $(pkg-config --cflags --libs nasmac) -o verify && ./verify [cpu|sim|xrt:0]
 * The job is 3GPP TS 33.401 Annex C.2, 128-EIA2 Test Set 1.
 */
#include <stdio.h>
#include <string.h>

#include <nasmac.h>

int main(int argc, char **argv)
{
	static const uint8_t msg[8] = { 0x33, 0x32, 0x34, 0x62, 0x63, 0x39, 0x38, 0x40 };
	static const uint8_t key[16] = { 0x2b, 0xd6, 0x45, 0x9f, 0x82, 0xc5, 0xb3, 0x00,
					 0x95, 0x2c, 0x49, 0x10, 0x48, 0x81, 0xff, 0x48 };
	nasmac_job_t job = { .alg = NASMAC_EIA2, .count = 0x38a6f056, .bearer = 0x18,
			     .direction = 0, .msg = msg, .len_bits = 58,
			     .expected_mac = { 0x11, 0x8c, 0x6e, 0xb8 } };
	nasmac_dev_t *dev;
	int rc;

	if (NASMAC_VERSION_MAJOR != 1 || strncmp(nasmac_version(), "1.", 2) != 0) {
		fprintf(stderr, "verify: built for libnasmac 1, loaded %s\n", nasmac_version());
		return 1;
	}
	memcpy(job.key, key, sizeof(key));
	rc = nasmac_open(argc > 1 ? argv[1] : "cpu", NULL, &dev);
	if (rc) {
		fprintf(stderr, "verify: %s\n", nasmac_strerror(rc));
		return 1;
	}
	rc = nasmac_verify(dev, &job);
	nasmac_close(dev);
	printf("libnasmac %s, %s: %s\n", nasmac_version(), argc > 1 ? argv[1] : "cpu",
	       rc ? nasmac_strerror(rc) : job.status == NASMAC_ST_VERIFIED ? "MAC verified" : "MAC mismatch");
	return rc || job.status != NASMAC_ST_VERIFIED;
}
