/* libFuzzer: Jitsi's tokenAuthUrl state JSON, and the URL and the token
 * built from whatever passes.  Properties: the URL stays inside
 * jitsi_url and never under public_url; with room_claim = room the
 * token's room and sub, as signed, never hold Jitsi's wildcard '*'. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "config.h"
#include "idtoken.h"
#include "jitsi.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The claims of a token, as Jitsi's verifier would read them. */
static json_object *
payload(const char *tok)
{
	const char	*d1 = strchr(tok, '.'), *d2;
	unsigned char	*raw;
	size_t		 n;
	json_object	*o;

	if (d1 == NULL || (d2 = strchr(d1 + 1, '.')) == NULL ||
	    jo_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &raw, &n) == -1)
		abort();
	o = json_tokener_parse((const char *)raw);	/* NUL-terminated */
	free(raw);
	if (o == NULL)
		abort();
	return o;
}

static void
no_star(json_object *claims, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(claims, key, &v) ||
	    strchr(json_object_get_string(v), '*') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jo_config c;
	struct jo_target t;
	struct jo_user	 u;
	json_object	*claims;
	char		*s, *url, *claim, *tok, why[256];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	memset(&u, 0, sizeof(u));
	c.jitsi_url = "https://meet.example.org";
	c.public_url = "https://meet.example.org/oidc";
	c.room_claim = "room";
	c.jitsi_signing = "HS256";
	c.jitsi_app_secret = "0123456789abcdef0123456789abcdef";
	c.jitsi_app_id = "app";
	c.jitsi_audience = "jitsi";
	c.jitsi_subject = "meet.example.org";
	c.token_lifetime = 3600;
	u.sub = "u";
	s = jo_xstrndup((const char *)d, n);
	if (jo_jitsi_state(s, &t, why, sizeof(why)) == 0 &&
	    jo_target_check(&c, &t, why, sizeof(why)) == -1)
		jo_target_free(&t);
	else if (t.room != NULL) {
		url = jo_jitsi_url(&c, &t, "jwt", "a.b.c");
		if (strncmp(url, "https://meet.example.org/", 25) != 0)
			abort();
		if (strncasecmp(url, "https://meet.example.org/oidc", 29) == 0 &&
		    strchr("/?#", url[29]) != NULL)
			abort();
		/* the path holds only unreserved characters and escapes */
		for (i = 25; url[i] != '\0' && url[i] != '?'; i++)
			if (strchr("/%-_.!~*'()", url[i]) == NULL &&
			    !((url[i] >= 'a' && url[i] <= 'z') ||
			    (url[i] >= 'A' && url[i] <= 'Z') ||
			    (url[i] >= '0' && url[i] <= '9')))
				abort();
		if (strstr(url, "//") != url + 6 && strstr(url + 8, "//") != NULL)
			abort();
		/* lower(NFKC(room)), percent-encoded: never empty, no
		 * capitals, escapes in lowercase hex */
		claim = jo_room_claim(t.room);
		if (claim[0] == '\0')
			abort();
		for (i = 0; claim[i] != '\0'; i++)
			if (claim[i] >= 'A' && claim[i] <= 'Z')
				abort();
		/* the token as signed: no wildcard in room or sub */
		if ((tok = jo_jitsi_token(&c, &u, &t, 1700000000, why,
		    sizeof(why))) == NULL)
			abort();
		claims = payload(tok);
		no_star(claims, "room");
		no_star(claims, "sub");
		json_object_put(claims);
		free(tok);
		free(claim);
		free(url);
		jo_target_free(&t);
	}
	free(s);
	return 0;
}
