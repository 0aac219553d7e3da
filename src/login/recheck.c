/* recheck.c -- see recheck.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cookie.h"
#include "oidc.h"
#include "profile.h"
#include "proto.h"
#include "recheck.h"
#include "login.h"
#include "util.h"

int
jo_recheck_due(const struct jo_req *r, const struct jo_ck_session *s)
{
	/* a check in the future is a clock gone back: checked again */
	return s->ck <= 0 || s->ck > r->now ||
	    r->now - s->ck >= r->cfg.session_recheck;
}

/* The remembered login is over: its cookies go, one line says why. */
static void
ended(struct jo_req *r, const struct jo_ck_session *s, const char *why)
{
	jo_log("remembered login of %.64s ended: %s; a login at the "
	    "provider follows", s->u.sub, why);
	jo_ck_clear(r, JO_CK_SESSION);
	jo_ck_clear(r, JO_CK_REFRESH);
}

/* The provider could not answer: fail closed, the cookies kept. */
static int
down(const struct jo_tokens *tk, enum jo_err e)
{
	return e == JO_E_NO_FINISH || e == JO_E_GARBLED ||
	    (e == JO_E_REFUSED && tk->status >= 500);
}

/* No new ID token (Core 12.2 allows it): the claims from userinfo,
 * whose sub must be the login's (jo_profile_merge); 1 when userinfo
 * cannot be asked (the session's claims then stay), 0, or -1 with the
 * kind and why. */
static int
userinfo_user(struct jo_req *r, const struct jo_ck_session *s,
    const struct jo_provider *p, const struct jo_tokens *tk,
    struct jo_user *u, enum jo_err *e, char *why, size_t wl)
{
	if (p->userinfo_endpoint == NULL || tk->at == NULL ||
	    strcmp(r->cfg.userinfo, "never") == 0)
		return 1;
	u->sub = jo_xstrdup(s->u.sub);
	u->claims = json_object_new_object();
	json_object_object_add(u->claims, "sub",
	    json_object_new_string(s->u.sub));
	return jo_proto_userinfo(&r->cfg, p, tk->at, u, e, why, wl);
}

/* The provider answered the refresh but the login cannot go on yet
 * (its keys or userinfo unreachable): a refresh token it rotated is
 * kept all the same -- the old one is spent, and keeping it would end
 * the remembered login at the next try.  No session is sealed. */
static void
keep_rotated(struct jo_req *r, const struct jo_ck_session *s,
    const struct jo_tokens *tk)
{
	if (tk->rt == NULL)
		return;
	jo_route_keep_refresh(r, s->u.sub, tk->rt, s->exp);
	jo_ck_logout_set(r, NULL, tk->rt);
}

/* The refreshed user: verified, userinfo merged, the rules applied.
 * 0, 1 when only the grant could be checked (no ID token, no userinfo:
 * the session's claims stay), or -1 with the failure answered (and the
 * login ended where the user may not go on). */
static int
fresh_user(struct jo_req *r, const struct jo_ck_session *s,
    const struct jo_target *t, const struct jo_provider *p,
    const struct jo_tokens *tk, struct jo_user *u)
{
	struct jo_keys	 ks = { 0 };
	enum jo_err	 e;
	char		 why[600];
	int		 rc = -1, k;

	if (tk->idt == NULL) {
		if ((k = userinfo_user(r, s, p, tk, u, &e, why,
		    sizeof(why))) == 1)
			return 1;
		if (k == -1)
			goto refused;
	} else {
		/* a failure here shows in verify, which re-fetches once */
		(void)jo_jwks_load(&r->cfg, p, 0, &ks, why, sizeof(why));
		if (jo_route_verify(r, p, &ks, tk->idt, NULL, s->u.sub, u,
		    &e, why, sizeof(why)) == -1) {
			/* a new key whose JWKS cannot be fetched: the
			 * provider is down, not the login -- fail closed,
			 * the cookies kept, as for a token endpoint that
			 * does not answer */
			if (e == JO_E_NO_KEYS) {
				keep_rotated(r, s, tk);
				jo_fail(r, e, "re-check of the remembered "
				    "login: %s (the login is not used until "
				    "the provider answers)", why);
				goto end;
			}
			goto refused;
		}
		if (jo_proto_userinfo(&r->cfg, p, tk->at, u, &e, why,
		    sizeof(why)) == -1) {
			keep_rotated(r, s, tk);
			jo_fail(r, e, "re-check of the remembered login: %s",
			    why);
			goto end;
		}
	}
	if (jo_profile_build(&r->cfg, u, why, sizeof(why)) == -1) {
		jo_route_refused(r, t, why);
		goto end;
	}
	rc = 0;
	goto end;
refused:
	/* not the provider's user, or not the provider: the remembered
	 * login is not trusted again */
	jo_ck_clear(r, JO_CK_SESSION);
	jo_ck_clear(r, JO_CK_REFRESH);
	jo_fail(r, e, "re-check of the remembered login: %s", why);
end:
	jo_keys_free(&ks);
	return rc;
}

