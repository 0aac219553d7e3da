/* jws.h -- libjwt 1.10 (Debian's), owned here: loaded with dlopen() the
 * first time it is needed, used for what it does well -- a signature
 * check with one key and one algorithm chosen by the caller, and RS256
 * signing.  It does no claim checks and follows the token's own alg
 * (oidc-rp-checklist.md), so callers pin the algorithm first and check
 * every claim themselves (idtoken.c). */
#ifndef JO_JWS_H
#define JO_JWS_H

#include <stddef.h>

/* Does token carry a valid alg signature by the public key pem (a
 * non-empty SubjectPublicKeyInfo PEM; alg one of RS256/384/512,
 * ES256/384/512)?  1 yes, 0 no, -1 with why when libjwt cannot be
 * loaded or alg is not one of those. */
int	 jo_jwt_verify(const char *token, const char *alg, const char *pem,
	    char *, size_t);
/* A compact JWS of claims (JSON text), header {"alg":"RS256","typ":
 * "JWT","kid":kid}, signed with the PEM private key; NULL with why. */
char	*jo_jwt_sign_rs256(const char *pem, const char *kid,
	    const char *claims, char *, size_t);

#endif
