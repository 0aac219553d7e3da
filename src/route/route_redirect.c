/* route_redirect.c -- /redirect?code=...&state=...: the provider's answer.
 * The state cookie is matched and consumed, the code exchanged, the ID
 * token verified, userinfo merged where needed, the access rules applied,
 * and the user sealed into the session cookie. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cookie.h"
#include "json.h"
#include "login.h"
#include "oidc.h"
#include "profile.h"
#include "proto.h"
#include "routes.h"
#include "util.h"

#define AUTH_TIME_SKEW	120	/* seconds our clock and the provider's
				 * may differ for max_age */
#define SESSION_MIN	60	/* seconds a new session lasts at least */


/* The state cookie (consumed by every callback, good or bad) against
 * the state parameter and, RFC 9207, the iss parameter. */
static int
match_state(struct jo_req *r, struct jo_ck_state *s)
{
	const char	*state = jo_param_get(&r->q, "state"), *iss;
	char		 why[600];

	/* Jitsi's popup, by the state's mark: known even when the cookie
	 * is gone, and the same as the cookie's field once the state
	 * matches (the mark is part of it) */
	r->popup = state != NULL && strncmp(state, JO_POPUP_MARK,
	    strlen(JO_POPUP_MARK)) == 0;
	jo_ck_clear(r, JO_CK_STATE);
	if (jo_ck_state_open(r, s, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_STATE_MISSING, "%s", why);
		return -1;
	}
	if (s->t.room != NULL)
		jo_req_back(r, &s->t, "failed");
	if (s->st == NULL || s->nonce == NULL || s->verifier == NULL ||
	    s->t.room == NULL) {
		jo_fail(r, JO_E_STATE_BAD, "state cookie lacks a field");
		return -1;
	}
	if (state == NULL || !jo_ct_equal(state, s->st)) {
		jo_fail(r, JO_E_STATE_MISMATCH, "state parameter %s the state "
		    "cookie", state ? "does not match" : "missing; expected");
		return -1;
	}
	/* a multi-tenant issuer: checked against its template in flows */
	if ((iss = jo_param_get(&r->q, "iss")) != NULL &&
	    r->cfg.allowed_tenants == NULL && strcmp(iss, r->cfg.issuer) != 0) {
		jo_fail(r, JO_E_ISS_MISMATCH, "authorization response iss "
		    "(%.100s) is not the issuer (%s)", iss, r->cfg.issuer);
		return -1;
	}
	return 0;
}

/* The provider could not log in silently (prompt=none).  glewlwyd
 * answers a user it knows invalid_request "id_token mandatory" (it wants
 * an id_token_hint): interaction needed too. */
static int
needs_user(const char *err, const char *desc, size_t dl)
{
	return strcmp(err, "login_required") == 0 ||
	    strcmp(err, "interaction_required") == 0 ||
	    strcmp(err, "consent_required") == 0 ||
	    strcmp(err, "account_selection_required") == 0 ||
	    (strcmp(err, "invalid_request") == 0 &&
	    dl == strlen("id_token mandatory") &&
	    strncmp(desc, "id_token mandatory", dl) == 0);
}

/* prompt = none configured, and the provider could not log in silently */
static int
silent_failure(const struct jo_req *r, const char *err, const char *desc,
    size_t dl)
{
	return r->cfg.prompt != NULL && strcmp(r->cfg.prompt, "none") == 0 &&
	    needs_user(err, desc, dl);
}

/* error= from the provider (Core 3.1.2.6): back to the room without a
 * token for a silent login; a refusal (access denied, consent not
 * given) takes the room's "unauthorized" path; otherwise a page that
 * says what happened.  An empty description is not printed. */
static void
provider_error(struct jo_req *r, const struct jo_ck_state *s,
    const char *err)
{
	const struct jo_target	*t = &s->t;
	const char	*desc = jo_param_get(&r->q, "error_description");
	size_t		 dl = jo_rtrim_len(desc);
	int		 dn = (int)(dl > 200 ? 200 : dl);
	enum jo_err	 e = JO_E_LOGIN_FAILED;

	/* a remembered login re-checked silently: the user must log in
	 * again, as for a first login */
	if (s->recheck && !silent_failure(r, err, desc, dl) &&
	    needs_user(err, desc, dl)) {
		jo_log("remembered login ended: the silent re-check "
		    "(prompt=none) answered error=%.64s; a login at the "
		    "provider follows", err);
		jo_ck_clear(r, JO_CK_SESSION);
		jo_login_start(r, t, JO_AUTH_PLAIN);
		return;
	}
	if (silent_failure(r, err, desc, dl) && !r->popup) {
		if (s->recheck)
			jo_ck_clear(r, JO_CK_SESSION);
		/* the flag stops the site's login rule */
		jo_log("302: prompt=none and the provider answered "
		    "error=%.64s%s%.*s%s: back to the room without a token",
		    err, dl ? " (" : "", dn, dl ? desc : "", dl ? ")" : "");
		jo_resp_redirect(&r->resp, r->back);
		return;
	}
	if (strcmp(err, "access_denied") == 0)
		e = JO_E_DENIED;
	else if (strcmp(err, "consent_required") == 0)
		e = JO_E_NO_CONSENT;
	else if (strcmp(err, "login_required") == 0 ||
	    strcmp(err, "interaction_required") == 0 ||
	    strcmp(err, "account_selection_required") == 0)
		e = JO_E_LOGIN_AGAIN;
	if (e == JO_E_DENIED || e == JO_E_NO_CONSENT)
		jo_req_back(r, t, "unauthorized");
	jo_fail(r, e, "provider returned error=%.64s%s%.*s", err,
	    dl ? " error_description=" : "", dn, dl ? desc : "");
}

