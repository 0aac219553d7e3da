/* main.c -- the CGI entry point: read the request once, check method and
 * route in one place, load the configuration, dispatch.
 *
 *   /authorize  start a login: state cookie, redirect to the provider
 *   /redirect   the provider's answer: verify, session cookie
 *   /tokenize   the Jitsi token, redirect into the room */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgi.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "idtoken.h"
#include "jitsi.h"
#include "json.h"
#include "oidc.h"
#include "seal.h"
#include "util.h"

#define COOKIE_STATE	"jitsi_oidc_state"
#define COOKIE_SESSION	"jitsi_oidc_session"
#define STATE_TTL	300
#define SESSION_TTL	(8 * 3600)

struct req {
	struct jo_config	 cfg;
	struct jo_params	 q;	/* query */
	struct jo_params	 ck;	/* our cookies */
	struct jo_resp		 resp;
	time_t			 now;
	char			*back;	/* the room, with ?oidc=<flag> */
};

static const char *const cookie_names[] = { COOKIE_STATE, COOKIE_SESSION,
    NULL };

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

/* Open our cookie of this purpose; NULL with the reason in why. */
static json_object *
open_cookie(struct req *r, const char *name, const char *purpose,
    char *why, size_t wl)
{
	const char		*v;
	char			*plain;
	size_t			 len;
	enum jo_seal_err	 e;
	json_object		*o;

	if ((v = jo_param_get(&r->ck, name)) == NULL || *v == '\0') {
		jo_why(why, wl, "no %s cookie", name);
		return NULL;
	}
	e = jo_unseal(r->cfg.cookie_secret, r->cfg.cookie_secret_len,
	    purpose, r->now, v, &plain, &len);
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

static void
target_from(json_object *o, struct jo_target *t)
{
	t->room = jget(o, "r");
	t->tenant = jget(o, "t");
	t->flags = jget(o, "f");
}

static void
target_to(json_object *o, const struct jo_target *t)
{
	jadd(o, "r", t->room);
	jadd(o, "t", t->tenant);
	jadd(o, "f", t->flags);
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
	if (rc == -1) {
		fail(r, 400, "Not a valid room", "The meeting room in this "
		    "link is not a valid room name.", "%s", why);
		goto end;
	}
	set_back(r, &t, "failed");
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
	jo_buf_addf(&loc, "&state=%s&nonce=%s&code_challenge=%s"
	    "&code_challenge_method=S256", st, nonce, cc);
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

/* Exchange the code; returns the ID token or NULL (502 given). */
static char *
exchange(struct req *r, const struct jo_provider *p, const char *code,
    const char *verifier)
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

static void
route_redirect(struct req *r)
{
	struct jo_provider	 p = { 0 };
	struct jo_keys		 ks = { 0 };
	struct jo_user		 u = { 0 };
	struct jo_target	 t = { 0 };
	struct jo_idt_expect	 x;
	json_object		*so = NULL, *sess = NULL;
	const char		*state, *code, *err, *iss;
	char			*st = NULL, *nonce = NULL, *cv = NULL;
	char			*idt = NULL, *sealed = NULL, *loc = NULL;
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
	if ((idt = exchange(r, &p, code, cv)) == NULL)
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
		/* k == 1: the cached keys are younger than the throttle --
		 * maybe the new ones, just fetched by a concurrent login. */
		v = jo_idtoken_verify(idt, &ks, &x, &u, why, sizeof(why));
		if (k == 1 && v == JO_IDT_UNKNOWN_KID) {
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
	sess = json_object_new_object();
	jadd(sess, "sub", u.sub);
	jadd(sess, "name", u.name);
	jadd(sess, "email", u.email);
	target_to(sess, &t);
	if ((sealed = seal_json(r, "session", r->now + SESSION_TTL,
	    sess)) == NULL) {
		fail(r, 500, "Internal error", "The login could not be "
		    "saved.", "cannot seal the session cookie (too large?)");
		goto end;
	}
	jo_resp_cookie(&r->resp, COOKIE_SESSION, sealed, SESSION_TTL,
	    r->cfg.cookie_path, r->cfg.cookie_secure);
	loc = jo_xasprintf("%s/tokenize", r->cfg.public_url);
	jo_resp_redirect(&r->resp, loc);
end:
	json_object_put(so);
	json_object_put(sess);
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
	free(sealed);
	free(loc);
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
	char			*tok = NULL, *loc = NULL, why[600];

	if ((o = open_cookie(r, COOKIE_SESSION, "session", why,
	    sizeof(why))) == NULL) {
		not_logged_in(r, why);
		return;
	}
	u.sub = jget(o, "sub");
	u.name = jget(o, "name");
	u.email = jget(o, "email");
	target_from(o, &t);
	json_object_put(o);
	if (u.sub == NULL || t.room == NULL) {
		not_logged_in(r, "session cookie lacks sub or room");
		goto end;
	}
	tok = jo_jitsi_token(&r->cfg, &u, &t, r->now);
	loc = jo_jitsi_url(&r->cfg, &t, "jwt", tok);
	jo_resp_redirect(&r->resp, loc);
end:
	jo_user_free(&u);
	jo_target_free(&t);
	free(tok);
	free(loc);
}

static const struct route {
	const char	*path;
	void		(*fn)(struct req *);
} routes[] = {
	{ "/authorize", route_authorize },
	{ "/redirect", route_redirect },
	{ "/tokenize", route_tokenize },
};

static const char *
config_path(void)
{
	const char	*p = getenv("JITSI_OIDC_CONFIG");

	return p != NULL && *p != '\0' ? p : JO_DEFAULT_CONFIG;
}

static int
cgi(void)
{
	struct req		 r;
	const struct route	*rt = NULL;
	const char		*method, *path;
	char			 why[8192];
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.now = jo_now();
	method = getenv("REQUEST_METHOD");
	path = getenv("PATH_INFO");
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
		return 0;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		jo_log("405: method %.16s not allowed", method);
		jo_resp_header(&r.resp, "Allow", "GET, HEAD");
		jo_resp_page(&r.resp, 405, "Method not allowed", "Only GET "
		    "is served here.", NULL, NULL);
		return 0;
	}
	if (jo_config_load(config_path(), &r.cfg, why, sizeof(why)) == -1) {
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
		return 0;
	}
	if (jo_query_parse(getenv("QUERY_STRING"), &r.q, why,
	    sizeof(why)) == -1 ||
	    jo_cookie_parse(getenv("HTTP_COOKIE"), cookie_names, &r.ck, why,
	    sizeof(why)) == -1) {
		if (rt->fn == route_redirect)
			jo_resp_cookie(&r.resp, COOKIE_STATE, NULL, 0,
			    r.cfg.cookie_path, r.cfg.cookie_secure);
		fail(&r, 400, "Bad request", "This request is malformed.",
		    "%s", why);
		goto end;
	}
	rt->fn(&r);
end:
	jo_params_free(&r.q);
	jo_params_free(&r.ck);
	jo_config_free(&r.cfg);
	free(r.back);
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
	int			 rc = 1;

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
	rc = 0;
end:
	jo_config_free(&c);
	return rc;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: jitsi-oidc [--check-config | --version | --help]\n"
	    "Run by a web server as a CGI program; the configuration file is "
	    "$JITSI_OIDC_CONFIG\n(default %s).\n", JO_DEFAULT_CONFIG);
}

int
main(int argc, char *argv[])
{
	if (argc > 1 && getenv("GATEWAY_INTERFACE") == NULL) {
		if (strcmp(argv[1], "--version") == 0) {
			printf("jitsi-oidc %s\n", JO_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "--check-config") == 0)
			return check_config();
		usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	return cgi();
}
