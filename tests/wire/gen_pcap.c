/*
 * Writes pcap captures of every message kind the gtp.c and nas.c codecs encode, all through the
 * daemons' writer (host/common/pcap.c: LINKTYPE_WIRESHARK_UPPER_PDU, one exported-PDU record per
 * GTPv2-C datagram or NAS PDU, with IPv4 addresses and UDP ports), for tshark to dissect
 * (tests/wire/tshark_check.sh):
 *
 *   DIR/gtp.pcap   nasmac__pcap_write, AMF 127.0.0.1:40000 <-> MME 127.0.0.2:2123: Context Request
 *                  with the TAU Request (3GPP flow), Context Response accept, Context Acknowledge;
 *                  Context Request with the FIG. 3 Registration Request, Context Response accept
 *                  with K_AMF, Context Acknowledge; one Context Response per rejection cause; Echo
 *                  Response; a datagram that is not GTPv2-C (written as "data").
 *   DIR/nas.pcap   nasmac__pcap_write_nas, UE 127.0.0.3:50000 <-> AMF 127.0.0.1:38412: each NAS
 *                  PDU kind, EPS and 5GS.
 *   DIR/link.pcap  nasmac__pcap_write_link, the same UE and AMF: UE test link frames
 *                  (host/README.md) as the AMF sees them, among them the FIG. 2 frame carrying two
 *                  PDUs (protected Registration Request + protected TAU Request), and a frame
 *                  that does not decode (written as "data").
 *
 * The frame order is the contract with tshark_check.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "host.h"
#include "gtp.h"
#include "nas.h"
#include "pcap.h"

static struct sockaddr_in addr(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(ip);
	a.sin_port = htons(port);
	return a;
}

static int check(int n, const char *what)
{
	if (n < 0)
		fprintf(stderr, "wire_gen_pcap: cannot encode %s: %s\n", what, strerror(-n));
	return n;
}

/* One record as its encoder left it in buf (n octets, or the encoder's error), written from src
 * to dst by the daemons' writer w: nasmac__pcap_write (a GTPv2-C datagram), _write_nas (a NAS
 * PDU; the dissector from its discriminator) or _write_link (a UE test link frame). 0, or the
 * error. */
typedef void (*pcap_writer)(struct nasmac__pcap *p, const struct sockaddr_in *src,
			    const struct sockaddr_in *dst, const uint8_t *buf, size_t len);

static int out(pcap_writer w, struct nasmac__pcap *f, const struct sockaddr_in *src,
	       const struct sockaddr_in *dst, const uint8_t *buf, int n)
{
	if (n < 0)
		return n;
	w(f, src, dst, buf, (size_t)n);
	return 0;
}

