/*
 * Writes pcap captures of every message kind the wire.c codecs encode, for tshark to dissect
 * (tests/wire/tshark_check.sh):
 *
 *   DIR/gtp.pcap  GTPv2-C over UDP/IPv4 (host/common/pcap.c, LINKTYPE_IPV4), AMF 127.0.0.1:40000
 *                 <-> MME 127.0.0.2:2123: Context Request with the TAU Request (3GPP flow),
 *                 Context Response accept, Context Acknowledge; Context Request with the FIG. 3
 *                 Registration Request, Context Response accept with K_AMF, Context Acknowledge;
 *                 one Context Response per rejection cause; Echo Response.
 *   DIR/nas.pcap  NAS PDUs of the UE <-> AMF test link. The link's own framing is nasmac's and no
 *                 dissector knows it, so each NAS PDU is written as a Wireshark "upper PDU export"
 *                 record (LINKTYPE_WIRESHARK_UPPER_PDU, 252) whose tag 12 (protocol name) names
 *                 the dissector: "nas-eps" or "nas-5gs".
 *
 * The frame order is the contract with tshark_check.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "wire.h"

/* Wireshark exported PDU tags (epan/exported_pdu.h): tag and length are 16-bit big-endian. */
#define EXP_PDU_TAG_END 0
#define EXP_PDU_TAG_DISSECTOR_NAME 12
#define LINKTYPE_WIRESHARK_UPPER_PDU 252u

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int nas_open(const char *path, FILE **out)
{
	uint8_t hdr[24] = { 0 };
	FILE *f = fopen(path, "wb");

	if (!f)
		return -errno;
	put_le32(hdr, 0xa1b2c3d4u);
	hdr[4] = 2;
	hdr[6] = 4;
	put_le32(hdr + 16, 65535);
	put_le32(hdr + 20, LINKTYPE_WIRESHARK_UPPER_PDU);
	if (fwrite(hdr, 1, sizeof(hdr), f) != sizeof(hdr)) {
		fclose(f);
		return -EIO;
	}
	*out = f;
	return 0;
}

/* One record: tag 12 with the dissector name padded to 4 octets, the end tag, the PDU. */
static int nas_write(FILE *f, unsigned frame, const char *proto, const uint8_t *pdu, size_t len)
{
	uint8_t rec[16], tags[32] = { 0 };
	size_t name = strlen(proto), padded = (name + 3) & ~(size_t)3, n = 4 + padded + 4;

	if (padded > sizeof(tags) - 8 || len < 1)
		return -EINVAL;
	tags[1] = EXP_PDU_TAG_DISSECTOR_NAME;
	tags[3] = (uint8_t)padded;
	memcpy(tags + 4, proto, name);
	/* tags[4 + padded .. + 3] stay 0: EXP_PDU_TAG_END, length 0. */
	put_le32(rec, 1700000000u + frame); /* one second apart, fixed: reproducible files */
	put_le32(rec + 4, 0);
	put_le32(rec + 8, (uint32_t)(n + len));
	put_le32(rec + 12, (uint32_t)(n + len));
	if (fwrite(rec, 1, sizeof(rec), f) != sizeof(rec) || fwrite(tags, 1, n, f) != n ||
	    fwrite(pdu, 1, len, f) != len)
		return -EIO;
	return 0;
}

static int check(int n, const char *what)
{
	if (n < 0)
		fprintf(stderr, "wire_gen_pcap: cannot encode %s: %s\n", what, strerror(-n));
	return n;
}

static int write_gtp(const char *path, const uint8_t *tau, size_t tau_len, const uint8_t *rr,
		     size_t rr_len)
{
	struct sockaddr_in amf = { .sin_family = AF_INET }, mme = { .sin_family = AF_INET };
	struct nasmac__pcap *pc;
	struct nasmac__ctx_req req;
	struct nasmac__ctx_rsp rsp;
	struct nasmac__ctx_ack ack;
	uint8_t buf[512];
	int n, rc;

	amf.sin_addr.s_addr = htonl(0x7f000001);
	amf.sin_port = htons(40000);
	mme.sin_addr.s_addr = htonl(0x7f000002);
	mme.sin_port = htons(2123);
	rc = nasmac__pcap_open(path, &pc);
	if (rc)
		return rc;
	fx_ctx_ack(&ack);
	for (int fig3 = 0; fig3 < 2; fig3++) {
		if (fig3)
			fx_ctx_req(&req, nasmac__crm_type_rr(), rr, rr_len);
		else
			fx_ctx_req(&req, NASMAC__CRM_TAU, tau, tau_len);
		n = check(nasmac__gtp_enc_ctx_req(&req, buf, sizeof(buf)), "Context Request");
		if (n < 0)
			goto out_close;
		nasmac__pcap_write(pc, &amf, &mme, buf, (size_t)n);
		fx_ctx_rsp(&rsp, NASMAC__CAUSE_ACCEPTED, fig3);
		n = check(nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)), "Context Response");
		if (n < 0)
			goto out_close;
		nasmac__pcap_write(pc, &mme, &amf, buf, (size_t)n);
		n = check(nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf)), "Context Acknowledge");
		if (n < 0)
			goto out_close;
		nasmac__pcap_write(pc, &amf, &mme, buf, (size_t)n);
	}
	for (size_t i = 0; i < sizeof(fx_reject_causes); i++) {
		fx_ctx_rsp(&rsp, fx_reject_causes[i], 0);
		n = check(nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)), "Context Response");
		if (n < 0)
			goto out_close;
		nasmac__pcap_write(pc, &mme, &amf, buf, (size_t)n);
	}
	n = check(nasmac__gtp_enc_echo_rsp(0x42, buf, sizeof(buf)), "Echo Response");
	if (n < 0)
		goto out_close;
	nasmac__pcap_write(pc, &mme, &amf, buf, (size_t)n);
	n = 0;
