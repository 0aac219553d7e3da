/* Unit tests: configuration parsing, each error case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "config.h"

#define BASE \
	"issuer = https://idp.example.com/realms/x\n" \
	"client_id = jitsi\n" \
	"client_secret = s3cret#with-hash\n" \
	"public_url = https://meet.example.org/oidc/\n" \
	"jitsi_url = https://meet.example.org\n" \
	"jitsi_app_id = app\n" \
	"jitsi_app_secret = jitsisecret-0123456789abcdefghijkl\n" \
	"cookie_secret = 0123456789abcdef0123456789abcdef\n"

static int
parse(const char *text, struct jo_config *c, char *why, size_t wl)
{
	return jo_config_parse("test.conf", text, strlen(text), c, why, wl);
}

static void
defaults_are_filled_in(void **st)
{
	struct jo_config c;
	char		 why[512];

	(void)st;
	assert_int_equal(parse(BASE, &c, why, sizeof(why)), 0);
	assert_string_equal(c.scope, "openid profile email");
	assert_string_equal(c.jitsi_audience, "jitsi");
	assert_string_equal(c.jitsi_subject, "meet.example.org");
	assert_int_equal(c.token_lifetime, 3600);
	assert_int_equal(c.http_timeout, 10);
	assert_string_equal(c.cache_dir, "/var/cache/jitsi-oidc");
	assert_string_equal(c.redirect_uri,
	    "https://meet.example.org/oidc/redirect");
	assert_string_equal(c.cookie_path, "/oidc");
	assert_true(c.cookie_secure);
	jo_config_free(&c);
}

static void
hash_inside_a_value_is_kept_and_comments_and_blanks_skipped(void **st)
{
	struct jo_config c;
	char		 why[512];

	(void)st;
	assert_int_equal(parse("# a comment\n\n   # indented comment\n"
	    "\t\n" BASE "  scope  =  openid   email  \r\n", &c, why,
	    sizeof(why)), 0);
	assert_string_equal(c.client_secret, "s3cret#with-hash");
	assert_string_equal(c.scope, "openid   email");
	jo_config_free(&c);
}

static void
expect_error(const char *text, const char *msg)
{
	struct jo_config c;
	char		 why[1024] = "";

	assert_int_equal(parse(text, &c, why, sizeof(why)), -1);
	if (strstr(why, msg) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", msg, why);
}

static void
errors_name_file_line_and_key(void **st)
{
	(void)st;
	expect_error(BASE "colour = blue\n", "test.conf:9: colour: unknown key");
	expect_error(BASE "client_id = x\n", "test.conf:9: client_id: duplicate key");
	expect_error("\n" BASE "nonsense\n", "test.conf:10: line without '='");
	expect_error(BASE "token_lifetime = 299\n",
	    "test.conf:9: token_lifetime: expected whole seconds from 300");
	expect_error(BASE "token_lifetime = 3600s\n", "token_lifetime: expected");
	expect_error(BASE "token_lifetime = -1\n", "token_lifetime: expected");
	expect_error(BASE "http_timeout = 0\n", "http_timeout: expected");
	expect_error(BASE "scope =\n", "test.conf:9: scope: empty value");
	expect_error(BASE "scope = email\n", "scope: must contain \"openid\"");
	expect_error(BASE "client_secret_file = /x\n",
	    "client_secret_file: conflicts with client_secret");
	expect_error(BASE "jitsi_app_secret_file = /nonexistent/x\n",
	    "conflicts");
	expect_error("issuer = http://idp.example.com\n", "test.conf:1: issuer: "
	    "URL must use https://");
	expect_error("issuer = https://idp.example.com/?a=b\n",
	    "issuer: URL must not have a query");
	expect_error("issuer = https://idp\\x.com\n", "issuer: URL contains");
	expect_error("", "issuer: required key missing");
	expect_error("= value\n", "test.conf:1: : unknown key");
}

static void
a_line_without_equals_is_not_echoed(void **st)
{
	struct jo_config c;
	char		 why[4096] = "";

	(void)st;
	/* a forgotten "=" must not put the secret into the error log */
	assert_int_equal(parse(BASE "client_secret   TopSecretValue-0123\n", &c,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "test.conf:9: line without '='"));
	assert_null(strstr(why, "TopSecret"));
	/* a base64 secret ends in '=': the line has one,
	 * and its "key" is the whole line; only its first word is shown */
	assert_int_equal(parse(BASE "client_secret S3cr3tValue0123xyz==\n", &c,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "test.conf:9: client_secret: unknown key "
	    "(a key is one word: is the '=' missing after it?)"));
	assert_null(strstr(why, "S3cr3t"));
	assert_int_equal(parse(BASE "cookie_secret\tAbCdEfGh0123456789==x=\n",
	    &c, why, sizeof(why)), -1);
	assert_null(strstr(why, "AbCdEf"));
}

