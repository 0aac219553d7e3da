/* proto.c -- see proto.h */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crypto.h"
#include "config.h"
#include "http.h"
#include "json.h"
#include "jws.h"
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
	const char	*q = params, *p, *eq;
	char		*v;
	size_t		 n;

	while ((p = jo_word(&q, &n)) != NULL) {
		eq = memchr(p, '=', n);
		jo_buf_adds(b, "&");
		jo_buf_add(b, p, (size_t)(eq - p + 1));
		v = jo_xstrndup(eq + 1, (size_t)(p + n - eq - 1));
		jo_form_encode(b, v);
		free(v);
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
    const char *login_hint, enum jo_auth how)
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
	if (how == JO_AUTH_RELOGIN && (pr == NULL || strcmp(pr, "none") == 0))
		pr = "login";
	else if (how == JO_AUTH_RELOGIN && strstr(pr, "login") == NULL)
		pr = more = jo_xasprintf("login %s", pr);
	else if (how == JO_AUTH_SILENT)
		pr = "none";
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

/* A token string of the answer worth keeping: at most max bytes, no
 * control character; NULL otherwise. */
static char *
token_str(json_object *o, const char *key, int max)
{
	json_object	*v;

	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    json_object_get_string_len(v) <= max &&
	    !jo_has_ctl(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)))
		return jo_xstrdup(json_object_get_string(v));
	return NULL;
}

/* One of RFC 6749 5.2's error codes of the token endpoint. */
static int
oauth_refusal(const char *err)
{
	static const char *const codes[] = { "invalid_request",
	    "invalid_client", "invalid_grant", "unauthorized_client",
	    "unsupported_grant_type", "invalid_scope", NULL };
	size_t	 i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(err, codes[i]) == 0)
			return 1;
	return 0;
}

/* The token response (Core 3.1.3.3, 12.2): an ID token string, an
 * access token worth keeping for userinfo, a refresh token. */
static int
token_response(const struct jo_http_resp *h, int need_idt,
    struct jo_tokens *tk, enum jo_err *e, char *why, size_t wl)
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
	tk->status = h->status;
	if (h->status != 200) {
		if ((err = jo_json_str(o, "error")) == NULL)
			err = "none";
		/* RFC 6749 5.2: a 400 (401 for the client) with one of its
		 * error codes is an answer, not an outage (a provider that
		 * says temporarily_unavailable or server_error there is
		 * down) */
		tk->refused = (h->status == 400 || h->status == 401) &&
		    oauth_refusal(err);
		desc = jo_json_str(o, "error_description");
		dl = jo_rtrim_len(desc);
		*e = JO_E_REFUSED;
		tk->invalid_grant = strcmp(err, "invalid_grant") == 0;
		tk->invalid_client = strcmp(err, "invalid_client") == 0;
		jo_why(why, wl, "token endpoint answered HTTP %ld: error=%.64s"
		    "%s%.*s", h->status, err, dl ? " " : "",
		    (int)(dl > 200 ? 200 : dl), dl ? desc : "");
		goto end;
	}
	if (json_object_object_get_ex(o, "id_token", &v) &&
	    json_object_is_type(v, json_type_string))
		tk->idt = jo_xstrdup(json_object_get_string(v));
	else if (need_idt || json_object_object_get_ex(o, "id_token", &v)) {
		*e = JO_E_NO_IDTOKEN;
		jo_why(why, wl, "token response has no id_token string");
		goto end;
	}
	tk->at = token_str(o, "access_token", 8192);
	tk->rt = token_str(o, "refresh_token", 8192);
	rc = 0;
end:
	json_object_put(o);
	return rc;
}

/* What the configuration can authenticate with, strongest first: a key
 * signs (the secret never travels), Basic keeps the secret out of the
 * body, a public client has only PKCE. */
static size_t
client_can(const struct jo_config *c, const char *can[3])
{
	size_t	 n = 0;

	if (c->client_key != NULL)
		can[n++] = "private_key_jwt";
	if (c->client_secret != NULL) {
		can[n++] = "client_secret_basic";
		can[n++] = "client_secret_post";
	}
	if (n == 0)
		can[n++] = "none";
	return n;
}

