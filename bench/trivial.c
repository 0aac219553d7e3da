/* The baseline: the least a CGI can do -- print a redirect. */
#include <stdio.h>

int
main(void)
{
	fputs("Status: 302 Found\r\nLocation: https://meet.example.org/room\r\n"
	    "Cache-Control: no-store\r\n\r\n", stdout);
	return 0;
}
