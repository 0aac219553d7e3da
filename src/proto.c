/* proto.c -- see proto.h */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crypto.h"
#include "http.h"
#include "json.h"
#include "profile.h"
#include "proto.h"
#include "util.h"

char *
jo_proto_random(size_t n)
{
	unsigned char	 raw[64];
	char		*s;

	if (n > sizeof(raw) || jo_random(raw, n) == -1)
		return NULL;
	s = jo_b64url_encode(raw, n);
	explicit_bzero(raw, sizeof(raw));
	return s;
}

char *
jo_proto_pkce_challenge(const char *verifier)
{
	unsigned char	 md[32];

	jo_sha256(verifier, strlen(verifier), md);
	return jo_b64url_encode(md, 32);
}

/* "&name=value" for each word of auth_params (checked when read). */
static void
add_params(struct jo_buf *b, const char *params)
{
	const char	*p = params, *e, *eq;
	char		*v;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, " ");
		eq = memchr(p, '=', (size_t)(e - p));
		jo_buf_adds(b, "&");
		jo_buf_add(b, p, (size_t)(eq - p + 1));
		v = jo_xstrndup(eq + 1, (size_t)(e - eq - 1));
		jo_form_encode(b, v);
		free(v);
		p = e;
	}
}

static void
add_opt(struct jo_buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	jo_buf_addf(b, "&%s=", name);
	jo_form_encode(b, v);
}

char *
jo_proto_auth_url(const struct jo_config *c, const struct jo_provider *p,
    const char *state, const char *nonce, const char *challenge,
    const char *login_hint, int relogin)
{
	struct jo_buf	 b = { 0 };
	const char	*pr = c->prompt;
	char		*more = NULL;

	jo_buf_adds(&b, p->authorization_endpoint);
	jo_buf_adds(&b, strchr(p->authorization_endpoint, '?') ? "&" : "?");
	jo_buf_adds(&b, "response_type=code&client_id=");
	jo_form_encode(&b, c->client_id);
	jo_buf_adds(&b, "&redirect_uri=");
	jo_form_encode(&b, c->redirect_uri);
	jo_buf_adds(&b, "&scope=");
	jo_form_encode(&b, c->scope);
	jo_buf_adds(&b, "&state=");
	jo_buf_adds(&b, state);
	jo_buf_adds(&b, "&nonce=");
	jo_buf_adds(&b, nonce);
	jo_buf_adds(&b, "&code_challenge=");
	jo_buf_adds(&b, challenge);
	jo_buf_adds(&b, "&code_challenge_method=S256");
	/* after a logout the provider's own session may still be alive:
	 * it must ask the user (Core 3.1.2.1), not log them straight in */
	if (relogin && (pr == NULL || strcmp(pr, "none") == 0))
		pr = "login";
	else if (relogin && strstr(pr, "login") == NULL)
		pr = more = jo_xasprintf("login %s", pr);
	add_opt(&b, "prompt", pr);
	free(more);
	if (c->max_age >= 0)
		jo_buf_addf(&b, "&max_age=%ld", c->max_age);
	add_opt(&b, "acr_values", c->acr_values);
	add_opt(&b, "ui_locales", c->ui_locales);
	add_opt(&b, "login_hint", login_hint);
	if (c->auth_params != NULL)
		add_params(&b, c->auth_params);
	return jo_buf_take(&b);
}

/* The token response (Core 3.1.3.3): an ID token string, and an access
 * token worth keeping for userinfo. */
static int
token_response(const struct jo_http_resp *h, char **idt, char **at,
    enum jo_err *e, char *why, size_t wl)
{
	json_object	*o, *v;
	const char	*err, *desc;
	size_t		 dl;
	int		 rc = -1;

	if ((o = jo_json_object(h->body ? h->body : "", h->len, 16)) == NULL) {
		*e = JO_E_GARBLED;
		jo_why(why, wl, "token endpoint answered HTTP %ld with no JSON "
		    "object (%zu bytes)", h->status, h->len);
		return -1;
	}
	if (h->status != 200) {
		if ((err = jo_json_str(o, "error")) == NULL)
			err = "none";
		desc = jo_json_str(o, "error_description");
		dl = jo_rtrim_len(desc);
		*e = JO_E_REFUSED;
		jo_why(why, wl, "token endpoint answered HTTP %ld: error=%.64s"
		    "%s%.*s", h->status, err, dl ? " " : "",
		    (int)(dl > 200 ? 200 : dl), dl ? desc : "");
		goto end;
	}
	if (!json_object_object_get_ex(o, "id_token", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*e = JO_E_NO_IDTOKEN;
		jo_why(why, wl, "token response has no id_token string");
		goto end;
	}
	*idt = jo_xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "access_token", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    json_object_get_string_len(v) <= 8192 &&
	    !jo_has_ctl(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)))
		*at = jo_xstrdup(json_object_get_string(v));
	rc = 0;
