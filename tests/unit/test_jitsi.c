/* Unit tests: room validation, room claim, Jitsi state, token claims,
 * the URL back into Jitsi. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "testutil.h"
#include "config.h"
#include "jitsi.h"
#include "util.h"

static void
plain_rooms_pass_and_tricks_fail(void **st)
{
	static const char *const good[] = { "MyRoom", "Café Room", "åäö",
	    "a.b", "team-1_x", "(weekly) sync!", NULL };
	static const char *const bad[] = { "", "/evil", "//evil.example",
	    "\\evil", "/\\evil", "a/b", "a?b", "a#b", "..", "a..b", ".",
	    "https:evil", "javascript:alert(1)", "https://evil.example/",
	    "a%2fb", "a\tb", "a\rb", "a\nb", "a&b", "a\"b", "<b>", " a",
	    "a ", "\xc3\x28", NULL };
	char	 big[JO_ROOM_MAX + 2];
	size_t	 i;

	(void)st;
	for (i = 0; good[i] != NULL; i++)
		if (jo_room_valid(good[i], NULL, 0) != 0)
			fail_msg("refused good room \"%s\"", good[i]);
	for (i = 0; bad[i] != NULL; i++)
		if (jo_room_valid(bad[i], NULL, 0) != -1)
			fail_msg("accepted bad room \"%s\"", bad[i]);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(jo_room_valid(big, NULL, 0), -1);
	big[JO_ROOM_MAX] = '\0';
	assert_int_equal(jo_room_valid(big, NULL, 0), 0);
}

static void
room_claim_is_lowercase_percent_encoded(void **st)
{
	char	*c;

	(void)st;
	c = jo_room_claim("MyRoom");
	assert_string_equal(c, "myroom");
	free(c);
	c = jo_room_claim("Café Room");
	assert_string_equal(c, "caf%c3%a9%20room");
	free(c);
	c = jo_room_claim("(Weekly) Sync!");
	assert_string_equal(c, "(weekly)%20sync!");
	free(c);
}

static void
state_json_gives_room_tenant_and_flags(void **st)
{
	struct jo_target t;
	char		 why[256];

	(void)st;
	assert_int_equal(jo_jitsi_state("{\"room\":\"Caf%C3%A9%20Room\","
	    "\"roomSafe\":\"caf%c3%a9%20room\",\"tenant\":\"acme\","
	    "\"config.prejoinConfig.enabled\":false,"
	    "\"config.subject\":\"a b\",\"interfaceConfig.X\":3,"
	    "\"ios\":true,\"config.bad-key\":1,\"config.obj\":{}}", &t, why,
	    sizeof(why)), 0);
	assert_string_equal(t.room, "Café Room");
	assert_string_equal(t.tenant, "acme");
	assert_string_equal(t.flags, "config.prejoinConfig.enabled=false&"
	    "config.subject=%22a%20b%22&interfaceConfig.X=3");
	jo_target_free(&t);
	assert_int_equal(jo_jitsi_state("{\"roomSafe\":\"room1\"}", &t, why,
	    sizeof(why)), 0);
	assert_string_equal(t.room, "room1");
	assert_null(t.tenant);
	assert_null(t.flags);
	jo_target_free(&t);
}

static void
state_json_refuses_bad_input(void **st)
{
	struct jo_target t;
	char		 why[256];

	(void)st;
	assert_int_equal(jo_jitsi_state("[]", &t, why, sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":1}", &t, why, sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":\"a\"} x", &t, why,
	    sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":\"a%2F%2Fb\"}", &t, why,
	    sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":\"a%00b\"}", &t, why,
	    sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":\"a\",\"tenant\":\"../x\"}",
	    &t, why, sizeof(why)), -1);
	assert_int_equal(jo_jitsi_state("{\"room\":\"a\",\"x\":[[[[[[[[[[[[[]]]]]]]]]]]]]}",
	    &t, why, sizeof(why)), -1);
}

static struct jo_config
config(void)
{
	struct jo_config c;

	memset(&c, 0, sizeof(c));
	c.jitsi_url = "https://meet.example.org";
	c.jitsi_app_id = "app";
	c.jitsi_app_secret = "secret";
	c.jitsi_audience = "jitsi";
	c.jitsi_subject = "meet.example.org";
	c.token_lifetime = 3600;
	c.room_claim = "room";
	c.jitsi_signing = "HS256";
	c.app_scheme_mobile = "org.jitsi.meet";
	c.app_scheme_desktop = "jitsi-meet";
	return c;
}

static json_object *
payload_of(const char *tok, char **hdr)
{
	const char	*d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
	unsigned char	*raw;
	size_t		 n;
	json_object	*o;

	assert_int_equal(jo_b64url_decode(tok, (size_t)(d1 - tok), &raw, &n), 0);
	*hdr = (char *)raw;
	assert_int_equal(jo_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &raw,
	    &n), 0);
	o = json_tokener_parse((char *)raw);
	free(raw);
	return o;
}

static void
token_has_every_claim_jitsi_checks(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u = { .sub = "alice", .name = "Alice A.",
	    .email = "Alice@Example.org", .avatar = "https://a.example/p.png",
	    .moderator = 1 };
	struct jo_target t = { .room = "Café Room" };
	json_object	*p, *v, *user;
	char		*tok, *hdr;

	(void)st;
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	p = payload_of(tok, &hdr);
	assert_string_equal(hdr, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	assert_true(json_object_object_get_ex(p, "room", &v));
	assert_string_equal(json_object_get_string(v), "caf%c3%a9%20room");
	json_object_object_get_ex(p, "iss", &v);
	assert_string_equal(json_object_get_string(v), "app");
	json_object_object_get_ex(p, "aud", &v);
	assert_string_equal(json_object_get_string(v), "jitsi");
	json_object_object_get_ex(p, "sub", &v);
	assert_string_equal(json_object_get_string(v), "meet.example.org");
	json_object_object_get_ex(p, "exp", &v);
	assert_int_equal(json_object_get_int64(v), 1700003600);
	json_object_object_get_ex(p, "nbf", &v);
	assert_int_equal(json_object_get_int64(v), 1700000000 - JO_NBF_BACKDATE);
	json_object_object_get_ex(p, "iat", &v);
	assert_int_equal(json_object_get_int64(v), 1700000000);
	json_object_object_get_ex(p, "context", &v);
	json_object_object_get_ex(v, "user", &user);
	json_object_object_get_ex(user, "id", &v);
	assert_string_equal(json_object_get_string(v), "alice");
	json_object_object_get_ex(user, "name", &v);
	assert_string_equal(json_object_get_string(v), "Alice A.");
	json_object_object_get_ex(user, "email", &v);
	assert_string_equal(json_object_get_string(v), "Alice@Example.org");
	json_object_object_get_ex(user, "avatar", &v);
	assert_string_equal(json_object_get_string(v), "https://a.example/p.png");
	json_object_object_get_ex(user, "affiliation", &v);
	assert_string_equal(json_object_get_string(v), "owner");
	assert_true(json_object_object_get_ex(user, "moderator", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_true(json_object_get_boolean(v));
	/* no group: no context.group at all (never a null) */
	json_object_object_get_ex(p, "context", &v);
	assert_false(json_object_object_get_ex(v, "group", NULL));
	json_object_put(p);
	free(hdr);
	free(tok);
}

