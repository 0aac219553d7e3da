/* idtoken.c -- see idtoken.h */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "idtoken.h"
#include "json.h"
#include "jws.h"
#include "profile.h"
#include "util.h"

static json_object *
parse_b64_json(const char *s, size_t len)
{
	unsigned char	*raw;
	size_t		 rawlen;
	json_object	*o;

	if (jo_b64url_decode(s, len, &raw, &rawlen) == -1)
		return NULL;
	o = jo_json_object((char *)raw, rawlen, 16);
	free(raw);
	return o;
}

/* A NumericDate: an integer, or a finite double within int64 range. */
static int
numeric_date(json_object *o, const char *key, long long *out)
{
	json_object	*v;
	double		 d;

	if (!json_object_object_get_ex(o, key, &v))
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		errno = 0;
		*out = json_object_get_int64(v);
		return errno == 0 ? 0 : -2;
	}
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0 || d > 1e15)
			return -2;
		*out = (long long)d;
		return 0;
	}
	return -2;
}

/* A JSON string equal to s, byte for byte (a "\u0000" inside never is). */
static int
str_is(json_object *v, const char *s)
{
	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == strlen(s) &&
	    strcmp(json_object_get_string(v), s) == 0;
}

static int
check_aud(json_object *o, const char *client_id, char *why, size_t wl)
{
	json_object	*aud, *e;
	const char	*azp;
	size_t		 i, n;
	int		 found = 0;

	azp = jo_json_str(o, "azp");
	if (json_object_object_get_ex(o, "azp", &e) && azp == NULL) {
		jo_why(why, wl, "azp is not a string");
		return -1;
	}
	if (!json_object_object_get_ex(o, "aud", &aud)) {
		jo_why(why, wl, "aud missing");
		return -1;
	}
	if (json_object_is_type(aud, json_type_string)) {
		if (!str_is(aud, client_id)) {
			jo_why(why, wl, "aud (%.100s) does not match our "
			    "client_id (%s)", json_object_get_string(aud),
			    client_id);
			return -1;
		}
		n = 1;
	} else if (json_object_is_type(aud, json_type_array)) {
		n = json_object_array_length(aud);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(aud, i);
			if (!json_object_is_type(e, json_type_string)) {
				jo_why(why, wl, "aud array holds a non-string");
				return -1;
			}
			if (str_is(e, client_id))
				found = 1;
		}
		if (!found) {
			jo_why(why, wl, "aud array does not contain our "
			    "client_id (%s)", client_id);
			return -1;
		}
		if (n > 1 && azp == NULL) {
			jo_why(why, wl, "aud has %zu audiences and no azp", n);
			return -1;
		}
	} else {
		jo_why(why, wl, "aud is neither a string nor an array");
		return -1;
	}
	if (azp != NULL && strcmp(azp, client_id) != 0) {
		jo_why(why, wl, "azp (%.100s) is not our client_id (%s)", azp,
		    client_id);
		return -1;
	}
	return 0;
}

static char *
clean_str(json_object *o, const char *key, size_t max)
{
	const char	*s = jo_json_str(o, key);
	size_t		 n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max ||
	    jo_has_ctl(s, n) ||
	    !jo_utf8_valid((const unsigned char *)s, n))
		return NULL;
	return jo_xstrdup(s);
}

/* iss: exact match (Core 3.1.3.7 step 2); for a multi-tenant issuer,
 * the template filled with the token's own tid, one of the tenants. */
static int
check_iss(json_object *o, const struct jo_idt_expect *x, char *why,
    size_t wl)
{
	const char	*s = jo_json_str(o, "iss"), *tid = NULL;
	char		*want = NULL;
	int		 rc = -1;

	if (x->tenants != NULL) {
		tid = jo_json_str(o, "tid");
		if (tid == NULL || !jo_list_has(x->tenants, tid, 1)) {
			jo_why(why, wl, "ID token tid (%.64s) is not one of "
			    "allowed_tenants", tid != NULL ? tid : "missing");
			return -1;
		}
	}
	if (x->issuer_template != NULL &&
	    (want = jo_issuer_fill(x->issuer_template, tid)) == NULL) {
		jo_why(why, wl, "ID token tid is not a tenant id");
		return -1;
	}
	if (s == NULL || strcmp(s, want != NULL ? want : x->issuer) != 0)
		jo_why(why, wl, "ID token iss (%.100s) does not match the "
		    "issuer (%s)", s ? s : "missing", want != NULL ? want :
		    x->issuer);
	else
		rc = 0;
	free(want);
	return rc;
}

/* An expired token just received from the token endpoint says that a
 * clock is off: the reason names the skew (its iat) when there is one.
 * In double: exp and iat may be as low as INT64_MIN. */
