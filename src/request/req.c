/* req.c -- see req.h */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "url.h"
#include "util.h"

enum link { L_BACK, L_LOGIN, L_NONE };

/* Every failure the user can meet, in plain words.  L_BACK links to the
 * room (once known) or to the meeting server. */
static const struct err {
	int		 status;
	const char	*title;
	const char	*text;
	enum link	 link;
} errs[JO_E_COUNT] = {
	[JO_E_BAD_REQUEST] = { 400, "Bad request",
	    "This request is malformed.", L_BACK },
	[JO_E_BAD_ROOM] = { 400, "Not a valid room",
	    "The meeting room in this link is not a valid room name.",
	    L_BACK },
	[JO_E_STATE_MISSING] = { 400, "Login expired",
	    "This login was not started here, was already used, or took too "
	    "long. Please open the meeting link again.", L_BACK },
	[JO_E_STATE_BAD] = { 400, "Login expired",
	    "This login is not valid. Please open the meeting link again.",
	    L_BACK },
	[JO_E_STATE_MISMATCH] = { 400, "Login mismatch",
	    "This answer from the login provider does not belong to the "
	    "login started in this browser. Please open the meeting link "
	    "again.", L_BACK },
	[JO_E_ISS_MISMATCH] = { 400, "Login mismatch",
	    "The answer came from another login provider.", L_BACK },
	[JO_E_DENIED] = { 403, "Login failed",
	    "The login provider denied access.", L_BACK },
	[JO_E_NO_CONSENT] = { 403, "Login failed",
	    "You did not allow the login provider to share your account "
	    "with this service.", L_BACK },
	[JO_E_LOGIN_AGAIN] = { 400, "Login failed",
	    "The login provider needs you to log in again.", L_BACK },
	[JO_E_LOGIN_FAILED] = { 400, "Login failed",
	    "The login provider could not log you in.", L_BACK },
	[JO_E_NO_CODE] = { 400, "Login failed",
	    "The login provider sent no authorization code.", L_BACK },
	[JO_E_NOT_LOGGED_IN] = { 401, "Not logged in",
	    "You are not logged in, or your login has expired. Open the "
	    "meeting link again to log in.", L_LOGIN },
	[JO_E_PROVIDER_DOWN] = { 502, "Login provider unavailable",
	    "The login provider could not be reached or answered wrongly. "
	    "Please try again later.", L_BACK },
	[JO_E_NO_KEYS] = { 502, "Login provider unavailable",
	    "The login provider could not be reached, or its signing keys "
	    "could not be loaded.", L_BACK },
	[JO_E_NO_FINISH] = { 502, "Login provider unavailable",
	    "The login provider could not be reached to finish the login.",
	    L_BACK },
	[JO_E_GARBLED] = { 502, "Login provider error",
	    "The login provider answered in a way this service does not "
	    "understand.", L_BACK },
	[JO_E_REFUSED] = { 502, "Login provider error",
	    "The login provider refused to finish the login. Please try "
	    "again.", L_BACK },
	[JO_E_NO_IDTOKEN] = { 502, "Login provider error",
	    "The login provider did not send an ID token.", L_BACK },
	[JO_E_NO_USERINFO] = { 502, "Login provider error",
	    "The login provider does not offer the user information this "
	    "service needs.", L_BACK },
	[JO_E_BAD_USERINFO] = { 502, "Login provider error",
	    "The login provider's user information could not be read.",
	    L_BACK },
	[JO_E_UNVERIFIED] = { 502, "Login provider error",
	    "The login could not be verified.", L_BACK },
	[JO_E_NOT_CONFIGURED] = { 500, "Not configured",
	    "The login service is not configured correctly. The server's "
	    "error log says why.", L_NONE },
	[JO_E_MISPLACED] = { 500, "Not configured",
	    "The login service is not configured correctly. The server's "
	    "error log says why.", L_BACK },
	[JO_E_SAVE] = { 500, "Internal error",
	    "The login could not be saved.", L_BACK },
	[JO_E_START] = { 500, "Internal error",
	    "The login could not be started.", L_BACK },
	[JO_E_TOKEN] = { 500, "Internal error",
	    "The meeting token could not be made.", L_BACK },
	[JO_E_CLOCKS] = { 500, "Internal error",
	    "This service's servers disagree about the time. Please tell "
	    "its administrator.", L_BACK },
	[JO_E_NOT_FOUND] = { 404, "Not found",
	    "There is nothing here.", L_NONE },
	[JO_E_METHOD] = { 405, "Method not allowed",
	    "Only GET is served here.", L_NONE },
};

