/* cmd.c -- see cmd.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "oidc.h"
#include "url.h"
#include "util.h"

/* What the token's context.features will say, audience by audience:
 * once a token has it, Jitsi turns off what it does not grant. */
static void
print_features(const struct jo_config *c)
{
	struct jo_buf	 b = { 0 };
	unsigned long	 full = 0, on;
	size_t		 i;

	if (!c->features) {
		printf("features      none in the token: Jitsi's own defaults\n");
		return;
	}
	for (i = 0; jo_jitsi_features[i] != NULL; i++)
		full |= 1UL << i;
	on = c->feat_all | c->feat_mod | c->feat_claimed;
	jo_feature_names(c->feat_all, &b);
	printf("features      everyone: %s\n", b.p);
	b.len = 0;
	jo_feature_names(c->feat_mod & ~c->feat_all, &b);
	printf("features      and moderators: %s\n", b.p);
	if (c->features_claim != NULL) {
		b.len = 0;
		jo_feature_names(c->feat_claimed & ~c->feat_all, &b);
		printf("features      and whose %s holds one of %s: %s\n",
		    c->features_claim, c->features_values, b.p);
	}
	b.len = 0;
	jo_feature_names(full & ~on, &b);
	printf("features      off for everyone, moderators included: %s\n",
	    b.p);
	jo_buf_free(&b);
}

/* Jitsi takes the popup's token and the silent logout's answer only
 * from its own origin: a warning, not a failure (the classic login
 * still works). */
static void
warn_origins(const struct jo_config *c)
{
	if (!jo_same_origin(c->public_url, c->jitsi_url))
		printf("warning       public_url (%s) and jitsi_url (%s) are "
		    "not one origin: Jitsi drops the messages of its login "
		    "popup (tokenAuthInline) and of its silent logout from "
		    "another origin; serve the adapter under jitsi_url for "
		    "them\n", c->public_url, c->jitsi_url);
}

int
jo_cmd_check_config(void)
{
	struct jo_config	 c;
	struct jo_provider	 p;
	struct jo_keys		 ks;
	char			 why[8192];
	size_t			 i;
	int			 rc = 1, cache_bad = 0;

	jo_log_route("check-config");
	if (jo_config_load(jo_config_path(environ, 0), &c, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("config        %s: ok\n", jo_config_path(environ, 0));
	printf("issuer        %s\n", c.issuer);
	printf("redirect_uri  %s\n", c.redirect_uri);
	printf("cookies       Path=%s%s; HttpOnly; SameSite=Lax\n",
	    c.cookie_path, c.cookie_secure ? "; Secure" : "");
	print_features(&c);
	warn_origins(&c);
	/* a cache_dir that cannot be used fails the check, yet the rest
	 * is checked, uncached (logged once: the requests' warning) */
	if (jo_cache_dir_ok(&c, why, sizeof(why)) == 0)
		printf("cache_dir     %s: ok\n", c.cache_dir);
	else {
		jo_cache_warn("%s", why);
		cache_bad = 1;
	}
	if (jo_discover(&c, &p, why, sizeof(why)) == -1) {
		fprintf(stderr, "discovery: %s\n", why);
		goto end;
	}
	printf("authorization %s\n", p.authorization_endpoint);
	printf("token         %s\n", p.token_endpoint);
	printf("jwks          %s\n", p.jwks_uri);
	if (jo_jwks_load(&c, &p, 0, &ks, why, sizeof(why)) == -1) {
		fprintf(stderr, "jwks: %s\n", why);
		jo_provider_free(&p);
		goto end;
	}
	for (i = 0; i < ks.n; i++)
		printf("key           kid=%s %s%s%s %d bits%s\n",
		    ks.v[i].kid ? ks.v[i].kid : "(none)", ks.v[i].kty,
		    ks.v[i].crv ? " " : "", ks.v[i].crv ? ks.v[i].crv : "",
		    ks.v[i].bits, ks.v[i].pem ? "" : " (too weak, unused)");
	jo_keys_free(&ks);
	jo_provider_free(&p);
	rc = cache_bad;
end:
	jo_config_free(&c);
	return rc;
}

/* The file name Jitsi's key server mode fetches the public key as. */
int
jo_cmd_asap_key_name(void)
{
	struct jo_config	 c;
	char			 why[8192], *hex;

	jo_log_route("asap-key-name");
	if (jo_config_load(jo_config_path(environ, 0), &c, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (c.jitsi_kid == NULL) {
		fprintf(stderr, "%s: jitsi_kid is not set (jitsi_signing = "
		    "RS256 needs it)\n", jo_config_path(environ, 0));
		jo_config_free(&c);
		return 1;
	}
	hex = jo_sha256_hex(c.jitsi_kid, strlen(c.jitsi_kid));
	printf("%s.pem\n", hex);
	free(hex);
	jo_config_free(&c);
	return 0;
}
