/* Unit tests: claims by name and path, the name chain, avatars, groups,
 * moderators and the access rules (profile.c). */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "testutil.h"
#include "config.h"
#include "jitsi.h"
#include "profile.h"

static struct jo_config
config(void)
{
	struct jo_config c;

	memset(&c, 0, sizeof(c));
	c.moderator = "all";
	c.groups_claim = "groups";
	c.email_claim = "email";
	c.avatar = "picture";
	c.userinfo = "auto";
	return c;
}

static struct jo_user
user(const char *json)
{
	struct jo_user	 u;

	memset(&u, 0, sizeof(u));
	u.sub = strdup("s1");
	u.claims = json_tokener_parse(json);
	assert_non_null(u.claims);
	return u;
}

static void
claims_by_whole_name_then_path(void **st)
{
	json_object	*o, *v;

	(void)st;
	o = json_tokener_parse("{\"realm_access\":{\"roles\":[\"a\",\"b\"]},"
	    "\"https://example.org/roles\":[\"x\"],\"a\":{\"b\":{\"c\":true}},"
	    "\"flat\":\"1\"}");
	assert_non_null(v = jo_claim(o, "realm_access.roles"));
	assert_true(json_object_is_type(v, json_type_array));
	assert_non_null(jo_claim(o, "https://example.org/roles"));
	assert_non_null(jo_claim(o, "a.b.c"));
	assert_null(jo_claim(o, "a.b.c.d"));
	assert_null(jo_claim(o, "a..b"));
	assert_null(jo_claim(o, "flat.x"));
	assert_null(jo_claim(o, "missing"));
	assert_true(jo_claim_matches(o, "realm_access.roles", "z, b"));
	assert_false(jo_claim_matches(o, "realm_access.roles", "ab"));
	assert_true(jo_claim_matches(o, "https://example.org/roles", "x"));
	assert_true(jo_claim_matches(o, "a.b.c", "true"));
	assert_true(jo_claim_matches(o, "flat", "1"));
	assert_false(jo_claim_matches(o, "a.b", "true"));	/* its keys: "c" */
	assert_true(jo_claim_matches(o, "a.b", "x, c"));
	json_object_put(o);
}

/* A flags object holds a key only with a value that says so; a
 * namespaced claim's name is never read as a path (hardening 23.7). */
static void
flags_and_namespaced_names(void **st)
{
	json_object	*o;

	(void)st;
	o = json_tokener_parse("{\"f\":{\"zero\":0,\"zf\":0.0,\"empty\":\"\","
	    "\"obj\":{},\"arr\":[],\"no\":false,\"nil\":null,"
	    "\"one\":1,\"yes\":true,\"s\":\"x\",\"o\":{\"k\":1},\"a\":[0],"
	    "\"sf\":\"false\",\"sF\":\"FALSE\",\"s0\":\"0\",\"st\":\"true\"},"
	    "\"https://example\":{\"org/perms\":[\"mods\"]}}");
	assert_false(jo_claim_matches(o, "f",
	    "zero, zf, empty, obj, arr, no, nil, sf, sF, s0"));
	assert_true(jo_claim_matches(o, "f", "st"));
	assert_true(jo_claim_matches(o, "f", "one"));
	assert_true(jo_claim_matches(o, "f", "yes"));
	assert_true(jo_claim_matches(o, "f", "s"));
	assert_true(jo_claim_matches(o, "f", "o"));
	assert_true(jo_claim_matches(o, "f", "a"));
	/* the token lacks "https://example.org/perms": not found through
	 * the object another key spelled */
	assert_null(jo_claim(o, "https://example.org/perms"));
	assert_false(jo_claim_matches(o, "https://example.org/perms", "mods"));
	json_object_put(o);
	/* a path into a namespaced claim escapes the host's dots */
	o = json_tokener_parse("{\"https://example.org/app\":{\"roles\":"
	    "[\"mod\"]}}");
	assert_true(jo_claim_matches(o, "https://example\\.org/app.roles",
	    "mod"));
	json_object_put(o);
}

