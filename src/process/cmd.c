/* cmd.c -- see cmd.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "idtoken.h"
#include "jws.h"
#include "oidc.h"
#include "proto.h"
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

/* The client authentication a token request will use, and why; the
 * client key read as the token request will read it. */
static int
check_client(const struct jo_config *c, const struct jo_provider *p)
{
	const char	*method, *alg;
	char		 why[1024];
	int		 bits;

	if (jo_proto_client_auth(c, p, &method, why, sizeof(why)) == -1) {
		fprintf(stderr, "client auth: %s\n", why);
		return -1;
	}
	printf("client auth   %s (%s)\n", method, why);
	if (c->client_key == NULL)
		return 0;
	if (jo_jws_key_alg(c->client_key, &alg, &bits, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "client_key_file: %s\n", why);
		return -1;
	}
	printf("client key    %s, %d bits%s%s\n", alg, bits,
	    c->client_kid ? ", kid=" : "", c->client_kid ? c->client_kid : "");
	return 0;
}

/* The ID token algorithms the provider may use (its
 * id_token_signing_alg_values_supported) against those accepted here:
 * none in common fails, rather than the first login. */
static int
check_algs(const struct jo_config *c, const struct jo_provider *p,
    const struct jo_keys *ks)
{
	struct jo_idt_expect	 x;
	struct jo_buf		 ok = { 0 };
	const char		*s = p->idt_algs, *e;
	char			 alg[65];
	int			 rc = 0;

	memset(&x, 0, sizeof(x));
	x.secret = c->client_secret;
	x.algs = p->idt_algs;
	if (s == NULL) {
		printf("id_token algs the provider lists none: any of RS*, "
		    "PS*, ES* with a fitting key\n");
		return 0;
	}
	while (*s != '\0') {
		e = s + strcspn(s, ",");
		snprintf(alg, sizeof(alg), "%.*s", (int)(e - s), s);
		if (jo_idtoken_accepts(alg, ks, &x))
			jo_buf_addf(&ok, "%s%s", ok.len ? ", " : "", alg);
		s = *e == ',' ? e + 2 : e;
	}
	if (ok.len == 0) {
		fprintf(stderr, "id_token algs: the provider signs ID tokens "
		    "with %s; none of them is accepted here (RS*, PS*, ES* "
		    "need a fitting key in its JWKS, HS* the client_secret)\n",
		    p->idt_algs);
		rc = -1;
	} else
		printf("id_token algs %s accepted (the provider lists %s)\n",
		    ok.p, p->idt_algs);
	jo_buf_free(&ok);
	return rc;
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
	printf("network       CAs %s; proxy %s%s%s\n", c.ca_file ? c.ca_file :
	    "the system's", c.proxy ? c.proxy : "none (the environment's "
	    "is ignored)", c.backchannel_url ? "; the provider reached at " :
	    "", c.backchannel_url ? c.backchannel_url : "");
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
	/* both said, whichever fails */
	rc = check_client(&c, &p);
	rc = check_algs(&c, &p, &ks) == 0 && rc == 0 ? cache_bad : 1;
	jo_keys_free(&ks);
	jo_provider_free(&p);
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
