/* jwk.c -- see jwk.h */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jwk.h"
#include "json.h"
#include "util.h"

/* JWK -> SubjectPublicKeyInfo (RFC 5280, RFC 3279, RFC 5480), DER-encoded
 * here and wrapped in PEM, for libjwt.  No OpenSSL call: building keys
 * through EVP would load OpenSSL's provider machinery into every process
 * that reads the cache.  A malformed key is refused by OpenSSL when a
 * signature is verified with it. */

static void
der_len(struct jo_buf *b, size_t n)
{
	unsigned char	 l[5];

	if (n < 0x80) {
		l[0] = (unsigned char)n;
		jo_buf_add(b, l, 1);
	} else if (n < 0x100) {
		l[0] = 0x81;
		l[1] = (unsigned char)n;
		jo_buf_add(b, l, 2);
	} else {
		l[0] = 0x82;
		l[1] = (unsigned char)(n >> 8);
		l[2] = (unsigned char)n;
		jo_buf_add(b, l, 3);
	}
}

/* tag, length, contents */
static void
der_tlv(struct jo_buf *b, unsigned char tag, const void *p, size_t n)
{
	jo_buf_add(b, &tag, 1);
	der_len(b, n);
	jo_buf_add(b, p, n);
}

/* A positive INTEGER from big-endian bytes: no leading zeros, and a 0x00
 * in front when the top bit is set. */
static void
der_uint(struct jo_buf *b, const unsigned char *p, size_t n)
{
	struct jo_buf	 v = { 0 };
	unsigned char	 z = 0;

	while (n > 1 && *p == 0) {
		p++;
		n--;
	}
	if (n == 0 || (*p & 0x80))
		jo_buf_add(&v, &z, 1);
	jo_buf_add(&v, p, n);
	der_tlv(b, 0x02, v.p, v.len);
	jo_buf_free(&v);
}

static char *
pem_of(const struct jo_buf *der)
{
	struct jo_buf	 b = { 0 }, b64 = { 0 };
	char		*u, *c;
	size_t		 i;

	/* standard base64 with padding, in lines of 64 */
	u = jo_b64url_encode((const unsigned char *)der->p, der->len);
	for (c = u; *c != '\0'; c++)
		*c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
	jo_buf_adds(&b64, u);
	while (b64.len % 4 != 0)
		jo_buf_add(&b64, "=", 1);
	jo_buf_adds(&b, "-----BEGIN PUBLIC KEY-----\n");
	for (i = 0; i < b64.len; i += 64) {
		jo_buf_add(&b, b64.p + i, b64.len - i < 64 ? b64.len - i : 64);
		jo_buf_add(&b, "\n", 1);
	}
	jo_buf_adds(&b, "-----END PUBLIC KEY-----\n");
	free(u);
	jo_buf_free(&b64);
	return jo_buf_take(&b);
}

static unsigned char *
b64_field(json_object *o, const char *key, size_t max, size_t *len)
{
	const char	*s;
	unsigned char	*raw;

	if ((s = jo_json_str(o, key)) == NULL || strlen(s) > max ||
	    jo_b64url_decode(s, strlen(s), &raw, len) == -1)
		return NULL;
	if (*len == 0) {
		free(raw);
		return NULL;
	}
	return raw;
}

/* One JWK (RSA or EC) to a PEM public key. */
int
jo_jwk_convert(json_object *jwk, struct jo_key *k, char *why, size_t wl)
{
	/* AlgorithmIdentifier for rsaEncryption (with NULL parameters), and
	 * id-ecPublicKey, each followed by the curve's OID for EC */
	static const unsigned char rsa_alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
	static const unsigned char ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x02, 0x01 };
	static const unsigned char p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const unsigned char p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04,
	    0x00, 0x22 };
	static const unsigned char p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04,
	    0x00, 0x23 };
	/* bits: the BIT STRING's content, starting with 0 unused bits */
	struct jo_buf	 key = { 0 }, bits = { 0 }, spki = { 0 }, alg = { 0 };
	struct jo_buf	 der = { 0 };
	unsigned char	*n = NULL, *e = NULL, *x = NULL, *y = NULL, zero = 0;
	const unsigned char *curve;
	size_t		 nlen, elen, xlen, ylen, flen, curvelen, i;
	int		 rc = -1;

	if (strcmp(k->kty, "RSA") == 0) {
		if ((n = b64_field(jwk, "n", 2048, &nlen)) == NULL ||
		    (e = b64_field(jwk, "e", 64, &elen)) == NULL) {
			jo_why(why, wl, "RSA key without valid n and e");
			goto end;
		}
		for (i = 0; i < nlen && n[i] == 0; i++)
			;
		k->bits = i == nlen ? 0 : (int)((nlen - i) * 8);
		if (i < nlen)
			for (unsigned char top = n[i]; !(top & 0x80); top <<= 1)
				k->bits--;
		if (k->bits < JO_RSA_MIN_BITS) {
			rc = 0;		/* kept, but never used */
			goto end;
		}
		der_uint(&key, n, nlen);
		der_uint(&key, e, elen);
		jo_buf_add(&bits, &zero, 1);
		der_tlv(&bits, 0x30, key.p, key.len);
		jo_buf_add(&alg, rsa_alg, sizeof(rsa_alg));
	} else {
		if (k->crv == NULL) {
			jo_why(why, wl, "EC key without crv");
			goto end;
		}
		if (strcmp(k->crv, "P-256") == 0) {
			curve = p256;
			curvelen = sizeof(p256);
			flen = 32;
		} else if (strcmp(k->crv, "P-384") == 0) {
			curve = p384;
			curvelen = sizeof(p384);
			flen = 48;
		} else if (strcmp(k->crv, "P-521") == 0) {
			curve = p521;
			curvelen = sizeof(p521);
			flen = 66;
		} else {
			jo_why(why, wl, "EC curve %.20s not supported", k->crv);
			goto end;
		}
		if ((x = b64_field(jwk, "x", 100, &xlen)) == NULL ||
		    xlen != flen ||
		    (y = b64_field(jwk, "y", 100, &ylen)) == NULL ||
		    ylen != flen) {
			jo_why(why, wl, "EC key without valid x and y");
			goto end;
		}
		k->bits = (int)flen * 8;
		/* AlgorithmIdentifier: SEQUENCE { id-ecPublicKey, curve } */
		jo_buf_add(&key, ec_oid, sizeof(ec_oid));
		jo_buf_add(&key, curve, curvelen);
		der_tlv(&alg, 0x30, key.p, key.len);
		/* the uncompressed point 04 | x | y */
		jo_buf_add(&bits, &zero, 1);
		jo_buf_add(&bits, "\x04", 1);
		jo_buf_add(&bits, x, xlen);
		jo_buf_add(&bits, y, ylen);
	}
	/* SEQUENCE { AlgorithmIdentifier, BIT STRING } */
	jo_buf_add(&spki, alg.p, alg.len);
	der_tlv(&spki, 0x03, bits.p, bits.len);
	der_tlv(&der, 0x30, spki.p, spki.len);
	k->pem = pem_of(&der);
	rc = 0;
end:
	free(n);
	free(e);
	free(x);
	free(y);
	jo_buf_free(&key);
	jo_buf_free(&bits);
	jo_buf_free(&spki);
	jo_buf_free(&alg);
	jo_buf_free(&der);
	return rc;
}
