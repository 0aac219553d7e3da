/* req.h -- one request as the routes see it, and the one way to answer a
 * failure: a closed list of error kinds, each with its status, title and
 * text (the table in req.c), written as a short page with exactly one
 * log line. */
#ifndef JO_REQ_H
#define JO_REQ_H

#include <time.h>

#include "cgi.h"
#include "config.h"
#include "err.h"
#include "jitsi.h"

#define JO_STATE_TTL	300	/* seconds a login may take at the provider */

struct jo_req {
	struct jo_config	 cfg;
	struct jo_params	 q;		/* the query */
	struct jo_params	 ck;		/* our cookies, every copy */
	struct jo_resp		 resp;
	time_t			 now;
	char			*back;		/* the room, ?oidc=<flag> */
	const char		*fetch_site;	/* Sec-Fetch-Site, or NULL */
	const char		*referer;	/* Referer, or NULL */
	const char		*fetch_dest;	/* Sec-Fetch-Dest, or NULL */
	int			 popup;		/* answering Jitsi's login
						 * popup: failures post
						 * oauth-error (req.c) */
};

int	 jo_err_status(enum jo_err);
/* Answer with the kind's page and log one line "<status>: <fmt...>";
 * for Jitsi's popup, the page posts {type: 'oauth-error', error: the
 * kind's text} to jitsi_url's origin instead of linking anywhere. */
void	 jo_fail(struct jo_req *, enum jo_err, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* From now on, failure pages link back to this room with ?oidc=flag
 * (failed, unauthorized): the site's login rule lets that through. */
void	 jo_req_back(struct jo_req *, const struct jo_target *, const char *);
/* Was the request started by the user on a page of ours (req.c)? */
int	 jo_req_ours(const struct jo_req *);
/* Post {type, key: val} to Jitsi (jitsi_url's origin): the opener, or
 * with parent the window framing us; the page shows title and text. */
void	 jo_req_post(struct jo_req *, int status, const char *title,
	    const char *text, int parent, const char *type, const char *key,
	    const char *val);
/* The marker the popup's state parameter starts with, so that a
 * callback whose state cookie is gone still answers the popup. */
#define JO_POPUP_MARK	"p."
/* Seconds a session lasts: session_lifetime (at most max_age), or
 * (without single sign-on) just long enough to carry the user to
 * /tokenize. */
long	 jo_req_session_ttl(const struct jo_req *);
/* public_url's path + "/" + route, for cookies sent to one route. */
char	*jo_req_path(const struct jo_req *, const char *route);
/* Is the adapter served where public_url says?  SCRIPT_NAME (may be
 * NULL) against public_url's path. */
int	 jo_script_name_ok(const char *, const char *);
/* public_url + "/" + route. */
char	*jo_req_url(const struct jo_req *, const char *route);

#endif