/* review: the "first word" of an unparsable line can be the whole secret:
 * a base64 secret (padded with '=') pasted on a line of its own, e.g.
 * wrapped under "client_secret =" */
static void
review_a_secret_on_a_line_of_its_own_is_not_echoed(void **st)
{
	struct jo_config c;
	char		 why[4096] = "";

	(void)st;
	assert_int_equal(parse(BASE "  Zm9vYmFyU2VjcmV0VmFsdWUwMTIzNDU2Nzg5==\n",
	    &c, why, sizeof(why)), -1);
	assert_null(strstr(why, "Zm9vYmFy"));
}

/* BASE with one value replaced (the value must be in BASE). */
static char *
base_with(const char *from, const char *to)
{
	const char	*at = strstr(BASE, from);
	char		*t;

	assert_non_null(at);
	t = malloc(strlen(BASE) + strlen(to) + 1);
	sprintf(t, "%.*s%s%s", (int)(at - BASE), BASE, to, at + strlen(from));
	return t;
}

/* review: a URL with credentials in it is refused -- and echoed, password
 * and all, into every request's log line and by --check-config */
static void
review_a_url_with_a_password_is_not_echoed(void **st)
{
	struct jo_config c;
	char		 why[4096] = "", *t;

	(void)st;
	t = base_with("https://idp.example.com/realms/x",
	    "https://admin:Pa55w0rdSecret@idp.example.com/realms/x");
	assert_int_equal(parse(t, &c, why, sizeof(why)), -1);
	assert_null(strstr(why, "Pa55w0rd"));
	free(t);
}

/* an HS256 Jitsi secret shorter than the hash. */
static void
short_jitsi_app_secret_refused(void **st)
{
	struct jo_config c;
	char		 why[1024], *t;

	(void)st;
	t = base_with("jitsisecret-0123456789abcdefghijkl", "abc");
	assert_int_equal(parse(t, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "jitsi_app_secret: 3 bytes, at least 32 "
	    "are needed"));
	assert_non_null(strstr(why, "openssl rand"));
	assert_non_null(strstr(why, "Prosody's app_secret"));
	assert_non_null(strstr(why, "JWT_APP_SECRET"));
	free(t);
	t = base_with("jitsisecret-0123456789abcdefghijkl",
	    "0123456789abcdef0123456789abcde");
	assert_int_equal(parse(t, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "31 bytes, at least 32"));
	free(t);
	t = base_with("jitsisecret-0123456789abcdefghijkl",
	    "0123456789abcdef0123456789abcdeF");
	assert_int_equal(parse(t, &c, why, sizeof(why)), 0);
	jo_config_free(&c);
	free(t);
}

