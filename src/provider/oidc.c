/* oidc.c -- see oidc.h: discovery and the JWKS, from the cache (cache.h)
 * or fetched, checked against the configured issuer. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cache.h"
#include "http.h"
#include "jwk.h"
#include "json.h"
#include "oidc.h"
#include "url.h"
#include "util.h"

#define KEYS_MAX	32


static int
jint(json_object *o, const char *key, long long *out)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

static long
ttl_of(const struct jo_http_resp *r)
{
	if (r->no_store)
		return JO_CACHE_TTL_MIN;
	if (r->max_age < 0)
		return JO_CACHE_TTL_DEFAULT;
	if (r->max_age < JO_CACHE_TTL_MIN)
		return JO_CACHE_TTL_MIN;
	if (r->max_age > JO_CACHE_TTL_MAX)
		return JO_CACHE_TTL_MAX;
	return r->max_age;
}

/* Parse JSON text that must be one complete object. */
static json_object *
parse_object(const char *s, size_t len, char *why, size_t wl,
    const char *what)
{
	json_object	*o;

	if ((o = jo_json_object(s, len, 32)) == NULL)
		jo_why(why, wl, "%s is not a JSON object", what);
	return o;
}

void
jo_provider_free(struct jo_provider *p)
{
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->jwks_uri);
	free(p->userinfo_endpoint);
	free(p->end_session_endpoint);
	free(p->revocation_endpoint);
	free(p->issuer_template);
	free(p->auth_methods);
	free(p->idt_algs);
	memset(p, 0, sizeof(*p));
}

static int
endpoint(json_object *o, const char *key, int required, char **out,
    char *why, size_t wl)
{
	const char	*v;
	char		 sub[256];

	*out = NULL;
	if ((v = jo_json_str(o, key)) == NULL) {
		if (!required)
			return 0;
		jo_why(why, wl, "discovery document has no %s", key);
		return -1;
	}
	if (jo_url_ok(v, sub, sizeof(sub)) == -1) {
		jo_why(why, wl, "discovery %s: %s", key, sub);
		return -1;
	}
	*out = jo_xstrdup(v);
	return 0;
}

/* A metadata list (an array of names) as "a, b, c": names of at most
 * 64 letters, digits and "_-.", the first 32 of them; others skipped.
 * NULL when absent or empty. */
static char *
name_list(json_object *o, const char *key)
{
	struct jo_buf	 b = { 0 };
	json_object	*arr, *e;
	const char	*v;
	size_t		 i, n, kept = 0;

	if (!json_object_object_get_ex(o, key, &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return NULL;
	n = json_object_array_length(arr);
	for (i = 0; i < n && kept < 32; i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_string))
			continue;
		v = json_object_get_string(e);
		if (*v == '\0' || strlen(v) > 64 || strspn(v, "ABCDEFGHIJKLM"
		    "NOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") !=
		    strlen(v))
			continue;
		jo_buf_addf(&b, "%s%s", kept++ ? ", " : "", v);
	}
	if (kept == 0)
		return NULL;
	return jo_buf_take(&b);
}

static int
provider_from(json_object *o, struct jo_provider *p, char *why, size_t wl)
{
	memset(p, 0, sizeof(*p));
	if (endpoint(o, "authorization_endpoint", 1,
	    &p->authorization_endpoint, why, wl) == -1 ||
	    endpoint(o, "token_endpoint", 1, &p->token_endpoint, why,
	    wl) == -1 ||
	    endpoint(o, "jwks_uri", 1, &p->jwks_uri, why, wl) == -1 ||
	    endpoint(o, "userinfo_endpoint", 0, &p->userinfo_endpoint, why,
	    wl) == -1 ||
	    endpoint(o, "end_session_endpoint", 0, &p->end_session_endpoint,
	    why, wl) == -1 ||
	    endpoint(o, "revocation_endpoint", 0, &p->revocation_endpoint,
	    why, wl) == -1) {
		jo_provider_free(p);
		return -1;
	}
	p->auth_methods = name_list(o, "token_endpoint_auth_methods_supported");
	p->idt_algs = name_list(o, "id_token_signing_alg_values_supported");
	return 0;
}