out_close:
	nasmac__pcap_close(pc);
	return n < 0 ? n : 0;
}

static int write_nas(const char *path, const uint8_t *tau, size_t tau_len, const uint8_t *rr,
		     size_t rr_len, const uint8_t *tau_plain, size_t tau_plain_len)
{
	struct nasmac__rr r;
	struct nasmac__smc s;
	uint8_t plain[128], pdu[160];
	unsigned frame = 0;
	FILE *f = NULL;
	int n, rc;

	rc = nas_open(path, &f);
	if (rc)
		return rc;
	/* 1 plain TAU Request, 2 protected TAU Request (EPS). */
	rc = nas_write(f, ++frame, "nas-eps", tau_plain, tau_plain_len);
	if (!rc)
		rc = nas_write(f, ++frame, "nas-eps", tau, tau_len);
	/* 3 Registration Request with the EPS NAS message container (3GPP flow). */
	fx_rr(&r, tau, tau_len);
	n = check(nasmac__nas_enc_rr(&r, plain, sizeof(plain)), "Registration Request");
	if (!rc)
		rc = n < 0 ? n : nas_write(f, ++frame, "nas-5gs", plain, (size_t)n);
	/* 4 FIG. 3 protected Registration Request. */
	if (!rc)
		rc = nas_write(f, ++frame, "nas-5gs", rr, rr_len);
	/* 5 Security Mode Command, header type 3 (new 5G context), SQN 0. */
	fx_smc(&s);
	n = check(nasmac__nas_enc_smc(&s, plain, sizeof(plain)), "Security Mode Command");
	if (n > 0)
		n = nasmac__nas_5g_protect(3, fx_mac, 0, plain, (size_t)n, pdu, sizeof(pdu));
	if (!rc)
		rc = n < 0 ? n : nas_write(f, ++frame, "nas-5gs", pdu, (size_t)n);
	/* 6 Security Mode Complete, header type 4 (5G-EA0 "ciphering"), SQN 0. */
	n = check(nasmac__nas_enc_smc_complete(plain, sizeof(plain)), "Security Mode Complete");
	if (n > 0)
		n = nasmac__nas_5g_protect(4, fx_mac, 0, plain, (size_t)n, pdu, sizeof(pdu));
	if (!rc)
		rc = n < 0 ? n : nas_write(f, ++frame, "nas-5gs", pdu, (size_t)n);
	/* 7 Registration Accept, header type 2, SQN 1. */
	n = check(nasmac__nas_enc_reg_accept(plain, sizeof(plain)), "Registration Accept");
	if (n > 0)
		n = nasmac__nas_5g_protect(2, fx_mac, 1, plain, (size_t)n, pdu, sizeof(pdu));
	if (!rc)
		rc = n < 0 ? n : nas_write(f, ++frame, "nas-5gs", pdu, (size_t)n);
	/* 8.. Registration Reject (plain), one per 5GMM cause the AMF uses. */
	for (size_t i = 0; i < sizeof(fx_5gmm_causes) && !rc; i++) {
		n = check(nasmac__nas_enc_reg_reject(fx_5gmm_causes[i], plain, sizeof(plain)),
			  "Registration Reject");
		rc = n < 0 ? n : nas_write(f, ++frame, "nas-5gs", plain, (size_t)n);
	}
	if (fclose(f) && !rc)
		rc = -EIO;
	return rc;
}

int main(int argc, char **argv)
{
	uint8_t tau[64], tau_plain[64], rr_plain[64], rr[96], mac[4];
	char path[4096];
	struct nasmac__tau t;
	struct nasmac__rr r;
	int tau_len, tau_plain_len, rr_len, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: wire_gen_pcap DIR\n");
		return 2;
	}
	memcpy(mac, fx_mac, sizeof(mac));
	fx_tau(&t);
	tau_plain_len = check(nasmac__nas_enc_tau(&t, tau_plain, sizeof(tau_plain)), "TAU");
	tau_len = check(fx_tau_pdu(tau, sizeof(tau)), "protected TAU");
	fx_rr(&r, NULL, 0);
	rr_len = check(nasmac__nas_enc_rr(&r, rr_plain, sizeof(rr_plain)), "Registration Request");
	if (tau_plain_len < 0 || tau_len < 0 || rr_len < 0)
		return 1;
	rr_len = check(nasmac__nas_5g_protect(1, mac, FX_SQN, rr_plain, (size_t)rr_len, rr,
					      sizeof(rr)),
		       "protected Registration Request");
	if (rr_len < 0)
		return 1;

	snprintf(path, sizeof(path), "%s/gtp.pcap", argv[1]);
	rc = write_gtp(path, tau, (size_t)tau_len, rr, (size_t)rr_len);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/nas.pcap", argv[1]);
		rc = write_nas(path, tau, (size_t)tau_len, rr, (size_t)rr_len, tau_plain,
			       (size_t)tau_plain_len);
	}
	if (rc) {
		fprintf(stderr, "wire_gen_pcap: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}
