/* idtoken.h -- verification of the provider's ID token (OpenID Connect
 * Core 1.0, 3.1.3.7).  libjwt 1.10 checks the signature only, and only
 * after this module has pinned the algorithm to the key's type; every
 * claim check is done here. */
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
};

enum jo_idt jo_idtoken_verify(const char *token, const struct jo_keys *,
	    const struct jo_idt_expect *, struct jo_user *, char *, size_t);
/* The claim checks alone, on the decoded payload (JSON text). */
int	 jo_idtoken_claims(const char *, size_t, const struct jo_idt_expect *,
	    struct jo_user *, char *, size_t);

#endif