/* With the token rules at their defaults (no lobby bypass, no features,
 * nobody hidden or a visitor), the token is byte for byte the one this
 * adapter signed before those rules existed. */
static void
default_rules_leave_the_token_as_it_was(void **st)
{
	static const char was[] =
	    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJhcHAiLCJ"
	    "hdWQiOiJqaXRzaSIsInN1YiI6Im1lZXQuZXhhbXBsZS5vcmciLCJyb29"
	    "tIjoicm9vbSIsImlhdCI6MTcwMDAwMDAwMCwibmJmIjoxNjk5OTk5OTQ"
	    "wLCJleHAiOjE3MDAwMDM2MDAsImNvbnRleHQiOnsidXNlciI6eyJpZCI"
	    "6ImFsaWNlIiwibmFtZSI6IkFsaWNlIEEuIiwiZW1haWwiOiJhbGljZUB"
	    "leGFtcGxlLm9yZyIsImF2YXRhciI6Imh0dHBzOi8vYS5leGFtcGxlL3A"
	    "ucG5nIiwiYWZmaWxpYXRpb24iOiJvd25lciIsIm1vZGVyYXRvciI6dHJ"
	    "1ZX0sImdyb3VwIjoic3RhZmYifX0.LbvXuuT1V4lkS5kYgIEH7x18i2C"
	    "JoAWGfGjWjyiGP4Q";
	struct jo_config c = config();
	struct jo_user	 u = { .sub = "alice", .name = "Alice A.",
	    .email = "alice@example.org", .avatar = "https://a.example/p.png",
	    .group = "staff", .moderator = 1 };
	struct jo_target t = { .room = "Room" };
	char		*tok;

	(void)st;
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	assert_string_equal(tok, was);
	free(tok);
	/* the same with the rules written out as a file's defaults */
	c.lobby_bypass.mode = c.hidden.mode = c.visitor.mode = "none";
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	assert_string_equal(tok, was);
	free(tok);
}