static void
short_cookie_secret_refused(void **st)
{
	struct jo_config c;
	char		 why[512], *t;

	(void)st;
	t = strdup(BASE);
	*strstr(t, "0123456789abcdef0123456789abcdef") = '\0';
	strcat(t, "0123456789abcdef0123456789abcde\n");
	assert_int_equal(parse(t, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cookie_secret: must be at least 32 bytes, got 31"));
	free(t);
}

static void
secret_files_are_read_and_newline_stripped(void **st)
{
	struct jo_config c;
	char		 why[512], path[] = "/tmp/jo-secret-XXXXXX", *text;
	FILE		*f;
	int		 fd;

	(void)st;
	assert_true((fd = mkstemp(path)) != -1);
	f = fdopen(fd, "w");
	fputs("from-a-file-0123456789abcdef0123456789\n", f);
	fclose(f);
	text = NULL;
	assert_true(asprintf(&text,
	    "issuer = https://idp.example.com\nclient_id = j\n"
	    "client_secret_file = %s\npublic_url = https://m/oidc\n"
	    "jitsi_url = https://m\njitsi_app_id = a\n"
	    "jitsi_app_secret_file = %s\ncookie_secret_file = %s\n",
	    path, path, path) > 0);
	assert_int_equal(parse(text, &c, why, sizeof(why)), 0);
	assert_string_equal(c.client_secret,
	    "from-a-file-0123456789abcdef0123456789");
	assert_string_equal(c.cookie_secret, c.jitsi_app_secret);
	jo_config_free(&c);
	free(text);
	unlink(path);
	expect_error("issuer = https://i\nclient_secret_file = /nonexistent\n",
	    "test.conf:2: client_secret_file: cannot open \"/nonexistent\"");
}

static void
issue6_defaults(void **st)
{
	struct jo_config c;
	char		 why[512];

	(void)st;
	assert_int_equal(parse(BASE, &c, why, sizeof(why)), 0);
	assert_string_equal(c.moderator, "all");
	assert_string_equal(c.groups_claim, "groups");
	assert_string_equal(c.email_claim, "email");
	assert_string_equal(c.avatar, "picture");
	assert_string_equal(c.userinfo, "auto");
	assert_string_equal(c.room_claim, "room");
	assert_string_equal(c.jitsi_signing, "HS256");
	assert_string_equal(c.app_scheme_mobile, "org.jitsi.meet");
	assert_string_equal(c.app_scheme_desktop, "jitsi-meet");
	assert_string_equal(c.post_logout_redirect_uri,
	    "https://meet.example.org/");
	assert_int_equal(c.session_lifetime, 8 * 3600);
	assert_false(c.require_email_verified);
	assert_false(c.guests);
	assert_null(c.prompt);
	assert_null(c.cookie_secret_old);
	jo_config_free(&c);
	/* a moderator_claim alone means moderator = claim; 0 is kept */
	assert_int_equal(parse(BASE "moderator_claim = realm_access.roles\n"
	    "moderator_values = admin, staff\nsession_lifetime = 0\n"
	    "guests = yes\nrequire_email_verified = true\n"
	    "prompt = login consent\n", &c, why, sizeof(why)), 0);
	assert_string_equal(c.moderator, "claim");
	assert_int_equal(c.session_lifetime, 0);
	assert_true(c.guests);
	assert_true(c.require_email_verified);
	jo_config_free(&c);
}

/* The token rules: lobby bypass, hidden from the recorder,
 * visitor (the moderator's shape) and context.features. */
static void
token_rules_defaults_and_shape(void **st)
{
	struct jo_config c;
	char		 why[512], print[33];

	(void)st;
	assert_int_equal(parse(BASE, &c, why, sizeof(why)), 0);
	assert_string_equal(c.lobby_bypass.mode, "none");
	assert_string_equal(c.hidden.mode, "none");
	assert_string_equal(c.visitor.mode, "none");
	assert_false(c.features);
	memcpy(print, c.print, sizeof(print));
	jo_config_free(&c);
	/* written out as their defaults: the same fingerprint, so the
	 * sessions made before these keys existed stay valid */
	assert_int_equal(parse(BASE "lobby_bypass = none\n"
	    "hidden_from_recorder = none\nvisitor = none\n", &c, why,
	    sizeof(why)), 0);
	assert_string_equal(c.print, print);
	jo_config_free(&c);
	/* a claim alone means claim; a rule set changes the fingerprint */
	assert_int_equal(parse(BASE "lobby_bypass_claim = groups\n"
	    "lobby_bypass_values = staff\nvisitor = all\n", &c, why,
	    sizeof(why)), 0);
	assert_string_equal(c.lobby_bypass.mode, "claim");
	assert_string_equal(c.visitor.mode, "all");
	assert_string_not_equal(c.print, print);
	jo_config_free(&c);
	expect_error(BASE "lobby_bypass = some\n",
	    "lobby_bypass: expected one of all|none|claim, got \"some\"");
	expect_error(BASE "hidden_from_recorder = claim\n",
	    "hidden_from_recorder: \"claim\" needs hidden_from_recorder_claim "
	    "and hidden_from_recorder_values");
	expect_error(BASE "visitor = all\nvisitor_values = x\n",
	    "visitor_claim, visitor_values: used only with visitor = claim "
	    "(visitor is \"all\")");
}

static void
features_name_every_feature(void **st)
{
	struct jo_config c;
	char		 why[1024];
	size_t		 n;

	(void)st;
	for (n = 0; jo_jitsi_features[n] != NULL; n++)
		;
	assert_int_equal(n, 20);
	assert_int_equal(parse(BASE "features_all = screen-sharing, "
	    "send-groupchat,create-polls\nfeatures_moderators = recording, "
	    "livestreaming\nfeatures_claimed = transcription, recording\n"
	    "features_claim = groups\nfeatures_values = staff\n"
	    "features_off = others\n", &c, why, sizeof(why)), 0);
	assert_true(c.features);
	assert_int_equal(c.feat_all, (1UL << 13) | (1UL << 14) | (1UL << 2));
	assert_int_equal(c.feat_mod, (1UL << 11) | (1UL << 6));
	assert_int_equal(c.feat_claimed, (1UL << 19) | (1UL << 11));
	jo_config_free(&c);
	/* a feature nobody named would be off without a word: refused,
	 * naming what is missing */
	expect_error(BASE "features_moderators = recording\n",
	    "moderators included: name each in features_all, "
	    "features_moderators, features_claimed or features_off "
	    "(features_off = others for the rest); not named: branding, "
	    "calendar, create-polls,");
	expect_error(BASE "features_all = recording, screensharing\n"
	    "features_off = others\n",
	    "features_all: \"screensharing\" is not one of Jitsi's features");
	expect_error(BASE "features_all = recording\nfeatures_off = "
	    "recording, others\n", "features_off: \"others\" is not one");
	expect_error(BASE "features_all = recording, flip\nfeatures_off = "
	    "flip, branding\n", "features_off: flip also granted");
	expect_error(BASE "features_claimed = recording\nfeatures_off = "
	    "others\n", "features_claimed, features_claim, features_values: "
	    "go together");
	expect_error(BASE "features_claim = groups\nfeatures_values = x\n"
	    "features_off = others\n", "go together");
	/* features_off = others alone: every feature off, said aloud */
	assert_int_equal(parse(BASE "features_off = others\n", &c, why,
	    sizeof(why)), 0);
	assert_true(c.features);
	assert_int_equal(c.feat_all | c.feat_mod | c.feat_claimed, 0);
	jo_config_free(&c);
}

static void
issue6_errors(void **st)
{
	(void)st;
	expect_error(BASE "moderator = some\n",
	    "test.conf:9: moderator: expected one of all|none|claim, got \"some\"");
	expect_error(BASE "moderator = claim\n",
	    "moderator: \"claim\" needs moderator_claim and moderator_values");
	expect_error(BASE "moderator = all\nmoderator_values = x\n",
	    "used only with moderator = claim");
	expect_error(BASE "avatar = selfie\n", "avatar: expected one of");
	expect_error(BASE "guests = maybe\n", "guests: expected yes or no");
	expect_error(BASE "prompt = none login\n", "prompt: expected none");
	expect_error(BASE "prompt = always\n", "prompt: expected none");
	expect_error(BASE "app_scheme_mobile = 1x\n",
	    "app_scheme_mobile: not a URL scheme");
	expect_error(BASE "app_scheme_desktop = a/b\n",
	    "app_scheme_desktop: not a URL scheme");
	expect_error(BASE "session_lifetime = 2592001\n",
	    "session_lifetime: expected whole seconds from 0 to 2592000");
	expect_error(BASE "jitsi_signing = RS256\n",
	    "RS256 needs jitsi_private_key_file and jitsi_kid");
	expect_error(BASE "jitsi_kid = k\n",
	    "used only with jitsi_signing = RS256");
	expect_error(BASE "cookie_secret_old = short\n",
	    "cookie_secret_old: must be at least 32 bytes, got 5");
	expect_error(BASE "post_logout_redirect_uri = http://evil.example/\n",
	    "post_logout_redirect_uri: URL must use https://");
	expect_error(BASE "jitsi_signing = HS512\n", "expected one of HS256|RS256");
	expect_error(BASE "app_package_android = org\n", "app_package_android: "
	    "not an Android package name");
	expect_error(BASE "app_package_android = org.1jitsi\n",
	    "app_package_android: not");
	expect_error(BASE "app_package_android = org..jitsi\n",
	    "app_package_android: not");
	expect_error(BASE "app_package_android = org.jitsi;end\n",
	    "app_package_android: not");
}

static void
lists_match_whole_items(void **st)
{
	(void)st;
	assert_true(jo_list_has("a, staff ,b", "staff", 0));
	assert_true(jo_list_has("Example.ORG", "example.org", 1));
	assert_false(jo_list_has("Example.ORG", "example.org", 0));
	assert_false(jo_list_has("staff2,xstaff", "staff", 0));
	assert_false(jo_list_has("", "", 0));
	assert_false(jo_list_has(NULL, "a", 0));
	assert_false(jo_list_has(",,", "a", 0));
}

static void
load_reports_a_missing_file(void **st)
{
	struct jo_config c;
	char		 why[512];

	(void)st;
	assert_int_equal(jo_config_load("/nonexistent.conf", &c, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "/nonexistent.conf: cannot open"));
}

/* The example's and the docs' placeholders, and secrets that
 * are obviously not random, are refused with how to make one. */
#define SECRETS_BASE \
	"issuer = https://idp.example.com/realms/x\n" \
	"client_id = jitsi\n" \
	"public_url = https://meet.example.org/oidc\n" \
	"jitsi_url = https://meet.example.org\n" \
	"jitsi_app_id = app\n"

static void
placeholder_secrets_refused(void **st)
{
	const struct {
		const char	*text, *why;
	} bad[] = {
		{ "client_secret = change-me\n", "client_secret: a placeholder "
		    "from the example, not a secret; use the secret the provider issued" },
		{ "cookie_secret = change-me-to-at-least-32-random-bytes-of-"
		    "secret\n", "cookie_secret: a placeholder from the example, not a "
		    "secret; make one with: openssl rand -base64 48" },
		{ "jitsi_app_secret = change-me-to-the-same-secret-as-jitsi\n",
		    "jitsi_app_secret: a placeholder" },
		{ "jitsi_app_secret = CHANGEME0123456789abcdefghijklmnop\n",
		    "jitsi_app_secret: a placeholder" },
		{ "jitsi_app_secret = <jitsi_app_secret>\n", "jitsi_app_secret: "
		    "a placeholder" },
		{ "jitsi_app_secret = long-alphanumeric\n", "jitsi_app_secret: "
		    "the example value from the documentation" },
		{ "cookie_secret_old = the-previous-cookie-secret-of-at-least-"
		    "32-bytes\n", "cookie_secret_old: the example value" },
		{ "cookie_secret = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		    "cookie_secret: not random (fewer than 8 different bytes); "
		    "make one with: openssl rand -base64 48" },
		{ "cookie_secret = abcabcabcabcabcabcabcabcabcabcabcabc\n",
		    "cookie_secret: not random" },
		{ "jitsi_app_secret = 1234567123456712345671234567123456712\n",
		    "jitsi_app_secret: not random" },
	};
	const char	*ok = "client_secret = provider-issued\n"
	    "cookie_secret = 0123456789abcdef0123456789abcdef\n"
	    "jitsi_app_secret = 12345678123456781234567812345678\n";
	struct jo_config c;
	char		 why[2048], text[1024];
	size_t		 i;

	(void)st;
	snprintf(text, sizeof(text), "%s%s", SECRETS_BASE, ok);
	assert_int_equal(parse(text, &c, why, sizeof(why)), 0);
	jo_config_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the bad line replaces its key's good one */
		const char *eq = strchr(bad[i].text, '=');
		char line[200], *p;

		snprintf(text, sizeof(text), "%s%s", SECRETS_BASE, ok);
		snprintf(line, sizeof(line), "%.*s", (int)(eq - bad[i].text),
		    bad[i].text);
		if ((p = strstr(text, line)) != NULL &&
		    strncmp(line, "cookie_secret_old", 17) != 0)
			memmove(p, strchr(p, '\n') + 1, strlen(strchr(p, '\n')));
		strncat(text, bad[i].text, sizeof(text) - strlen(text) - 1);
		assert_int_equal(parse(text, &c, why, sizeof(why)), -1);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: got \"%s\"", bad[i].text, why);
		/* the secret itself is not echoed */
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(eq + 2, "\n"),
		    eq + 2);
		if (strlen(line) > 12)
			assert_null(strstr(why, line));
	}
}

