/*
 * Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/{gtp,nas_eps,nas_5g,link}/), one
 * well-formed message or UE test link frame per file, from the fixtures the wire tests use. Run by `make fuzz-corpus`;
 * the files it wrote are committed, so `make test` does not need it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "host.h"
#include "gtp.h"
#include "nas.h"

static int save(const char *dir, const char *sub, const char *name, const uint8_t *p, int n)
{
	char path[4096];
	FILE *f;

	if (n < 0) {
		fprintf(stderr, "gen_corpus: cannot encode %s: %s\n", name, strerror(-n));
		return n;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -EIO;
	}
	return fclose(f) ? -EIO : 0;
}

int main(int argc, char **argv)
{
	uint8_t tau[64], tau_plain[64], rr_plain[64], rr[128], buf[512], pdu[128];
	struct nasmac__ctx_req req;
	struct nasmac__ctx_rsp rsp;
	struct nasmac__ctx_ack ack;
	struct nasmac__tau t;
	struct nasmac__rr r;
	struct nasmac__smc s;
	int tau_len, rr_len, n, rc = 0;
	const char *d;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	d = argv[1];
	fx_tau(&t);
	n = nasmac__nas_enc_tau(&t, tau_plain, sizeof(tau_plain));
	rc |= save(d, "nas_eps", "tau_plain", tau_plain, n);
	tau_len = fx_tau_pdu(tau, sizeof(tau));
	rc |= save(d, "nas_eps", "tau_protected", tau, tau_len);
	if (rc)
		return 1;

	fx_rr(&r, tau, (size_t)tau_len);
	rc |= save(d, "nas_5g", "rr_eps_container", buf, nasmac__nas_enc_rr(&r, buf, sizeof(buf)));
	fx_rr(&r, NULL, 0);
	rr_len = nasmac__nas_enc_rr(&r, rr_plain, sizeof(rr_plain));
	rc |= save(d, "nas_5g", "rr_plain", rr_plain, rr_len);
	if (rc)
		return 1;
	rr_len = nasmac__nas_5g_protect(1, fx_mac, FX_SQN, rr_plain, (size_t)rr_len, rr, sizeof(rr));
	rc |= save(d, "nas_5g", "rr_protected", rr, rr_len);
	fx_smc(&s);
	n = nasmac__nas_enc_smc(&s, buf, sizeof(buf));
	rc |= save(d, "nas_5g", "smc_plain", buf, n);
	if (n > 0)
		rc |= save(d, "nas_5g", "smc_protected", pdu,
			   nasmac__nas_5g_protect(3, fx_mac, 0, buf, (size_t)n, pdu, sizeof(pdu)));
	n = nasmac__nas_enc_reg_accept(buf, sizeof(buf));
	if (n > 0)
		rc |= save(d, "nas_5g", "reg_accept_protected", pdu,
			   nasmac__nas_5g_protect(2, fx_mac, 1, buf, (size_t)n, pdu, sizeof(pdu)));
	rc |= save(d, "nas_5g", "reg_reject", buf, nasmac__nas_enc_reg_reject(3, buf, sizeof(buf)));
	if (rc || rr_len < 0)
		return 1;

	fx_ctx_req(&req, NASMAC__CRM_TAU, tau, (size_t)tau_len);
	rc |= save(d, "gtp", "ctx_req_tau", buf, nasmac__gtp_enc_ctx_req(&req, buf, sizeof(buf)));
	fx_ctx_req(&req, NASMAC__CRM_RR, rr, (size_t)rr_len);
	rc |= save(d, "gtp", "ctx_req_fig3", buf, nasmac__gtp_enc_ctx_req(&req, buf, sizeof(buf)));
	req.has_guti = 0;
	req.has_imsi = 1;
	strcpy(req.imsi, "001010123456789");
	rc |= save(d, "gtp", "ctx_req_imsi", buf, nasmac__gtp_enc_ctx_req(&req, buf, sizeof(buf)));
	fx_ctx_rsp(&rsp, NASMAC__CAUSE_ACCEPTED, 0);
	rc |= save(d, "gtp", "ctx_rsp_accept", buf, nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)));
	fx_ctx_rsp(&rsp, NASMAC__CAUSE_ACCEPTED, 1);
	rc |= save(d, "gtp", "ctx_rsp_kamf", buf, nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)));
	fx_ctx_rsp(&rsp, NASMAC__CAUSE_USER_AUTH_FAILED, 0);
	rc |= save(d, "gtp", "ctx_rsp_reject", buf, nasmac__gtp_enc_ctx_rsp(&rsp, buf, sizeof(buf)));
	fx_ctx_ack(&ack);
	rc |= save(d, "gtp", "ctx_ack", buf, nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf)));
	rc |= save(d, "gtp", "echo_rsp", buf, nasmac__gtp_enc_echo_rsp(0x42, buf, sizeof(buf)));

	/* UE test link frames (host/README.md): FIG. 2 (two PDUs, manner 3), FIG. 3, 3GPP flow,
	 * a downlink Registration Reject with diagnostic 1. */
	{
		struct nasmac__link_frame f = { .ue_id = 7, .kind = NASMAC__LINK_UL, .info = 3 };
		uint8_t frame[NASMAC__LINK_MAX], rej[8];

		f.pdu[0] = rr, f.pdu_len[0] = (size_t)rr_len;
		f.pdu[1] = tau, f.pdu_len[1] = (size_t)tau_len;
		f.n_pdu = 2;
		rc |= save(d, "link", "fig2", frame, nasmac__link_encode(&f, frame, sizeof(frame)));
		f.n_pdu = 1;
		f.info = 0;
		rc |= save(d, "link", "fig3", frame, nasmac__link_encode(&f, frame, sizeof(frame)));
		fx_rr(&r, tau, (size_t)tau_len);
		n = nasmac__nas_enc_rr(&r, pdu, sizeof(pdu));
		f.pdu[0] = pdu, f.pdu_len[0] = n > 0 ? (size_t)n : 0;
		rc |= save(d, "link", "3gpp", frame, nasmac__link_encode(&f, frame, sizeof(frame)));
		n = nasmac__nas_enc_reg_reject(3, rej, sizeof(rej));
		f.kind = NASMAC__LINK_DL;
		f.info = NASMAC__DIAG_MAC;
		f.pdu[0] = rej, f.pdu_len[0] = n > 0 ? (size_t)n : 0;
		rc |= save(d, "link", "dl_reject", frame,
			   nasmac__link_encode(&f, frame, sizeof(frame)));
	}
	return rc ? 1 : 0;
}
