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

/* AlgorithmIdentifier for rsaEncryption, with NULL parameters */
static const unsigned char rsa_alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86,
    0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
/* id-ecPublicKey, followed by the curve's OID */
static const unsigned char ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x02, 0x01 };
static const unsigned char p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07 };
static const unsigned char p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
    0x22 };
static const unsigned char p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
    0x23 };

/* The curves of RFC 7518 section 6.2.1.1, with the size of a coordinate. */
static const struct curve {
	const char		*name;
	const unsigned char	*oid;
	size_t			 oidlen;
	size_t			 flen;
} curves[] = {
	{ "P-256", p256, sizeof(p256), 32 },
	{ "P-384", p384, sizeof(p384), 48 },
	{ "P-521", p521, sizeof(p521), 66 },
};

/* SEQUENCE { RSAPublicKey } as the BIT STRING's content, and rsa_alg.
 * A key under JO_RSA_MIN_BITS is 0 with nothing added (kept, unused). */
static int
rsa_parts(json_object *jwk, struct jo_key *k, struct jo_buf *alg,
    struct jo_buf *bits, char *why, size_t wl)
{
	struct jo_buf	 key = { 0 };
	unsigned char	*n, *e = NULL, zero = 0;
	size_t		 nlen, elen, i;
	int		 rc = -1;

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
	rc = 0;
	if (k->bits < JO_RSA_MIN_BITS)
		goto end;
	der_uint(&key, n, nlen);
	der_uint(&key, e, elen);
	jo_buf_add(bits, &zero, 1);
	der_tlv(bits, 0x30, key.p, key.len);
	jo_buf_add(alg, rsa_alg, sizeof(rsa_alg));
end:
	free(n);
	free(e);
	jo_buf_free(&key);
	return rc;
}

/* An EC coordinate of exactly the curve's size.  RFC 7518 section
 * 6.2.1.2 wants that size, but some providers' libraries drop leading
 * zero bytes (a key in 128 on P-256); OpenSSL, node's crypto and jose
 * left-pad such a coordinate, and so does this.  A longer one is
 * refused; a point off the curve is refused by OpenSSL when a signature
 * is checked with it. */
static int
ec_coord(json_object *jwk, const char *name, const struct curve *c,
    struct jo_buf *out, char *why, size_t wl)
{
	static const unsigned char zeros[66];
	unsigned char	*v;
	size_t		 len;

	if ((v = b64_field(jwk, name, 100, &len)) == NULL) {
		jo_why(why, wl, "EC key without a valid %s", name);
		return -1;
	}
	if (len > c->flen) {
		jo_why(why, wl, "EC %s is %zu bytes, %s needs %zu", name, len,
		    c->name, c->flen);
		free(v);
		return -1;
	}
	jo_buf_add(out, zeros, c->flen - len);
	jo_buf_add(out, v, len);
	free(v);
	return 0;
}

/* The uncompressed point 04 | x | y as the BIT STRING's content, and
 * SEQUENCE { id-ecPublicKey, curve }. */
static int
ec_parts(json_object *jwk, struct jo_key *k, struct jo_buf *alg,
    struct jo_buf *bits, char *why, size_t wl)
{
	const struct curve	*c = NULL;
	struct jo_buf		 oids = { 0 };
	size_t			 i;

	if (k->crv == NULL) {
		jo_why(why, wl, "EC key without crv");
		return -1;
	}
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(k->crv, curves[i].name) == 0)
			c = &curves[i];
	if (c == NULL) {
		jo_why(why, wl, "EC curve %.20s not supported", k->crv);
		return -1;
	}
	jo_buf_add(bits, "\0\x04", 2);
	if (ec_coord(jwk, "x", c, bits, why, wl) == -1 ||
	    ec_coord(jwk, "y", c, bits, why, wl) == -1)
		return -1;
	k->bits = (int)c->flen * 8;
	jo_buf_add(&oids, ec_oid, sizeof(ec_oid));
	jo_buf_add(&oids, c->oid, c->oidlen);
	der_tlv(alg, 0x30, oids.p, oids.len);
	jo_buf_free(&oids);
	return 0;
}

/* One JWK (RSA or EC) to a PEM public key:
 * SEQUENCE { AlgorithmIdentifier, BIT STRING }. */
int
jo_jwk_convert(json_object *jwk, struct jo_key *k, char *why, size_t wl)
{
	struct jo_buf	 alg = { 0 }, bits = { 0 }, spki = { 0 }, der = { 0 };
	int		 rc;

	if (strcmp(k->kty, "RSA") == 0)
		rc = rsa_parts(jwk, k, &alg, &bits, why, wl);
	else
		rc = ec_parts(jwk, k, &alg, &bits, why, wl);
	if (rc == 0 && bits.len > 0) {
		jo_buf_add(&spki, alg.p, alg.len);
		der_tlv(&spki, 0x03, bits.p, bits.len);
		der_tlv(&der, 0x30, spki.p, spki.len);
		k->pem = pem_of(&der);
	}
	jo_buf_free(&alg);
	jo_buf_free(&bits);
	jo_buf_free(&spki);
	jo_buf_free(&der);
	return rc;
}
