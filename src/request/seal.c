/* seal.c -- see seal.h */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "seal.h"
#include "util.h"

#define VERSION		1
#define PREFIX		"v1."
#define HDR		(1 + 8)
#define IVLEN		12
#define TAGLEN		16
#define SEALED_MAX	4000

static const char *const errs[] = {
	"ok",
	"malformed sealed value",
	"sealed value failed authentication (tampered or another secret)",
	"sealed value expired",
	"internal cryptography error",
};

const char *
jo_seal_strerror(enum jo_seal_err e)
{
	return errs[e];
}

/* One key per purpose: HKDF-SHA256(secret, salt, "jitsi-oidc v1 <purpose>").
 * A long-lived (FastCGI) process derives each key once: the last few are
 * kept, found by the whole secret and the purpose. */
#define KEYS_KEPT	6
static struct {
	char		*secret;
	size_t		 len;
	char		 purpose[16];
	unsigned char	 key[32];
} kept[KEYS_KEPT];
static unsigned	 kept_next;

void
jo_seal_reset(void)
{
	size_t	 i;

	for (i = 0; i < KEYS_KEPT; i++) {
		if (kept[i].secret != NULL)
			explicit_bzero(kept[i].secret, kept[i].len);
		free(kept[i].secret);
	}
	explicit_bzero(kept, sizeof(kept));
	kept_next = 0;
}

static int
derive(const char *secret, size_t secretlen, const char *purpose,
    unsigned char key[32])
{
	static const char salt[] = "jitsi-oidc cookie seal";
	char		 info[64];
	size_t		 i;

	for (i = 0; i < KEYS_KEPT; i++)
		if (kept[i].secret != NULL && kept[i].len == secretlen &&
		    strcmp(kept[i].purpose, purpose) == 0 &&
		    memcmp(kept[i].secret, secret, secretlen) == 0) {
			memcpy(key, kept[i].key, 32);
			return 0;
		}
	snprintf(info, sizeof(info), "jitsi-oidc v1 %s", purpose);
	if (jo_hkdf_sha256(salt, sizeof(salt) - 1, secret, secretlen, info,
	    strlen(info), key, 32) == -1)
		return -1;
	if (strlen(purpose) >= sizeof(kept[0].purpose))
		return 0;
	i = kept_next++ % KEYS_KEPT;
	if (kept[i].secret != NULL) {
		explicit_bzero(kept[i].secret, kept[i].len);
		free(kept[i].secret);
	}
	kept[i].secret = jo_xmalloc(secretlen);
	memcpy(kept[i].secret, secret, secretlen);
	kept[i].len = secretlen;
	strcpy(kept[i].purpose, purpose);
	memcpy(kept[i].key, key, 32);
	return 0;
}

/* The authenticated data: version, expiry, purpose. */
static void
aad_for(struct jo_buf *aad, const unsigned char hdr[HDR],
    const char *purpose)
{
	jo_buf_add(aad, hdr, HDR);
	jo_buf_adds(aad, purpose);
}

char *
jo_seal(const char *secret, size_t secretlen, const char *purpose,
    time_t expires, const char *plain, size_t plainlen)
{
	unsigned char	 key[32], *raw = NULL;
	struct jo_buf	 aad = { 0 };
	char		*b64 = NULL, *out = NULL;
	size_t		 rawlen;
	uint64_t	 e = (uint64_t)expires;
	int		 i;

	if (plainlen > JO_SEAL_MAX_PLAIN)
		return NULL;
	if (derive(secret, secretlen, purpose, key) == -1)
		return NULL;
	rawlen = HDR + IVLEN + plainlen + TAGLEN;
	raw = jo_xmalloc(rawlen);
	raw[0] = VERSION;
	for (i = 0; i < 8; i++)
		raw[1 + i] = (unsigned char)(e >> (56 - 8 * i));
	if (jo_random(raw + HDR, IVLEN) == -1)
		goto end;
	aad_for(&aad, raw, purpose);
	if (jo_aes256gcm_seal(key, raw + HDR, aad.p, aad.len, plain, plainlen,
	    raw + HDR + IVLEN, raw + HDR + IVLEN + plainlen) == -1)
		goto end;
	b64 = jo_b64url_encode(raw, rawlen);
	out = jo_xmalloc(sizeof(PREFIX) + strlen(b64));
	memcpy(out, PREFIX, sizeof(PREFIX) - 1);
	strcpy(out + sizeof(PREFIX) - 1, b64);
end:
	explicit_bzero(key, sizeof(key));
	jo_buf_free(&aad);
	free(raw);
	free(b64);
	return out;
}

enum jo_seal_err
jo_unseal(const char *secret, size_t secretlen, const char *purpose,
    time_t now, const char *sealed, char **plain, size_t *plainlen)
{
	unsigned char	 key[32], *raw = NULL, *pt = NULL;
	struct jo_buf	 aad = { 0 };
	size_t		 rawlen, ctlen, slen;
	uint64_t	 e = 0;
	enum jo_seal_err rc;
	int		 i;

	*plain = NULL;
	*plainlen = 0;
	slen = strlen(sealed);
	if (slen > SEALED_MAX || strncmp(sealed, PREFIX, 3) != 0 ||
	    jo_b64url_decode(sealed + 3, slen - 3, &raw, &rawlen) == -1)
		return JO_SEAL_MALFORMED;
	if (rawlen < HDR + IVLEN + TAGLEN || raw[0] != VERSION) {
		free(raw);
		return JO_SEAL_MALFORMED;
	}
	if (derive(secret, secretlen, purpose, key) == -1) {
		free(raw);
		return JO_SEAL_INTERNAL;
	}
	ctlen = rawlen - HDR - IVLEN - TAGLEN;
	pt = jo_xmalloc(ctlen + 1);
	aad_for(&aad, raw, purpose);
	rc = JO_SEAL_FORGED;
	if (jo_aes256gcm_open(key, raw + HDR, aad.p, aad.len, raw + HDR + IVLEN,
	    ctlen, raw + HDR + IVLEN + ctlen, pt) == -1)
		goto end;
	for (i = 0; i < 8; i++)
		e = e << 8 | raw[1 + i];
	if (e > INT64_MAX || (time_t)e <= now) {
		rc = JO_SEAL_EXPIRED;
		goto end;
	}
	pt[ctlen] = '\0';
	*plain = (char *)pt;
	*plainlen = ctlen;
	pt = NULL;
	rc = JO_SEAL_OK;
end:
	explicit_bzero(key, sizeof(key));
	jo_buf_free(&aad);
	free(raw);
	free(pt);
	return rc;
}
