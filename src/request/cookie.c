/* cookie.c -- see cookie.h */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cookie.h"
#include "crypto.h"
#include "json.h"
#include "seal.h"
#include "url.h"
#include "util.h"

const char *const jo_ck_names[] = { JO_CK_STATE, JO_CK_SESSION,
    JO_CK_LOGOUT, JO_CK_OUT, JO_CK_REFRESH, NULL };

/* A sealed field: its key in the JSON, its type, where it lives. */
enum ftype { F_STR, F_BOOL, F_FLAG, F_TIME };	/* F_FLAG: a bool, absent
						 * when false */

struct field {
	const char	*key;
	enum ftype	 type;
	size_t		 off;
};

#define ST(k, m)	{ k, F_STR, offsetof(struct jo_ck_state, m) }
static const struct field state_fields[] = {
	ST("st", st), ST("no", nonce), ST("cv", verifier),
	ST("r", t.room), ST("t", t.tenant), ST("f", t.flags), ST("a", t.app),
	{ "p", F_BOOL, offsetof(struct jo_ck_state, t.popup) },
	{ "rc", F_FLAG, offsetof(struct jo_ck_state, recheck) },
};
#undef ST

#define SE(k, ty, m)	{ k, ty, offsetof(struct jo_ck_session, m) }
static const struct field session_fields[] = {
	SE("sub", F_STR, u.sub), SE("name", F_STR, u.name),
	SE("email", F_STR, u.email), SE("av", F_STR, u.avatar),
	SE("gr", F_STR, u.group), SE("mod", F_BOOL, u.moderator),
	SE("lb", F_FLAG, u.lobby_bypass), SE("hid", F_FLAG, u.hidden),
	SE("vis", F_FLAG, u.visitor), SE("fc", F_FLAG, u.features_claim),
	SE("x", F_TIME, exp),
	SE("r", F_STR, t.room), SE("t", F_STR, t.tenant),
	SE("f", F_STR, t.flags), SE("a", F_STR, t.app),
	SE("p", F_BOOL, t.popup), SE("cf", F_STR, cf), SE("ck", F_TIME, ck),
};
#undef SE

static const struct field refresh_fields[] = {
	{ "rt", F_STR, offsetof(struct jo_ck_refresh, rt) },
	{ "sub", F_STR, offsetof(struct jo_ck_refresh, sub) },
};

struct logout {
	char	*hint;
	char	*rt;
};
static const struct field logout_fields[] = {
	{ "h", F_STR, offsetof(struct logout, hint) },
	{ "rt", F_STR, offsetof(struct logout, rt) },
};

struct out {
	time_t	 at;
};
static const struct field out_fields[] = {
	{ "at", F_TIME, offsetof(struct out, at) },
};

#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

static json_object *
encode(const struct field *f, size_t n, const void *base)
{
	json_object	*o = json_object_new_object();
	const char	*p = base, *s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		switch (f[i].type) {
		case F_STR:
			if ((s = *(char *const *)(p + f[i].off)) != NULL)
				json_object_object_add(o, f[i].key,
				    json_object_new_string(s));
			break;
		case F_BOOL:
			json_object_object_add(o, f[i].key,
			    json_object_new_boolean(*(const int *)(p +
			    f[i].off)));
			break;
		case F_FLAG:
			if (*(const int *)(p + f[i].off))
				json_object_object_add(o, f[i].key,
				    json_object_new_boolean(1));
			break;
		case F_TIME:
			json_object_object_add(o, f[i].key,
			    json_object_new_int64(*(const time_t *)(p +
			    f[i].off)));
			break;
		}
	}
	return o;
}