int
jo_issuer_template_of(const char *tmpl, const char *issuer)
{
	const char	*t = strstr(tmpl, JO_TENANTID), *b;
	size_t		 na, nb, n = strlen(issuer);

	if (t == NULL || strstr(t + 1, JO_TENANTID) != NULL)
		return 0;
	b = t + strlen(JO_TENANTID);
	na = (size_t)(t - tmpl);
	nb = strlen(b);
	/* a whole path segment: after a '/', up to a '/' or the end */
	if (na == 0 || tmpl[na - 1] != '/' || (*b != '\0' && *b != '/') ||
	    strstr(tmpl, "://") == NULL || strstr(tmpl, "://") + 3 >= t ||
	    n <= na + nb || strncmp(issuer, tmpl, na) != 0 ||
	    strcmp(issuer + n - nb, b) != 0)
		return 0;
	return memchr(issuer + na, '/', n - na - nb) == NULL;
}

/* A plain tenant id: [A-Za-z0-9._-], 1 to 64 of them. */
static int
plain_tid(const char *tid)
{
	size_t	 i;

	if (tid == NULL || *tid == '\0' || strlen(tid) > 64)
		return 0;
	for (i = 0; tid[i] != '\0'; i++)
		if (!((tid[i] >= 'a' && tid[i] <= 'z') ||
		    (tid[i] >= 'A' && tid[i] <= 'Z') ||
		    (tid[i] >= '0' && tid[i] <= '9') || strchr("._-", tid[i])))
			return 0;
	return 1;
}

char *
jo_issuer_fill(const char *tmpl, const char *tid)
{
	const char	*t = strstr(tmpl, JO_TENANTID);

	if (t == NULL || !plain_tid(tid))
		return NULL;
	return jo_xasprintf("%.*s%s%s", (int)(t - tmpl), tmpl, tid,
	    t + strlen(JO_TENANTID));
}

char *
jo_issuer_tenant(const char *tmpl, const char *iss)
{
	size_t		 na;
	char		*tid;

	if (!jo_issuer_template_of(tmpl, iss))
		return NULL;
	/* the tenant is the segment where the template has it */
	na = (size_t)(strstr(tmpl, JO_TENANTID) - tmpl);
	tid = jo_xstrndup(iss + na, strcspn(iss + na, "/"));
	if (!plain_tid(tid)) {
		free(tid);
		return NULL;
	}
	return tid;
}

int
jo_discovery_parse(const char *issuer, const char *tenants, const char *s,
    size_t len, struct jo_provider *p, char *why, size_t wl)
{
	json_object	*o;
	const char	*iss;
	int		 rc = -1, tmpl = 0;

	memset(p, 0, sizeof(*p));
	if ((o = parse_object(s, len, why, wl, "discovery document")) == NULL)
		return -1;
	/* OpenID Connect Discovery 1.0, section 4.3; a multi-tenant
	 * issuer only with the tenants it may stand for */
	if ((iss = jo_json_str(o, "issuer")) != NULL &&
	    strcmp(iss, issuer) != 0 &&
	    jo_issuer_template_of(iss, issuer)) {
		if (tenants == NULL) {
			jo_why(why, wl, "discovery issuer (%.200s) is a "
			    "multi-tenant template: any organisation's users "
			    "would log in; set allowed_tenants to the tenant "
			    "ids that may", iss);
			goto end;
		}
		tmpl = 1;
	} else if (iss == NULL || strcmp(iss, issuer) != 0) {
		jo_why(why, wl, "discovery issuer (%.200s) does not match "
		    "the configured issuer (%s)", iss ? iss : "missing",
		    issuer);
		goto end;
	}
	if ((rc = provider_from(o, p, why, wl)) == 0 && tmpl)
		p->issuer_template = jo_xstrdup(iss);
end:
	json_object_put(o);
	return rc;
}

