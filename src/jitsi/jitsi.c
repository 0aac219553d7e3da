/* jitsi.c -- see jitsi.h */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "crypto.h"
#include "jitsi.h"
#include "json.h"
#include "jws.h"
#include "unicode.h"
#include "util.h"

static int
ascii_only(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}


int
jo_room_valid(const char *s, char *why, size_t wl)
{
	size_t	 n = strlen(s), i, grown = 0;
	char	*low;
	int	 star = 0;

	if (n == 0) {
		jo_why(why, wl, "empty name");
		return -1;
	}
	if (n > JO_ROOM_MAX) {
		jo_why(why, wl, "name of %zu bytes (at most %d)", n,
		    JO_ROOM_MAX);
		return -1;
	}
	if (!jo_utf8_valid((const unsigned char *)s, n)) {
		jo_why(why, wl, "name is not valid UTF-8");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    strchr("/\\?#%&:'\"<>`", s[i]) != NULL) {
			jo_why(why, wl, "name contains a control character "
			    "or one of / \\ ? # %% & : ' \" < > `");
			return -1;
		}
	if (strstr(s, "..") != NULL || strcmp(s, ".") == 0 ||
	    s[0] == ' ' || s[n - 1] == ' ') {
		jo_why(why, wl, "name contains \"..\" or starts or ends with "
		    "a blank");
		return -1;
	}
	/* Checked again in the form Jitsi compares, lower(NFKC()): Jitsi
	 * reads a room claim or sub of "*" as every room or every tenant,
	 * and NFKC makes '*' of U+FF0A and U+FE61; and a few characters
	 * grow eighteenfold under NFKC (U+FDFA), which would make a claim
	 * (and a Location) of kilobytes */
	if (strchr(s, '*') != NULL)
		star = 1;
	else if (!ascii_only(s, n)) {
		low = jo_nfkc_lower(s);
		star = strchr(low, '*') != NULL;
		grown = strlen(low);
		free(low);
	}
	if (star) {
		jo_why(why, wl, "name contains '*' (or a character NFKC "
		    "makes '*'), which Jitsi reads as every room");
		return -1;
	}
	if (grown > JO_ROOM_MAX) {
		jo_why(why, wl, "name grows to %zu bytes under NFKC (at most "
		    "%d)", grown, JO_ROOM_MAX);
		return -1;
	}
	return 0;
}

int
jo_target_check(const struct jo_config *c, const struct jo_target *t,
    char *why, size_t wl)
{
	struct jo_target	 bare = *t;
	char			*u;
	size_t			 n = strlen(c->public_url);
	int			 rc = 0;

	/* A room or tenant that names a path of the adapter's own (with
	 * public_url under jitsi_url: tenant "oidc", room "tokenize")
	 * would send the token into the adapter, or log the user out. */
	bare.flags = NULL;
	u = jo_jitsi_url(c, &bare, NULL, NULL);
	if (strncasecmp(u, c->public_url, n) == 0 &&
	    (u[n] == '\0' || u[n] == '/')) {
		jo_why(why, wl, "the room's address %s lies under public_url",
		    u);
		rc = -1;
	}
	free(u);
	return rc;
}

char *
jo_room_claim(const char *room)
{
	struct jo_buf	 b = { 0 };
	char		*low;

	/* Jitsi: encodeURIComponent(lower(NFKC(room))).toLowerCase() */
	low = jo_nfkc_lower(room);
	jo_pct_encode(&b, low, strlen(low), 1);
	free(low);
	return jo_buf_take(&b);
}

void
jo_target_free(struct jo_target *t)
{
	free(t->room);
	free(t->tenant);
	free(t->flags);
	free(t->app);
	memset(t, 0, sizeof(*t));
}

int
jo_target_set(struct jo_target *t, const char *room, const char *tenant,
    char *why, size_t wl)
{
	char	 sub[200];

	if (room == NULL) {
		jo_why(why, wl, "no room given");
		return -1;
	}
	if (jo_room_valid(room, sub, sizeof(sub)) == -1) {
		jo_why(why, wl, "room: %s", sub);
		return -1;
	}
	if (tenant != NULL && *tenant != '\0' &&
	    jo_room_valid(tenant, sub, sizeof(sub)) == -1) {
		jo_why(why, wl, "tenant: %s", sub);
		return -1;
	}
	t->room = jo_xstrdup(room);
	t->tenant = tenant != NULL && *tenant != '\0' ?
	    jo_xstrdup(tenant) : NULL;
	return 0;
}

/* A state value may still be percent-encoded (as in the address bar):
 * decode it once when it holds a '%'. */