/* The rules' fields, claim by claim: booleans where Jitsi compares with
 * true; every feature Jitsi knows written, true or false. */
static void
token_rules_fields(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u = { .sub = "alice", .lobby_bypass = 1, .hidden = 1,
	    .visitor = 1, .features_claim = 1 };
	struct jo_target t = { .room = "Room" };
	json_object	*p, *ctx, *user, *f, *v;
	char		*tok, *hdr;
	size_t		 i, n = 0;

	(void)st;
	c.features = 1;
	c.feat_all = 1UL << 13;			/* screen-sharing */
	c.feat_mod = 1UL << 11;			/* recording */
	c.feat_claimed = 1UL << 19;		/* transcription */
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	p = payload_of(tok, &hdr);
	json_object_object_get_ex(p, "context", &ctx);
	json_object_object_get_ex(ctx, "user", &user);
	assert_true(json_object_object_get_ex(user, "lobby_bypass", &v));
	assert_true(json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(user, "hidden-from-recorder",
	    &v));
	assert_true(json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(user, "role", &v));
	assert_string_equal(json_object_get_string(v), "visitor");
	assert_true(json_object_object_get_ex(ctx, "features", &f));
	json_object_object_foreach(f, k, fv) {
		assert_string_equal(k, jo_jitsi_features[n]);
		assert_true(json_object_is_type(fv, json_type_boolean));
		assert_int_equal(json_object_get_boolean(fv), n == 13 ||
		    n == 19);
		n++;
	}
	assert_int_equal(n, 20);
	json_object_put(p);
	free(hdr);
	free(tok);
	/* a moderator gets the moderators' features too; none of the
	 * user fields when the rules do not hold */
	memset(&u, 0, sizeof(u));
	u.sub = "bob";
	u.moderator = 1;
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	p = payload_of(tok, &hdr);
	json_object_object_get_ex(p, "context", &ctx);
	json_object_object_get_ex(ctx, "user", &user);
	assert_false(json_object_object_get_ex(user, "lobby_bypass", NULL));
	assert_false(json_object_object_get_ex(user, "hidden-from-recorder",
	    NULL));
	assert_false(json_object_object_get_ex(user, "role", NULL));
	json_object_object_get_ex(ctx, "features", &f);
	for (i = 0; jo_jitsi_features[i] != NULL; i++) {
		assert_true(json_object_object_get_ex(f, jo_jitsi_features[i],
		    &v));
		assert_int_equal(json_object_get_boolean(v), i == 13 || i == 11);
	}
	json_object_put(p);
	free(hdr);
	free(tok);
}