static void
expired_why(json_object *o, long long exp, long long now, char *why,
    size_t wl)
{
	long long	 iat;
	int		 r = numeric_date(o, "iat", &iat);

	if (r == 0 && (iat > now + JO_IAT_SKEW || iat < now - JO_IAT_SKEW))
		jo_why(why, wl, "ID token iat is %.0f s off our clock "
		    "(allowed skew %d s)", (double)iat - (double)now,
		    JO_IAT_SKEW);
	else if (r == 0)
		jo_why(why, wl, "ID token expired %.0f s ago (exp %lld, now "
		    "%lld; issued %.0f s ago by our clock, yet just received: "
		    "is a clock off?)", (double)now - (double)exp, exp, now,
		    (double)now - (double)iat);
	else
		jo_why(why, wl, "ID token expired %.0f s ago (exp %lld, now "
		    "%lld)", (double)now - (double)exp, exp, now);
}

/* exp (Core 3.1.3.7 step 9): present, a number, in the future, not
 * absurd; iat (step 10) within the allowed skew; nbf, if any, passed. */
static int
check_times(json_object *o, long long now, char *why, size_t wl)
{
	long long	 exp, iat, nbf;
	int		 r;

	if ((r = numeric_date(o, "exp", &exp)) != 0) {
		jo_why(why, wl, "ID token exp %s", r == -1 ? "missing" :
		    "is not a valid number");
		return -1;
	}
	if (exp <= now) {
		expired_why(o, exp, now, why, wl);
		return -1;
	}
	if (exp > now + JO_EXP_MAX_AHEAD) {
		jo_why(why, wl, "ID token exp %lld is absurdly far ahead", exp);
		return -1;
	}
	if ((r = numeric_date(o, "iat", &iat)) != 0) {
		jo_why(why, wl, "ID token iat %s", r == -1 ? "missing" :
		    "is not a valid number");
		return -1;
	}
	if (iat > now + JO_IAT_SKEW || iat < now - JO_IAT_SKEW) {
		jo_why(why, wl, "ID token iat is %.0f s off our clock "
		    "(allowed skew %d s)", (double)iat - (double)now,
		    JO_IAT_SKEW);
		return -1;
	}
	if ((r = numeric_date(o, "nbf", &nbf)) == -2 ||
	    (r == 0 && nbf > now + JO_IAT_SKEW)) {
		jo_why(why, wl, "ID token nbf is invalid or in the future");
		return -1;
	}
	return 0;
}

int
jo_idtoken_claims(const char *json, size_t len,
    const struct jo_idt_expect *x, struct jo_user *u, char *why, size_t wl)
{
	json_object	*o;
	const char	*s = NULL;
	int		 rc = -1;

	memset(u, 0, sizeof(*u));
	if ((o = jo_json_object(json, len, 16)) == NULL) {
		jo_why(why, wl, "ID token payload is not a JSON object");
		return -1;
	}
	if (check_iss(o, x, why, wl) == -1)
		goto end;
	/* aud and azp (steps 3-5), the times (9, 10) */
	if (check_aud(o, x->client_id, why, wl) == -1 ||
	    check_times(o, (long long)x->now, why, wl) == -1)
		goto end;
	/* nonce (step 11); a refreshed ID token (Core 12.2) answers no
	 * authorization request: no nonce of ours to match */
	if (x->sub == NULL && ((s = jo_json_str(o, "nonce")) == NULL ||
	    x->nonce == NULL || !jo_ct_equal(s, x->nonce))) {
		jo_why(why, wl, "ID token nonce %s", s ? "does not match the "
		    "one sent" : "missing");
		goto end;
	}
	if ((u->sub = clean_str(o, "sub", 255)) == NULL) {
		jo_why(why, wl, "ID token sub missing or invalid");
		goto end;
	}
	/* Core 12.2: the same user as at the login */
	if (x->sub != NULL && strcmp(u->sub, x->sub) != 0) {
		jo_why(why, wl, "refreshed ID token sub (%.64s) is not the "
		    "remembered login's (%.64s)", u->sub, x->sub);
		goto end;
	}
	u->claims = json_object_get(o);
	/* the default name chain; the configured one is applied later */
	jo_profile_build(NULL, u, why, wl);
	rc = 0;
end:
	if (rc == -1)
		jo_user_free(u);
	json_object_put(o);
	return rc;
}

/* The algorithms accepted (checklist 2, 3): each pinned to a key type
 * and curve of the provider's JWKS, or (kty NULL) to an HMAC keyed with
 * the client secret -- never with a key from the JWKS. */