/* The client and the network: defaults, and the rules between keys. */
static void
client_and_network_keys(void **st)
{
	struct jo_config c;
	char		 why[512];

	(void)st;
	assert_int_equal(parse(BASE, &c, why, sizeof(why)), 0);
	assert_string_equal(c.client_auth, "auto");
	assert_null(c.client_key);
	assert_null(c.proxy);
	assert_null(c.ca_file);
	assert_null(c.backchannel_url);
	jo_config_free(&c);
	/* a public client; the back channel's slash dropped */
	assert_int_equal(parse("issuer = https://idp.example.com/\n"
	    "client_id = jitsi\npublic_url = https://meet.example.org/oidc\n"
	    "jitsi_url = https://meet.example.org\njitsi_app_id = app\n"
	    "jitsi_app_secret = jitsisecret-0123456789abcdefghijkl\n"
	    "cookie_secret = 0123456789abcdef0123456789abcdef\n"
	    "backchannel_url = https://idp.internal/\n"
	    "proxy = socks5h://127.0.0.1:1080\n", &c, why, sizeof(why)), 0);
	assert_null(c.client_secret);
	assert_string_equal(c.backchannel_url, "https://idp.internal");
	jo_config_free(&c);
	expect_error(BASE "client_auth = private_key_jwt\n",
	    "client_auth: private_key_jwt needs client_key_file");
	expect_error(BASE "client_auth = none\n",
	    "client_auth: none is a public client, which has no client_secret");
	expect_error(BASE "client_auth = client_secret_jwt\n",
	    "client_auth: expected one of auto|client_secret_basic|");
	expect_error(BASE "client_kid = k1\n",
	    "client_kid: used only with client_key_file");
	expect_error(BASE "proxy = http://u:p@proxy:3128\n",
	    "proxy: a user or password in the proxy URL is not supported");
	expect_error(BASE "proxy = ftp://proxy\n", "proxy: expected http://");
	expect_error(BASE "ca_file = /nonexistent/ca.pem\n",
	    "ca_file: cannot open \"/nonexistent/ca.pem\"");
	expect_error(BASE "ca_file = /\n", "ca_file: \"/\" is not a regular");
	expect_error(BASE "backchannel_url = http://idp.internal\n",
	    "backchannel_url: ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_filled_in),
		cmocka_unit_test(hash_inside_a_value_is_kept_and_comments_and_blanks_skipped),
		cmocka_unit_test(errors_name_file_line_and_key),
		cmocka_unit_test(a_line_without_equals_is_not_echoed),
		cmocka_unit_test(review_a_secret_on_a_line_of_its_own_is_not_echoed),
		cmocka_unit_test(review_a_url_with_a_password_is_not_echoed),
		cmocka_unit_test(short_cookie_secret_refused),
		cmocka_unit_test(short_jitsi_app_secret_refused),
		cmocka_unit_test(secret_files_are_read_and_newline_stripped),
		cmocka_unit_test(load_reports_a_missing_file),
		cmocka_unit_test(issue6_defaults),
		cmocka_unit_test(issue6_errors),
		cmocka_unit_test(token_rules_defaults_and_shape),
		cmocka_unit_test(features_name_every_feature),
		cmocka_unit_test(client_and_network_keys),
		cmocka_unit_test(lists_match_whole_items),
		cmocka_unit_test(placeholder_secrets_refused),
	};

	return RUN(tests);
}
