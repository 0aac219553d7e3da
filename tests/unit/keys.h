/* keys.h -- test keys: generate RSA/EC key pairs with OpenSSL, express
 * the public half as a JWK, the private half as PEM for libjwt, and
 * sign test tokens. */
#ifndef JO_TEST_KEYS_H
#define JO_TEST_KEYS_H

#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util.h"

struct tkey {
	EVP_PKEY	*pk;
	char		*priv_pem;
	char		*pub_pem;
	char		*jwk;		/* JSON object text */
};

static inline char *
bn_b64(const BIGNUM *bn, int pad)
{
	unsigned char	 buf[1024];
	int		 n;

	n = pad ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	return jo_b64url_encode(buf, (size_t)n);
}

static inline char *
bio_str(BIO *b)
{
	BUF_MEM	*bm;

	BIO_get_mem_ptr(b, &bm);
	return jo_xstrndup(bm->data, bm->length);
}

static inline struct tkey
tkey_new(const char *type, int bits_or_zero, const char *kid,
    const char *alg)
{
	struct tkey	 k;
	BIO		*b;
	BIGNUM		*n = NULL, *e = NULL;
	unsigned char	 pub[200];
	size_t		 publen = 0, f;
	char		*x, *y;

	memset(&k, 0, sizeof(k));
	if (strcmp(type, "RSA") == 0)
		k.pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits_or_zero);
	else
		k.pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, k.pk, NULL, NULL, 0, NULL, NULL);
	k.priv_pem = bio_str(b);
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(b, k.pk);
	k.pub_pem = bio_str(b);
	BIO_free(b);
	if (strcmp(type, "RSA") == 0) {
		EVP_PKEY_get_bn_param(k.pk, OSSL_PKEY_PARAM_RSA_N, &n);
		EVP_PKEY_get_bn_param(k.pk, OSSL_PKEY_PARAM_RSA_E, &e);
		x = bn_b64(n, 0);
		y = bn_b64(e, 0);
		k.jwk = jo_xasprintf("{\"kty\":\"RSA\",\"use\":\"sig\",%s%s%s"
		    "%s%s%s\"n\":\"%s\",\"e\":\"%s\"}",
		    kid ? "\"kid\":\"" : "", kid ? kid : "", kid ? "\"," : "",
		    alg ? "\"alg\":\"" : "", alg ? alg : "", alg ? "\"," : "",
		    x, y);
		BN_free(n);
		BN_free(e);
	} else {
		EVP_PKEY_get_octet_string_param(k.pk, OSSL_PKEY_PARAM_PUB_KEY,
		    pub, sizeof(pub), &publen);
		f = (publen - 1) / 2;
		x = jo_b64url_encode(pub + 1, f);
		y = jo_b64url_encode(pub + 1 + f, f);
		k.jwk = jo_xasprintf("{\"kty\":\"EC\",\"crv\":\"P-256\",%s%s%s"
		    "%s%s%s\"x\":\"%s\",\"y\":\"%s\"}",
		    kid ? "\"kid\":\"" : "", kid ? kid : "", kid ? "\"," : "",
		    alg ? "\"alg\":\"" : "", alg ? alg : "", alg ? "\"," : "",
		    x, y);
	}
	free(x);
	free(y);
	return k;
}

static inline void
tkey_free(struct tkey *k)
{
	EVP_PKEY_free(k->pk);
	free(k->priv_pem);
	free(k->pub_pem);
	free(k->jwk);
}

/* Sign claims (JSON) with alg and key (PEM or secret); kid optional. */
static inline char *
tsign(const char *claims, jwt_alg_t alg, const char *key, const char *kid)
{
	jwt_t	*j;
	char	*t;

	jwt_new(&j);
	jwt_add_grants_json(j, claims);
	if (kid != NULL)
		jwt_add_header(j, "kid", kid);
	jwt_set_alg(j, alg, (const unsigned char *)key, (int)strlen(key));
	t = jwt_encode_str(j);
	jwt_free(j);
	return t;
}

#endif