static const struct alg {
	const char	*name;
	const char	*kty, *crv;
} algs[] = {
	{ "RS256", "RSA", NULL }, { "RS384", "RSA", NULL },
	{ "RS512", "RSA", NULL }, { "PS256", "RSA", NULL },
	{ "PS384", "RSA", NULL }, { "PS512", "RSA", NULL },
	{ "ES256", "EC", "P-256" }, { "ES384", "EC", "P-384" },
	{ "ES512", "EC", "P-521" }, { "HS256", NULL, NULL },
	{ "HS384", NULL, NULL }, { "HS512", NULL, NULL },
};

static const struct alg *
alg_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0)
			return &algs[i];
	return NULL;
}

static int
key_fits(const struct jo_key *k, const struct alg *a)
{
	if (strcmp(k->kty, a->kty) != 0)
		return 0;
	if (k->alg != NULL && strcmp(k->alg, a->name) != 0)
		return 0;
	if (a->crv != NULL && (k->crv == NULL || strcmp(k->crv, a->crv) != 0))
		return 0;
	return 1;
}

/* Core 10.1: an HS alg only when the provider lists it and there is a
 * client secret to key it with. */
static int
hmac_allowed(const struct alg *a, const struct jo_idt_expect *x)
{
	return x->secret != NULL && x->algs != NULL &&
	    jo_list_has(x->algs, a->name, 0);
}

int
jo_idtoken_accepts(const char *name, const struct jo_keys *ks,
    const struct jo_idt_expect *x)
{
	const struct alg	*a;
	size_t			 i;

	if ((a = alg_find(name)) == NULL)
		return 0;
	if (a->kty == NULL)
		return hmac_allowed(a, x);
	for (i = 0; i < ks->n; i++)
		if (ks->v[i].pem != NULL && key_fits(&ks->v[i], a))
			return 1;
	return 0;
}

static int
token_shape_ok(const char *t, size_t n, const char **d1, const char **d2)
{
	size_t	 i, dots = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == '.') {
			if (dots == 0)
				*d1 = t + i;
			else if (dots == 1)
				*d2 = t + i;
			dots++;
			continue;
		}
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '_'))
			return 0;
	}
	/* header and payload must be there; an empty signature is refused
	 * after the header, so that the log names the algorithm */
	return dots == 2 && *d1 > t && *d2 > *d1 + 1;
}

/* The header, its algorithm pinned: one of the table, an HS one only
 * as hmac_allowed says; typ JWT if any, no crit, a signature. */
static json_object *
header_check(const char *token, const char *d1, const char *d2, size_t n,
    const struct jo_idt_expect *x, const struct alg **a, char *why,
    size_t wl)
{
	json_object	*hdr;
	const char	*alg, *typ;

	if ((hdr = parse_b64_json(token, (size_t)(d1 - token))) == NULL) {
		jo_why(why, wl, "ID token header is not base64url JSON");
		return NULL;
	}
	if ((alg = jo_json_str(hdr, "alg")) == NULL ||
	    (*a = alg_find(alg)) == NULL)
		jo_why(why, wl, "ID token alg %.20s%s%s not accepted (RS256, "
		    "RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 "
		    "are; HS256, HS384, HS512 with a client secret)",
		    alg ? "\"" : "", alg ? alg : "missing", alg ? "\"" : "");
	else if ((*a)->kty == NULL && !hmac_allowed(*a, x))
		jo_why(why, wl, "ID token alg \"%s\" not accepted: %s", alg,
		    x->secret == NULL ? "an HS alg is keyed with the client "
		    "secret, and none is configured" : "the provider's "
		    "discovery does not list it in "
		    "id_token_signing_alg_values_supported");
	else if ((typ = jo_json_str(hdr, "typ")) != NULL &&
	    strcmp(typ, "JWT") != 0)
		jo_why(why, wl, "ID token typ \"%.20s\" is not JWT", typ);
	else if (json_object_object_get_ex(hdr, "crit", NULL))
		jo_why(why, wl, "ID token has a crit header we do not know");
	else if (d2 + 1 == token + n)
		jo_why(why, wl, "ID token has no signature");
	else
		return hdr;
	json_object_put(hdr);
	return NULL;
}

/* Why no key of the JWKS verified the token. */
static enum jo_idt
keys_failed(const struct alg *a, const char *kid, size_t tried,
    size_t kid_seen, size_t weak, char *why, size_t wl)
{
	if (weak && tried == 0)
		jo_why(why, wl, "ID token key is RSA of %zu bits (at least "
		    "2048 required)", weak);
	else if (tried == 0 && kid != NULL && kid_seen > 0)
		jo_why(why, wl, "ID token key \"%.64s\" does not fit alg %s",
		    kid, a->name);
	else if (tried == 0 && kid != NULL) {
		jo_why(why, wl, "ID token kid \"%.64s\" (%s) not in the "
		    "provider's JWKS", kid, a->name);
		return JO_IDT_UNKNOWN_KID;
	} else if (tried == 0)
		jo_why(why, wl, "no key in the JWKS fits alg %s", a->name);
	else
		jo_why(why, wl, "ID token signature does not verify (%s, %zu "
		    "key%s tried)", a->name, tried, tried == 1 ? "" : "s");
	return JO_IDT_BAD;
}