end:
	json_object_put(o);
	return rc;
}

int
jo_proto_exchange(const struct jo_config *c, const struct jo_provider *p,
    const char *code, const char *verifier, char **idt, char **at,
    enum jo_err *e, char *why, size_t wl)
{
	struct jo_http_resp	 h;
	struct jo_buf		 body = { 0 }, user = { 0 }, pass = { 0 };
	char			 sub[600];
	int			 rc = -1;

	*idt = *at = NULL;
	memset(&h, 0, sizeof(h));
	jo_buf_adds(&body, "grant_type=authorization_code&code=");
	jo_form_encode(&body, code);
	jo_buf_adds(&body, "&redirect_uri=");
	jo_form_encode(&body, c->redirect_uri);
	jo_buf_adds(&body, "&code_verifier=");
	jo_form_encode(&body, verifier);
	/* RFC 6749 2.3.1: id and secret form-encoded before Basic. */
	jo_form_encode(&user, c->client_id);
	jo_form_encode(&pass, c->client_secret);
	if (jo_http_post_form(p->token_endpoint, user.p, pass.p, body.p,
	    c->http_timeout, &h, sub, sizeof(sub)) == -1) {
		*e = JO_E_NO_FINISH;
		jo_why(why, wl, "token endpoint: %s", sub);
		goto end;
	}
	rc = token_response(&h, idt, at, e, why, wl);
end:
	if (h.body != NULL)
		explicit_bzero(h.body, h.len);
	jo_http_resp_free(&h);
	explicit_bzero(body.p, body.len);
	jo_buf_free(&body);
	jo_buf_free(&user);
	explicit_bzero(pass.p, pass.len);
	jo_buf_free(&pass);
	return rc;
}

int
jo_proto_userinfo(const struct jo_config *c, const struct jo_provider *p,
    const char *at, struct jo_user *u, enum jo_err *e, char *why, size_t wl)
{
	struct jo_http_resp	 h;
	json_object		*o = NULL;
	char			 sub[600];
	int			 rc = -1;

	if (!jo_profile_wants_userinfo(c, u->claims))
		return 0;
	if (p->userinfo_endpoint == NULL || at == NULL) {
		if (strcmp(c->userinfo, "always") != 0)
			return 0;
		*e = JO_E_NO_USERINFO;
		jo_why(why, wl, "userinfo = always, but the provider has %s",
		    p->userinfo_endpoint == NULL ? "no userinfo_endpoint" :
		    "sent no access_token");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	if (jo_http_get_bearer(p->userinfo_endpoint, at, c->http_timeout,
	    &h, sub, sizeof(sub)) == -1) {
		*e = JO_E_NO_FINISH;
		jo_why(why, wl, "userinfo: %s", sub);
		goto end;
	}
	if (h.status != 200 || (o = jo_json_object(h.body ? h.body : "",
	    h.len, 16)) == NULL) {
		*e = JO_E_BAD_USERINFO;
		jo_why(why, wl, "userinfo answered HTTP %ld%s", h.status,
		    h.status == 200 ? " with no JSON object (signed userinfo "
		    "is not supported)" : "");
		goto end;
	}
	if (jo_profile_merge(u->claims, o, why, wl) == -1) {
		*e = JO_E_UNVERIFIED;
		goto end;
	}
	rc = 0;
end:
	json_object_put(o);
	jo_http_resp_free(&h);
	return rc;
}

char *
jo_proto_logout_url(const struct jo_config *c, const struct jo_provider *p,
    const char *hint)
{
	struct jo_buf	 b = { 0 };

	if (p->end_session_endpoint == NULL)
		return jo_xstrdup(c->post_logout_redirect_uri);
	jo_buf_adds(&b, p->end_session_endpoint);
	jo_buf_adds(&b, strchr(p->end_session_endpoint, '?') ? "&" : "?");
	jo_buf_adds(&b, "client_id=");
	jo_form_encode(&b, c->client_id);
	jo_buf_adds(&b, "&post_logout_redirect_uri=");
	jo_form_encode(&b, c->post_logout_redirect_uri);
	if (hint != NULL) {
		jo_buf_adds(&b, "&id_token_hint=");
		jo_form_encode(&b, hint);
	}
	return jo_buf_take(&b);
}
