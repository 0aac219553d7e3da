/* sealtool -- seal a value as the adapter would, for the tests that need
 * expired cookies, cookies sealed with another secret or for another
 * purpose.  usage: sealtool SECRET PURPOSE EXPIRES PLAINTEXT [CONFIG]
 * (with CONFIG, a session as that configuration makes it, fingerprint
 * included); sealtool -o SECRET PURPOSE SEALED prints what a cookie
 * holds (a test then seals it again, changed: the same session, later) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "seal.h"

int
main(int argc, char *argv[])
{
	struct jo_config	 c;
	json_object		*o = NULL;
	const char		*plain;
	char			*s, why[4096];

	if (argc == 5 && strcmp(argv[1], "-o") == 0) {
		char	*p;
		size_t	 n;

		if (jo_unseal(argv[2], strlen(argv[2]), argv[3], time(NULL),
		    argv[4], &p, &n) != 0) {
			fprintf(stderr, "sealtool: cannot open it\n");
			return 1;
		}
		fwrite(p, 1, n, stdout);
		putchar('\n');
		free(p);
		return 0;
	}
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: sealtool secret purpose expires "
		    "plaintext [config]\n");
		return 2;
	}
	plain = argv[4];
	if (argc == 6) {
		/* a session as that configuration makes it: with its "cf" */
		if (jo_config_load(argv[5], &c, why, sizeof(why)) == -1 ||
		    (o = json_tokener_parse(argv[4])) == NULL) {
			fprintf(stderr, "sealtool: %s\n", why);
			return 1;
		}
		json_object_object_add(o, "cf", json_object_new_string(c.print));
		plain = json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN);
		jo_config_free(&c);
	}
	s = jo_seal(argv[1], strlen(argv[1]), argv[2],
	    (time_t)strtoll(argv[3], NULL, 10), plain, strlen(plain));
	json_object_put(o);
	if (s == NULL)
		return 1;
	printf("%s\n", s);
	free(s);
	return 0;
}
