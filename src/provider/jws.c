/* jws.c -- see jws.h
 *
 * libjwt is loaded when the first ID token is verified (or a Jitsi token
 * signed with RS256): only /redirect needs it, and with it jansson,
 * libb64 and OpenSSL's provider machinery; /authorize and /tokenize stay
 * without them.  What libjwt 1.10 cannot do (RSA-PSS; HMAC compared in
 * constant time on the decoded bytes; reading a private key's type) is
 * done with libcrypto's EVP, loaded the same way -- the very library
 * libjwt loads.  The headers are used for their types and constants
 * only. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "dl.h"
#include "jws.h"
#include "util.h"

#ifndef JO_LIBJWT
#define JO_LIBJWT "libjwt.so.0"
#endif
#ifndef JO_LIBCRYPTO
#define JO_LIBCRYPTO "libcrypto.so.3"
#endif

static struct {
	__typeof__(jwt_decode)		*decode;
	__typeof__(jwt_get_alg)		*get_alg;
	__typeof__(jwt_free)		*free;
	__typeof__(jwt_new)		*new;
	__typeof__(jwt_set_alg)		*set_alg;
	__typeof__(jwt_add_header)	*add_header;
	__typeof__(jwt_add_grants_json)	*add_grants_json;
	__typeof__(jwt_encode_str)	*encode_str;
} lj;

/* process-wide: the library, once loaded (state.h) */
static void	*lj_lib;

static const struct jo_dl_sym lj_syms[] = {
	JO_DL_SYM(lj, decode, jwt_decode),
	JO_DL_SYM(lj, get_alg, jwt_get_alg),
	JO_DL_SYM(lj, free, jwt_free),
	JO_DL_SYM(lj, new, jwt_new),
	JO_DL_SYM(lj, set_alg, jwt_set_alg),
	JO_DL_SYM(lj, add_header, jwt_add_header),
	JO_DL_SYM(lj, add_grants_json, jwt_add_grants_json),
	JO_DL_SYM(lj, encode_str, jwt_encode_str),
};

static struct {
	__typeof__(BIO_new_mem_buf)		*bio_new_mem_buf;
	__typeof__(BIO_free)			*bio_free;
	__typeof__(PEM_read_bio_PUBKEY)		*read_pubkey;
	__typeof__(PEM_read_bio_PrivateKey)	*read_privkey;
	__typeof__(EVP_PKEY_free)		*pkey_free;
	__typeof__(EVP_PKEY_get_base_id)	*pkey_base_id;
	__typeof__(EVP_PKEY_get_bits)		*pkey_bits;
	__typeof__(EVP_PKEY_get_group_name)	*pkey_group;
	__typeof__(EVP_MD_CTX_new)		*md_ctx_new;
	__typeof__(EVP_MD_CTX_free)		*md_ctx_free;
	__typeof__(EVP_DigestVerifyInit)	*verify_init;
	__typeof__(EVP_DigestVerify)		*verify;
	__typeof__(EVP_PKEY_CTX_set_rsa_padding) *set_padding;
	__typeof__(EVP_PKEY_CTX_set_rsa_pss_saltlen) *set_saltlen;
	__typeof__(EVP_PKEY_CTX_set_rsa_mgf1_md) *set_mgf1;
	__typeof__(EVP_sha256)			*sha256;
	__typeof__(EVP_sha384)			*sha384;
	__typeof__(EVP_sha512)			*sha512;
	__typeof__(HMAC)			*hmac;
	__typeof__(CRYPTO_memcmp)		*memcmp;
} lc;

/* process-wide: libcrypto, once loaded (state.h) */
static void	*lc_lib;

