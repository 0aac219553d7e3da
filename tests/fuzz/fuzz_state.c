/* libFuzzer: Jitsi's tokenAuthUrl state JSON, and the URL built from
 * whatever passes: it must stay inside jitsi_url. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "jitsi.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jo_config c;
	struct jo_target t;
	char		*s, *u, *claim, why[256];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	c.jitsi_url = "https://meet.example.org";
	s = jo_xstrndup((const char *)d, n);
	if (jo_jitsi_state(s, &t, why, sizeof(why)) == 0) {
		u = jo_jitsi_url(&c, &t, "jwt", "a.b.c");
		if (strncmp(u, "https://meet.example.org/", 25) != 0)
			abort();
		/* the path holds only unreserved characters and escapes */
		for (i = 25; u[i] != '\0' && u[i] != '?'; i++)
			if (strchr("/%-_.!~*'()", u[i]) == NULL &&
			    !((u[i] >= 'a' && u[i] <= 'z') ||
			    (u[i] >= 'A' && u[i] <= 'Z') ||
			    (u[i] >= '0' && u[i] <= '9')))
				abort();
		if (strstr(u, "//") != u + 6 && strstr(u + 8, "//") != NULL)
			abort();
		/* lower(NFKC(room)), percent-encoded: never empty, no
		 * capitals, escapes in lowercase hex */
		claim = jo_room_claim(t.room);
		if (claim[0] == '\0')
			abort();
		for (i = 0; claim[i] != '\0'; i++)
			if (claim[i] >= 'A' && claim[i] <= 'Z')
				abort();
		free(claim);
		free(u);
		jo_target_free(&t);
	}
	free(s);
	return 0;
}
