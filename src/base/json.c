/* json.c -- see json.h */
#include <limits.h>
#include <string.h>

#include "json.h"

json_object *
jo_json_object(const char *s, size_t len, int depth)
{
	json_tokener	*tok;
	json_object	*o;

	if (len > INT_MAX || (tok = json_tokener_new_ex(depth)) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

const char *
jo_json_str(json_object *o, const char *key)
{
	json_object	*v;
	const char	*s;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	/* "\u0000" inside: every C string check would stop at it */
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}