static int write_gtp(const char *path, const uint8_t *tau, size_t tau_len, const uint8_t *rr,
		     size_t rr_len)
{
	struct sockaddr_in amf = addr(0x7f000001, 40000), mme = addr(0x7f000002, 2123);
	struct nasmac__pcap *pc;
	struct nasmac__ctx_req req;
	struct nasmac__ctx_rsp rsp;
	struct nasmac__ctx_ack ack;
	uint8_t buf[512];
	int n, rc;

	rc = nasmac__pcap_open(path, &pc);
	if (rc)
		return rc;
	fx_ctx_ack(&ack);
	for (int fig3 = 0; fig3 < 2; fig3++) {
		if (fig3)
			fx_ctx_req(&req, NASMAC__CRM_RR, rr, rr_len);
		else
			fx_ctx_req(&req, NASMAC__CRM_TAU, tau, tau_len);
		n = out(nasmac__pcap_write, pc, &amf, &mme, buf,
			    check(nasmac__gtp_enc_ctx_req(&req, buf, sizeof(buf)), "Context Request"));
		if (n < 0)
			goto out_close;
		fx_ctx_rsp(&rsp, NASMAC__CAUSE_ACCEPTED, fig3);
		if (fig3) {
			/* As the MME sends FIG. 3 with K_AMF (step 305): no MM Context, the rest
			 * of the context beside K_AMF (gtp.c, tag 3). */
			rsp.has_mm = 0;
			rsp.has_sec = 1;
		}
		n = out(nasmac__pcap_write, pc, &mme, &amf, buf,
			    check(nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)), "Context Response"));
		if (n < 0)
			goto out_close;
		n = out(nasmac__pcap_write, pc, &amf, &mme, buf,
			    check(nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf)), "Context Acknowledge"));
		if (n < 0)
			goto out_close;
	}
	for (size_t i = 0; i < sizeof(fx_reject_causes); i++) {
		fx_ctx_rsp(&rsp, fx_reject_causes[i], 0);
		n = out(nasmac__pcap_write, pc, &mme, &amf, buf,
			    check(nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)), "Context Response"));
		if (n < 0)
			goto out_close;
	}
	n = out(nasmac__pcap_write, pc, &mme, &amf, buf,
		    check(nasmac__gtp_enc_echo_rsp(0x42, buf, sizeof(buf)), "Echo Response"));
	if (n < 0)
		goto out_close;
	/* Not GTPv2-C (version 1 in the first octet): shown as data, not as a broken GTPv2-C. */
	nasmac__pcap_write(pc, &amf, &mme, (const uint8_t *)"\x30\x01\x00\x00nasmac", 10);
	n = 0;
out_close:
	nasmac__pcap_close(pc);
	return n < 0 ? n : 0;
}

/* A 5GMM message as its encoder left it in plain (n octets, or the encoder's error), protected
 * with security header type sht and SQN sqn, written from src to dst: 0, or the error. */
static int nas_5g_out(struct nasmac__pcap *f, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, uint8_t sht, uint8_t sqn, const uint8_t *plain,
		      int n)
{
	uint8_t pdu[160];

	if (n > 0)
		n = nasmac__nas_5g_protect(sht, fx_mac, sqn, plain, (size_t)n, pdu, sizeof(pdu));
	return out(nasmac__pcap_write_nas, f, src, dst, pdu, n);
}

static int write_nas(const char *path, const uint8_t *tau, size_t tau_len, const uint8_t *rr,
		     size_t rr_len, const uint8_t *tau_plain, size_t tau_plain_len)
{
	struct nasmac__rr r;
	struct nasmac__smc s;
	uint8_t plain[128];
	struct sockaddr_in ue = addr(0x7f000003, 50000), amf = addr(0x7f000001, 38412);
	struct nasmac__pcap *f;
	int rc;

	rc = nasmac__pcap_open(path, &f);
	if (rc)
		return rc;
	/* 1 plain TAU Request, 2 protected TAU Request (EPS). */
	nasmac__pcap_write_nas(f, &ue, &amf, tau_plain, tau_plain_len);
	nasmac__pcap_write_nas(f, &ue, &amf, tau, tau_len);
	/* 3 Registration Request with the EPS NAS message container (3GPP flow). */
	fx_rr(&r, tau, tau_len);
	rc = out(nasmac__pcap_write_nas, f, &ue, &amf, plain,
		 check(nasmac__nas_enc_rr(&r, plain, sizeof(plain)), "Registration Request"));
	/* 4 FIG. 3 protected Registration Request. */
	if (!rc)
		nasmac__pcap_write_nas(f, &ue, &amf, rr, rr_len);
	/* 5 Security Mode Command, header type 3 (new 5G context), SQN 0. */
	fx_smc(&s);
	if (!rc)
		rc = nas_5g_out(f, &amf, &ue, 3, 0, plain,
				check(nasmac__nas_enc_smc(&s, plain, sizeof(plain)),
				      "Security Mode Command"));
	/* 6 Security Mode Complete, header type 4 (5G-EA0 "ciphering"), SQN 0. */
	if (!rc)
		rc = nas_5g_out(f, &ue, &amf, 4, 0, plain,
				check(nasmac__nas_enc_smc_complete(plain, sizeof(plain)),
				      "Security Mode Complete"));
	/* 7 Registration Accept, header type 2, SQN 1. */
	if (!rc)
		rc = nas_5g_out(f, &amf, &ue, 2, 1, plain,
				check(nasmac__nas_enc_reg_accept(plain, sizeof(plain)),
				      "Registration Accept"));
	/* 8.. Registration Reject (plain), one per 5GMM cause the AMF uses. */
	for (size_t i = 0; i < sizeof(fx_5gmm_causes) && !rc; i++)
		rc = out(nasmac__pcap_write_nas, f, &amf, &ue, plain,
			 check(nasmac__nas_enc_reg_reject(fx_5gmm_causes[i], plain, sizeof(plain)),
			       "Registration Reject"));
	nasmac__pcap_close(f);
	return rc;
}

