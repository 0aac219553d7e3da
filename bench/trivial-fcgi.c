/* The least a FastCGI responder can do, for make bench: libfcgi's accept
 * loop answering every request with a fixed redirect, as /authorize does. */
#include <fcgiapp.h>

int
main(void)
{
	static const char resp[] = "Status: 302 Found\r\n"
	    "Location: https://example.org/\r\n"
	    "Cache-Control: no-store\r\n\r\n";
	FCGX_Request	 rq;

	FCGX_Init();
	FCGX_InitRequest(&rq, 0, 0);
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(resp, sizeof(resp) - 1, rq.out);
		FCGX_Finish_r(&rq);
	}
	return 0;
}