int
jo_err_status(enum jo_err e)
{
	return errs[e].status;
}

void
jo_fail(struct jo_req *r, enum jo_err e, const char *fmt, ...)
{
	const struct err	*x = &errs[e];
	const char		*link = NULL, *text = NULL;
	char			 msg[1024];
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jo_log("%d: %s", x->status, msg);
	if (r->popup) {
		jo_req_post(r, x->status, x->title, x->text, 0, "oauth-error",
		    "error", x->text);
		return;
	}
	if (x->link == L_LOGIN) {
		link = r->cfg.jitsi_url;
		text = "Log in again";
	} else if (x->link == L_BACK && r->back != NULL) {
		link = r->back;
		text = "Back to the meeting room";
	} else if (x->link == L_BACK && r->cfg.jitsi_url != NULL) {
		link = r->cfg.jitsi_url;
		text = "Back to the meeting server";
	}
	jo_resp_page(&r->resp, x->status, x->title, x->text, link, text);
}

void
jo_req_post(struct jo_req *r, int status, const char *title,
    const char *text, int parent, const char *type, const char *key,
    const char *val)
{
	struct jo_post	 m;

	m.origin = r->cfg.jitsi_origin;
	m.parent = parent;
	m.type = type;
	m.key = key;
	m.val = val;
	jo_resp_post(&r->resp, status, title, text, &m);
}

void
jo_req_back(struct jo_req *r, const struct jo_target *t, const char *flag)
{
	free(r->back);
	r->back = jo_jitsi_url(&r->cfg, t, "oidc", flag);
}

/* Only a same-origin navigation is the user's own on a page of ours;
 * "none" is a typed address or a bookmark, but also a link clicked in a
 * mail or chat application, so it is not.  When the adapter has an
 * origin of its own (public_url's is not jitsi_url's), a navigation from
 * the Jitsi page is same-site or cross-site with a Referer of
 * jitsi_url's origin; when the two share an origin, a cross-site
 * navigation with our Referer went through another site on its way (a
 * redirect keeps the first Referer).  Without Sec-Fetch-Site (older
 * browsers) a Referer of ours decides. */
int
jo_req_ours(const struct jo_req *r)
{
	const char	*f = r->fetch_site;

	if (f == NULL)
		return jo_same_origin(r->referer, r->cfg.jitsi_url) ||
		    jo_same_origin(r->referer, r->cfg.public_url);
	if (strcmp(f, "same-origin") == 0)
		return 1;
	return !jo_same_origin(r->cfg.public_url, r->cfg.jitsi_url) &&
	    (strcmp(f, "same-site") == 0 || strcmp(f, "cross-site") == 0) &&
	    jo_same_origin(r->referer, r->cfg.jitsi_url);
}

long
jo_req_session_ttl(const struct jo_req *r)
{
	long	 ttl = r->cfg.session_lifetime;

	/* a login remembered no longer than max_age allows */
	if (r->cfg.max_age >= 0 && r->cfg.max_age < ttl)
		ttl = r->cfg.max_age;
	return ttl > 0 ? ttl : JO_STATE_TTL;
}

char *
jo_req_path(const struct jo_req *r, const char *route)
{
	size_t	 n = strlen(r->cfg.cookie_path);

	return jo_xasprintf("%s%s%s", r->cfg.cookie_path,
	    n > 0 && r->cfg.cookie_path[n - 1] == '/' ? "" : "/", route);
}

char *
jo_req_url(const struct jo_req *r, const char *route)
{
	return jo_xasprintf("%s/%s", r->cfg.public_url, route);
}

/* Is the adapter served where public_url says?  SCRIPT_NAME (the web
 * server's location, e.g. /oidc) must be public_url's path, or its end
 * at a '/' (a proxy in front that strips a prefix).  Otherwise the
 * provider's callback and the cookies' Path go where the adapter is not,
 * and the login fails far from the cause.  No SCRIPT_NAME (or an empty
 * one): nothing to compare. */
int
jo_script_name_ok(const char *sn, const char *path)
{
	size_t	 n, m;

	if (sn == NULL || path == NULL)
		return 1;
	n = strlen(sn);
	m = strlen(path);
	while (n > 0 && sn[n - 1] == '/')
		n--;
	while (m > 0 && path[m - 1] == '/')
		m--;
	if (n == 0)
		return 1;
	return n <= m && memcmp(path + m - n, sn, n) == 0 &&
	    (n == m || sn[0] == '/' || path[m - n - 1] == '/');
}
