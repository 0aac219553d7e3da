/* libFuzzer: ID token claim validation on a decoded payload, then the
 * profile (claim paths, name chain, rules) and the Jitsi token built
 * from whatever passes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "idtoken.h"
#include "jitsi.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const struct jo_idt_expect x = {
	    .issuer = "https://idp.example.com", .client_id = "jitsi",
	    .nonce = "n0nce", .now = 1800000000 };
	/* a multi-tenant issuer: iss must be the template with the tid */
	static const struct jo_idt_expect xt = {
	    .issuer = "https://idp.example.com/common/v2.0",
	    .client_id = "jitsi", .nonce = "n0nce", .now = 1800000000,
	    .issuer_template = "https://idp.example.com/{tenantid}/v2.0",
	    .tenants = "t1, t2" };
	struct jo_user	 u;
	struct jo_config c;
	struct jo_target t = { 0 };
	char		 why[512], *tok;

	if (jo_idtoken_claims((const char *)d, n, &xt, &u, why,
	    sizeof(why)) == 0) {
		json_object	*v;
		const char	*iss = NULL;

		if (json_object_object_get_ex(u.claims, "iss", &v))
			iss = json_object_get_string(v);
		if (iss == NULL || (strcasecmp(iss,
		    "https://idp.example.com/t1/v2.0") != 0 && strcasecmp(iss,
		    "https://idp.example.com/t2/v2.0") != 0))
			abort();
		jo_user_free(&u);
	}
	if (jo_idtoken_claims((const char *)d, n, &x, &u, why,
	    sizeof(why)) == 0) {
		if (u.sub == NULL)
			abort();
		memset(&c, 0, sizeof(c));
		c.moderator = "claim";
		c.moderator_claim = "realm_access.roles";
		c.moderator_values = "admin,staff";
		c.groups_claim = "groups";
		c.allowed_groups = "staff";
		c.email_claim = "email";
		c.name_claim = "a.b";
		c.group_claim = "groups";
		c.avatar = "picture";
		c.userinfo = "auto";
		c.room_claim = "room";
		c.jitsi_signing = "HS256";
		c.jitsi_app_id = "app";
		c.jitsi_app_secret = "secret";
		c.jitsi_audience = "jitsi";
		c.jitsi_subject = "meet.example.org";
		c.token_lifetime = 3600;
		c.lobby_bypass = (struct jo_rule){ "claim", "groups", "staff" };
		c.hidden = (struct jo_rule){ "claim", "a.b", "true" };
		c.visitor = (struct jo_rule){ "all", NULL, NULL };
		c.features = 1;
		c.features_claim = "groups";
		c.features_values = "rec";
		c.feat_all = 1;
		c.feat_mod = 2;
		c.feat_claimed = 4;
		(void)jo_profile_wants_userinfo(&c, u.claims);
		if (jo_profile_build(&c, &u, why, sizeof(why)) == 0) {
			t.room = "Room";
			if ((tok = jo_jitsi_token(&c, &u, &t, 1800000000, why,
			    sizeof(why))) == NULL)
				abort();
			free(tok);
		}
		jo_user_free(&u);
	}
	return 0;
}