int
jo_proto_client_auth(const struct jo_config *c, const struct jo_provider *p,
    const char **method, char *why, size_t wl)
{
	struct jo_buf	 b = { 0 };
	const char	*can[3];
	/* Discovery 1.0, 3: not listed means client_secret_basic */
	const char	*listed = p->auth_methods != NULL ? p->auth_methods :
			    "client_secret_basic";
	size_t		 i, n = client_can(c, can);
	int		 rc = 0;

	*method = NULL;
	if (strcmp(c->client_auth, "auto") != 0) {
		*method = c->client_auth;
		if (jo_list_has(listed, *method, 0))
			jo_why(why, wl, "client_auth = %s, as configured",
			    *method);
		else if (p->auth_methods == NULL)
			jo_why(why, wl, "client_auth = %s, as configured; the "
			    "provider lists no token_endpoint_auth_methods_"
			    "supported, which means client_secret_basic",
			    *method);
		else
			jo_why(why, wl, "client_auth = %s, as configured; the "
			    "provider does not list it (it lists %s)", *method,
			    listed);
		return 0;
	}
	for (i = 0; i < n && *method == NULL; i++)
		if (jo_list_has(listed, can[i], 0))
			*method = can[i];
	for (i = 0; i < n; i++)
		jo_buf_addf(&b, "%s%s", i ? ", " : "", can[i]);
	if (*method == NULL && p->auth_methods == NULL)
		*method = can[0];
	if (*method != NULL)
		jo_why(why, wl, "client_auth = auto: %s, the strongest that "
		    "the configuration allows (%s) and the provider %s", *method,
		    b.p, p->auth_methods == NULL ? "does not refuse (it lists "
		    "no token_endpoint_auth_methods_supported)" : "lists");
	else {
		jo_why(why, wl, "client_auth = auto: the provider accepts %s "
		    "at its token endpoint, and the configuration allows only "
		    "%s%s", listed, b.p, c->client_secret == NULL ? " (no "
		    "client_secret is configured)" : "");
		rc = -1;
	}
	jo_buf_free(&b);
	return rc;
}

/* RFC 7523 2.2, Core 9: a JWT signed with client_key_file, issued by
 * and about the client, for the token endpoint, used once (jti) and
 * within a minute. */
static char *
client_assertion(const struct jo_config *c, const struct jo_provider *p,
    char *why, size_t wl)
{
	json_object	*o;
	const char	*alg;
	char		*jti, *t = NULL, sub[256];
	time_t		 now = jo_now();
	int		 bits;

	if (jo_jws_key_alg(c->client_key, &alg, &bits, sub,
	    sizeof(sub)) == -1) {
		jo_why(why, wl, "client_key_file: %s", sub);
		return NULL;
	}
	if ((jti = jo_proto_random(32)) == NULL) {
		jo_why(why, wl, "no random bytes for the client assertion");
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "iss", json_object_new_string(c->client_id));
	json_object_object_add(o, "sub", json_object_new_string(c->client_id));
	json_object_object_add(o, "aud",
	    json_object_new_string(p->token_endpoint));
	json_object_object_add(o, "jti", json_object_new_string(jti));
	json_object_object_add(o, "iat", json_object_new_int64((int64_t)now));
	json_object_object_add(o, "exp",
	    json_object_new_int64((int64_t)now + 60));
	if ((t = jo_jws_sign(alg, c->client_key, c->client_kid,
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), sub,
	    sizeof(sub))) == NULL)
		jo_why(why, wl, "client_key_file: %s", sub);
	json_object_put(o);
	free(jti);
	return t;
}

/* The client's part of the token request (Core 9): Basic credentials
 * into user and pass, or form fields added to body. */
static int
client_auth(const struct jo_config *c, const struct jo_provider *p,
    const char *method, struct jo_buf *body, struct jo_buf *user,
    struct jo_buf *pass, char *why, size_t wl)
{
	char	*t;

	if (strcmp(method, "client_secret_basic") == 0) {
		/* RFC 6749 2.3.1: id and secret form-encoded before Basic */
		jo_form_encode(user, c->client_id);
		jo_form_encode(pass, c->client_secret);
		return 0;
	}
	jo_buf_adds(body, "&client_id=");
	jo_form_encode(body, c->client_id);
	if (strcmp(method, "client_secret_post") == 0) {
		jo_buf_adds(body, "&client_secret=");
		jo_form_encode(body, c->client_secret);
	} else if (strcmp(method, "private_key_jwt") == 0) {
		if ((t = client_assertion(c, p, why, wl)) == NULL)
			return -1;
		jo_buf_adds(body, "&client_assertion_type=urn%3Aietf%3Aparams"
		    "%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
		    "&client_assertion=");
		jo_form_encode(body, t);
		jo_wipe_free(t);
	}
	return 0;
}

void
jo_tokens_free(struct jo_tokens *tk)
{
	jo_wipe_free(tk->idt);
	jo_wipe_free(tk->at);
	jo_wipe_free(tk->rt);
	memset(tk, 0, sizeof(*tk));
}

/* POST body (its grant or token, the client's part added here) to url,
 * the client authenticated as jo_proto_client_auth says; the method
 * used into *method.  0 with the answer in h, or -1 with the kind. */
