/* roomtool -- for the tests: each line of standard input (UTF-8) in,
 * its Jitsi room claim out (jo_room_claim), or "invalid" when the name
 * is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jitsi.h"

int
main(void)
{
	char	 line[4096], why[200], *c;
	size_t	 n;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (jo_room_valid(line, why, sizeof(why)) == -1) {
			puts("invalid");
			continue;
		}
		c = jo_room_claim(line);
		puts(c);
		free(c);
	}
	return 0;
}