static char *
state_name(json_object *o, const char *key)
{
	json_object	*v;
	const char	*s;
	char		*d;
	size_t		 n;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (strchr(s, '%') == NULL)
		return jo_xstrdup(s);
	if (jo_pct_decode(s, strlen(s), 0, &d, &n) == -1)
		return jo_xstrdup(s);	/* fails validation later */
	if (strlen(d) != n) {
		free(d);
		return jo_xstrdup("\x01");	/* NUL: fails validation */
	}
	return d;
}

static int
flag_key_ok(const char *k)
{
	size_t	 i;

	if (strncmp(k, "config.", 7) != 0 &&
	    strncmp(k, "interfaceConfig.", 16) != 0)
		return 0;
	for (i = 0; k[i] != '\0'; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '.' &&
		    k[i] != '_')
			return 0;
	return i <= 100;
}

static int
state_true(json_object *o, const char *key)
{
	json_object	*v;

	return json_object_object_get_ex(o, key, &v) &&
	    ((json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v)) ||
	    (json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "true") == 0));
}

int
jo_jitsi_state(const char *json, struct jo_target *t, char *why, size_t wl)
{
	json_object	*o;
	struct jo_buf	 flags = { 0 };
	const char	*v;
	char		*room = NULL, *tenant = NULL;
	size_t		 n = strlen(json);
	int		 rc = -1;

	memset(t, 0, sizeof(*t));
	if (n > JO_STATE_MAX) {
		jo_why(why, wl, "state of %zu bytes (at most %d)", n,
		    JO_STATE_MAX);
		return -1;
	}
	if ((o = jo_json_object(json, n, 8)) == NULL) {
		jo_why(why, wl, "state is not a JSON object");
		return -1;
	}
	room = state_name(o, "room");
	if (room == NULL)
		room = state_name(o, "roomSafe");
	tenant = state_name(o, "tenant");
	if (jo_target_set(t, room, tenant, why, wl) == -1)
		goto end;
	json_object_object_foreach(o, key, val) {
		if (!flag_key_ok(key))
			continue;
		if (json_object_is_type(val, json_type_boolean) ||
		    json_object_is_type(val, json_type_int) ||
		    json_object_is_type(val, json_type_double) ||
		    json_object_is_type(val, json_type_string)) {
			v = json_object_to_json_string_ext(val,
			    JSON_C_TO_STRING_PLAIN);
			if (flags.len)
				jo_buf_adds(&flags, "&");
			jo_buf_adds(&flags, key);
			jo_buf_adds(&flags, "=");
			jo_pct_encode(&flags, v, strlen(v), 0);
		}
	}
	/* the mobile and desktop apps open the login in a browser and
	 * expect to be called back through their own URL scheme */
	if (state_true(o, "android"))
		t->app = jo_xstrdup("android");
	else if (state_true(o, "ios"))
		t->app = jo_xstrdup("ios");
	else if (state_true(o, "electron"))
		t->app = jo_xstrdup("desktop");
	if (flags.len > JO_FLAGS_MAX) {
		jo_why(why, wl, "state flags of %zu bytes (at most %d)",
		    flags.len, JO_FLAGS_MAX);
		jo_target_free(t);
		goto end;
	}
	t->flags = flags.len ? jo_buf_take(&flags) : NULL;
	rc = 0;
end:
	jo_buf_free(&flags);
	free(room);
	free(tenant);
	json_object_put(o);
	return rc;
}

/* A URL option's value, JSON text as jo_jitsi_state wrote it: a new
 * reference, or NULL. */
static json_object *
flag_value(const char *val, size_t n)
{
	struct jo_buf	 b = { 0 };
	json_object	*o, *v = NULL;

	jo_buf_adds(&b, "{\"v\":");
	jo_buf_add(&b, val, n);
	jo_buf_adds(&b, "}");
	if ((o = jo_json_object(b.p, b.len, 2)) != NULL &&
	    json_object_object_get_ex(o, "v", &v))
		v = json_object_get(v);
	json_object_put(o);
	jo_buf_free(&b);
	return v;
}