static void
gravatar_hashes_the_trimmed_lowercased_address(void **st)
{
	char	*a, *b, *h;

	(void)st;
	a = jo_gravatar("  Alice@Example.ORG ");
	b = jo_gravatar("alice@example.org");
	assert_string_equal(a, b);
	h = jo_sha256_hex("alice@example.org", 17);
	assert_non_null(strstr(a, h));
	assert_int_equal(strncmp(a, "https://www.gravatar.com/avatar/", 32), 0);
	free(a);
	free(b);
	free(h);
}

static void
no_email_means_no_email_and_no_avatar(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u = { .sub = "bob", .group = "staff" };
	struct jo_target t = { .room = "r", .tenant = "acme" };
	json_object	*p, *v, *user;
	char		*tok, *hdr;

	(void)st;
	c.room_claim = "*";
	tok = jo_jitsi_token(&c, &u, &t, 1700000000, NULL, 0);
	p = payload_of(tok, &hdr);
	json_object_object_get_ex(p, "context", &v);
	json_object_object_get_ex(v, "user", &user);
	assert_false(json_object_object_get_ex(user, "email", NULL));
	assert_false(json_object_object_get_ex(user, "avatar", NULL));
	assert_false(json_object_object_get_ex(user, "name", NULL));
	json_object_object_get_ex(user, "affiliation", &v);
	assert_string_equal(json_object_get_string(v), "member");
	json_object_object_get_ex(user, "moderator", &v);
	assert_false(json_object_get_boolean(v));
	json_object_object_get_ex(p, "context", &v);
	json_object_object_get_ex(v, "group", &v);
	assert_string_equal(json_object_get_string(v), "staff");
	json_object_object_get_ex(p, "room", &v);
	assert_string_equal(json_object_get_string(v), "*");
	json_object_object_get_ex(p, "sub", &v);
	assert_string_equal(json_object_get_string(v), "acme");
	json_object_put(p);
	free(hdr);
	free(tok);
}

static void
url_is_built_from_the_configured_base_only(void **st)
{
	struct jo_config c = config();
	struct jo_target t = { .room = "Café Room", .tenant = "acme",
	    .flags = "config.x=true" };
	char		*u;

	(void)st;
	u = jo_jitsi_url(&c, &t, "jwt", "a.b.c");
	assert_string_equal(u, "https://meet.example.org/acme/Caf%C3%A9%20Room"
	    "?jwt=a.b.c#config.x=true");
	free(u);
	t.app = "mobile";
	u = jo_jitsi_app_url(&c, &t, "a.b.c");
	assert_string_equal(u, "org.jitsi.meet://meet.example.org/acme/"
	    "Caf%C3%A9%20Room?jwt=a.b.c#config.x=true");
	free(u);
	t.app = "desktop";
	u = jo_jitsi_app_url(&c, &t, "a.b.c");
	assert_string_equal(u, "jitsi-meet://meet.example.org/acme/"
	    "Caf%C3%A9%20Room?jwt=a.b.c#config.x=true");
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_rooms_pass_and_tricks_fail),
		cmocka_unit_test(room_claim_is_lowercase_percent_encoded),
		cmocka_unit_test(state_json_gives_room_tenant_and_flags),
		cmocka_unit_test(state_json_refuses_bad_input),
		cmocka_unit_test(token_has_every_claim_jitsi_checks),
		cmocka_unit_test(default_rules_leave_the_token_as_it_was),
		cmocka_unit_test(token_rules_fields),
		cmocka_unit_test(gravatar_hashes_the_trimmed_lowercased_address),
		cmocka_unit_test(no_email_means_no_email_and_no_avatar),
		cmocka_unit_test(url_is_built_from_the_configured_base_only),
	};

	return RUN(tests);
}
