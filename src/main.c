/* main.c -- the CGI entry point: read the request once, check method and
 * route in one place, load the configuration, dispatch.
 *
 *   /authorize  start a login: state cookie, redirect to the provider
 *   /redirect   the provider's answer: verify, session cookie
 *   /tokenize   the Jitsi token, redirect into the room
 *   /logout     clear the cookies, end the provider's session */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgi.h"
#include "config.h"
#include "crypto.h"
#include "fcgi.h"
#include "http.h"
#include "idtoken.h"
#include "jitsi.h"
#include "json.h"
#include "oidc.h"
#include "profile.h"
#include "seal.h"
#include "util.h"

#define COOKIE_STATE	"jitsi_oidc_state"
#define COOKIE_SESSION	"jitsi_oidc_session"
#define COOKIE_LOGOUT	"jitsi_oidc_logout"	/* the ID token, for logout */
#define STATE_TTL	300
#define HINT_MAX	2600	/* an ID token longer is not kept */
#define GUEST_DELAY	5	/* seconds before a refused user goes on */

struct req {
	struct jo_config	 cfg;
	struct jo_params	 q;	/* query */
	struct jo_params	 ck;	/* our cookies */
	struct jo_resp		 resp;
	time_t			 now;
	char			*back;	/* the room, with ?oidc=<flag> */
	const char		*fetch_site;	/* Sec-Fetch-Site, or NULL */
	const char		*referer;	/* Referer, or NULL */
};

static const char *const cookie_names[] = { COOKIE_STATE, COOKIE_SESSION,
    COOKIE_LOGOUT, NULL };

/* Without single sign-on the session only carries the user from
 * /redirect to /tokenize. */
static long
session_ttl(const struct req *r)
{
	return r->cfg.session_lifetime > 0 ? r->cfg.session_lifetime :
	    STATE_TTL;
}

/* The logout cookie is only sent to /logout. */
static char *
logout_path(const struct req *r)
{
	size_t	 n = strlen(r->cfg.cookie_path);

	return jo_xasprintf("%s%slogout", r->cfg.cookie_path,
	    n > 0 && r->cfg.cookie_path[n - 1] == '/' ? "" : "/");
}