static const struct jo_dl_sym lc_syms[] = {
	JO_DL_SYM(lc, bio_new_mem_buf, BIO_new_mem_buf),
	JO_DL_SYM(lc, bio_free, BIO_free),
	JO_DL_SYM(lc, read_pubkey, PEM_read_bio_PUBKEY),
	JO_DL_SYM(lc, read_privkey, PEM_read_bio_PrivateKey),
	JO_DL_SYM(lc, pkey_free, EVP_PKEY_free),
	JO_DL_SYM(lc, pkey_base_id, EVP_PKEY_get_base_id),
	JO_DL_SYM(lc, pkey_bits, EVP_PKEY_get_bits),
	JO_DL_SYM(lc, pkey_group, EVP_PKEY_get_group_name),
	JO_DL_SYM(lc, md_ctx_new, EVP_MD_CTX_new),
	JO_DL_SYM(lc, md_ctx_free, EVP_MD_CTX_free),
	JO_DL_SYM(lc, verify_init, EVP_DigestVerifyInit),
	JO_DL_SYM(lc, verify, EVP_DigestVerify),
	JO_DL_SYM(lc, set_padding, EVP_PKEY_CTX_set_rsa_padding),
	JO_DL_SYM(lc, set_saltlen, EVP_PKEY_CTX_set_rsa_pss_saltlen),
	JO_DL_SYM(lc, set_mgf1, EVP_PKEY_CTX_set_rsa_mgf1_md),
	JO_DL_SYM(lc, sha256, EVP_sha256),
	JO_DL_SYM(lc, sha384, EVP_sha384),
	JO_DL_SYM(lc, sha512, EVP_sha512),
	JO_DL_SYM(lc, hmac, HMAC),
	JO_DL_SYM(lc, memcmp, CRYPTO_memcmp),
};

static int
load(char *why, size_t wl)
{
	return jo_dl_open(&lj_lib, JO_LIBJWT, RTLD_LAZY | RTLD_LOCAL, lj_syms,
	    sizeof(lj_syms) / sizeof(lj_syms[0]), "libjwt", why, wl);
}

static int
load_crypto(char *why, size_t wl)
{
	return jo_dl_open(&lc_lib, JO_LIBCRYPTO, RTLD_LAZY | RTLD_LOCAL,
	    lc_syms, sizeof(lc_syms) / sizeof(lc_syms[0]), "libcrypto", why,
	    wl);
}