char *
jo_target_state(const struct jo_target *t)
{
	json_object	*o, *v;
	const char	*s, *e, *eq;
	char		*key, *val, *out;
	size_t		 n;

	o = json_object_new_object();
	json_object_object_add(o, "room", json_object_new_string(t->room));
	if (t->tenant != NULL)
		json_object_object_add(o, "tenant",
		    json_object_new_string(t->tenant));
	if (t->app != NULL)
		json_object_object_add(o, strcmp(t->app, "desktop") == 0 ?
		    "electron" : t->app, json_object_new_boolean(1));
	/* "key=<percent-encoded JSON value>&...", as jo_jitsi_state made */
	for (s = t->flags; s != NULL && *s != '\0'; s = *e ? e + 1 : e) {
		e = s + strcspn(s, "&");
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			continue;
		if (jo_pct_decode(eq + 1, (size_t)(e - eq - 1), 0, &val,
		    &n) == -1)
			continue;
		if ((v = flag_value(val, n)) != NULL) {
			key = jo_xstrndup(s, (size_t)(eq - s));
			json_object_object_add(o, key, v);
			free(key);
		}
		free(val);
	}
	out = jo_xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/* The URL options a page of another site may choose for someone who is
 * logged in: only those that expose the user less than Jitsi's own
 * defaults. */
static const char *const safe_flags[] = {
	"config.startWithAudioMuted=true",
	"config.startWithVideoMuted=true",
	"config.startAudioOnly=true",
	"config.startSilent=true",
	"config.prejoinConfig.enabled=true",
	"config.prejoinPageEnabled=true",
	NULL
};

int
jo_target_safe_flags(struct jo_target *t)
{
	struct jo_buf	 b = { 0 };
	const char	*s, *e;
	size_t		 i;
	int		 dropped = 0;

	if (t->flags == NULL)
		return 0;
	for (s = t->flags; *s != '\0'; s = *e ? e + 1 : e) {
		e = s + strcspn(s, "&");
		for (i = 0; safe_flags[i] != NULL; i++)
			if (strlen(safe_flags[i]) == (size_t)(e - s) &&
			    memcmp(safe_flags[i], s, (size_t)(e - s)) == 0)
				break;
		if (safe_flags[i] == NULL) {
			dropped++;
			continue;
		}
		if (b.len)
			jo_buf_adds(&b, "&");
		jo_buf_add(&b, s, (size_t)(e - s));
	}
	free(t->flags);
	t->flags = b.len ? jo_buf_take(&b) : NULL;
	jo_buf_free(&b);
	return dropped;
}

/* HS256 as Jitsi verifies it: header {"alg":"HS256","typ":"JWT"}, unpadded
 * base64url, HMAC-SHA256 keyed with the app secret's bytes as written. */
static char *
sign_hs256(const char *secret, json_object *claims)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct jo_buf	 t = { 0 };
	unsigned char	 mac[32];
	const char	*payload;
	char		*h, *p, *sig;

	payload = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	h = jo_b64url_encode((const unsigned char *)hdr, sizeof(hdr) - 1);
	p = jo_b64url_encode((const unsigned char *)payload, strlen(payload));
	jo_buf_adds(&t, h);
	jo_buf_adds(&t, ".");
	jo_buf_adds(&t, p);
	jo_hmac_sha256(secret, strlen(secret), t.p, t.len, mac);
	sig = jo_b64url_encode(mac, sizeof(mac));
	jo_buf_adds(&t, ".");
	jo_buf_adds(&t, sig);
	explicit_bzero(mac, sizeof(mac));
	free(h);
	free(p);
	free(sig);
	return jo_buf_take(&t);
}

static void
add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* context.features: every feature Jitsi knows, true or false, so that
 * the token itself shows what is off (Jitsi turns off every feature a
 * features object does not grant, moderators included). */
static json_object *
features_of(const struct jo_config *c, const struct jo_user *u)
{
	json_object	*f = json_object_new_object();
	unsigned long	 on = c->feat_all;
	size_t		 i;

	if (u->moderator)
		on |= c->feat_mod;
	if (u->features_claim)
		on |= c->feat_claimed;
	for (i = 0; jo_jitsi_features[i] != NULL; i++)
		json_object_object_add(f, jo_jitsi_features[i],
		    json_object_new_boolean((on >> i) & 1));
	return f;
}

/* The token rules' fields in context.user, each only when it holds:
 * booleans, as the plugins compare them (lobby_bypass == true) and
 * lib-jitsi-meet reads them (a string "false" would be true there). */
static void
add_rules(json_object *user, const struct jo_user *u)
{
	if (u->lobby_bypass)
		json_object_object_add(user, "lobby_bypass",
		    json_object_new_boolean(1));
	if (u->hidden)
		json_object_object_add(user, "hidden-from-recorder",
		    json_object_new_boolean(1));
	if (u->visitor)
		add_str(user, "role", "visitor");
}