static void
fail(struct req *r, int status, const char *title, const char *text,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The one way out on failure: the page, and one log line. */
static void
fail(struct req *r, int status, const char *title, const char *text,
    const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jo_log("%d: %s", status, msg);
	if (r->back != NULL)
		jo_resp_page(&r->resp, status, title, text, r->back,
		    "Back to the meeting room");
	else
		jo_resp_page(&r->resp, status, title, text, r->cfg.jitsi_url,
		    r->cfg.jitsi_url ? "Back to the meeting server" : NULL);
}

/* Once the room is known, a failure links back to it with the flag that
 * tells the site's login rule not to send the user to the login again. */
static void
set_back(struct req *r, const struct jo_target *t, const char *flag)
{
	free(r->back);
	r->back = jo_jitsi_url(&r->cfg, t, "oidc", flag);
}

/* Was this request started by the user on a page of ours?  Only a
 * same-origin navigation is; "none" is a typed address or a bookmark,
 * but also a link clicked in a mail or chat application, so it is not.
 * When the adapter has an origin of its own (public_url's origin is
 * not jitsi_url's), a navigation from the Jitsi page is same-site or
 * cross-site with a Referer of jitsi_url's origin; when the two share
 * an origin, a cross-site navigation with our Referer went through
 * another site on its way (a redirect keeps the first Referer).
 * Without Sec-Fetch-Site (older browsers) a Referer of ours decides. */
static int
cross_site(const struct req *r)
{
	const char	*f = r->fetch_site;
	int		 apart;

	if (f == NULL)
		return !jo_same_origin(r->referer, r->cfg.jitsi_url) &&
		    !jo_same_origin(r->referer, r->cfg.public_url);
	if (strcmp(f, "same-origin") == 0)
		return 0;
	apart = !jo_same_origin(r->cfg.public_url, r->cfg.jitsi_url);
	return !(apart && (strcmp(f, "same-site") == 0 ||
	    strcmp(f, "cross-site") == 0) &&
	    jo_same_origin(r->referer, r->cfg.jitsi_url));
}

static char *
rand_b64(size_t n)
{
	unsigned char	 raw[64];
	char		*s;

	if (n > sizeof(raw) || jo_random(raw, n) == -1)
		return NULL;
	s = jo_b64url_encode(raw, n);
	explicit_bzero(raw, sizeof(raw));
	return s;
}

/* RFC 7636 S256: base64url(SHA-256(verifier)). */
static char *
pkce_challenge(const char *verifier)
{
	unsigned char	 md[32];

	jo_sha256(verifier, strlen(verifier), md);
	return jo_b64url_encode(md, 32);
}

static void
jadd(json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

static char *
jget(json_object *o, const char *k)
{
	const char	*v = jo_json_str(o, k);

	return v != NULL ? jo_xstrdup(v) : NULL;
}

static char *
seal_json(struct req *r, const char *purpose, time_t exp, json_object *o)
{
	const char	*s;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	return jo_seal(r->cfg.cookie_secret, r->cfg.cookie_secret_len,
	    purpose, exp, s, strlen(s));
}

/* Open one copy of our cookie of this purpose; NULL with the reason. */
static json_object *
open_copy(struct req *r, const char *name, const char *purpose,
    const char *v, char *why, size_t wl)
{
	char			*plain;
	size_t			 len;
	enum jo_seal_err	 e;
	json_object		*o;

	e = jo_unseal(r->cfg.cookie_secret, r->cfg.cookie_secret_len,
	    purpose, r->now, v, &plain, &len);
	/* during a rotation, cookies sealed with the old secret still open */
	if (e == JO_SEAL_FORGED && r->cfg.cookie_secret_old != NULL)
		e = jo_unseal(r->cfg.cookie_secret_old,
		    r->cfg.cookie_secret_old_len, purpose, r->now, v, &plain,
		    &len);
	if (e != JO_SEAL_OK) {
		jo_why(why, wl, "%s cookie: %s", name, jo_seal_strerror(e));
		return NULL;
	}
	o = jo_json_object(plain, len, 8);
	explicit_bzero(plain, len);
	free(plain);
	if (o == NULL) {
		jo_why(why, wl, "%s cookie holds no object", name);
		return NULL;
	}
	return o;
}

/* Open our cookie of this purpose; NULL with the reason in why.  When
 * the browser sent it more than once (a sibling host can plant a copy:
 * cookie tossing), no copy is trusted -- but the state cookie, whose
 * copy that matches the state parameter is the login's own. */
static json_object *
open_cookie(struct req *r, const char *name, const char *purpose,
    char *why, size_t wl)
{
	const char	*v, *state, *st;
	json_object	*o;
	size_t		 i, n = jo_param_count(&r->ck, name);

	if (n > 1 && strcmp(purpose, "state") == 0 &&
	    (state = jo_param_get(&r->q, "state")) != NULL) {
		for (i = 0; i < n; i++) {
			if ((v = jo_param_nth(&r->ck, name, i)) == NULL)
				continue;
			if ((o = open_copy(r, name, purpose, v, why,
			    wl)) == NULL)
				continue;
			if ((st = jo_json_str(o, "st")) != NULL &&
			    jo_ct_equal(state, st))
				return o;
			json_object_put(o);
		}
	}
	if (n > 1) {
		jo_why(why, wl, "%s cookie sent %zu times (a copy planted by "
		    "another host?): every copy ignored and deleted", name, n);
		return NULL;
	}
	if (n == 1 && (v = jo_param_get(&r->ck, name)) == NULL) {
		jo_why(why, wl, "%s cookie over 4096 bytes or holding a "
		    "control character: ignored and deleted", name);
		return NULL;
	}
	if ((v = jo_param_get(&r->ck, name)) == NULL || *v == '\0') {
		jo_why(why, wl, "no %s cookie", name);
		return NULL;
	}
	return open_copy(r, name, purpose, v, why, wl);
}

/* Delete a cookie at this path for our host and for every parent domain
 * of it that a sibling could set it for (example.org, not org; none for
 * an address). */
static void
delete_at(struct req *r, const char *name, const char *path,
    const char *host)
{
	const char	*d = NULL;

	jo_resp_cookie_delete(&r->resp, name, path, NULL,
	    r->cfg.cookie_secure);
	if (host != NULL && strspn(host, "0123456789.[]:") != strlen(host))
		d = strchr(host, '.');
	for (; d != NULL && strchr(d + 1, '.') != NULL; d = strchr(d + 1, '.'))
		jo_resp_cookie_delete(&r->resp, name, path, d + 1,
		    r->cfg.cookie_secure);
}

/* A cookie of ours the browser sent more than once, or a copy it could
 * not be (too long, a control): delete each copy we can name -- at every
 * path the browser sends to us ("/", each prefix of our path, with and
 * without its slash) and at each route below it. */
static void
delete_copies(struct req *r, const char *name)
{
	static const char *const sub[] = { "authorize", "redirect",
	    "tokenize", "logout" };
	const char	*cp = r->cfg.cookie_path;
	char		*host, *path;
	size_t		 i;

	host = jo_url_host(r->cfg.public_url);
	delete_at(r, name, "/", host);
	for (i = 1; cp[i - 1] != '\0'; i++) {
		if (cp[i] != '/' && cp[i] != '\0')
			continue;
		path = jo_xstrndup(cp, i);
		delete_at(r, name, path, host);
		free(path);
		if (cp[i] == '\0' || cp[i + 1] != '\0') {
			path = jo_xasprintf("%.*s/", (int)i, cp);
			delete_at(r, name, path, host);
			free(path);
		}
		if (cp[i] == '\0')
			break;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		path = jo_xasprintf("%s%s%s", cp, cp[strlen(cp) - 1] == '/' ?
		    "" : "/", sub[i]);
		delete_at(r, name, path, host);
		free(path);
	}
	free(host);
}

/* Did the browser send this cookie of ours twice, or a bad copy? */
static int
tossed(const struct req *r, const char *name)
{
	size_t	 n = jo_param_count(&r->ck, name);

	return n > 1 || (n == 1 && jo_param_get(&r->ck, name) == NULL);
}

static void
target_from(json_object *o, struct jo_target *t)
{
	t->room = jget(o, "r");
	t->tenant = jget(o, "t");
	t->flags = jget(o, "f");
	t->app = jget(o, "a");
}

static void
target_to(json_object *o, const struct jo_target *t)
{
	jadd(o, "r", t->room);
	jadd(o, "t", t->tenant);
	jadd(o, "f", t->flags);
	jadd(o, "a", t->app);
}

static int
same_config(const struct req *r, json_object *o)
{
	const char	*cf = jo_json_str(o, "cf");

	return cf != NULL && strcmp(cf, r->cfg.print) == 0;
}

static void
user_to(json_object *o, const struct jo_user *u, time_t exp)
{
	jadd(o, "sub", u->sub);
	jadd(o, "name", u->name);
	jadd(o, "email", u->email);
	jadd(o, "av", u->avatar);
	jadd(o, "gr", u->group);
	json_object_object_add(o, "mod", json_object_new_boolean(u->moderator));
	json_object_object_add(o, "x", json_object_new_int64(exp));
}

static time_t
user_from(json_object *o, struct jo_user *u)
{
	json_object	*v;

	u->sub = jget(o, "sub");
	u->name = jget(o, "name");
	u->email = jget(o, "email");
	u->avatar = jget(o, "av");
	u->group = jget(o, "gr");
	u->moderator = json_object_object_get_ex(o, "mod", &v) &&
	    json_object_get_boolean(v);
	return json_object_object_get_ex(o, "x", &v) &&
	    json_object_is_type(v, json_type_int) ?
	    (time_t)json_object_get_int64(v) : 0;
}

/* Seal the session (user and room) and send the browser to /tokenize. */
static int
to_tokenize(struct req *r, const struct jo_user *u,
    const struct jo_target *t, time_t exp, int answer)
{
	json_object	*o = json_object_new_object();
	char		*sealed, *loc;

	user_to(o, u, exp);
	target_to(o, t);
	jadd(o, "cf", r->cfg.print);
	/* Too large for a cookie (long picture URL, many URL options)?
	 * The avatar is what can go. */
	if ((sealed = seal_json(r, "session", exp, o)) == NULL) {
		json_object_object_del(o, "av");
		sealed = seal_json(r, "session", exp, o);
	}
	json_object_put(o);
	if (sealed == NULL) {
		if (answer)
			fail(r, 500, "Internal error", "The login could not be "
			    "saved.", "cannot seal the session cookie (too "
			    "large?)");
		return -1;
	}
	jo_resp_cookie(&r->resp, COOKIE_SESSION, sealed, (long)(exp - r->now),
	    r->cfg.cookie_path, r->cfg.cookie_secure);
	free(sealed);
	loc = jo_xasprintf("%s/tokenize", r->cfg.public_url);
	jo_resp_redirect(&r->resp, loc);
	free(loc);
	return 0;
}

/* Single sign-on: a live session goes straight to /tokenize with the new
 * room, keeping its expiry and what was decided at login. */
static int
sso(struct req *r, const struct jo_target *t)
{
	struct jo_user	 u = { 0 };
	json_object	*o;
	time_t		 exp;
	char		 why[600];
	int		 rc = -1;

	if (r->cfg.session_lifetime == 0 ||
	    jo_param_get(&r->ck, COOKIE_SESSION) == NULL ||
	    (o = open_cookie(r, COOKIE_SESSION, "session", why,
	    sizeof(why))) == NULL)
		return -1;
	exp = user_from(o, &u);
	if (same_config(r, o) && u.sub != NULL && exp > r->now &&
	    exp <= r->now + r->cfg.session_lifetime)
		rc = to_tokenize(r, &u, t, exp, 0);
	json_object_put(o);
	jo_user_free(&u);
	return rc;
}

static void
route_authorize(struct req *r)
{
	struct jo_target	 t = { 0 };
	struct jo_provider	 p = { 0 };
	struct jo_buf		 loc = { 0 };
	json_object		*o = NULL;
	const char		*state;
	char			*st = NULL, *nonce = NULL, *cv = NULL;
	char			*cc = NULL, *sealed = NULL, why[600];
	int			 rc;

	if ((state = jo_param_get(&r->q, "state")) != NULL)
		rc = jo_jitsi_state(state, &t, why, sizeof(why));
	else
		rc = jo_target_set(&t, jo_param_get(&r->q, "room"),
		    jo_param_get(&r->q, "tenant"), why, sizeof(why));
	if (rc == 0)
		rc = jo_target_check(&r->cfg, &t, why, sizeof(why));
	if (rc == -1) {
		fail(r, 400, "Not a valid room", "The meeting room in this "
		    "link is not a valid room name.", "%s", why);
		goto end;
	}
	/* Anyone can make a link that sends a logged-in user into a room
	 * -- also through Jitsi's own page, whose navigation here is then
	 * same-origin -- so no login carries the URL options that skip
	 * the prejoin screen or switch media on: only those that expose
	 * the user less than Jitsi's defaults. */
	jo_target_safe_flags(&t);
	set_back(r, &t, "failed");
	/* Single sign-on, except for a login the apps start (the token then
	 * leaves the browser: the provider is always asked) and when the
	 * configuration asks the provider to ask the user again. */
	if (t.app == NULL && !(r->cfg.prompt != NULL &&
	    (strstr(r->cfg.prompt, "login") != NULL ||
	    strstr(r->cfg.prompt, "select_account") != NULL ||
	    strstr(r->cfg.prompt, "consent") != NULL)) && sso(r, &t) == 0)
		goto end;
	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider unavailable", "The login "
		    "provider could not be reached or answered wrongly. "
		    "Please try again later.", "%s", why);
		goto end;
	}
	if ((st = rand_b64(32)) == NULL || (nonce = rand_b64(32)) == NULL ||
	    (cv = rand_b64(32)) == NULL || (cc = pkce_challenge(cv)) == NULL) {
		fail(r, 500, "Internal error", "The login could not be "
		    "started.", "no random bytes or digest");
		goto end;
	}
	o = json_object_new_object();
	jadd(o, "st", st);
	jadd(o, "no", nonce);
	jadd(o, "cv", cv);
	target_to(o, &t);
	if ((sealed = seal_json(r, "state", r->now + STATE_TTL, o)) == NULL) {
		fail(r, 500, "Internal error", "The login could not be "
		    "started.", "cannot seal the state cookie");
		goto end;
	}
	jo_buf_adds(&loc, p.authorization_endpoint);
	jo_buf_adds(&loc, strchr(p.authorization_endpoint, '?') ? "&" : "?");
	jo_buf_adds(&loc, "response_type=code&client_id=");
	jo_form_encode(&loc, r->cfg.client_id);
	jo_buf_adds(&loc, "&redirect_uri=");
	jo_form_encode(&loc, r->cfg.redirect_uri);
	jo_buf_adds(&loc, "&scope=");
	jo_form_encode(&loc, r->cfg.scope);
	jo_buf_adds(&loc, "&state=");
	jo_buf_adds(&loc, st);
	jo_buf_adds(&loc, "&nonce=");
	jo_buf_adds(&loc, nonce);
	jo_buf_adds(&loc, "&code_challenge=");
	jo_buf_adds(&loc, cc);
	jo_buf_adds(&loc, "&code_challenge_method=S256");
	if (r->cfg.prompt != NULL) {
		jo_buf_adds(&loc, "&prompt=");
		jo_form_encode(&loc, r->cfg.prompt);
	}
	jo_resp_cookie(&r->resp, COOKIE_STATE, sealed, STATE_TTL,
	    r->cfg.cookie_path, r->cfg.cookie_secure);
	jo_resp_redirect(&r->resp, loc.p);
end:
	json_object_put(o);
	jo_target_free(&t);
	jo_provider_free(&p);
	jo_buf_free(&loc);
	free(st);
	free(nonce);
	free(cv);
	free(cc);
	free(sealed);
}