/* Redeem rt and go on with the fresh claims. */
static enum jo_recheck
refresh(struct jo_req *r, const struct jo_ck_session *s,
    const struct jo_target *t, const char *rt)
{
	struct jo_provider	 p = { 0 };
	struct jo_tokens	 tk = { 0 };
	struct jo_user		 u = { 0 };
	enum jo_recheck		 rc = JO_RECHECK_DONE;
	enum jo_err		 e;
	const char		*keep;
	char			 why[600];
	int			 k;

	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_PROVIDER_DOWN, "re-check of the remembered "
		    "login: %s", why);
		goto end;
	}
	if (jo_proto_refresh(&r->cfg, &p, rt, &tk, &e, why,
	    sizeof(why)) == -1) {
		/* invalid_grant, or any other definite refusal (400/401
		 * with an RFC 6749 5.2 error): kept, the cookies would
		 * answer 502 at every room until the session expired */
		if (tk.invalid_grant || tk.refused) {
			if (tk.invalid_client)
				snprintf(why + strlen(why), sizeof(why) -
				    strlen(why), " -- the provider refuses "
				    "this adapter's own client "
				    "authentication: check client_id and its "
				    "secret or key; every remembered login "
				    "ends at its next re-check");
			ended(r, s, why);
			rc = JO_RECHECK_ENDED;
		} else
			jo_fail(r, down(&tk, e) ? JO_E_NO_FINISH : e,
			    "re-check of the remembered login: %s%s", why,
			    down(&tk, e) ? " (the login is not used until "
			    "the provider answers)" : "");
		goto end;
	}
	if ((k = fresh_user(r, s, t, &p, &tk, &u)) == -1)
		goto end;
	/* rotated (RFC 6749 6), or the same one again */
	keep = tk.rt != NULL ? tk.rt : rt;
	jo_route_keep_refresh(r, s->u.sub, keep, s->exp);
	if (tk.idt != NULL || tk.rt != NULL)
		jo_ck_logout_set(r, tk.idt, keep);
	if (jo_route_to_tokenize(r, k == 1 ? &s->u : &u, t, s->exp,
	    r->now) == -1)
		jo_fail(r, JO_E_SAVE, "cannot seal the session cookie (too "
		    "large?)");
end:
	jo_user_free(&u);
	jo_tokens_free(&tk);
	jo_provider_free(&p);
	return rc;
}

/* A previous user's refresh token, found beside another user's session:
 * revoked at the provider (RFC 7009) and its cookie deleted. */
static void
revoke_other(struct jo_req *r, const struct jo_ck_refresh *f)
{
	char	 what[128];

	jo_ck_clear(r, JO_CK_REFRESH);
	snprintf(what, sizeof(what), "refresh token of a previous login "
	    "(%.64s)", f->sub);
	jo_login_revoke(r, NULL, f->rt, what);
}

enum jo_recheck
jo_recheck(struct jo_req *r, const struct jo_ck_session *s,
    const struct jo_target *t)
{
	struct jo_ck_refresh	 f;
	enum jo_recheck		 rc;
	char			 why[600];

	if (jo_param_get(&r->ck, JO_CK_REFRESH) == NULL ||
	    jo_ck_refresh_open(r, &f, why, sizeof(why)) == -1)
		return JO_RECHECK_NONE;
	/* kept for another login (a user switched at the provider): no
	 * use to this one, and no reason to keep it */
	if (strcmp(f.sub, s->u.sub) != 0) {
		revoke_other(r, &f);
		jo_ck_refresh_free(&f);
		return JO_RECHECK_NONE;
	}
	rc = refresh(r, s, t, f.rt);
	jo_ck_refresh_free(&f);
	return rc;
}