/* One UE test link frame of 1 or 2 PDUs, encoded by host/common/link.c as the UE simulator does. */
static int link_write(struct nasmac__pcap *f, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, uint8_t kind, uint8_t info, const uint8_t *pdu0,
		      size_t len0, const uint8_t *pdu1, size_t len1)
{
	struct nasmac__link_frame fr = { .ue_id = 7, .kind = kind, .info = info, .n_pdu = 1 };
	uint8_t buf[NASMAC__LINK_MAX];

	fr.pdu[0] = pdu0;
	fr.pdu_len[0] = len0;
	if (pdu1) {
		fr.pdu[1] = pdu1;
		fr.pdu_len[1] = len1;
		fr.n_pdu = 2;
	}
	return out(nasmac__pcap_write_link, f, src, dst, buf,
		   check(nasmac__link_encode(&fr, buf, sizeof(buf)), "link frame"));
}

static int write_link(const char *path, const uint8_t *tau, size_t tau_len, const uint8_t *rr,
		      size_t rr_len)
{
	static const uint8_t bad_kind[] = { 0, 0, 0, 0, 0, 0, 0, 7, 0x09, 0, 0, 1, 0x7e };
	struct sockaddr_in ue = addr(0x7f000003, 50000), amf = addr(0x7f000001, 38412);
	struct nasmac__pcap *f;
	struct nasmac__rr r;
	uint8_t plain[128], reject[8];
	int n, rc;

	rc = nasmac__pcap_open(path, &f);
	if (rc)
		return rc;
	/* 1-2 FIG. 2 uplink, manner 3: protected Registration Request + protected TAU Request. */
	rc = link_write(f, &ue, &amf, NASMAC__LINK_UL, 3, rr, rr_len, tau, tau_len);
	/* 3 3GPP flow uplink: plain Registration Request with the TAU in its container. */
	fx_rr(&r, tau, tau_len);
	n = check(nasmac__nas_enc_rr(&r, plain, sizeof(plain)), "Registration Request");
	if (!rc)
		rc = n < 0 ? n : link_write(f, &ue, &amf, NASMAC__LINK_UL, 0, plain, (size_t)n,
					    NULL, 0);
	/* 4 downlink Registration Reject #3 with diagnostic 1 (mac). */
	n = check(nasmac__nas_enc_reg_reject(3, reject, sizeof(reject)), "Registration Reject");
	if (!rc)
		rc = n < 0 ? n : link_write(f, &amf, &ue, NASMAC__LINK_DL, 1, reject, (size_t)n,
					    NULL, 0);
	/* 5 a frame of an unknown kind: does not decode, kept as data. */
	if (!rc)
		nasmac__pcap_write_link(f, &ue, &amf, bad_kind, sizeof(bad_kind));
	nasmac__pcap_close(f);
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
	if (!rc) {
		snprintf(path, sizeof(path), "%s/link.pcap", argv[1]);
		rc = write_link(path, tau, (size_t)tau_len, rr, (size_t)rr_len);
	}
	if (rc) {
		fprintf(stderr, "wire_gen_pcap: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	return 0;
}
