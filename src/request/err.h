/* err.h -- what can go wrong in a request, as the user is told: the
 * closed list of kinds; their status, title and text are the table in
 * req.c. */
#ifndef JO_ERR_H
#define JO_ERR_H

/* What went wrong, as the user is told (status, title, text: req.c). */
enum jo_err {
	JO_E_BAD_REQUEST,	/* 400: the query or the cookies malformed */
	JO_E_BAD_ROOM,		/* 400: not a room a token may name */
	JO_E_STATE_MISSING,	/* 400: no state cookie that opens */
	JO_E_STATE_BAD,		/* 400: a state cookie without its fields */
	JO_E_STATE_MISMATCH,	/* 400: state parameter is not the cookie's */
	JO_E_ISS_MISMATCH,	/* 400: RFC 9207 iss of another provider */
	JO_E_DENIED,		/* 403: the provider said access_denied */
	JO_E_NO_CONSENT,	/* 403: the user refused consent */
	JO_E_LOGIN_AGAIN,	/* 400: login_required and the like */
	JO_E_LOGIN_FAILED,	/* 400: another error= from the provider */
	JO_E_NO_CODE,		/* 400: no authorization code */
	JO_E_NOT_LOGGED_IN,	/* 401: no session that opens */
	JO_E_PROVIDER_DOWN,	/* 502: discovery failed */
	JO_E_NO_KEYS,		/* 502: the JWKS could not be loaded */
	JO_E_NO_FINISH,		/* 502: token endpoint or userinfo unreachable */
	JO_E_GARBLED,		/* 502: the token endpoint's answer unreadable */
	JO_E_REFUSED,		/* 502: the token endpoint refused */
	JO_E_NO_IDTOKEN,	/* 502: no ID token in its answer */
	JO_E_NO_USERINFO,	/* 502: userinfo needed, none offered */
	JO_E_BAD_USERINFO,	/* 502: userinfo unreadable */
	JO_E_UNVERIFIED,	/* 502: the ID token did not verify */
	JO_E_NOT_CONFIGURED,	/* 500: the configuration is not valid */
	JO_E_MISPLACED,		/* 500: served where public_url is not */
	JO_E_SAVE,		/* 500: the session could not be sealed */
	JO_E_START,		/* 500: the state could not be made */
	JO_E_TOKEN,		/* 500: the Jitsi token could not be signed */
	JO_E_CLOCKS,		/* 500: the servers' clocks disagree */
	JO_E_NOT_FOUND,		/* 404: no such route */
	JO_E_METHOD,		/* 405: not GET (or HEAD where allowed) */
	JO_E_COUNT
};

#endif
