/* jwk.h -- a JSON Web Key (RFC 7517, 7518: RSA or EC) as the PEM public
 * key libjwt takes: SubjectPublicKeyInfo DER-encoded here, byte for byte
 * what OpenSSL writes (tested), since libjwt 1.10 has no JWKS. */
#ifndef JO_JWK_H
#define JO_JWK_H

#include <stddef.h>

#include <json-c/json.h>

#include "oidc.h"

#define JO_RSA_MIN_BITS	2048	/* a weaker RSA key is kept without PEM */

/* Fill k (kty, crv, bits, pem) from the JWK; -1 with why when it is not
 * a key we can use at all.  A weak RSA key: 0 with pem NULL. */
int	 jo_jwk_convert(json_object *, struct jo_key *, char *, size_t);

#endif