/* A signature by a key of the JWKS: those of the token's kid (if it
 * names one) whose type, curve and alg fit (checklist 11). */
static enum jo_idt
verify_keys(const char *token, const struct alg *a, const char *kid,
    const struct jo_keys *ks, char *why, size_t wl)
{
	size_t	 i, tried = 0, weak = 0, kid_seen = 0;
	int	 v;

	for (i = 0; i < ks->n; i++) {
		if (kid != NULL && (ks->v[i].kid == NULL ||
		    strcmp(kid, ks->v[i].kid) != 0))
			continue;
		kid_seen++;
		if (!key_fits(&ks->v[i], a))
			continue;
		if (ks->v[i].pem == NULL) {
			weak = (size_t)ks->v[i].bits;
			continue;
		}
		tried++;
		v = a->name[0] == 'P' ? jo_jws_pss_verify(token, a->name,
		    ks->v[i].pem, why, wl) : jo_jwt_verify(token, a->name,
		    ks->v[i].pem, why, wl);
		if (v == -1)
			return JO_IDT_BAD;
		if (v == 1)
			return JO_IDT_OK;
	}
	return keys_failed(a, kid, tried, kid_seen, weak, why, wl);
}

/* Does this JSON text escape a NUL ("\u0000", after an odd number of
 * backslashes: the last one starts the escape) or hold a NUL byte?
 * Outside strings a backslash is no JSON at all, so this reads keys and
 * values alike.  libjwt's parser refuses such a payload, which would
 * read as a signature that does not verify. */
static int
json_nul(const unsigned char *p, size_t n)
{
	size_t	 i, k;

	if (memchr(p, '\0', n) != NULL)
		return 1;
	for (i = 0; i < n; i = k) {
		if (p[i] != '\\') {
			k = i + 1;
			continue;
		}
		for (k = i; k < n && p[k] == '\\'; k++)
			;
		if ((k - i) % 2 == 1 && n - k >= 5 &&
		    memcmp(p + k, "u0000", 5) == 0)
			return 1;
	}
	return 0;
}

enum jo_idt
jo_idtoken_verify(const char *token, const struct jo_keys *ks,
    const struct jo_idt_expect *x, struct jo_user *u, char *why, size_t wl)
{
	json_object		*hdr;
	const struct alg	*a = NULL;
	const char		*d1 = NULL, *d2 = NULL;
	unsigned char		*payload = NULL;
	size_t			 n, plen;
	enum jo_idt		 rc;
	int			 v;

	memset(u, 0, sizeof(*u));
	n = strlen(token);
	if (n > JO_IDTOKEN_MAX) {
		jo_why(why, wl, "ID token of %zu bytes (at most %d)", n,
		    JO_IDTOKEN_MAX);
		return JO_IDT_BAD;
	}
	if (!token_shape_ok(token, n, &d1, &d2)) {
		jo_why(why, wl, "ID token is not a compact JWS of three "
		    "base64url parts");
		return JO_IDT_BAD;
	}
	if ((hdr = header_check(token, d1, d2, n, x, &a, why, wl)) == NULL)
		return JO_IDT_BAD;
	/* decoded once: a NUL in a claim is refused for what it is before
	 * libjwt's parser turns it into a bad signature; a payload that is
	 * no base64url is said after the signature, as always */
	if (jo_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &payload,
	    &plen) == -1)
		payload = NULL;
	else if (json_nul(payload, plen)) {
		jo_why(why, wl, "ID token claims hold a NUL character "
		    "(U+0000): refused");
		rc = JO_IDT_BAD;
		goto end;
	}
	if (a->kty != NULL)
		rc = verify_keys(token, a, jo_json_str(hdr, "kid"), ks, why,
		    wl);
	else if ((v = jo_jws_hmac_verify(token, a->name, x->secret, why,
	    wl)) == 1)
		rc = JO_IDT_OK;
	else {
		if (v == 0)
			jo_why(why, wl, "ID token signature does not verify "
			    "(%s with the client secret)", a->name);
		rc = JO_IDT_BAD;
	}
	if (rc != JO_IDT_OK)
		goto end;
	if (payload == NULL) {
		jo_why(why, wl, "ID token payload is not base64url");
		rc = JO_IDT_BAD;
		goto end;
	}
	rc = jo_idtoken_claims((char *)payload, plen, x, u, why, wl) == 0 ?
	    JO_IDT_OK : JO_IDT_BAD;
end:
	json_object_put(hdr);
	free(payload);
	return rc;
}
