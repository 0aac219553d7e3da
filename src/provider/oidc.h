/* oidc.h -- the provider's metadata: discovery (OpenID Connect
 * Discovery 1.0) and the JWKS, cached in cache_dir between requests. */
#ifndef JO_OIDC_H
#define JO_OIDC_H

#include <stddef.h>
#include <time.h>

#include "config.h"

struct jo_provider {
	char	*authorization_endpoint;
	char	*token_endpoint;
	char	*jwks_uri;
	char	*userinfo_endpoint;	/* may be NULL */
	char	*end_session_endpoint;	/* may be NULL */
	char	*revocation_endpoint;	/* RFC 7009; may be NULL */
	char	*issuer_template;	/* "…/{tenantid}/…", or NULL */
	/* token_endpoint_auth_methods_supported and
	 * id_token_signing_alg_values_supported, each as "a, b, c" (the
	 * well-formed names, at most 32); NULL when not listed */
	char	*auth_methods;
	char	*idt_algs;
};

#define JO_TENANTID	"{tenantid}"

struct jo_key {
	char	*kid;		/* may be NULL */
	char	*kty;		/* "RSA" or "EC" */
	char	*alg;		/* may be NULL */
	char	*crv;		/* EC only */
	char	*pem;		/* SubjectPublicKeyInfo PEM; NULL if weak */
	int	 bits;
};

struct jo_keys {
	struct jo_key	*v;
	size_t		 n;
	time_t		 fetched;
};

#define JO_JWKS_REFETCH_MIN	60	/* seconds between forced re-fetches */

/* Discovery from the cache, or fetched and cached.  -1: the provider is
 * unreachable or its document is unacceptable (reason in why). */
int	 jo_discover(const struct jo_config *, struct jo_provider *,
	    char *, size_t);
/* Validate a discovery document against the configured issuer: the
 * same, or (with allowed_tenants) a multi-tenant template of it. */
int	 jo_discovery_parse(const char *issuer, const char *allowed_tenants,
	    const char *, size_t, struct jo_provider *, char *, size_t);
/* Is tmpl the issuer with one path segment made "{tenantid}" (Entra
 * ID's /common, /organizations)? */
int	 jo_issuer_template_of(const char *tmpl, const char *issuer);
/* The template filled with a tenant id; NULL when tid is not a plain
 * one ([A-Za-z0-9._-], at most 64). */
char	*jo_issuer_fill(const char *tmpl, const char *tid);
/* The tenant id that iss carries when it is the template filled with a
 * plain one (malloc'd), else NULL. */
char	*jo_issuer_tenant(const char *tmpl, const char *iss);
void	 jo_provider_free(struct jo_provider *);

/* The JWKS from the cache, or fetched.  With refresh set, fetch again
 * unless the cached copy is younger than JO_JWKS_REFETCH_MIN, in which
 * case 1 is returned and keys hold the cached copy. */
int	 jo_jwks_load(const struct jo_config *, const struct jo_provider *,
	    int refresh, struct jo_keys *, char *, size_t);
/* Parse a JWKS document (RFC 7517) into keys with PEM public keys. */
int	 jo_jwks_parse(const char *, size_t, struct jo_keys *, char *, size_t);
void	 jo_keys_free(struct jo_keys *);


#endif