static void
decode(json_object *o, const struct field *f, size_t n, void *base)
{
	json_object	*v;
	char		*p = base;
	const char	*s;
	size_t		 i;
	int		 has;

	for (i = 0; i < n; i++) {
		has = json_object_object_get_ex(o, f[i].key, &v);
		switch (f[i].type) {
		case F_STR:
			s = jo_json_str(o, f[i].key);
			*(char **)(p + f[i].off) = s != NULL ?
			    jo_xstrdup(s) : NULL;
			break;
		case F_BOOL:
		case F_FLAG:
			*(int *)(p + f[i].off) = has &&
			    json_object_get_boolean(v);
			break;
		case F_TIME:
			*(time_t *)(p + f[i].off) = has &&
			    json_object_is_type(v, json_type_int) ?
			    (time_t)json_object_get_int64(v) : 0;
			break;
		}
	}
}

static char *
seal_json(struct jo_req *r, const char *purpose, time_t exp, json_object *o)
{
	const char	*s;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	return jo_seal(r->cfg.cookie_secret, r->cfg.cookie_secret_len,
	    purpose, exp, s, strlen(s));
}

/* Open one copy of our cookie of this purpose; NULL with the reason. */
static json_object *
open_copy(struct jo_req *r, const char *name, const char *purpose,
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
 * the browser sent it more than once, no copy is trusted -- but the
 * state cookie, whose copy that matches the state parameter is the
 * login's own. */
static json_object *
open_cookie(struct jo_req *r, const char *name, const char *purpose,
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
	if (n == 1 && jo_param_get(&r->ck, name) == NULL) {
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

/* Open our cookie of this name and purpose into the struct its fields
 * describe. */
static int
open_into(struct jo_req *r, const char *name, const char *purpose,
    const struct field *f, size_t n, void *base, char *why, size_t wl)
{
	json_object	*o;

	if ((o = open_cookie(r, name, purpose, why, wl)) == NULL)
		return -1;
	decode(o, f, n, base);
	json_object_put(o);
	return 0;
}

int
jo_ck_state_open(struct jo_req *r, struct jo_ck_state *s, char *why,
    size_t wl)
{
	memset(s, 0, sizeof(*s));
	return open_into(r, JO_CK_STATE, "state", state_fields,
	    NFIELDS(state_fields), s, why, wl);
}

/* Seal the fields of base under purpose until exp and add the cookie's
 * Set-Cookie at path (NULL: public_url's); -1 when it cannot be sealed
 * (too large).  The twin of open_into. */
static int
set_from(struct jo_req *r, const char *name, const char *purpose,
    const struct field *f, size_t n, const void *base, time_t exp,
    const char *path)
{
	json_object	*o = encode(f, n, base);
	char		*sealed;

	sealed = seal_json(r, purpose, exp, o);
	json_object_put(o);
	if (sealed == NULL)
		return -1;
	jo_resp_cookie(&r->resp, name, sealed, (long)(exp - r->now),
	    path != NULL ? path : r->cfg.cookie_path, r->cfg.cookie_secure);
	jo_wipe_free(sealed);
	return 0;
}

int
jo_ck_state_set(struct jo_req *r, const struct jo_ck_state *s)
{
	return set_from(r, JO_CK_STATE, "state", state_fields,
	    NFIELDS(state_fields), s, r->now + JO_STATE_TTL, NULL);
}

void
jo_ck_state_free(struct jo_ck_state *s)
{
	jo_wipe_free(s->st);
	jo_wipe_free(s->nonce);
	jo_wipe_free(s->verifier);
	jo_target_free(&s->t);
	memset(s, 0, sizeof(*s));
}

int
jo_ck_session_open(struct jo_req *r, struct jo_ck_session *s, char *why,
    size_t wl)
{
	memset(s, 0, sizeof(*s));
	return open_into(r, JO_CK_SESSION, "session", session_fields,
	    NFIELDS(session_fields), s, why, wl);
}

int
jo_ck_session_set(struct jo_req *r, const struct jo_user *u,
    const struct jo_target *t, time_t exp, time_t ck)
{
	struct jo_ck_session	 s;
	json_object		*o;
	char			*sealed;

	memset(&s, 0, sizeof(s));
	s.u = *u;
	s.t = *t;
	s.exp = exp;
	s.cf = r->cfg.print;
	s.ck = ck;
	o = encode(session_fields, NFIELDS(session_fields), &s);
	/* Too large for a cookie (long picture URL, many URL options)?
	 * The avatar is what can go. */
	if ((sealed = seal_json(r, "session", exp, o)) == NULL) {
		json_object_object_del(o, "av");
		sealed = seal_json(r, "session", exp, o);
	}
	json_object_put(o);
	if (sealed == NULL)
		return -1;
	jo_resp_cookie(&r->resp, JO_CK_SESSION, sealed, (long)(exp - r->now),
	    r->cfg.cookie_path, r->cfg.cookie_secure);
	jo_wipe_free(sealed);
	return 0;
}

int
jo_ck_session_same_config(const struct jo_req *r,
    const struct jo_ck_session *s)
{
	return s->cf != NULL && strcmp(s->cf, r->cfg.print) == 0;
}

int
jo_ck_session_fits(const struct jo_req *r, const struct jo_ck_session *s)
{
	return s->exp <= r->now + jo_req_session_ttl(r) + JO_STATE_TTL;
}

void
jo_ck_session_free(struct jo_ck_session *s)
{
	jo_user_free(&s->u);
	jo_target_free(&s->t);
	free(s->cf);
	memset(s, 0, sizeof(*s));
}

int
jo_ck_refresh_set(struct jo_req *r, const char *sub, const char *rt,
    time_t exp)
{
	struct jo_ck_refresh	 f = { (char *)(uintptr_t)rt,
				    (char *)(uintptr_t)sub };
	char			*path = jo_req_path(r, "authorize");
	int			 rc;

	rc = set_from(r, JO_CK_REFRESH, "refresh", refresh_fields,
	    NFIELDS(refresh_fields), &f, exp, path);
	free(path);
	return rc;
}

int
jo_ck_refresh_open(struct jo_req *r, struct jo_ck_refresh *f, char *why,
    size_t wl)
{
	memset(f, 0, sizeof(*f));
	if (open_into(r, JO_CK_REFRESH, "refresh", refresh_fields,
	    NFIELDS(refresh_fields), f, why, wl) == -1)
		return -1;
	if (f->rt == NULL || f->sub == NULL) {
		jo_ck_refresh_free(f);
		jo_why(why, wl, "%s cookie lacks a field", JO_CK_REFRESH);
		return -1;
	}
	return 0;
}

void
jo_ck_refresh_free(struct jo_ck_refresh *f)
{
	jo_wipe_free(f->rt);
	free(f->sub);
	memset(f, 0, sizeof(*f));
}

/* The logout cookie's fields sealed: the hint and the refresh token,
 * or the one that fits (revoking the token matters more). */
static char *
logout_seal(struct jo_req *r, const struct logout *l, long ttl)
{
	struct logout	 one;
	json_object	*o;
	char		*sealed;
	int		 i;

	for (i = 0; i < 3; i++) {
		one = *l;
		if (i == 1)
			one.hint = NULL;
		else if (i == 2)
			one.rt = NULL;
		if ((i > 0 && one.hint == l->hint && one.rt == l->rt) ||
		    (one.hint == NULL && one.rt == NULL))
			continue;
		o = encode(logout_fields, NFIELDS(logout_fields), &one);
		sealed = seal_json(r, "logout", r->now + ttl, o);
		json_object_put(o);
		if (sealed != NULL)
			return sealed;
	}
	return NULL;
}

void
jo_ck_logout_set(struct jo_req *r, const char *idt, const char *rt)
{
	struct logout	 l = { NULL, (char *)(uintptr_t)rt };
	char		*sealed, *path;
	long		 ttl = jo_req_session_ttl(r);

	if (idt != NULL && strlen(idt) <= JO_HINT_MAX)
		l.hint = (char *)(uintptr_t)idt;
	/* nothing to keep (a hint too large, no refresh token): the one
	 * kept for an earlier login goes, or the next /logout would send
	 * that user's id_token_hint */
	if ((sealed = logout_seal(r, &l, ttl)) == NULL) {
		jo_ck_clear(r, JO_CK_LOGOUT);
		return;
	}
	path = jo_req_path(r, "logout");
	jo_resp_cookie(&r->resp, JO_CK_LOGOUT, sealed, ttl, path,
	    r->cfg.cookie_secure);
	free(path);
	jo_wipe_free(sealed);
}

void
jo_ck_logout_open(struct jo_req *r, char **hint, char **rt)
{
	struct logout	 l = { NULL, NULL };
	char		 why[600];

	*hint = *rt = NULL;
	if (jo_param_get(&r->ck, JO_CK_LOGOUT) == NULL ||
	    open_into(r, JO_CK_LOGOUT, "logout", logout_fields,
	    NFIELDS(logout_fields), &l, why, sizeof(why)) == -1)
		return;
	*hint = l.hint;
	*rt = l.rt;
}

void
jo_ck_out_set(struct jo_req *r)
{
	struct out	 x = { r->now };

	(void)set_from(r, JO_CK_OUT, "out", out_fields, NFIELDS(out_fields),
	    &x, r->now + JO_OUT_TTL, NULL);
}

int
jo_ck_out(struct jo_req *r)
{
	struct out	 x = { 0 };
	char		 why[600];

	return jo_param_get(&r->ck, JO_CK_OUT) != NULL &&
	    open_into(r, JO_CK_OUT, "out", out_fields, NFIELDS(out_fields),
	    &x, why, sizeof(why)) == 0;
}

void
jo_ck_clear(struct jo_req *r, const char *name)
{
	char	*path;

	if (strcmp(name, JO_CK_LOGOUT) == 0)
		path = jo_req_path(r, "logout");
	else if (strcmp(name, JO_CK_REFRESH) == 0)
		path = jo_req_path(r, "authorize");
	else
		path = jo_xstrdup(r->cfg.cookie_path);
	jo_resp_cookie(&r->resp, name, NULL, 0, path, r->cfg.cookie_secure);
	free(path);
}

/* Delete a cookie at this path: host-only, for our host as a domain
 * (a host below ours can set Domain=<our host>), and for every parent
 * domain a sibling could set it for (example.org, not org); for an
 * address, host-only. */
static void
delete_at(struct jo_req *r, const char *name, const char *path,
    const char *host)
{
	const char	*d;

	jo_resp_cookie_delete(&r->resp, name, path, NULL,
	    r->cfg.cookie_secure);
	if (host == NULL || strspn(host, "0123456789.[]:") == strlen(host) ||
	    strchr(host, '.') == NULL)
		return;
	for (d = host; d != NULL && strchr(d, '.') != NULL;
	    d = strchr(d, '.') + 1)
		jo_resp_cookie_delete(&r->resp, name, path, d,
		    r->cfg.cookie_secure);
}

/* Every copy we can name: at every path the browser sends to us ("/",
 * each prefix of our path, with and without its slash) and at each
 * route below it. */
static void
delete_copies(struct jo_req *r, const char *name)
{
	static const char *const sub[] = { "authorize", "redirect",
	    "tokenize", "logout" };
	const char	*cp = r->cfg.cookie_path;
	char		*host, *path;
	size_t		 i;

	host = jo_url_host(r->cfg.public_url);
	delete_at(r, name, "/", host);
	for (i = 1; strcmp(cp, "/") != 0 && cp[i - 1] != '\0'; i++) {
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
		path = jo_req_path(r, sub[i]);
		delete_at(r, name, path, host);
		free(path);
	}
	free(host);
}

void
jo_ck_delete_tossed(struct jo_req *r)
{
	size_t	 i, n;

	for (i = 0; jo_ck_names[i] != NULL; i++) {
		n = jo_param_count(&r->ck, jo_ck_names[i]);
		if (n > 1 || (n == 1 &&
		    jo_param_get(&r->ck, jo_ck_names[i]) == NULL))
			delete_copies(r, jo_ck_names[i]);
	}
}