static int
alg_of(const char *name, jwt_alg_t *a)
{
	static const struct {
		const char	*name;
		jwt_alg_t	 alg;
	} algs[] = {
		{ "RS256", JWT_ALG_RS256 }, { "RS384", JWT_ALG_RS384 },
		{ "RS512", JWT_ALG_RS512 }, { "ES256", JWT_ALG_ES256 },
		{ "ES384", JWT_ALG_ES384 }, { "ES512", JWT_ALG_ES512 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0) {
			*a = algs[i].alg;
			return 0;
		}
	return -1;
}

int
jo_jwt_verify(const char *token, const char *alg, const char *pem,
    char *why, size_t wl)
{
	jwt_alg_t	 a;
	jwt_t		*jwt = NULL;
	int		 ok;

	if (alg_of(alg, &a) == -1) {
		jo_why(why, wl, "alg %.20s is not one libjwt verifies here",
		    alg);
		return -1;
	}
	if (load(why, wl) == -1)
		return -1;
	/* never an empty key: libjwt would skip the check; and the
	 * token's alg must be the one pinned (libjwt follows the token) */
	ok = pem[0] != '\0' && lj.decode(&jwt, token,
	    (const unsigned char *)pem, (int)strlen(pem)) == 0 &&
	    jwt != NULL && lj.get_alg(jwt) == a;
	if (jwt != NULL)
		lj.free(jwt);
	return ok;
}

/* The digest of an alg named XX256, XX384 or XX512. */
static const EVP_MD *
digest_of(const char *alg)
{
	if (strlen(alg) != 5)
		return NULL;
	if (strcmp(alg + 2, "256") == 0)
		return lc.sha256();
	if (strcmp(alg + 2, "384") == 0)
		return lc.sha384();
	if (strcmp(alg + 2, "512") == 0)
		return lc.sha512();
	return NULL;
}

/* A compact JWS's signing input (its length) and decoded signature. */
static int
split(const char *token, size_t *inlen, unsigned char **sig, size_t *siglen)
{
	const char	*d1, *d2;

	*sig = NULL;
	if ((d1 = strchr(token, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL)
		return -1;
	*inlen = (size_t)(d2 - token);
	return jo_b64url_decode(d2 + 1, strlen(d2 + 1), sig, siglen);
}

int
jo_jws_hmac_verify(const char *token, const char *alg, const char *secret,
    char *why, size_t wl)
{
	const EVP_MD	*d;
	unsigned char	 md[EVP_MAX_MD_SIZE], *sig;
	unsigned int	 mdlen = 0;
	size_t		 inlen, siglen;
	int		 ok = 0;

	if (strncmp(alg, "HS", 2) != 0 || secret == NULL || *secret == '\0') {
		jo_why(why, wl, "HMAC %.20s needs an HS alg and a secret", alg);
		return -1;
	}
	if (load_crypto(why, wl) == -1)
		return -1;
	if ((d = digest_of(alg)) == NULL) {
		jo_why(why, wl, "alg %.20s is not HS256, HS384 or HS512", alg);
		return -1;
	}
	if (split(token, &inlen, &sig, &siglen) == -1)
		return 0;
	/* on the decoded bytes, in constant time (libjwt 1.10 compares
	 * base64 text with strcmp) */
	if (lc.hmac(d, secret, (int)strlen(secret),
	    (const unsigned char *)token, inlen, md, &mdlen) != NULL &&
	    siglen == mdlen && lc.memcmp(md, sig, mdlen) == 0)
		ok = 1;
	explicit_bzero(md, sizeof(md));
	free(sig);
	return ok;
}

/* A key is read without a passphrase: an encrypted one is refused
 * instead of prompting on a terminal. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *
read_key(const char *pem, int private)
{
	BIO		*b;
	EVP_PKEY	*k;

	if ((b = lc.bio_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	k = private ? lc.read_privkey(b, NULL, no_passphrase, NULL) :
	    lc.read_pubkey(b, NULL, no_passphrase, NULL);
	lc.bio_free(b);
	return k;
}

int
jo_jws_pss_verify(const char *token, const char *alg, const char *pem,
    char *why, size_t wl)
{
	const EVP_MD	*d;
	EVP_PKEY	*k = NULL;
	EVP_MD_CTX	*ctx = NULL;
	EVP_PKEY_CTX	*pc = NULL;
	unsigned char	*sig = NULL;
	size_t		 inlen, siglen;
	int		 ok = 0;

	if (strncmp(alg, "PS", 2) != 0 || pem == NULL) {
		jo_why(why, wl, "RSA-PSS %.20s needs a PS alg and a key", alg);
		return -1;
	}
	if (load_crypto(why, wl) == -1)
		return -1;
	if ((d = digest_of(alg)) == NULL) {
		jo_why(why, wl, "alg %.20s is not PS256, PS384 or PS512", alg);
		return -1;
	}
	/* a key OpenSSL cannot read, or not RSA of 2048 bits: no */
	if ((k = read_key(pem, 0)) == NULL || lc.pkey_base_id(k) !=
	    EVP_PKEY_RSA || lc.pkey_bits(k) < 2048 ||
	    split(token, &inlen, &sig, &siglen) == -1 ||
	    (ctx = lc.md_ctx_new()) == NULL)
		goto end;
	/* RFC 7518 3.5: MGF1 with the same hash, a salt as long as it */
	if (lc.verify_init(ctx, &pc, d, NULL, k) == 1 &&
	    lc.set_padding(pc, RSA_PKCS1_PSS_PADDING) > 0 &&
	    lc.set_saltlen(pc, RSA_PSS_SALTLEN_DIGEST) > 0 &&
	    lc.set_mgf1(pc, d) > 0 &&
	    lc.verify(ctx, sig, siglen, (const unsigned char *)token,
	    inlen) == 1)
		ok = 1;
end:
	if (ctx != NULL)
		lc.md_ctx_free(ctx);
	if (k != NULL)
		lc.pkey_free(k);
	free(sig);
	return ok;
}

int
jo_jws_key_alg(const char *pem, const char **alg, int *bits, char *why,
    size_t wl)
{
	EVP_PKEY	*k;
	char		 grp[64] = "";
	size_t		 gl;
	int		 rc = -1;

	if (load_crypto(why, wl) == -1)
		return -1;
	if ((k = read_key(pem, 1)) == NULL) {
		jo_why(why, wl, "not a private key OpenSSL can read "
		    "(unencrypted PEM, RSA or EC)");
		return -1;
	}
	*bits = lc.pkey_bits(k);
	switch (lc.pkey_base_id(k)) {
	case EVP_PKEY_RSA:
		if (*bits < 2048)
			jo_why(why, wl, "RSA key of %d bits (at least 2048)",
			    *bits);
		else {
			*alg = "RS256";
			rc = 0;
		}
		break;
	case EVP_PKEY_EC:
		if (lc.pkey_group(k, grp, sizeof(grp), &gl) != 1)
			grp[0] = '\0';
		*alg = strcmp(grp, "prime256v1") == 0 ? "ES256" :
		    strcmp(grp, "secp384r1") == 0 ? "ES384" :
		    strcmp(grp, "secp521r1") == 0 ? "ES512" : NULL;
		if (*alg != NULL)
			rc = 0;
		else
			jo_why(why, wl, "EC key on curve \"%.40s\" (P-256, "
			    "P-384 or P-521 are usable)", grp);
		break;
	default:
		jo_why(why, wl, "neither an RSA nor an EC key");
		break;
	}
	lc.pkey_free(k);
	return rc;
}

/* A compact JWS of claims signed by libjwt with the PEM private key;
 * kid in the header when there is one. */
static char *
sign(jwt_alg_t a, const char *pem, const char *kid, const char *claims,
    char *why, size_t wl)
{
	jwt_t	*jwt = NULL;
	char	*out = NULL, *t;

	if (load(why, wl) == -1)
		return NULL;
	if (lj.new(&jwt) != 0 || jwt == NULL) {
		jo_why(why, wl, "libjwt: out of memory");
		return NULL;
	}
	if (lj.set_alg(jwt, a, (const unsigned char *)pem,
	    (int)strlen(pem)) != 0 ||
	    (kid != NULL && lj.add_header(jwt, "kid", kid) != 0) ||
	    lj.add_grants_json(jwt, claims) != 0) {
		jo_why(why, wl, "libjwt refused the key or the claims");
		goto end;
	}
	/* libjwt writes typ "JWT" itself; it checks the key when signing */
	if ((t = lj.encode_str(jwt)) == NULL) {
		jo_why(why, wl, "signing failed (not a private key of the "
		    "algorithm's type?)");
		goto end;
	}
	out = jo_xstrdup(t);
	free(t);
end:
	lj.free(jwt);
	return out;
}

char *
jo_jws_sign(const char *alg, const char *pem, const char *kid,
    const char *claims, char *why, size_t wl)
{
	jwt_alg_t	 a;

	if (alg_of(alg, &a) == -1) {
		jo_why(why, wl, "alg %.20s is not one libjwt signs here", alg);
		return NULL;
	}
	return sign(a, pem, kid, claims, why, wl);
}

char *
jo_jwt_sign_rs256(const char *pem, const char *kid, const char *claims,
    char *why, size_t wl)
{
	char	*t;

	if ((t = sign(JWT_ALG_RS256, pem, kid, claims, why, wl)) == NULL &&
	    strncmp(why, "signing failed", 14) == 0)
		jo_why(why, wl, "RS256 signing failed (is "
		    "jitsi_private_key_file an RSA private key?)");
	return t;
}
