/* cgi.h -- the CGI side: the request read once from the environment
 * (RFC 3875), query and cookie parsing, and the response writer. */
#ifndef JO_CGI_H
#define JO_CGI_H

#include <stddef.h>

#include "util.h"

#define JO_QUERY_MAX	8192	/* bytes of QUERY_STRING */
#define JO_COOKIE_MAX	65536	/* bytes of our cookies kept, in all */
#define JO_PARAMS_MAX	64

struct jo_param {
	char	*key;
	char	*val;
	size_t	 vlen;
};

struct jo_params {
	struct jo_param	*v;
	size_t		 n;
};

/* Parse a query string.  Fails (-1, reason in why) on a malformed
 * escape, a control character or NUL in a key or value (also when
 * percent-encoded), a repeated key, too many parameters or too long a
 * string. */
int	 jo_query_parse(const char *, struct jo_params *, char *, size_t);
/* Parse a Cookie header; only cookies whose names are given are kept
 * (NULL-terminated list), each copy of a repeated one; a copy over 4096
 * bytes, holding a control, or past JO_COOKIE_MAX bytes of ours in all
 * is kept with a NULL value.  Other cookies are skipped, whatever their
 * size.  Never fails (the why is unused). */
int	 jo_cookie_parse(const char *, const char *const *, struct jo_params *,
	    char *, size_t);
const char *jo_param_get(const struct jo_params *, const char *);
/* How many parameters have this key, and the nth of them (from 0). */
size_t	 jo_param_count(const struct jo_params *, const char *);
const char *jo_param_nth(const struct jo_params *, const char *, size_t);
void	 jo_params_free(struct jo_params *);

struct jo_resp {
	int		 head;		/* HEAD request: no body */
	struct jo_buf	 hdrs;		/* extra header lines */
	int		 bad;		/* a header was refused */
	int		 sent;		/* written: a response is written once */
	const char	*refresh;	/* page: go on to this URL by itself */
	int		 refresh_after;	/* ... after this many seconds */
	const char	*alt;		/* page: a second link, and its text */
	const char	*alttext;
};

/* Add a Set-Cookie line; value NULL deletes the cookie. */
void	 jo_resp_cookie(struct jo_resp *, const char *name, const char *value,
	    long maxage, const char *path, int secure);
/* Delete a cookie set with this Path and Domain (NULL: host-only). */
void	 jo_resp_cookie_delete(struct jo_resp *, const char *name,
	    const char *path, const char *domain, int secure);
void	 jo_resp_header(struct jo_resp *, const char *name, const char *value);
/* Write a complete response to stdout and release the response; a
 * second one for the same request is a bug (asserted). */
void	 jo_resp_redirect(struct jo_resp *, const char *url);
void	 jo_resp_page(struct jo_resp *, int status, const char *title,
	    const char *text, const char *link, const char *linktext);
/* A page that posts one message to the window that opened it (Jitsi's
 * login popup, which then closes) or, with parent set, to the window
 * that frames it (Jitsi's hidden logout iframe), with origin as the
 * only target origin: {type: type[, key: val]}.  Its one script is
 * admitted by its hash (Content-Security-Policy); the message travels
 * in the page's data attributes.  Framing: only by origin, and only
 * for parent. */
struct jo_post {
	const char	*origin;	/* the target origin, never "*" */
	int		 parent;	/* window.parent, else window.opener */
	const char	*type;		/* oauth-success, oauth-error, ... */
	const char	*key;		/* one more member, or NULL */
	const char	*val;
};
void	 jo_resp_post(struct jo_resp *, int status, const char *title,
	    const char *text, const struct jo_post *);
void	 jo_resp_free(struct jo_resp *);

#endif