/* Exchange the code; returns the ID token or NULL (502 given), and the
 * access token (for userinfo) when there is one. */
static char *
exchange(struct req *r, const struct jo_provider *p, const char *code,
    const char *verifier, char **at)
{
	struct jo_http_resp	 h;
	struct jo_buf		 body = { 0 }, user = { 0 }, pass = { 0 };
	json_object		*o = NULL, *v;
	const char		*err, *desc;
	char			*idt = NULL, why[600];

	memset(&h, 0, sizeof(h));
	jo_buf_adds(&body, "grant_type=authorization_code&code=");
	jo_form_encode(&body, code);
	jo_buf_adds(&body, "&redirect_uri=");
	jo_form_encode(&body, r->cfg.redirect_uri);
	jo_buf_adds(&body, "&code_verifier=");
	jo_form_encode(&body, verifier);
	/* RFC 6749 2.3.1: id and secret form-encoded before Basic. */
	jo_form_encode(&user, r->cfg.client_id);
	jo_form_encode(&pass, r->cfg.client_secret);
	if (jo_http_post_form(p->token_endpoint, user.p, pass.p, body.p,
	    r->cfg.http_timeout, &h, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider unavailable", "The login "
		    "provider could not be reached to finish the login.",
		    "token endpoint: %s", why);
		goto end;
	}
	o = jo_json_object(h.body ? h.body : "", h.len, 16);
	if (o == NULL) {
		fail(r, 502, "Login provider error", "The login provider "
		    "answered in a way this service does not understand.",
		    "token endpoint answered HTTP %ld with no JSON object "
		    "(%zu bytes)", h.status, h.len);
		goto end;
	}
	if (h.status != 200) {
		if ((err = jo_json_str(o, "error")) == NULL)
			err = "none";
		if ((desc = jo_json_str(o, "error_description")) == NULL)
			desc = "";
		fail(r, 502, "Login provider error", "The login provider "
		    "refused to finish the login. Please try again.",
		    "token endpoint answered HTTP %ld: error=%.64s %.200s",
		    h.status, err, desc);
		goto end;
	}
	if (!json_object_object_get_ex(o, "id_token", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		fail(r, 502, "Login provider error", "The login provider "
		    "did not send an ID token.",
		    "token response has no id_token string");
		goto end;
	}
	idt = jo_xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "access_token", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    json_object_get_string_len(v) <= 8192 &&
	    !jo_has_ctl(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)))
		*at = jo_xstrdup(json_object_get_string(v));
