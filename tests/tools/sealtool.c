/* sealtool -- seal a value as the adapter would, for the tests that need
 * expired cookies, cookies sealed with another secret or for another
 * purpose.  usage: sealtool SECRET PURPOSE EXPIRES PLAINTEXT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seal.h"

int
main(int argc, char *argv[])
{
	char	*s;

	if (argc != 5) {
		fprintf(stderr, "usage: sealtool secret purpose expires "
		    "plaintext\n");
		return 2;
	}
	s = jo_seal(argv[1], strlen(argv[1]), argv[2],
	    (time_t)strtoll(argv[3], NULL, 10), argv[4], strlen(argv[4]));
	if (s == NULL)
		return 1;
	printf("%s\n", s);
	free(s);
	return 0;
}
