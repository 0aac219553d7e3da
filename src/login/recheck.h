/* recheck.h -- a remembered login re-checked with the provider before
 * single sign-on uses it (another room, the popup's token renewal):
 * when the last check is older than session_recheck, the kept refresh
 * token is redeemed at the token endpoint (OpenID Connect Core 1.0, 12)
 * on the back channel, the new ID token verified like a login's (and
 * for the same sub), the fresh claims taken through the access and
 * moderator rules, the rotated refresh token kept.
 *
 * A provider that cannot be reached, or answers 5xx: fail closed, a 502
 * page and the cookies kept for a later try (the re-check is there so
 * that a disabled account stops; a grace period would let it in for as
 * long as the provider is down).  invalid_grant: the remembered login
 * ends, and the user logs in at the provider as for a first login. */
#ifndef JO_RECHECK_H
#define JO_RECHECK_H

#include "cookie.h"
#include "jitsi.h"
#include "req.h"

enum jo_recheck {
	JO_RECHECK_DONE,	/* answered: on to /tokenize, or a failure */
	JO_RECHECK_ENDED,	/* the login ended: a login at the provider */
	JO_RECHECK_NONE,	/* no refresh token kept for this login */
};

/* Is the remembered login due a re-check (session_recheck)? */
int		 jo_recheck_due(const struct jo_req *,
		    const struct jo_ck_session *);
/* Re-check it with its refresh token and, when it holds, go on to
 * /tokenize for t with the fresh claims. */
enum jo_recheck	 jo_recheck(struct jo_req *, const struct jo_ck_session *,
		    const struct jo_target *t);

#endif
