/* http.h -- calls to the provider (libcurl) with guard rails: a size cap
 * on the response, a whole-call timeout, no redirects, and only https
 * (or http to a loopback host); the network the configuration names
 * (ca_file, proxy, backchannel_url), never a proxy from the
 * environment. */
#ifndef JO_HTTP_H
#define JO_HTTP_H

#include <stddef.h>

#include "config.h"

#define JO_HTTP_MAX	(1024 * 1024)	/* bytes of any response */

struct jo_http_resp {
	long	 status;
	char	*body;
	size_t	 len;
	long	 max_age;		/* Cache-Control max-age, -1 if none */
	int	 no_store;		/* Cache-Control no-store / no-cache */
};

/* GET url, within http_timeout, through the configured network (a URL
 * under the issuer is called under backchannel_url when one is set).
 * Returns 0 when a response (of any status) arrived, -1 with a reason
 * otherwise. */
int	 jo_http_get(const struct jo_config *, const char *url,
	    struct jo_http_resp *, char *, size_t);
/* GET url with "Authorization: Bearer token" (the userinfo call). */
int	 jo_http_get_bearer(const struct jo_config *, const char *url,
	    const char *token, struct jo_http_resp *, char *, size_t);
/* POST an application/x-www-form-urlencoded body, with HTTP Basic
 * authentication (client_secret_basic) when user is not NULL. */
int	 jo_http_post_form(const struct jo_config *, const char *url,
	    const char *user, const char *pass, const char *body,
	    struct jo_http_resp *, char *, size_t);
void	 jo_http_resp_free(struct jo_http_resp *);
/* One deadline for all the calls of a request: seconds from now (each
 * call then gets the lesser of its timeout and what is left); 0 none. */
void	 jo_http_deadline(long);

#endif