end:
	json_object_put(o);
	if (h.body != NULL)
		explicit_bzero(h.body, h.len);
	jo_http_resp_free(&h);
	explicit_bzero(body.p, body.len);
	jo_buf_free(&body);
	jo_buf_free(&user);
	explicit_bzero(pass.p, pass.len);
	jo_buf_free(&pass);
	return idt;
}

static const char *
error_text(const char *err)
{
	if (strcmp(err, "access_denied") == 0)
		return "The login provider denied access.";
	if (strcmp(err, "login_required") == 0 ||
	    strcmp(err, "interaction_required") == 0 ||
	    strcmp(err, "consent_required") == 0)
		return "The login provider needs you to log in again.";
	return "The login provider could not log you in.";
}

/* The userinfo call (Core 5.3), when the ID token lacks claims the
 * configuration needs; 0 when done or not needed (502 given on -1). */
static int
userinfo(struct req *r, const struct jo_provider *p, const char *at,
    struct jo_user *u)
{
	struct jo_http_resp	 h;
	json_object		*o = NULL;
	char			 why[600];
	int			 rc = -1;

	if (!jo_profile_wants_userinfo(&r->cfg, u->claims))
		return 0;
	if (p->userinfo_endpoint == NULL || at == NULL) {
		if (strcmp(r->cfg.userinfo, "always") != 0)
			return 0;
		fail(r, 502, "Login provider error", "The login provider "
		    "does not offer the user information this service "
		    "needs.", "userinfo = always, but the provider has %s",
		    p->userinfo_endpoint == NULL ? "no userinfo_endpoint" :
		    "sent no access_token");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	if (jo_http_get_bearer(p->userinfo_endpoint, at, r->cfg.http_timeout,
	    &h, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider unavailable", "The login "
		    "provider could not be reached to finish the login.",
		    "userinfo: %s", why);
		goto end;
	}
	if (h.status != 200 || (o = jo_json_object(h.body ? h.body : "",
	    h.len, 16)) == NULL) {
		fail(r, 502, "Login provider error", "The login provider's "
		    "user information could not be read.", "userinfo "
		    "answered HTTP %ld%s", h.status, h.status == 200 ?
		    " with no JSON object (signed userinfo is not supported)" :
		    "");
		goto end;
	}
	if (jo_profile_merge(u->claims, o, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider error", "The login could not be "
		    "verified.", "%s", why);
		goto end;
	}
	rc = 0;
end:
	json_object_put(o);
	jo_http_resp_free(&h);
	return rc;
}

/* An access rule refused the user: 403, and with guests allowed, on to
 * the room without a token after a few seconds. */
static void
refused(struct req *r, const struct jo_target *t, const char *why)
{
	char	*text;

	set_back(r, t, "unauthorized");
	jo_resp_cookie(&r->resp, COOKIE_SESSION, NULL, 0, r->cfg.cookie_path,
	    r->cfg.cookie_secure);
	jo_log("403: access rule: %s", why);
	text = jo_xasprintf("You cannot join meetings here with this "
	    "account: %s.%s", why, r->cfg.guests ? " You will be taken to "
	    "the meeting as a guest." : "");
	if (r->cfg.guests) {
		r->resp.refresh = r->back;
		r->resp.refresh_after = GUEST_DELAY;
	}
	jo_resp_page(&r->resp, 403, "Access denied", text, r->back,
	    r->cfg.guests ? "Join as a guest" : "Back to the meeting room");
	free(text);
}

/* prompt = none: the provider could not log in silently; back to the
 * room without a token (the flag stops the site's login rule). */
static int
silent_failure(const struct req *r, const char *err)
{
	return r->cfg.prompt != NULL && strcmp(r->cfg.prompt, "none") == 0 &&
	    (strcmp(err, "login_required") == 0 ||
	    strcmp(err, "interaction_required") == 0 ||
	    strcmp(err, "consent_required") == 0 ||
	    strcmp(err, "account_selection_required") == 0);
}

static void
route_redirect(struct req *r)
{
	struct jo_provider	 p = { 0 };
	struct jo_keys		 ks = { 0 };
	struct jo_user		 u = { 0 };
	struct jo_target	 t = { 0 };
	struct jo_idt_expect	 x;
	json_object		*so = NULL, *lo = NULL;
	const char		*state, *code, *err, *iss;
	char			*st = NULL, *nonce = NULL, *cv = NULL;
	char			*idt = NULL, *sealed = NULL, *at = NULL;
	char			*lpath = NULL;
	char			 why[600], why2[600];
	enum jo_idt		 v;
	int			 k;

	/* The state cookie is consumed by every callback, good or bad. */
	jo_resp_cookie(&r->resp, COOKIE_STATE, NULL, 0, r->cfg.cookie_path,
	    r->cfg.cookie_secure);
	if ((so = open_cookie(r, COOKIE_STATE, "state", why,
	    sizeof(why))) == NULL) {
		fail(r, 400, "Login expired", "This login was not started "
		    "here, was already used, or took too long. Please open "
		    "the meeting link again.", "%s", why);
		goto end;
	}
	st = jget(so, "st");
	nonce = jget(so, "no");
	cv = jget(so, "cv");
	target_from(so, &t);
	if (t.room != NULL)
		set_back(r, &t, "failed");
	state = jo_param_get(&r->q, "state");
	if (st == NULL || nonce == NULL || cv == NULL || t.room == NULL) {
		fail(r, 400, "Login expired", "This login is not valid. "
		    "Please open the meeting link again.",
		    "state cookie lacks a field");
		goto end;
	}
	if (state == NULL || !jo_ct_equal(state, st)) {
		fail(r, 400, "Login mismatch", "This answer from the login "
		    "provider does not belong to the login started in this "
		    "browser. Please open the meeting link again.",
		    "state parameter %s the state cookie",
		    state ? "does not match" : "missing; expected");
		goto end;
	}
	/* RFC 9207: an iss in the response must be our issuer. */
	if ((iss = jo_param_get(&r->q, "iss")) != NULL &&
	    strcmp(iss, r->cfg.issuer) != 0) {
		fail(r, 400, "Login mismatch", "The answer came from another "
		    "login provider.", "authorization response iss "
		    "(%.100s) is not the issuer (%s)", iss, r->cfg.issuer);
		goto end;
	}
	if ((err = jo_param_get(&r->q, "error")) != NULL) {
		if (silent_failure(r, err)) {
			jo_log("302: prompt=none and the provider answered "
			    "error=%.64s: back to the room without a token",
			    err);
			jo_resp_redirect(&r->resp, r->back);
			goto end;
		}
		if (strcmp(err, "access_denied") == 0)
			set_back(r, &t, "unauthorized");
		fail(r, strcmp(err, "access_denied") == 0 ? 403 : 400,
		    "Login failed", error_text(err),
		    "provider returned error=%.64s error_description=%.200s",
		    err, jo_param_get(&r->q, "error_description") ?
		    jo_param_get(&r->q, "error_description") : "");
		goto end;
	}
	if ((code = jo_param_get(&r->q, "code")) == NULL || *code == '\0' ||
	    strlen(code) > 2048) {
		fail(r, 400, "Login failed", "The login provider sent no "
		    "authorization code.", "code parameter missing or "
		    "longer than 2048 bytes");
		goto end;
	}
	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider unavailable", "The login "
		    "provider could not be reached or answered wrongly.",
		    "%s", why);
		goto end;
	}
	if (jo_jwks_load(&r->cfg, &p, 0, &ks, why, sizeof(why)) == -1) {
		fail(r, 502, "Login provider unavailable", "The login "
		    "provider could not be reached, or its signing keys "
		    "could not be loaded.", "%s", why);
		goto end;
	}
	if ((idt = exchange(r, &p, code, cv, &at)) == NULL)
		goto end;
	x.issuer = r->cfg.issuer;
	x.client_id = r->cfg.client_id;
	x.nonce = nonce;
	x.now = r->now;
	v = jo_idtoken_verify(idt, &ks, &x, &u, why, sizeof(why));
	if (v == JO_IDT_UNKNOWN_KID) {
		/* Keys rotated?  One re-fetch, throttled (checklist 11). */
		jo_keys_free(&ks);
		k = jo_jwks_load(&r->cfg, &p, 1, &ks, why2, sizeof(why2));
		if (k == -1) {
			fail(r, 502, "Login provider unavailable", "The login "
			    "provider could not be reached, or its signing "
			    "keys could not be loaded.",
			    "%s; re-fetching the JWKS: %s", why, why2);
			goto end;
		}
		/* k == 1: fetched less than a minute ago, maybe by another
		 * process that saw the new key first: that copy is tried */
		v = jo_idtoken_verify(idt, &ks, &x, &u, why, sizeof(why));
		if (v == JO_IDT_UNKNOWN_KID && k == 1) {
			fail(r, 502, "Login provider error", "The login "
			    "could not be verified.", "%s (JWKS fetched less "
			    "than %d s ago, not fetched again)", why,
			    JO_JWKS_REFETCH_MIN);
			goto end;
		}
	}
	if (v != JO_IDT_OK) {
		fail(r, 502, "Login provider error", "The login could not be "
		    "verified.", "%s", why);
		goto end;
	}
	if (userinfo(r, &p, at, &u) == -1)
		goto end;
	if (jo_profile_build(&r->cfg, &u, why, sizeof(why)) == -1) {
		refused(r, &t, why);
		goto end;
	}
	/* the ID token is kept (sealed, sent to /logout only) as the
	 * id_token_hint of RP-initiated logout, when it is small enough */
	if (strlen(idt) <= HINT_MAX) {
		lo = json_object_new_object();
		jadd(lo, "h", idt);
		if ((sealed = seal_json(r, "logout", r->now + session_ttl(r),
		    lo)) != NULL) {
			lpath = logout_path(r);
			jo_resp_cookie(&r->resp, COOKIE_LOGOUT, sealed,
			    session_ttl(r), lpath, r->cfg.cookie_secure);
		}
	}
	to_tokenize(r, &u, &t, r->now + session_ttl(r), 1);
