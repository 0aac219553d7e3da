/* jws.h -- JWS signatures (RFC 7515, 7518).  libjwt 1.10 (Debian's),
 * owned here: loaded with dlopen() the first time it is needed, used for
 * what it does well -- a signature check with one key and one algorithm
 * chosen by the caller, and RS256/ES256 signing.  It does no claim
 * checks and follows the token's own alg (oidc-rp-checklist.md), so
 * callers pin the algorithm first and check every claim themselves
 * (idtoken.c).  What it lacks -- RSA-PSS, HMAC checked on the decoded
 * bytes in constant time, a private key's type -- is done here with
 * libcrypto's EVP, loaded the same way. */
#ifndef JO_JWS_H
#define JO_JWS_H

#include <stddef.h>

/* Does token carry a valid alg signature by the public key pem (a
 * non-empty SubjectPublicKeyInfo PEM; alg one of RS256/384/512,
 * ES256/384/512)?  1 yes, 0 no, -1 with why when libjwt cannot be
 * loaded or alg is not one of those. */
int	 jo_jwt_verify(const char *token, const char *alg, const char *pem,
	    char *, size_t);
/* An HS256/384/512 signature keyed with secret's bytes (Core 10.1):
 * 1 valid, 0 not, -1 with why (not an HS alg, libcrypto not loaded). */
int	 jo_jws_hmac_verify(const char *token, const char *alg,
	    const char *secret, char *, size_t);
/* A PS256/384/512 signature (RSASSA-PSS, MGF1 with the same hash, salt
 * of the hash's length) by the PEM public key, RSA of 2048 bits at
 * least: 1, 0, or -1 with why. */
int	 jo_jws_pss_verify(const char *token, const char *alg,
	    const char *pem, char *, size_t);
/* The alg a PEM private key signs with: RS256 for RSA (2048 bits at
 * least), ES256/384/512 for P-256/384/521; its size in *bits.  -1 with
 * why when OpenSSL cannot read it or it is none of those. */
int	 jo_jws_key_alg(const char *pem, const char **alg, int *bits,
	    char *, size_t);
/* A compact JWS of claims (JSON text) signed with alg (RS* or ES*) and
 * the PEM private key, kid in the header unless NULL; NULL with why. */
char	*jo_jws_sign(const char *alg, const char *pem, const char *kid,
	    const char *claims, char *, size_t);
/* A compact JWS of claims (JSON text), header {"alg":"RS256","typ":
 * "JWT","kid":kid}, signed with the PEM private key; NULL with why. */
char	*jo_jwt_sign_rs256(const char *pem, const char *kid,
	    const char *claims, char *, size_t);

#endif