/* RFC 9207's iss parameter for a provider with allowed_tenants: the
 * issuer, or its template filled with one of the tenants. */
static int
tenant_iss(struct jo_req *r, const struct jo_provider *p)
{
	const char	*iss = jo_param_get(&r->q, "iss");
	char		*tid = NULL;
	int		 ok = 0;

	if (iss == NULL || r->cfg.allowed_tenants == NULL ||
	    strcmp(iss, r->cfg.issuer) == 0)
		return 0;
	if (p->issuer_template != NULL &&
	    (tid = jo_issuer_tenant(p->issuer_template, iss)) != NULL)
		ok = jo_list_has(r->cfg.allowed_tenants, tid, 1);
	free(tid);
	if (!ok)
		jo_fail(r, JO_E_ISS_MISMATCH, "authorization response iss "
		    "(%.100s) is not the issuer of an allowed tenant", iss);
	return ok ? 0 : -1;
}

/* The tenant RFC 9207's iss named is the ID token's: an answer that
 * names one allowed tenant does not carry a token of another. */
static int
tenant_same(struct jo_req *r, const struct jo_user *u)
{
	const char	*iss = jo_param_get(&r->q, "iss"), *t;

	if (iss == NULL || r->cfg.allowed_tenants == NULL ||
	    strcmp(iss, r->cfg.issuer) == 0)
		return 0;
	if ((t = jo_json_str(u->claims, "iss")) != NULL && strcmp(t, iss) == 0)
		return 0;
	jo_fail(r, JO_E_ISS_MISMATCH, "authorization response iss (%.100s) "
	    "names another tenant than the ID token's iss (%.100s)", iss,
	    t != NULL ? t : "missing");
	return -1;
}

/* Is w one of the blank-separated words of list? */
static int
word_in(const char *list, const char *w)
{
	const char	*p;
	size_t		 n = strlen(w), m;

	while ((p = jo_word(&list, &m)) != NULL)
		if (m == n && n > 0 && strncmp(p, w, n) == 0)
			return 1;
	return 0;
}

/* What the request asked of the login (Core 3.1.2.1, 3.1.3.7 steps 11
 * and 12): with acr_values, the ID token's acr is one of them; with
 * max_age, its auth_time is at most that old.  Read off the ID token
 * alone, before userinfo could add either. */