end:
	json_object_put(so);
	json_object_put(lo);
	jo_wipe_free(at);
	free(lpath);
	jo_provider_free(&p);
	jo_keys_free(&ks);
	jo_user_free(&u);
	jo_target_free(&t);
	free(st);
	free(nonce);
	free(cv);
	if (idt != NULL)
		explicit_bzero(idt, strlen(idt));
	free(idt);
	jo_wipe_free(sealed);
}

static void
not_logged_in(struct req *r, const char *why)
{
	jo_log("401: %s", why);
	jo_resp_page(&r->resp, 401, "Not logged in", "You are not logged in, "
	    "or your login has expired. Open the meeting link again to log "
	    "in.", r->cfg.jitsi_url, "Log in again");
}

static void
route_tokenize(struct req *r)
{
	struct jo_user		 u = { 0 };
	struct jo_target	 t = { 0 };
	json_object		*o;
	char			*tok = NULL, *loc = NULL, *web = NULL;
	char			 why[600];
	int			 same;

	if ((o = open_cookie(r, COOKIE_SESSION, "session", why,
	    sizeof(why))) == NULL) {
		not_logged_in(r, why);
		return;
	}
	user_from(o, &u);
	target_from(o, &t);
	same = same_config(r, o);
	json_object_put(o);
	if (u.sub == NULL || t.room == NULL) {
		not_logged_in(r, "session cookie lacks sub or room");
		goto end;
	}
	if (!same) {
		not_logged_in(r, "session cookie made under another "
		    "configuration (provider, client, Jitsi app or rules)");
		goto end;
	}
	/* the names were checked before they were sealed; again, cheaply */
	if (jo_room_valid(t.room, why, sizeof(why)) == -1 ||
	    (t.tenant != NULL && jo_room_valid(t.tenant, why,
	    sizeof(why)) == -1) ||
	    jo_target_check(&r->cfg, &t, why, sizeof(why)) == -1) {
		not_logged_in(r, "session cookie holds an invalid room");
		goto end;
	}
	if ((tok = jo_jitsi_token(&r->cfg, &u, &t, r->now, why,
	    sizeof(why))) == NULL) {
		set_back(r, &t, "failed");
		fail(r, 500, "Internal error", "The meeting token could not "
		    "be made.", "%s", why);
		goto end;
	}
	if (t.app != NULL) {
		/* The app opened the login in a browser: hand the token
		 * back through its own scheme when the user taps it --
		 * never by itself, since a link and a provider that
		 * answers silently would be enough to push a token into
		 * whatever app claims the scheme. */
		loc = jo_jitsi_app_url(&r->cfg, &t, tok);
		web = jo_jitsi_url_token(&r->cfg, &t, tok);
		r->resp.alt = web;
		r->resp.alttext = "Continue in this browser instead";
		jo_resp_page(&r->resp, 200, "Back to the app", "You are "
		    "logged in. Tap the button to go back to the Jitsi Meet "
		    "app.", loc, "Open the meeting in the app");
		goto end;
	}
	loc = jo_jitsi_url_token(&r->cfg, &t, tok);
	jo_resp_redirect(&r->resp, loc);
end:
	jo_user_free(&u);
	jo_target_free(&t);
	free(tok);
	free(loc);
	free(web);
}

