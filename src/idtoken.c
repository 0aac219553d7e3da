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

int
jo_idtoken_claims(const char *json, size_t len,
    const struct jo_idt_expect *x, struct jo_user *u, char *why, size_t wl)
{
	json_object	*o;
	const char	*s;
	long long	 exp, iat, nbf;
	int		 rc = -1, r;

	memset(u, 0, sizeof(*u));
	if ((o = jo_json_object(json, len, 16)) == NULL) {
		jo_why(why, wl, "ID token payload is not a JSON object");
		return -1;
	}
	if (check_iss(o, x, why, wl) == -1)
		goto end;
	/* aud and azp (steps 3-5). */
	if (check_aud(o, x->client_id, why, wl) == -1)
		goto end;
	/* exp (step 9): present, a number, in the future, not absurd. */
	if ((r = numeric_date(o, "exp", &exp)) != 0) {
		jo_why(why, wl, "ID token exp %s", r == -1 ? "missing" :
		    "is not a valid number");
		goto end;
	}
	if (exp <= (long long)x->now) {
		/* A token just received from the token endpoint that has
		 * expired on our clock says that a clock is off: name the
		 * skew (its iat) when there is one.  In double: exp and iat
		 * may be as low as INT64_MIN. */
		r = numeric_date(o, "iat", &iat);
		if (r == 0 && (iat > (long long)x->now + JO_IAT_SKEW ||
		    iat < (long long)x->now - JO_IAT_SKEW))
			jo_why(why, wl, "ID token iat is %.0f s off our clock "
			    "(allowed skew %d s)", (double)iat -
			    (double)x->now, JO_IAT_SKEW);
		else if (r == 0)
			jo_why(why, wl, "ID token expired %.0f s ago (exp "
			    "%lld, now %lld; issued %.0f s ago by our clock, "
			    "yet just received: is a clock off?)",
			    (double)x->now - (double)exp, exp,
			    (long long)x->now, (double)x->now - (double)iat);
		else
			jo_why(why, wl, "ID token expired %.0f s ago (exp "
			    "%lld, now %lld)", (double)x->now - (double)exp,
			    exp, (long long)x->now);
		goto end;
	}
	if (exp > (long long)x->now + JO_EXP_MAX_AHEAD) {
		jo_why(why, wl, "ID token exp %lld is absurdly far ahead", exp);
		goto end;
	}
	/* iat (step 10): present and within the allowed clock skew. */
	if ((r = numeric_date(o, "iat", &iat)) != 0) {
		jo_why(why, wl, "ID token iat %s", r == -1 ? "missing" :
		    "is not a valid number");
		goto end;
	}
	if (iat > (long long)x->now + JO_IAT_SKEW ||
	    iat < (long long)x->now - JO_IAT_SKEW) {
		jo_why(why, wl, "ID token iat is %.0f s off our clock "
		    "(allowed skew %d s)", (double)iat - (double)x->now,
		    JO_IAT_SKEW);
		goto end;
	}
	if ((r = numeric_date(o, "nbf", &nbf)) == -2 ||
	    (r == 0 && nbf > (long long)x->now + JO_IAT_SKEW)) {
		jo_why(why, wl, "ID token nbf is invalid or in the future");
		goto end;
	}
	/* nonce (step 11). */
	if ((s = jo_json_str(o, "nonce")) == NULL || !jo_ct_equal(s, x->nonce)) {
		jo_why(why, wl, "ID token nonce %s", s ? "does not match the "
		    "one sent" : "missing");
		goto end;
	}
	if ((u->sub = clean_str(o, "sub", 255)) == NULL) {
		jo_why(why, wl, "ID token sub missing or invalid");
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

/* Which key type and curve an algorithm needs. */
static int
alg_needs(const char *alg, const char **kty, const char **crv)
{
	static const struct {
		const char	*name;
		const char	*kty, *crv;
	} algs[] = {
		{ "RS256", "RSA", NULL }, { "RS384", "RSA", NULL },
		{ "RS512", "RSA", NULL }, { "ES256", "EC", "P-256" },
		{ "ES384", "EC", "P-384" }, { "ES512", "EC", "P-521" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(alg, algs[i].name) == 0) {
			*kty = algs[i].kty;
			*crv = algs[i].crv;
			return 0;
		}
	return -1;
}

static int
key_fits(const struct jo_key *k, const char *alg, const char *kty,
    const char *crv)
{
	if (strcmp(k->kty, kty) != 0)
		return 0;
	if (k->alg != NULL && strcmp(k->alg, alg) != 0)
		return 0;
	if (crv != NULL && (k->crv == NULL || strcmp(k->crv, crv) != 0))
		return 0;
	return 1;
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

enum jo_idt
jo_idtoken_verify(const char *token, const struct jo_keys *ks,
    const struct jo_idt_expect *x, struct jo_user *u, char *why, size_t wl)
{
	json_object	*hdr = NULL;
	const char	*d1 = NULL, *d2 = NULL, *alg, *kid, *kty, *crv, *typ;
	unsigned char	*payload = NULL;
	size_t		 n, i, plen, tried = 0, weak = 0, kid_seen = 0;
	enum jo_idt	 rc = JO_IDT_BAD;
	int		 verified = 0, v;

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
	if ((hdr = parse_b64_json(token, (size_t)(d1 - token))) == NULL) {
		jo_why(why, wl, "ID token header is not base64url JSON");
		return JO_IDT_BAD;
	}
	/* Pin the algorithm: only asymmetric ones, and only with a key of
	 * the matching type (no HS256 with a public key as secret, no
	 * "none"). */
	if ((alg = jo_json_str(hdr, "alg")) == NULL ||
	    alg_needs(alg, &kty, &crv) == -1) {
		jo_why(why, wl, "ID token alg %.20s%s%s not accepted (RS256, "
		    "RS384, RS512, ES256, ES384, ES512 are)",
		    alg ? "\"" : "", alg ? alg : "missing", alg ? "\"" : "");
		goto end;
	}
	if ((typ = jo_json_str(hdr, "typ")) != NULL && strcmp(typ, "JWT") != 0) {
		jo_why(why, wl, "ID token typ \"%.20s\" is not JWT", typ);
		goto end;
	}
	if (json_object_object_get_ex(hdr, "crit", NULL)) {
		jo_why(why, wl, "ID token has a crit header we do not know");
		goto end;
	}
	if (d2 + 1 == token + n) {
		jo_why(why, wl, "ID token has no signature");
		goto end;
	}
	kid = jo_json_str(hdr, "kid");
	for (i = 0; i < ks->n && !verified; i++) {
		if (kid != NULL && (ks->v[i].kid == NULL ||
		    strcmp(kid, ks->v[i].kid) != 0))
			continue;
		kid_seen++;
		if (!key_fits(&ks->v[i], alg, kty, crv))
			continue;
		if (ks->v[i].pem == NULL) {
			weak = (size_t)ks->v[i].bits;
			continue;
		}
		tried++;
		if ((v = jo_jwt_verify(token, alg, ks->v[i].pem, why,
		    wl)) == -1)
			goto end;
		verified = v;
	}
	if (!verified) {
		if (weak && tried == 0)
			jo_why(why, wl, "ID token key is RSA of %zu bits (at "
			    "least 2048 required)", weak);
		else if (tried == 0 && kid != NULL && kid_seen > 0)
			jo_why(why, wl, "ID token key \"%.64s\" does not fit "
			    "alg %s", kid, alg);
		else if (tried == 0 && kid != NULL) {
			jo_why(why, wl, "ID token kid \"%.64s\" (%s) not in "
			    "the provider's JWKS", kid, alg);
			rc = JO_IDT_UNKNOWN_KID;
		} else if (tried == 0)
			jo_why(why, wl, "no key in the JWKS fits alg %s", alg);
		else
			jo_why(why, wl, "ID token signature does not verify "
			    "(%s, %zu key%s tried)", alg, tried,
			    tried == 1 ? "" : "s");
		goto end;
	}
	if (jo_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &payload,
	    &plen) == -1) {
		jo_why(why, wl, "ID token payload is not base64url");
		goto end;
	}
	if (jo_idtoken_claims((char *)payload, plen, x, u, why, wl) == 0)
		rc = JO_IDT_OK;
end:
	free(payload);
	json_object_put(hdr);
	return rc;
}