char *
jo_jitsi_token(const struct jo_config *c, const struct jo_user *u,
    const struct jo_target *t, time_t now, char *why, size_t wl)
{
	json_object	*claims, *ctx, *user;
	const char	*payload;
	char		*room, *out;

	room = strcmp(c->room_claim, "*") == 0 ? jo_xstrdup("*") :
	    jo_room_claim(t->room);
	/* never a null: absent values are left out */
	user = json_object_new_object();
	add_str(user, "id", u->sub);
	if (u->name != NULL)
		add_str(user, "name", u->name);
	if (u->email != NULL)
		add_str(user, "email", u->email);
	if (u->avatar != NULL)
		add_str(user, "avatar", u->avatar);
	/* read by Jitsi's mod_token_affiliation (auto-owner off) */
	add_str(user, "affiliation", u->moderator ? "owner" : "member");
	json_object_object_add(user, "moderator",
	    json_object_new_boolean(u->moderator));
	add_rules(user, u);
	ctx = json_object_new_object();
	json_object_object_add(ctx, "user", user);
	if (u->group != NULL)
		add_str(ctx, "group", u->group);
	if (c->features)
		json_object_object_add(ctx, "features", features_of(c, u));
	claims = json_object_new_object();
	add_str(claims, "iss", c->jitsi_app_id);
	add_str(claims, "aud", c->jitsi_audience);
	add_str(claims, "sub", t->tenant != NULL ? t->tenant : c->jitsi_subject);
	add_str(claims, "room", room);
	json_object_object_add(claims, "iat", json_object_new_int64(now));
	json_object_object_add(claims, "nbf",
	    json_object_new_int64(now - JO_NBF_BACKDATE));
	json_object_object_add(claims, "exp",
	    json_object_new_int64(now + c->token_lifetime));
	json_object_object_add(claims, "context", ctx);
	if (strcmp(c->jitsi_signing, "RS256") == 0) {
		payload = json_object_to_json_string_ext(claims,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		out = jo_jwt_sign_rs256(c->jitsi_private_key, c->jitsi_kid,
		    payload, why, wl);
	} else
		out = sign_hs256(c->jitsi_app_secret, claims);
	json_object_put(claims);
	free(room);
	return out;
}

char *
jo_jitsi_url(const struct jo_config *c, const struct jo_target *t,
    const char *key, const char *value)
{
	struct jo_buf	 b = { 0 };

	jo_buf_adds(&b, c->jitsi_url);
	jo_buf_adds(&b, "/");
	if (t->tenant != NULL) {
		jo_pct_encode(&b, t->tenant, strlen(t->tenant), 0);
		jo_buf_adds(&b, "/");
	}
	jo_pct_encode(&b, t->room, strlen(t->room), 0);
	if (key != NULL) {
		jo_buf_addf(&b, "?%s=", key);
		jo_buf_adds(&b, value);
	}
	if (t->flags != NULL) {
		jo_buf_adds(&b, "#");
		jo_buf_adds(&b, t->flags);
	}
	return jo_buf_take(&b);
}

char *
jo_jitsi_url_token(const struct jo_config *c, const struct jo_target *t,
    const char *token)
{
	struct jo_target	 bare = *t;
	struct jo_buf		 b = { 0 };
	char			*u;

	if (strcmp(c->jitsi_token_in, "query") == 0)
		return jo_jitsi_url(c, t, "jwt", token);
	/* Jitsi reads the hash first (since mid-2024), its values as JSON:
	 * the token quoted.  A hash reaches no access log and no Referer.
	 * ?oidc=ok tells the site's login rule, which cannot see the hash,
	 * that this visitor comes back from the login. */
	bare.flags = NULL;
	u = jo_jitsi_url(c, &bare, "oidc", "ok");
	jo_buf_adds(&b, u);
	jo_buf_adds(&b, "#");
	if (t->flags != NULL) {
		jo_buf_adds(&b, t->flags);
		jo_buf_adds(&b, "&");
	}
	jo_buf_adds(&b, "jwt=%22");
	jo_buf_adds(&b, token);
	jo_buf_adds(&b, "%22");
	free(u);
	return jo_buf_take(&b);
}

char *
jo_jitsi_app_url(const struct jo_config *c, const struct jo_target *t,
    const char *token)
{
	const char	*scheme, *rest;
	char		*web, *out;

	struct jo_target	 bare;

	scheme = t->app != NULL && strcmp(t->app, "desktop") == 0 ?
	    c->app_scheme_desktop : c->app_scheme_mobile;
	if (t->app != NULL && strcmp(t->app, "android") == 0) {
		/* Only the app of that package receives an intent: another
		 * app that claims the scheme does not get the token.  An
		 * intent has one fragment, its own: no URL options. */
		bare = *t;
		bare.flags = NULL;
		web = jo_jitsi_url(c, &bare, "jwt", token);
		rest = strstr(web, "://");
		out = jo_xasprintf("intent%s#Intent;scheme=%s;package=%s;end",
		    rest, scheme, c->app_package_android);
	} else {
		web = jo_jitsi_url(c, t, "jwt", token);
		rest = strstr(web, "://");
		out = jo_xasprintf("%s%s", scheme, rest);
	}
	free(web);
	return out;
}