/* RP-initiated logout 1.0: clear our cookies; then the provider's
 * end_session_endpoint with id_token_hint and post_logout_redirect_uri,
 * or straight to post_logout_redirect_uri when it has none. */
static void
route_logout(struct req *r)
{
	struct jo_provider	 p = { 0 };
	struct jo_buf		 loc = { 0 };
	json_object		*o = NULL;
	const char		*hint = NULL;
	char			*lpath, *self, why[600];

	/* Another site cannot end the session unasked: a page with a
	 * button, which comes back from our own origin. */
	if (cross_site(r)) {
		self = jo_xasprintf("%s/logout", r->cfg.public_url);
		jo_log("200: logout started by another site: asking the user");
		jo_resp_page(&r->resp, 200, "Log out?", "Do you want to log "
		    "out of the meetings here?", self, "Log out");
		free(self);
		return;
	}
	lpath = logout_path(r);
	jo_resp_cookie(&r->resp, COOKIE_STATE, NULL, 0, r->cfg.cookie_path,
	    r->cfg.cookie_secure);
	jo_resp_cookie(&r->resp, COOKIE_SESSION, NULL, 0, r->cfg.cookie_path,
	    r->cfg.cookie_secure);
	jo_resp_cookie(&r->resp, COOKIE_LOGOUT, NULL, 0, lpath,
	    r->cfg.cookie_secure);
	if (jo_param_get(&r->ck, COOKIE_LOGOUT) != NULL &&
	    (o = open_cookie(r, COOKIE_LOGOUT, "logout", why,
	    sizeof(why))) != NULL)
		hint = jo_json_str(o, "h");
	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1)
		jo_log("logged out here only: %s", why);
	if (p.end_session_endpoint != NULL) {
		jo_buf_adds(&loc, p.end_session_endpoint);
		jo_buf_adds(&loc, strchr(p.end_session_endpoint, '?') ?
		    "&" : "?");
		jo_buf_adds(&loc, "client_id=");
		jo_form_encode(&loc, r->cfg.client_id);
		jo_buf_adds(&loc, "&post_logout_redirect_uri=");
		jo_form_encode(&loc, r->cfg.post_logout_redirect_uri);
		if (hint != NULL) {
			jo_buf_adds(&loc, "&id_token_hint=");
			jo_form_encode(&loc, hint);
		}
	} else
		jo_buf_adds(&loc, r->cfg.post_logout_redirect_uri);
	jo_resp_redirect(&r->resp, loc.p);
	json_object_put(o);
	jo_provider_free(&p);
	jo_buf_free(&loc);
	free(lpath);
}

#define RT_HEAD		0x01	/* HEAD is answered (without cookies) */

/* A HEAD is answered only where it has no effect: a link prefetcher
 * must not spend a code, take a token, or log anyone out. */
static const struct route {
	const char	*path;
	void		(*fn)(struct req *);
	int		 flags;
} routes[] = {
	{ "/authorize", route_authorize, RT_HEAD },
	{ "/redirect", route_redirect, 0 },
	{ "/tokenize", route_tokenize, 0 },
	{ "/logout", route_logout, 0 },
};

/* A request parameter: the CGI environment, or the FastCGI request's. */
static const char *
env_get(char **envp, const char *name)
{
	size_t	 n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static const char *
config_path_in(char **envp)
{
	const char	*p = env_get(envp, "JITSI_OIDC_CONFIG");

	if (p == NULL || *p == '\0')
		p = getenv("JITSI_OIDC_CONFIG");
	return p != NULL && *p != '\0' ? p : JO_DEFAULT_CONFIG;
}

/* Is the adapter served where public_url says?  SCRIPT_NAME (the web
 * server's location, e.g. /oidc) must be public_url's path, or its end
 * at a '/' (a proxy in front that strips a prefix).  Otherwise the
 * provider's callback and the cookies' Path go where the adapter is not,
 * and the login fails far from the cause.  No SCRIPT_NAME (or an empty
 * one): nothing to compare. */
static int
script_name_ok(const char *sn, const char *path)
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

/* FastCGI: the process's own JITSI_OIDC_CONFIG, set by whoever started
 * it (the systemd unit points it at its credential, a copy only the
 * service's user can read), wins over a request parameter; a parameter
 * chooses only for a process started without one (one process serving
 * several sites). */
static const char *
fcgi_config_path(char **envp)
{
	const char	*p = getenv("JITSI_OIDC_CONFIG");

	return p != NULL && *p != '\0' ? p : config_path_in(envp);
}

static const char *
config_path(void)
{
	return config_path_in(environ);
}

/* The configurations of a FastCGI process (one per JITSI_OIDC_CONFIG seen,
 * a few at most), kept between requests and read again when the file or
 * a secret file it names changes (looked at once a second at most), or
 * on SIGHUP; a bad new version leaves the old one running, with a log
 * line. */
#define CFG_KEPT	4
#define CFG_FILES	(1 + sizeof(((struct jo_config *)0)->files) / \
			    sizeof(((struct jo_config *)0)->files[0]))

struct cfgent {
	char			*path;
	struct jo_config	 cfg;
	int			 ok;
	struct stat		 st[CFG_FILES];	/* the file, its secret files */
	struct stat		 bad;	/* a version that was refused */
	time_t			 checked;
	int			 gen;	/* of SIGHUP */
	char			 why[8192];
};