static int
login_strength(const struct jo_req *r, const struct jo_user *u, char *why,
    size_t wl)
{
	json_object	*v;
	const char	*acr = NULL;
	long long	 at;

	if (r->cfg.acr_values != NULL) {
		if (json_object_object_get_ex(u->claims, "acr", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strlen(json_object_get_string(v)) ==
		    (size_t)json_object_get_string_len(v))
			acr = json_object_get_string(v);
		if (acr == NULL || !word_in(r->cfg.acr_values, acr)) {
			jo_why(why, wl, "the login provider did not confirm the "
			    "way of logging in this site asks for (acr %.64s, "
			    "expected %.200s)", acr != NULL ? acr : "missing",
			    r->cfg.acr_values);
			return -1;
		}
	}
	if (r->cfg.max_age < 0)
		return 0;
	if (!json_object_object_get_ex(u->claims, "auth_time", &v) ||
	    !json_object_is_type(v, json_type_int)) {
		jo_why(why, wl, "the login provider did not say when you "
		    "logged in (auth_time), and this site asks for a login at "
		    "most %ld seconds old", r->cfg.max_age);
		return -1;
	}
	at = (long long)json_object_get_int64(v);
	if (at > (long long)r->now + AUTH_TIME_SKEW ||
	    (long long)r->now - at > r->cfg.max_age + AUTH_TIME_SKEW) {
		jo_why(why, wl, "your login at the provider is older than "
		    "this site allows (%ld seconds): log in again",
		    r->cfg.max_age);
		return -1;
	}
	return 0;
}

/* Could the ID token be signed with the client secret (Core 10.1)? */
static int
hmac_possible(const struct jo_config *c, const struct jo_provider *p)
{
	return c->client_secret != NULL && p->idt_algs != NULL &&
	    (jo_list_has(p->idt_algs, "HS256", 0) ||
	    jo_list_has(p->idt_algs, "HS384", 0) ||
	    jo_list_has(p->idt_algs, "HS512", 0));
}

/* The code for a verified user: discovery, keys, the token request,
 * the ID token, userinfo. */
static int
flows(struct jo_req *r, const struct jo_ck_state *s, struct jo_user *u,
    struct jo_tokens *tk)
{
	struct jo_provider	 p = { 0 };
	struct jo_keys		 ks = { 0 };
	const char		*code = jo_param_get(&r->q, "code");
	char			 why[600];
	enum jo_err		 e;
	int			 rc = -1;

	if (code == NULL || *code == '\0' || strlen(code) > 2048) {
		jo_fail(r, JO_E_NO_CODE, "code parameter missing or longer "
		    "than 2048 bytes");
		return -1;
	}
	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_PROVIDER_DOWN, "%s", why);
		goto end;
	}
	/* a provider that signs with the client secret may have no JWKS
	 * to serve (glewlwyd answers 403): its failure then counts only
	 * for a token that needs a key (one re-fetch, in verify) */
	if (jo_jwks_load(&r->cfg, &p, 0, &ks, why, sizeof(why)) == -1 &&
	    !hmac_possible(&r->cfg, &p)) {
		jo_fail(r, JO_E_NO_KEYS, "%s", why);
		goto end;
	}
	if (tenant_iss(r, &p) == -1)
		goto end;
	if (jo_proto_exchange(&r->cfg, &p, code, s->verifier, tk, &e,
	    why, sizeof(why)) == -1) {
		jo_fail(r, e, "%s", why);
		goto end;
	}
	if (jo_route_verify(r, &p, &ks, tk->idt, s->nonce, NULL, u, &e, why,
	    sizeof(why)) == -1) {
		jo_fail(r, e, "%s", why);
		goto end;
	}
	if (tenant_same(r, u) == -1)
		goto end;
	if (login_strength(r, u, why, sizeof(why)) == -1) {
		jo_route_refused(r, &s->t, why);
		goto end;
	}
	if (jo_proto_userinfo(&r->cfg, &p, tk->at, u, &e, why,
	    sizeof(why)) == -1) {
		jo_fail(r, e, "%s", why);
		goto end;
	}
	rc = 0;
end:
	jo_provider_free(&p);
	jo_keys_free(&ks);
	return rc;
}

/* When the session ends: session_lifetime, capped by max_age -- counted
 * from when the provider last logged the user in (auth_time, checked
 * by login_strength), not from this callback, or single sign-on could
 * go on until twice max_age after it.  At least a minute, for the way
 * to /tokenize.  (max_age 0: no single sign-on; the short session is
 * only for /tokenize.) */
static time_t
session_end(const struct jo_req *r, const struct jo_user *u)
{
	time_t		 end = r->now + jo_req_session_ttl(r);
	json_object	*v;
	long long	 lim;

	if (r->cfg.max_age <= 0 ||
	    !json_object_object_get_ex(u->claims, "auth_time", &v) ||
	    !json_object_is_type(v, json_type_int))
		return end;
	lim = (long long)json_object_get_int64(v) + r->cfg.max_age +
	    AUTH_TIME_SKEW;
	if (lim < (long long)r->now + SESSION_MIN)
		lim = (long long)r->now + SESSION_MIN;
	return lim < (long long)end ? (time_t)lim : end;
}

void
jo_route_redirect(struct jo_req *r)
{
	struct jo_ck_state	 s;
	struct jo_user		 u = { 0 };
	struct jo_tokens	 tk = { 0 };
	const char		*err;
	char			 why[600];
	time_t			 exp;

	if (match_state(r, &s) == -1)
		goto end;
	/* This browser's login ends here: whatever refresh token it kept
	 * for an earlier one goes (set again below when the provider sends
	 * a new one; the last Set-Cookie of a name wins, cgi.c). */
	jo_ck_clear(r, JO_CK_REFRESH);
	if ((err = jo_param_get(&r->q, "error")) != NULL) {
		provider_error(r, &s, err);
		goto end;
	}
	if (flows(r, &s, &u, &tk) == -1)
		goto end;
	if (jo_profile_build(&r->cfg, &u, why, sizeof(why)) == -1) {
		jo_route_refused(r, &s.t, why);
		goto end;
	}
	/* the ID token is kept (sealed, sent to /logout only) as the
	 * id_token_hint of RP-initiated logout, with the refresh token to
	 * revoke there; the refresh token also for the re-checks */
	exp = session_end(r, &u);
	jo_ck_logout_set(r, tk.idt, tk.rt);
	jo_route_keep_refresh(r, u.sub, tk.rt, exp);
	/* logged in again after a logout: the provider asked */
	if (jo_param_get(&r->ck, JO_CK_OUT) != NULL)
		jo_ck_clear(r, JO_CK_OUT);
	if (jo_route_to_tokenize(r, &u, &s.t, exp, r->now) == -1)
		jo_fail(r, JO_E_SAVE, "cannot seal the session cookie (too "
		    "large?)");
end:
	jo_ck_state_free(&s);
	jo_user_free(&u);
	jo_tokens_free(&tk);
}