static void
name_chain_and_avatar(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	char		 why[256];

	(void)st;
	u = user("{\"given_name\":\"Gina\",\"family_name\":\"Given\","
	    "\"email\":\"G@x.org\",\"picture\":\"http://insecure/p.png\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_string_equal(u.name, "Gina Given");
	/* an http picture is not used: Gravatar instead */
	assert_non_null(strstr(u.avatar, "gravatar.com"));
	assert_true(u.moderator);
	jo_user_free(&u);

	u = user("{\"email\":\"jo@x.org\",\"name\":\"\",\"picture\":"
	    "\"https://p.example/a b\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_string_equal(u.name, "jo");	/* empty name: e-mail local part */
	assert_non_null(strstr(u.avatar, "gravatar.com"));
	jo_user_free(&u);

	u = user("{\"email\":\"no-at-sign\",\"name\":\"N\\u0000ul\"}");
	c.avatar = "none";
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_null(u.email);
	assert_null(u.name);	/* an escaped NUL is not a name */
	assert_null(u.avatar);
	jo_user_free(&u);
}

static void
rules_refuse_in_plain_words(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	char		 why[256];

	(void)st;
	c.allowed_email_domains = "example.org";
	u = user("{\"email\":\"a@evil.example\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_string_equal(why, "e-mail addresses at evil.example may not "
	    "join meetings here");
	jo_user_free(&u);
	/* the domain is the part after the last '@' */
	u = user("{\"email\":\"\\\"a@example.org\\\"@evil.example\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	jo_user_free(&u);
	/* an unverified address does not prove its domain */
	u = user("{\"email\":\"m@example.org\",\"email_verified\":false}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not verified"));
	jo_user_free(&u);
	u = user("{\"email\":\"m@example.org\"}");	/* not sent: accepted */
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	jo_user_free(&u);
	u = user("{\"name\":\"No Mail\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "did not tell us your e-mail"));
	jo_user_free(&u);

	c = config();
	c.require_email_verified = 1;
	u = user("{\"email\":\"a@x.org\",\"email_verified\":\"true\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	jo_user_free(&u);
	u = user("{\"email\":\"a@x.org\",\"email_verified\":1}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	jo_user_free(&u);

	c = config();
	c.allowed_groups = "staff";
	c.groups_claim = "realm_access.roles";
	u = user("{\"realm_access\":{\"roles\":\"staff\"}}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	jo_user_free(&u);
	u = user("{\"realm_access\":{\"roles\":[\"staffer\"]}}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	jo_user_free(&u);
}

static void
moderator_group_and_userinfo(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	json_object	*ui;
	char		 why[256];

	(void)st;
	c.moderator = "claim";
	c.moderator_claim = "groups";
	c.moderator_values = "admins";
	c.group_claim = "groups";
	u = user("{\"sub\":\"s1\",\"email\":\"a@x.org\",\"name\":\"A\"}");
	assert_true(jo_profile_wants_userinfo(&c, u.claims));
	ui = json_tokener_parse("{\"sub\":\"s1\",\"groups\":[\"admins\"],"
	    "\"name\":\"Other\"}");
	assert_int_equal(jo_profile_merge(u.claims, ui, why, sizeof(why)), 0);
	json_object_put(ui);
	assert_false(jo_profile_wants_userinfo(&c, u.claims));
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_true(u.moderator);
	assert_string_equal(u.group, "admins");
	assert_string_equal(u.name, "A");	/* the ID token's wins */
	ui = json_tokener_parse("{\"sub\":\"s2\"}");
	assert_int_equal(jo_profile_merge(u.claims, ui, why, sizeof(why)), -1);
	assert_string_equal(why, "userinfo sub is not the ID token's");
	json_object_put(ui);
	ui = json_tokener_parse("{\"groups\":[]}");
	assert_int_equal(jo_profile_merge(u.claims, ui, why, sizeof(why)), -1);
	json_object_put(ui);
	c.userinfo = "never";
	assert_false(jo_profile_wants_userinfo(&c, u.claims));
	c.userinfo = "always";
	assert_true(jo_profile_wants_userinfo(&c, u.claims));
	jo_user_free(&u);
}

/* A userinfo key spelled like a path never shadows the ID token's claim
 * at that path. */
static void
userinfo_dotted_key_does_not_shadow_id_token_path(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	json_object	*ui;
	char		 why[256];

	(void)st;
	c.moderator = "claim";
	c.moderator_claim = "realm_access.roles";
	c.moderator_values = "jitsi-admins";
	u = user("{\"sub\":\"s1\",\"email\":\"a@x.org\",\"name\":\"A\","
	    "\"realm_access\":{\"roles\":[\"user\"]}}");
	ui = json_tokener_parse("{\"sub\":\"s1\","
	    "\"realm_access.roles\":[\"jitsi-admins\"],\"extra\":1}");
	assert_int_equal(jo_profile_merge(u.claims, ui, why, sizeof(why)), 0);
	json_object_put(ui);
	assert_false(json_object_object_get_ex(u.claims, "realm_access.roles",
	    NULL));
	assert_true(json_object_object_get_ex(u.claims, "extra", NULL));
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_false(u.moderator);
	jo_user_free(&u);
}

/* A segment holding dots (Keycloak's client roles, keyed by a client
 * id such as meet.example.org), and Zitadel's roles object. */
static void
claim_shapes_of_keycloak_and_zitadel(void **st)
{
	json_object	*o;

	(void)st;
	o = json_tokener_parse("{\"resource_access\":{\"meet.example.org\":"
	    "{\"roles\":[\"moderator\"]}},"
	    "\"resource_access.meet.example.org.roles\":[\"planted\"],"
	    "\"urn:zitadel:iam:org:project:roles\":{\"moderator\":"
	    "{\"2450\":\"acme.zitadel.cloud\"},\"viewer\":{\"2450\":\"a\"}},"
	    "\"a.b\":{\"c\":\"dotted key\"}}");
	assert_true(jo_claim_matches(o,
	    "resource_access.meet\\.example\\.org.roles", "moderator"));
	/* a key spelled like the unescaped path is not the path */
	assert_false(jo_claim_matches(o,
	    "resource_access.meet\\.example\\.org.roles", "planted"));
	assert_null(jo_claim(o, "resource_access.meet.example.org.roles.x"));
	assert_non_null(jo_claim(o, "a\\.b.c"));
	assert_null(jo_claim(o, "a\\.b."));
	assert_true(jo_claim_matches(o, "urn:zitadel:iam:org:project:roles",
	    "moderator"));
	assert_true(jo_claim_matches(o, "urn:zitadel:iam:org:project:roles",
	    "admin, viewer"));
	assert_false(jo_claim_matches(o, "urn:zitadel:iam:org:project:roles",
	    "acme.zitadel.cloud"));
	json_object_put(o);
}

/* review3: an object matches on its keys, but a key whose value says
 * "no" is not a value the user has: {"moderator": false} is a user who
 * is not one (a provider's flags object), and so is null. */
static void
review3_object_key_set_to_false_does_not_match(void **st)
{
	json_object	*o;

	(void)st;
	o = json_tokener_parse("{\"perms\":{\"moderator\":false,"
	    "\"lobby\":null,\"member\":true,\"org\":{\"1\":\"a\"},"
	    "\"empty\":{},\"zero\":0,\"text\":\"false\"}}");
	assert_false(jo_claim_matches(o, "perms", "moderator"));
	assert_false(jo_claim_matches(o, "perms", "lobby"));
	assert_true(jo_claim_matches(o, "perms", "member"));
	assert_true(jo_claim_matches(o, "perms", "org"));
	/* an empty object holds nothing (hardening 23.7) */
	assert_false(jo_claim_matches(o, "perms", "empty"));
	assert_false(jo_claim_matches(o, "perms", "zero"));
	json_object_put(o);
}

/* Entra ID's group overage: "groups" left out, pointed at by
 * _claim_names.  Never a silent "not a member". */
static void
group_overage_is_said_not_silent(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	char		 why[512];
	const char	*idt = "{\"sub\":\"s1\",\"email\":\"a@x.org\","
	    "\"_claim_names\":{\"groups\":\"src1\"},\"_claim_sources\":"
	    "{\"src1\":{\"endpoint\":\"https://graph.microsoft.com/v1.0/"
	    "users/s1/getMemberObjects\"}},\"roles\":[\"Jitsi.Moderator\"]}";

	(void)st;
	c.allowed_groups = "staff";
	u = user(idt);
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "too many groups"));
	assert_non_null(strstr(why, "allowed_groups"));
	assert_non_null(strstr(why, "\"roles\""));
	jo_user_free(&u);

	c = config();
	c.moderator = "claim";
	c.moderator_claim = "groups";
	c.moderator_values = "admins";
	u = user(idt);
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "moderator_claim"));
	jo_user_free(&u);

	/* app roles, as the page advises: decided */
	c.moderator_claim = "roles";
	c.moderator_values = "Jitsi.Moderator";
	u = user(idt);
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_true(u.moderator);
	jo_user_free(&u);

	/* no _claim_names: a plain non-member, as before */
	c = config();
	c.allowed_groups = "staff";
	u = user("{\"sub\":\"s1\",\"email\":\"a@x.org\"}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not in a group"));
	jo_user_free(&u);
}

/* The token rules: each decided from the claims at login;
 * a claim rule on a claim the ID token lacks asks for userinfo; a
 * moderator is never a visitor. */
static void
token_rules_from_claims(void **st)
{
	struct jo_config c = config();
	struct jo_user	 u;
	char		 why[256];

	(void)st;
	c.lobby_bypass = (struct jo_rule){ "claim", "groups", "staff, hosts" };
	c.hidden = (struct jo_rule){ "claim", "realm_access.roles", "quiet" };
	c.visitor = (struct jo_rule){ "all", NULL, NULL };
	c.features_claim = "groups";
	c.features_values = "recorders";
	c.moderator = "claim";
	c.moderator_claim = "groups";
	c.moderator_values = "hosts";
	u = user("{\"sub\":\"s1\",\"email\":\"a@x.org\",\"name\":\"A\","
	    "\"groups\":[\"staff\",\"recorders\"],"
	    "\"realm_access\":{\"roles\":[\"quiet\"]}}");
	assert_false(jo_profile_wants_userinfo(&c, u.claims));
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_false(u.moderator);
	assert_true(u.lobby_bypass);
	assert_true(u.hidden);
	assert_true(u.visitor);
	assert_true(u.features_claim);
	jo_user_free(&u);
	/* a host: moderator, so not a visitor; no "quiet" role */
	u = user("{\"sub\":\"s1\",\"email\":\"a@x.org\",\"name\":\"A\","
	    "\"groups\":[\"hosts\"]}");
	assert_true(jo_profile_wants_userinfo(&c, u.claims));
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_true(u.moderator);
	assert_true(u.lobby_bypass);
	assert_false(u.hidden);
	assert_false(u.visitor);
	assert_false(u.features_claim);
	jo_user_free(&u);
	/* groups left out for a distributed claim (Entra's overage):
	 * said, not taken for "not in the group" */
	u = user("{\"sub\":\"s1\",\"groups\":[\"hosts\"],"
	    "\"_claim_names\":{\"roles\":\"src1\"}}");
	c.hidden = (struct jo_rule){ "claim", "roles", "quiet" };
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "so hidden_from_recorder_claim cannot "
	    "be decided"));
	jo_user_free(&u);
	/* none, and a mode that no file gave (NULL): nothing */
	c.lobby_bypass.mode = "none";
	c.hidden.mode = NULL;
	c.visitor.mode = "none";
	u = user("{\"sub\":\"s1\",\"groups\":[\"staff\"],"
	    "\"realm_access\":{\"roles\":[\"quiet\"]}}");
	assert_int_equal(jo_profile_build(&c, &u, why, sizeof(why)), 0);
	assert_false(u.lobby_bypass);
	assert_false(u.hidden);
	assert_false(u.visitor);
	jo_user_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(claims_by_whole_name_then_path),
		cmocka_unit_test(flags_and_namespaced_names),
		cmocka_unit_test(name_chain_and_avatar),
		cmocka_unit_test(rules_refuse_in_plain_words),
		cmocka_unit_test(moderator_group_and_userinfo),
		cmocka_unit_test(userinfo_dotted_key_does_not_shadow_id_token_path),
		cmocka_unit_test(claim_shapes_of_keycloak_and_zitadel),
		cmocka_unit_test(review3_object_key_set_to_false_does_not_match),
		cmocka_unit_test(group_overage_is_said_not_silent),
		cmocka_unit_test(token_rules_from_claims),
	};

	return RUN(tests);
}