static int
client_post(const struct jo_config *c, const struct jo_provider *p,
    const char *url, struct jo_buf *body, struct jo_http_resp *h,
    const char **method, enum jo_err *e, char *why, size_t wl)
{
	struct jo_buf	 user = { 0 }, pass = { 0 };
	char		 sub[600];
	int		 rc = -1;

	if (jo_proto_client_auth(c, p, method, sub, sizeof(sub)) == -1) {
		*e = JO_E_REFUSED;
		jo_why(why, wl, "%s", sub);
		return -1;
	}
	if (client_auth(c, p, *method, body, &user, &pass, why, wl) == -1) {
		*e = JO_E_NOT_CONFIGURED;
		goto end;
	}
	if (jo_http_post_form(c, url, user.p, pass.p, body->p, h, sub,
	    sizeof(sub)) == -1) {
		*e = JO_E_NO_FINISH;
		jo_why(why, wl, "%s: %s", url == p->token_endpoint ?
		    "token endpoint" : "revocation endpoint", sub);
		goto end;
	}
	rc = 0;
end:
	jo_buf_free(&user);
	if (pass.p != NULL)
		explicit_bzero(pass.p, pass.len);
	jo_buf_free(&pass);
	return rc;
}

/* A grant at the token endpoint: the tokens (an ID token required when
 * need_idt), or -1 with the kind (a refused client named with its
 * method). */
static int
token_request(const struct jo_config *c, const struct jo_provider *p,
    struct jo_buf *body, int need_idt, struct jo_tokens *tk, enum jo_err *e,
    char *why, size_t wl)
{
	struct jo_http_resp	 h;
	const char		*method;
	int			 rc = -1;

	memset(&h, 0, sizeof(h));
	if (client_post(c, p, p->token_endpoint, body, &h, &method, e, why,
	    wl) == -1)
		goto end;
	/* a refused client (RFC 6749 5.2: 401 invalid_client; glewlwyd
	 * 403 unauthorized_client): the log names the method used */
	if ((rc = token_response(&h, need_idt, tk, e, why, wl)) == -1 &&
	    *e == JO_E_REFUSED && (h.status == 401 || h.status == 403 ||
	    strstr(why, "error=invalid_client") != NULL ||
	    strstr(why, "error=unauthorized_client") != NULL))
		jo_why(why + strlen(why), wl - strlen(why), " (client "
		    "authentication: %s)", method);
end:
	if (h.body != NULL)
		explicit_bzero(h.body, h.len);
	jo_http_resp_free(&h);
	explicit_bzero(body->p, body->len);
	jo_buf_free(body);
	if (rc == -1) {		/* the status and the refusal stay */
		jo_wipe_free(tk->idt);
		jo_wipe_free(tk->at);
		jo_wipe_free(tk->rt);
		tk->idt = tk->at = tk->rt = NULL;
	}
	return rc;
}

int
jo_proto_exchange(const struct jo_config *c, const struct jo_provider *p,
    const char *code, const char *verifier, struct jo_tokens *tk,
    enum jo_err *e, char *why, size_t wl)
{
	struct jo_buf	 body = { 0 };

	memset(tk, 0, sizeof(*tk));
	jo_buf_adds(&body, "grant_type=authorization_code&code=");
	jo_form_encode(&body, code);
	jo_buf_adds(&body, "&redirect_uri=");
	jo_form_encode(&body, c->redirect_uri);
	jo_buf_adds(&body, "&code_verifier=");
	jo_form_encode(&body, verifier);
	return token_request(c, p, &body, 1, tk, e, why, wl);
}

int
jo_proto_refresh(const struct jo_config *c, const struct jo_provider *p,
    const char *rt, struct jo_tokens *tk, enum jo_err *e, char *why,
    size_t wl)
{
	struct jo_buf	 body = { 0 };

	memset(tk, 0, sizeof(*tk));
	jo_buf_adds(&body, "grant_type=refresh_token&refresh_token=");
	jo_form_encode(&body, rt);
	/* Core 12.2: the answer may carry no ID token */
	return token_request(c, p, &body, 0, tk, e, why, wl);
}

int
jo_proto_revoke(const struct jo_config *c, const struct jo_provider *p,
    const char *rt, char *why, size_t wl)
{
	struct jo_http_resp	 h;
	struct jo_buf		 body = { 0 };
	const char		*method;
	enum jo_err		 e;
	int			 rc = -1;

	if (p->revocation_endpoint == NULL) {
		jo_why(why, wl, "the provider has no revocation_endpoint");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	jo_buf_adds(&body, "token=");
	jo_form_encode(&body, rt);
	jo_buf_adds(&body, "&token_type_hint=refresh_token");
	if (client_post(c, p, p->revocation_endpoint, &body, &h, &method, &e,
	    why, wl) == -1)
		goto end;
	/* RFC 7009 2.2: 200 also for a token already invalid */
	if (h.status != 200) {
		jo_why(why, wl, "revocation endpoint answered HTTP %ld (client "
		    "authentication: %s)", h.status, method);
		goto end;
	}
	rc = 0;
end:
	jo_http_resp_free(&h);
	explicit_bzero(body.p, body.len);
	jo_buf_free(&body);
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
	if (jo_http_get_bearer(c, p->userinfo_endpoint, at, &h, sub,
	    sizeof(sub)) == -1) {
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
