/* unicode.h -- the Unicode that Jitsi's room names need. */
#ifndef JO_UNICODE_H
#define JO_UNICODE_H

/* lower(NFKC(s)) of valid UTF-8 s, as JavaScript's
 * s.normalize('NFKC').toLowerCase(); a malloc'd UTF-8 string. */
char	*jo_nfkc_lower(const char *);

#endif
