/* idtoken.h -- verification of the provider's ID token (OpenID Connect
 * Core 1.0, 3.1.3.7).  The signature is checked by jws.c, only after
 * this module has pinned the algorithm to the key's type (RS*, PS*,
 * ES* with a key of the JWKS; HS* with the client secret, never with a
 * key); every claim check is done here. */
#ifndef JO_IDTOKEN_H
#define JO_IDTOKEN_H

#include <stddef.h>
#include <time.h>

#include "oidc.h"
#include "profile.h"

#define JO_IDTOKEN_MAX		16384	/* bytes of an ID token */
#define JO_IAT_SKEW		600	/* seconds iat may be off */
#define JO_EXP_MAX_AHEAD	(366L * 86400)

enum jo_idt {
	JO_IDT_OK = 0,
	JO_IDT_UNKNOWN_KID,	/* re-fetch the JWKS once and retry */
	JO_IDT_BAD,		/* rejected: reason in why */
};

struct jo_idt_expect {
	const char	*issuer;
	const char	*client_id;
	const char	*nonce;
	time_t		 now;
	/* a multi-tenant provider: iss is the template filled with the
	 * token's tid, which must be one of tenants */
	const char	*issuer_template;	/* or NULL */
	const char	*tenants;		/* or NULL */
	const char	*secret;	/* the client secret, or NULL */
	/* the provider's id_token_signing_alg_values_supported as
	 * "RS256, HS256", or NULL */
	const char	*algs;
	/* a refreshed ID token (Core 12.2): the login's sub, which it
	 * must carry; no nonce then.  NULL for a login: nonce required */
	const char	*sub;
};

enum jo_idt jo_idtoken_verify(const char *token, const struct jo_keys *,
	    const struct jo_idt_expect *, struct jo_user *, char *, size_t);
/* Could a token signed with alg be verified: an HS alg the provider
 * lists, with a client secret (Core 10.1); another with a usable key of
 * the JWKS that fits it.  For --check-config. */
int	 jo_idtoken_accepts(const char *alg, const struct jo_keys *,
	    const struct jo_idt_expect *);
/* The claim checks alone, on the decoded payload (JSON text). */
int	 jo_idtoken_claims(const char *, size_t, const struct jo_idt_expect *,
	    struct jo_user *, char *, size_t);

#endif