static void
add_str(json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* A cached multi-tenant template is used only if it still is one of
 * this issuer and tenants are still configured. */
static int
cached_template(const struct jo_config *c, json_object *prov,
    struct jo_provider *p)
{
	const char	*t = jo_json_str(prov, "issuer_template");

	if (t == NULL)
		return 0;
	if (c->allowed_tenants == NULL || !jo_issuer_template_of(t,
	    c->issuer)) {
		jo_provider_free(p);
		return -1;
	}
	p->issuer_template = jo_xstrdup(t);
	return 0;
}

/* A provider that names its endpoints by the address it was asked at
 * (oidc-provider; Keycloak without a fixed hostname) answers discovery
 * fetched through backchannel_url with URLs under it: those the browser
 * is sent to are put back under the issuer. */
static void
front_channel(const struct jo_config *c, char **url)
{
	size_t	 n, m;
	char	*u;

	if (c->backchannel_url == NULL || *url == NULL)
		return;
	n = strlen(c->backchannel_url);
	m = strlen(c->issuer);
	if (m > 0 && c->issuer[m - 1] == '/')
		m--;
	if (strncmp(*url, c->backchannel_url, n) != 0 ||
	    ((*url)[n] != '\0' && (*url)[n] != '/'))
		return;
	u = jo_xasprintf("%.*s%s", (int)m, c->issuer, *url + n);
	free(*url);
	*url = u;
}

/* A list kept as "a, b" back into the array it was read from. */
static void
add_list(json_object *o, const char *k, const char *list)
{
	json_object	*arr;
	const char	*p = list, *e;

	if (list == NULL)
		return;
	arr = json_object_new_array();
	while (*p != '\0') {
		e = p + strcspn(p, ",");
		json_object_array_add(arr, json_object_new_string_len(p,
		    (int)(e - p)));
		p = *e == ',' ? e + 2 : e;
	}
	json_object_object_add(o, k, arr);
}

int
jo_discover(const struct jo_config *c, struct jo_provider *p, char *why,
    size_t wl)
{
	struct jo_http_resp	 r;
	json_object		*o, *prov;
	const char		*iss;
	char			*path, *url;
	long long		 exp;
	time_t			 now = jo_now();
	int			 rc = -1, pass;

	path = jo_cache_path(c, "discovery");
	for (pass = 0; pass < 2; pass++) {
		if ((o = jo_cache_get(c, path, pass)) == NULL)
			continue;
		if ((iss = jo_json_str(o, "issuer")) != NULL &&
		    strcmp(iss, c->issuer) == 0 &&
		    jint(o, "expires", &exp) == 0 && jo_cache_fresh(exp, now) &&
		    json_object_object_get_ex(o, "provider", &prov) &&
		    provider_from(prov, p, why, wl) == 0 &&
		    cached_template(c, prov, p) == 0) {
			if (pass == 1)
				jo_cache_keep(path, o);
			json_object_put(o);
			free(path);
			return 0;
		}
		json_object_put(o);
	}
	/* Discovery 1.0, 4: a trailing "/" of the issuer is removed before
	 * the path is appended; the issuer itself is compared as written */
	url = jo_xasprintf("%.*s/.well-known/openid-configuration",
	    (int)(strlen(c->issuer) - (c->issuer[strlen(c->issuer) - 1] == '/')),
	    c->issuer);
	if (jo_http_get(c, url, &r, why, wl) == -1)
		goto end;
	if (r.status != 200) {
		jo_why(why, wl, "discovery %s answered HTTP %ld, expected "
		    "200", url, r.status);
		goto end;
	}
	if (jo_discovery_parse(c->issuer, c->allowed_tenants, r.body,
	    r.len, p, why, wl) == -1)
		goto end;
	front_channel(c, &p->authorization_endpoint);
	front_channel(c, &p->end_session_endpoint);
	o = json_object_new_object();
	add_str(o, "issuer", c->issuer);
	json_object_object_add(o, "expires",
	    json_object_new_int64((int64_t)now + ttl_of(&r)));
	prov = json_object_new_object();
	add_str(prov, "authorization_endpoint", p->authorization_endpoint);
	add_str(prov, "token_endpoint", p->token_endpoint);
	add_str(prov, "jwks_uri", p->jwks_uri);
	add_str(prov, "userinfo_endpoint", p->userinfo_endpoint);
	add_str(prov, "end_session_endpoint", p->end_session_endpoint);
	add_str(prov, "revocation_endpoint", p->revocation_endpoint);
	add_str(prov, "issuer_template", p->issuer_template);
	add_list(prov, "token_endpoint_auth_methods_supported",
	    p->auth_methods);
	add_list(prov, "id_token_signing_alg_values_supported", p->idt_algs);
	json_object_object_add(o, "provider", prov);
	jo_cache_write(c, path, o);
	jo_cache_keep(path, o);
	json_object_put(o);
	rc = 0;
end:
	jo_http_resp_free(&r);
	free(url);
	free(path);
	return rc;
}

static void
key_clear(struct jo_key *k)
{
	free(k->kid);
	free(k->kty);
	free(k->alg);
	free(k->crv);
	free(k->pem);
	memset(k, 0, sizeof(*k));
}

void
jo_keys_free(struct jo_keys *k)
{
	size_t	 i;

	for (i = 0; i < k->n; i++)
		key_clear(&k->v[i]);
	free(k->v);
	memset(k, 0, sizeof(*k));
}


static char *
dupopt(const char *s)
{
	return s ? jo_xstrdup(s) : NULL;
}

/* One JWKS entry into k; -1 with the reason it is not a signing key
 * we can use. */
static int
key_read(json_object *jwk, struct jo_key *k, char *why, size_t wl)
{
	const char	*kty, *use;

	memset(k, 0, sizeof(*k));
	if (!json_object_is_type(jwk, json_type_object)) {
		jo_why(why, wl, "not an object");
		return -1;
	}
	kty = jo_json_str(jwk, "kty");
	use = jo_json_str(jwk, "use");
	if (kty == NULL || (strcmp(kty, "RSA") != 0 &&
	    strcmp(kty, "EC") != 0)) {
		jo_why(why, wl, "kty %.20s%s%s is not RSA or EC",
		    kty ? "\"" : "", kty ? kty : "missing", kty ? "\"" : "");
		return -1;
	}
	if (use != NULL && strcmp(use, "sig") != 0) {
		jo_why(why, wl, "use \"%.20s\", not \"sig\"", use);
		return -1;
	}
	k->kty = jo_xstrdup(kty);
	k->kid = dupopt(jo_json_str(jwk, "kid"));
	k->alg = dupopt(jo_json_str(jwk, "alg"));
	k->crv = dupopt(jo_json_str(jwk, "crv"));
	if (jo_jwk_convert(jwk, k, why, wl) == -1) {
		key_clear(k);
		return -1;
	}
	return 0;
}

/* Keep k in ks: KEYS_MAX usable keys; one refused as too weak (kept
 * without a PEM, for --check-config) only while there is room, and it
 * gives its place up to a usable key. */
static void
key_keep(struct jo_keys *ks, struct jo_key *k)
{
	size_t	 j;

	if (ks->n == KEYS_MAX) {
		for (j = 0; j < ks->n && ks->v[j].pem != NULL; j++)
			;
		if (k->pem == NULL || j == ks->n) {
			key_clear(k);
			return;
		}
		key_clear(&ks->v[j]);	/* a weak key: no pem */
		memmove(&ks->v[j], &ks->v[j + 1],
		    (ks->n - j - 1) * sizeof(*ks->v));
		ks->n--;
	}
	ks->v = jo_xrealloc(ks->v, (ks->n + 1) * sizeof(*ks->v));
	ks->v[ks->n++] = *k;
}

int
jo_jwks_parse(const char *s, size_t len, struct jo_keys *ks, char *why,
    size_t wl)
{
	json_object	*o, *arr, *jwk;
	struct jo_key	 k;
	struct jo_buf	 refused = { 0 };
	const char	*kid;
	char		 sub[256];
	size_t		 i, n, usable;

	memset(ks, 0, sizeof(*ks));
	if ((o = parse_object(s, len, why, wl, "JWKS")) == NULL)
		return -1;
	if (!json_object_object_get_ex(o, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		jo_why(why, wl, "JWKS has no \"keys\" array");
		json_object_put(o);
		return -1;
	}
	n = json_object_array_length(arr);
	for (i = 0, usable = 0; i < n && usable < KEYS_MAX; i++) {
		jwk = json_object_array_get_idx(arr, i);
		if (key_read(jwk, &k, sub, sizeof(sub)) == -1) {
			/* A broken key is left out; the others may do.  Why,
			 * is said only when none does. */
			kid = json_object_is_type(jwk, json_type_object) ?
			    jo_json_str(jwk, "kid") : NULL;
			if (refused.len < 400)
				jo_buf_addf(&refused, "%skey %zu%s%.40s%s: %s",
				    refused.len ? "; " : "", i + 1,
				    kid ? " (kid " : "", kid ? kid : "",
				    kid ? ")" : "", sub);
			continue;
		}
		if (k.pem != NULL)
			usable++;
		key_keep(ks, &k);
	}
	json_object_put(o);
	if (ks->n == 0)
		jo_why(why, wl, "JWKS holds no usable RSA or EC signing "
		    "key%s%s", refused.len ? ": " : "",
		    refused.len ? refused.p : "");
	jo_buf_free(&refused);
	return ks->n == 0 ? -1 : 0;
}

static json_object *
keys_to_json(const struct jo_config *c, const struct jo_provider *p,
    const struct jo_keys *ks, time_t expires)
{
	json_object	*o, *arr, *k;
	size_t		 i;

	o = json_object_new_object();
	add_str(o, "issuer", c->issuer);
	add_str(o, "jwks_uri", p->jwks_uri);
	json_object_object_add(o, "fetched",
	    json_object_new_int64((int64_t)ks->fetched));
	json_object_object_add(o, "expires",
	    json_object_new_int64((int64_t)expires));
	arr = json_object_new_array();
	for (i = 0; i < ks->n; i++) {
		k = json_object_new_object();
		add_str(k, "kid", ks->v[i].kid);
		add_str(k, "kty", ks->v[i].kty);
		add_str(k, "alg", ks->v[i].alg);
		add_str(k, "crv", ks->v[i].crv);
		add_str(k, "pem", ks->v[i].pem);
		json_object_object_add(k, "bits",
		    json_object_new_int(ks->v[i].bits));
		json_object_array_add(arr, k);
	}
	json_object_object_add(o, "keys", arr);
	return o;
}

static int
keys_from_json(json_object *o, struct jo_keys *ks)
{
	json_object	*arr, *k;
	const char	*kty;
	long long	 v;
	size_t		 i, n;

	memset(ks, 0, sizeof(*ks));
	if (!json_object_object_get_ex(o, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    jint(o, "fetched", &v) == -1)
		return -1;
	ks->fetched = (time_t)v;
	n = json_object_array_length(arr);
	if (n == 0 || n > KEYS_MAX)
		return -1;
	ks->v = jo_xmalloc(n * sizeof(*ks->v));
	for (i = 0; i < n; i++) {
		k = json_object_array_get_idx(arr, i);
		if ((kty = jo_json_str(k, "kty")) == NULL ||
		    jint(k, "bits", &v) == -1 || v < 0 || v > 65536) {
			jo_keys_free(ks);
			return -1;
		}
		memset(&ks->v[i], 0, sizeof(ks->v[i]));
		ks->n++;
		ks->v[i].kty = jo_xstrdup(kty);
		ks->v[i].kid = dupopt(jo_json_str(k, "kid"));
		ks->v[i].alg = dupopt(jo_json_str(k, "alg"));
		ks->v[i].crv = dupopt(jo_json_str(k, "crv"));
		ks->v[i].pem = dupopt(jo_json_str(k, "pem"));
		ks->v[i].bits = (int)v;
	}
	return 0;
}

int
jo_jwks_load(const struct jo_config *c, const struct jo_provider *p,
    int refresh, struct jo_keys *ks, char *why, size_t wl)
{
	struct jo_http_resp	 r;
	json_object		*o;
	const char		*s;
	char			*path;
	long long		 exp;
	time_t			 now = jo_now();
	int			 rc = -1, cached = 0, pass;

	memset(ks, 0, sizeof(*ks));
	memset(&r, 0, sizeof(r));
	path = jo_cache_path(c, "jwks");
	/* a forced re-fetch looks at the file first: another process may
	 * have fetched the new keys already */
	for (pass = refresh ? 1 : 0; pass < 2 && !cached; pass++) {
		if ((o = jo_cache_get(c, path, pass)) == NULL)
			continue;
		if ((s = jo_json_str(o, "issuer")) != NULL &&
		    strcmp(s, c->issuer) == 0 &&
		    (s = jo_json_str(o, "jwks_uri")) != NULL &&
		    strcmp(s, p->jwks_uri) == 0 &&
		    jint(o, "expires", &exp) == 0 && jo_cache_fresh(exp, now) &&
		    keys_from_json(o, ks) == 0) {
			cached = 1;
			if (pass == 1)
				jo_cache_keep(path, o);
		} else
			jo_keys_free(ks);
		json_object_put(o);
	}
	if (cached && !refresh) {
		free(path);
		return 0;
	}
	if (cached && now - ks->fetched < JO_JWKS_REFETCH_MIN &&
	    now >= ks->fetched) {
		free(path);
		return 1;
	}
	jo_keys_free(ks);
	if (jo_http_get(c, p->jwks_uri, &r, why, wl) == -1)
		goto end;
	if (r.status != 200) {
		jo_why(why, wl, "JWKS %s answered HTTP %ld, expected 200",
		    p->jwks_uri, r.status);
		goto end;
	}
	if (jo_jwks_parse(r.body, r.len, ks, why, wl) == -1)
		goto end;
	ks->fetched = now;
	o = keys_to_json(c, p, ks, now + ttl_of(&r));
	jo_cache_write(c, path, o);
	jo_cache_keep(path, o);
	json_object_put(o);
	rc = 0;
end:
	jo_http_resp_free(&r);
	free(path);
	return rc;
}
