/* proto.h -- the provider's protocol, beside its metadata (oidc.h): the
 * authorization request with PKCE, the token request (a code or a
 * refresh token), the userinfo request, revocation (RFC 7009) and
 * RP-initiated logout (OpenID Connect Core 1.0 3.1, 5.3, 12; RFC 7636;
 * RP-Initiated Logout 1.0).  Each call says what went wrong as
 * an error kind (err.h) and a reason for the log. */
#ifndef JO_PROTO_H
#define JO_PROTO_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "idtoken.h"
#include "oidc.h"

/* n random bytes, base64url (n at most 64); NULL when none can be had. */
char	*jo_proto_random(size_t n);
/* The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)). */
char	*jo_proto_pkce_challenge(const char *verifier);
/* The authorization request: the provider's endpoint with response_type
 * code, client_id, redirect_uri, scope, state, nonce, the PKCE challenge,
 * the configured prompt, max_age, acr_values, ui_locales and
 * auth_params, and the request's login_hint (checked; may be NULL).
 * The prompt as configured, or: */
enum jo_auth {
	JO_AUTH_PLAIN,		/* as configured */
	JO_AUTH_RELOGIN,	/* the first login after a logout: login
				 * too, in place of none */
	JO_AUTH_SILENT,		/* a remembered login re-checked: none */
};
char	*jo_proto_auth_url(const struct jo_config *, const struct jo_provider *,
	    const char *state, const char *nonce, const char *challenge,
	    const char *login_hint, enum jo_auth);
/* How the adapter authenticates at the token endpoint (Core 9): the
 * configured client_auth, or with auto the strongest method that
 * discovery's token_endpoint_auth_methods_supported lists and the
 * configuration can do -- private_key_jwt (client_key_file), then
 * client_secret_basic and client_secret_post (client_secret), or none
 * (neither: a public client); a provider that lists none is taken to
 * accept client_secret_basic (Discovery 1.0, 3).  0 with the method and
 * why it was chosen; -1 with why when auto finds none. */
int	 jo_proto_client_auth(const struct jo_config *,
	    const struct jo_provider *, const char **, char *, size_t);
/* What the token endpoint answered (jo_tokens_free frees it): the ID
 * token, and an access and a refresh token when they came; the HTTP
 * status (0: no answer) and, after a refusal, whether it was
 * invalid_grant (RFC 6749 5.2). */
struct jo_tokens {
	char	*idt;
	char	*at;		/* or NULL */
	char	*rt;		/* or NULL */
	long	 status;
	int	 invalid_grant;
	int	 refused;	/* a definite refusal: 400 or 401 with an
				 * RFC 6749 5.2 error */
	int	 invalid_client;	/* error=invalid_client: ours */
};
void	 jo_tokens_free(struct jo_tokens *);
/* Exchange the code, the client authenticated as jo_proto_client_auth
 * says: 0 with the tokens; -1 with the kind. */
int	 jo_proto_exchange(const struct jo_config *, const struct jo_provider *,
	    const char *code, const char *verifier, struct jo_tokens *,
	    enum jo_err *, char *, size_t);
/* Redeem a refresh token (Core 12), authenticated the same way: as
 * jo_proto_exchange, but tk->idt may be NULL (12.2: not every provider
 * sends a new ID token); tk->invalid_grant set when the grant is gone. */
int	 jo_proto_refresh(const struct jo_config *, const struct jo_provider *,
	    const char *rt, struct jo_tokens *, enum jo_err *, char *, size_t);
/* Revoke a refresh token at the revocation_endpoint (RFC 7009), the
 * client authenticated the same way: 0, or -1 with why. */
int	 jo_proto_revoke(const struct jo_config *, const struct jo_provider *,
	    const char *rt, char *, size_t);
/* When the ID token lacks claims the configuration needs: the userinfo
 * claims merged into u->claims (the ID token's win; its sub must be the
 * ID token's).  0 when done or not needed; -1 with the kind. */
int	 jo_proto_userinfo(const struct jo_config *, const struct jo_provider *,
	    const char *at, struct jo_user *, enum jo_err *, char *, size_t);
/* The end_session_endpoint with client_id, post_logout_redirect_uri and
 * the hint (when there is one), or post_logout_redirect_uri when the
 * provider has none. */
char	*jo_proto_logout_url(const struct jo_config *,
	    const struct jo_provider *, const char *hint);

#endif
