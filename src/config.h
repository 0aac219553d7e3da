/* config.h -- the configuration file: "key = value" lines. */
#ifndef JO_CONFIG_H
#define JO_CONFIG_H

#include <stddef.h>

#ifndef JO_DEFAULT_CONFIG
#define JO_DEFAULT_CONFIG "/etc/jitsi-oidc/jitsi-oidc.conf"
#endif

struct jo_config {
	char	*issuer;
	char	*client_id;
	char	*client_secret;
	char	*public_url;
	char	*redirect_uri;		/* public_url + "/redirect" */
	char	*cookie_path;		/* path of public_url */
	int	 cookie_secure;		/* public_url is https */
	char	*scope;
	char	*jitsi_url;
	char	*jitsi_app_id;
	char	*jitsi_app_secret;
	char	*jitsi_audience;
	char	*jitsi_subject;
	long	 token_lifetime;
	char	*cookie_secret;
	size_t	 cookie_secret_len;
	char	*cache_dir;
	long	 http_timeout;
};

/* Load the file; on failure write every problem, one "file:line: key:
 * reason" per line, into why and return -1 (the config is then freed and
 * unusable). */
int	 jo_config_load(const char *, struct jo_config *, char *, size_t);
/* The same, from a string (for tests and fuzzing); name is the "file". */
int	 jo_config_parse(const char *, const char *, size_t,
	    struct jo_config *, char *, size_t);
void	 jo_config_free(struct jo_config *);

#endif
