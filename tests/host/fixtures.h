/*
 * What the host unit tests share: the UE db line they start from, and a scratch directory per
 * test program. The line's K_ASME is srsRAN's test_generate_k_nas key (srsRAN_4G
 * lib/test/common/test_security_kdf.cc), so test_store.c can check K_NASint against that
 * vector; the other fields are made up, in the db format of host/README.md.
 */
#ifndef NASMAC_TESTS_HOST_FIXTURES_H
#define NASMAC_TESTS_HOST_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>

static const char fx_ue_line[] =
	"ue id=7 imsi=001010000000007 guti=00f11080010ac0000007 ksi=2 "
	"kasme=d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990 eia=1 eea=0 "
	"ul=261 dl=9 upgraded=1 kamf_by_mme=0 echo5g=1\n";

/* /tmp/nasmac-test-NAME-XXXXXX made into dir (64 octets): 0, or -1. */
static inline int fx_tmpdir(char dir[64], const char *name)
{
	snprintf(dir, 64, "/tmp/nasmac-test-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* dir and all below it removed: 0, or -1. */
static inline int fx_rmdir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

#endif /* NASMAC_TESTS_HOST_FIXTURES_H */