struct cfgcache {
	struct cfgent		 e[CFG_KEPT];
	unsigned		 next;
};

static volatile sig_atomic_t	 hup_gen, got_term;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void
look(const char *path, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	(void)stat(path, st);
}

/* Has the file, or a secret file the running version read, changed? */
static int
changed(const struct cfgent *e, const struct stat *st0)
{
	struct stat	 st;
	size_t		 i;

	if (!same_file(st0, &e->st[0]))
		return 1;
	for (i = 0; i < e->cfg.nfiles; i++) {
		look(e->cfg.files[i], &st);
		if (!same_file(&st, &e->st[1 + i]))
			return 1;
	}
	return 0;
}

static void
cfgent_clear(struct cfgent *e)
{
	if (e->ok)
		jo_config_free(&e->cfg);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* The configuration at path, or NULL with the reason in *why. */
static const struct jo_config *
cfg_get(struct cfgcache *cc, const char *path, const char **why)
{
	struct cfgent		*e = NULL;
	struct jo_config	 c;
	struct stat		 st;
	char			 w[8192], *nl;
	size_t			 i;
	int			 fresh = 0, hup;

	for (i = 0; i < CFG_KEPT && e == NULL; i++)
		if (cc->e[i].path != NULL && strcmp(cc->e[i].path, path) == 0)
			e = &cc->e[i];
	if (e == NULL) {
		e = &cc->e[cc->next++ % CFG_KEPT];
		cfgent_clear(e);
		e->path = jo_xstrdup(path);
		fresh = 1;
	}
	*why = e->why;
	if (!fresh && e->gen == hup_gen && e->checked == time(NULL))
		return e->ok ? &e->cfg : NULL;
	e->checked = time(NULL);
	look(path, &st);
	if (!fresh && e->gen == hup_gen) {
		if (e->ok && (st.st_ino == 0 || !changed(e, &st)))
			return &e->cfg;	/* unchanged, or gone for a moment */
		if (!e->ok && same_file(&st, &e->bad))
			return NULL;
	}
	hup = !fresh && e->gen != hup_gen;
	e->gen = hup_gen;
	if (jo_config_load(path, &c, w, sizeof(w)) == -1) {
		if (e->ok) {
			/* said once per version, and once per SIGHUP (a
			 * deleted file has no version to tell apart) */
			if (hup || !same_file(&st, &e->bad)) {
				if ((nl = strchr(w, '\n')) != NULL)
					*nl = '\0';
				jo_log("configuration %s changed but is not "
				    "valid, still running the previous one: %s",
				    path, w);
			}
			e->bad = st;
			return &e->cfg;
		}
		e->bad = st;
		memcpy(e->why, w, sizeof(w));
		return NULL;
	}
	if (e->ok)
		jo_config_free(&e->cfg);
	e->cfg = c;
	e->ok = 1;
	/* the versions read (fstat), not what is at the paths now */
	e->st[0] = c.st;
	for (i = 0; i < c.nfiles; i++)
		e->st[1 + i] = c.files_st[i];
	memset(&e->bad, 0, sizeof(e->bad));
	return &e->cfg;
}

static void
cfg_free(struct cfgcache *cc)
{
	size_t	 i;

	for (i = 0; i < CFG_KEPT; i++)
		cfgent_clear(&cc->e[i]);
}

/* One request, CGI or FastCGI alike: envp holds its parameters; cc is
 * the FastCGI process's configuration cache, NULL for a CGI run. */
static void
serve(char **envp, struct cfgcache *cc)
{
	struct req		 r;
	const struct route	*rt = NULL;
	const struct jo_config	*cp;
	const char		*method, *path, *cwhy;
	char			 why[8192];
	size_t			 i;
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.now = jo_now();
	method = env_get(envp, "REQUEST_METHOD");
	path = env_get(envp, "PATH_INFO");
	if (method == NULL)
		method = "";
	if (path == NULL || *path == '\0')
		path = "/";
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(path, routes[i].path) == 0)
			rt = &routes[i];
	jo_log_route(rt != NULL ? rt->path + 1 : "request");
	r.resp.head = strcmp(method, "HEAD") == 0;
	if (rt == NULL) {
		jo_log("404: no such route (PATH_INFO of %zu bytes)",
		    strlen(path));
		jo_resp_page(&r.resp, 404, "Not found", "There is nothing "
		    "here.", NULL, NULL);
		return;
	}
	if (strcmp(method, "GET") != 0 && !(r.resp.head &&
	    (rt->flags & RT_HEAD))) {
		jo_log("405: method %.16s not allowed", method);
		jo_resp_header(&r.resp, "Allow", rt->flags & RT_HEAD ?
		    "GET, HEAD" : "GET");
		jo_resp_page(&r.resp, 405, "Method not allowed", "Only GET "
		    "is served here.", NULL, NULL);
		return;
	}
	r.fetch_site = env_get(envp, "HTTP_SEC_FETCH_SITE");
	r.referer = env_get(envp, "HTTP_REFERER");
	if (cc == NULL)
		rc = jo_config_load(config_path_in(envp), &r.cfg, why,
		    sizeof(why));
	else if ((cp = cfg_get(cc, fcgi_config_path(envp), &cwhy)) != NULL) {
		r.cfg = *cp;	/* borrowed, not freed here */
		rc = 0;
	} else {
		jo_why(why, sizeof(why), "%s", cwhy);
		rc = -1;
	}
	if (rc == -1) {
		/* one log line: the first problem, and how many follow */
		char *nl = strchr(why, '\n');
		size_t more = 0;

		for (char *q = nl; q != NULL; q = strchr(q + 1, '\n'))
			more++;
		if (nl != NULL)
			*nl = '\0';
		jo_log("500: configuration: %s%s", why, more ? " (and more "
		    "problems: jitsi-oidc --check-config lists them all)" : "");
		jo_resp_page(&r.resp, 500, "Not configured", "The login "
		    "service is not configured correctly. The server's "
		    "error log says why.", NULL, NULL);
		return;
	}
	if (!script_name_ok(env_get(envp, "SCRIPT_NAME"), r.cfg.cookie_path)) {
		fail(&r, 500, "Not configured", "The login service is not "
		    "configured correctly. The server's error log says why.",
		    "configuration: public_url's path is %.200s, but the web "
		    "server runs the adapter at %.200s (SCRIPT_NAME): make "
		    "them the same", r.cfg.cookie_path,
		    env_get(envp, "SCRIPT_NAME"));
		goto end;
	}
	/* http_timeout bounds all of this request's provider calls */
	jo_http_deadline(r.cfg.http_timeout);
	if (jo_query_parse(env_get(envp, "QUERY_STRING"), &r.q, why,
	    sizeof(why)) == -1 ||
	    jo_cookie_parse(env_get(envp, "HTTP_COOKIE"), cookie_names, &r.ck,
	    why, sizeof(why)) == -1) {
		if (rt->fn == route_redirect)
			jo_resp_cookie(&r.resp, COOKIE_STATE, NULL, 0,
			    r.cfg.cookie_path, r.cfg.cookie_secure);
		fail(&r, 400, "Bad request", "This request is malformed.",
		    "%s", why);
		goto end;
	}
	for (i = 0; cookie_names[i] != NULL; i++)
		if (tossed(&r, cookie_names[i]))
			delete_copies(&r, cookie_names[i]);
	rt->fn(&r);
end:
	jo_http_deadline(0);
	jo_params_free(&r.q);
	jo_params_free(&r.ck);
	if (cc == NULL)
		jo_config_free(&r.cfg);
	free(r.back);
}

