/* json.h -- strict JSON helpers on json-c, for untrusted input. */
#ifndef JO_JSON_H
#define JO_JSON_H

#include <stddef.h>

#include <json-c/json.h>

/* Parse text that must be exactly one JSON object (no trailing bytes),
 * nested at most depth deep; NULL otherwise.  Free with json_object_put. */
json_object	*jo_json_object(const char *, size_t, int depth);
/* The member's value when it is a string without NUL; NULL otherwise. */
const char	*jo_json_str(json_object *, const char *);

#endif