/* The answer to a FastCGI request whose parameters may be incomplete. */
static void
cut_short(void)
{
	struct jo_resp	 resp;

	memset(&resp, 0, sizeof(resp));
	jo_log_route("request");
	jo_log("503: the request's parameters may be cut short (reading "
	    "them failed, or SIGTERM came while they arrived): not served");
	jo_resp_page(&resp, 503, "Try again", "The login service is "
	    "restarting. Please try again in a moment.", NULL, NULL);
}

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
	jo_fcgi_shutdown();
}

static void
on_hup(int sig)
{
	(void)sig;
	hup_gen++;
}

/* The FastCGI responder: requests in a loop until SIGTERM (the request
 * in flight is finished first) or max_requests. */
static int
fastcgi(int fd)
{
	struct cfgcache		 cc;
	struct sigaction	 sa;
	char			**envp, why[512];
	long			 n = 0;
	size_t			 i;
	int			 rc;

	memset(&cc, 0, sizeof(cc));
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* Apache's graceful stop */
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	jo_log_route("fastcgi");
	if (jo_fcgi_open(fd, why, sizeof(why)) == -1) {
		jo_log("%s", why);
		return 1;
	}
	while (!got_term && (rc = jo_fcgi_accept(&envp)) != -1) {
		/* a request whose input failed, or that arrived while
		 * SIGTERM did, may have lost parameters: not served */
		if (rc == 1 || got_term)
			cut_short();
		else
			serve(envp, &cc);
		jo_fcgi_finish();
		/* max_requests of any configuration this process uses */
		n++;
		for (i = 0; i < CFG_KEPT; i++)
			if (cc.e[i].ok && cc.e[i].cfg.max_requests > 0 &&
			    n >= cc.e[i].cfg.max_requests)
				got_term = 1;
	}
	cfg_free(&cc);
	return 0;
}

static int
check_config(void)
{
	struct jo_config	 c;
	struct jo_provider	 p;
	struct jo_keys		 ks;
	char			 why[8192];
	size_t			 i;
	int			 rc = 1, cache_bad = 0;

	jo_log_route("check-config");
	if (jo_config_load(config_path(), &c, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("config        %s: ok\n", config_path());
	printf("issuer        %s\n", c.issuer);
	printf("redirect_uri  %s\n", c.redirect_uri);
	printf("cookies       Path=%s%s; HttpOnly; SameSite=Lax\n",
	    c.cookie_path, c.cookie_secure ? "; Secure" : "");
	/* a cache_dir that cannot be used fails the check, yet the rest
	 * is checked, uncached (logged once: the requests' warning) */
	if (jo_cache_dir_ok(&c, why, sizeof(why)) == 0)
		printf("cache_dir     %s: ok\n", c.cache_dir);
	else {
		jo_cache_warn("%s", why);
		cache_bad = 1;
	}
	if (jo_discover(&c, &p, why, sizeof(why)) == -1) {
		fprintf(stderr, "discovery: %s\n", why);
		goto end;
	}
	printf("authorization %s\n", p.authorization_endpoint);
	printf("token         %s\n", p.token_endpoint);
	printf("jwks          %s\n", p.jwks_uri);
	if (jo_jwks_load(&c, &p, 0, &ks, why, sizeof(why)) == -1) {
		fprintf(stderr, "jwks: %s\n", why);
		jo_provider_free(&p);
		goto end;
	}
	for (i = 0; i < ks.n; i++)
		printf("key           kid=%s %s%s%s %d bits%s\n",
		    ks.v[i].kid ? ks.v[i].kid : "(none)", ks.v[i].kty,
		    ks.v[i].crv ? " " : "", ks.v[i].crv ? ks.v[i].crv : "",
		    ks.v[i].bits, ks.v[i].pem ? "" : " (too weak, unused)");
	jo_keys_free(&ks);
	jo_provider_free(&p);
	rc = cache_bad;
end:
	jo_config_free(&c);
	return rc;
}

/* The file name Jitsi's key server mode fetches the public key as. */
static int
asap_key_name(void)
{
	struct jo_config	 c;
	char			 why[8192], *hex;

	jo_log_route("asap-key-name");
	if (jo_config_load(config_path(), &c, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (c.jitsi_kid == NULL) {
		fprintf(stderr, "%s: jitsi_kid is not set (jitsi_signing = "
		    "RS256 needs it)\n", config_path());
		jo_config_free(&c);
		return 1;
	}
	hex = jo_sha256_hex(c.jitsi_kid, strlen(c.jitsi_kid));
	printf("%s.pem\n", hex);
	free(hex);
	jo_config_free(&c);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: jitsi-oidc [--check-config | --asap-key-name | "
	    "--version | --help]\n"
	    "Run by a web server as a CGI program; the configuration file is "
	    "$JITSI_OIDC_CONFIG\n(default %s).\n", JO_DEFAULT_CONFIG);
}

int
main(int argc, char *argv[])
{
	int	 fd;

	if (argc > 1 && getenv("GATEWAY_INTERFACE") == NULL) {
		if (strcmp(argv[1], "--version") == 0) {
			printf("jitsi-oidc %s\n", JO_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "--check-config") == 0)
			return check_config();
		if (strcmp(argv[1], "--asap-key-name") == 0)
			return asap_key_name();
		usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	if (getenv("GATEWAY_INTERFACE") == NULL &&
	    (fd = jo_fcgi_listen_fd()) != -1)
		return fastcgi(fd);
	serve(environ, NULL);
	return 0;
}
