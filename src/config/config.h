/* config.h -- the configuration file: "key = value" lines. */
#ifndef JO_CONFIG_H
#define JO_CONFIG_H

#include <sys/stat.h>

#include <stddef.h>

#ifndef JO_DEFAULT_CONFIG
#define JO_DEFAULT_CONFIG "/etc/jitsi-oidc/jitsi-oidc.conf"
#endif

#define JO_JITSI_SECRET_MIN	32	/* bytes of an HS256 app secret */

/* Jitsi's names for context.features (jitsi-meet
 * react/features/base/jwt/constants.ts, MEET_FEATURES), NULL-terminated;
 * bit i of a feature set is jo_jitsi_features[i]. */
extern const char *const jo_jitsi_features[];

struct jo_buf;
/* The names of the features in set, comma-separated ("-" for none),
 * NUL-terminated, appended to b. */
void	 jo_feature_names(unsigned long, struct jo_buf *);

/* A token field given to everyone, nobody, or those whose claim holds
 * one of some values: the shape of the moderator rule. */
struct jo_rule {
	char	*mode;			/* "all", "none" or "claim" */
	char	*claim;			/* claim path, mode = claim */
	char	*values;		/* comma-separated */
};

struct jo_config {
	char	*issuer;
	char	*client_id;
	char	*client_secret;	/* NULL: a public client, or a key */
	char	*client_auth;		/* "auto" or a Core 9 method */
	char	*client_key;		/* PEM key for private_key_jwt */
	char	*client_kid;		/* its kid, or NULL */
	char	*public_url;
	char	*redirect_uri;		/* public_url + "/redirect" */
	char	*cookie_path;		/* path of public_url */
	int	 cookie_secure;		/* public_url is https */
	char	*scope;
	char	*jitsi_url;
	char	*jitsi_origin;		/* jitsi_url's origin (url.h) */
	char	*jitsi_app_id;
	char	*jitsi_app_secret;
	char	*jitsi_audience;
	char	*jitsi_subject;
	long	 token_lifetime;
	char	*cookie_secret;
	size_t	 cookie_secret_len;
	char	*cache_dir;
	long	 http_timeout;
	char	*ca_file;		/* the provider's CAs, or NULL */
	char	*proxy;			/* outbound proxy, or NULL */
	char	*backchannel_url;	/* the issuer as reached from
					 * here, or NULL */
	/* who logs in, who moderates, what the token says */
	char	*cookie_secret_old;	/* still opens cookies; may be NULL */
	size_t	 cookie_secret_old_len;
	char	*moderator;		/* "all", "none" or "claim" */
	char	*moderator_claim;	/* claim path, moderator = claim */
	char	*moderator_values;	/* comma-separated */
	char	*allowed_email_domains;	/* comma-separated, or NULL */
	char	*allowed_groups;	/* comma-separated, or NULL */
	char	*allowed_tenants;	/* multi-tenant issuer: tids, or NULL */
	char	*groups_claim;		/* default "groups" */
	int	 require_email_verified;
	int	 guests;		/* refused users go on as guests */
	char	*name_claim;		/* NULL: the default chain */
	char	*email_claim;		/* default "email" */
	char	*avatar;		/* "gravatar", "picture", "none" */
	char	*group_claim;		/* context.group, or NULL */
	char	*userinfo;		/* "auto", "always", "never" */
	char	*room_claim;		/* "room" or "*" */
	long	 session_lifetime;	/* 0: no single sign-on */
	long	 session_recheck;	/* seconds a remembered login goes
					 * unchecked; 0: checked at each use */
	char	*prompt;		/* or NULL */
	/* more of the authorization request (Core 3.1.2.1) */
	char	*acr_values;		/* requested, and the acr checked */
	long	 max_age;		/* -1: not sent; else auth_time checked */
	char	*ui_locales;		/* or NULL */
	char	*auth_params;		/* "name=value ..." sent as they are */
	char	*post_logout_redirect_uri;
	char	*jitsi_signing;		/* "HS256" or "RS256" */
	char	*jitsi_private_key;	/* PEM, RS256 */
	char	*jitsi_kid;		/* RS256 */
	char	*app_scheme_mobile;	/* default "org.jitsi.meet" */
	char	*app_scheme_desktop;	/* default "jitsi-meet" */
	char	*app_package_android;	/* default "org.jitsi.meet" */
	char	*jitsi_token_in;	/* "hash" (#jwt="...") or "query" */
	/* the token fields Jitsi acts on */
	struct jo_rule lobby_bypass;	/* context.user.lobby_bypass */
	struct jo_rule hidden;		/* context.user["hidden-from-recorder"] */
	struct jo_rule visitor;		/* context.user.role = "visitor" */
	char	*features_all;		/* feature names, comma-separated */
	char	*features_moderators;
	char	*features_claimed;
	char	*features_claim;	/* claim path for features_claimed */
	char	*features_values;
	char	*features_off;		/* names, or "others" */
	int	 features;		/* the token carries context.features */
	unsigned long feat_all;		/* feature sets, from the lists */
	unsigned long feat_mod;
	unsigned long feat_claimed;
	long	 max_requests;		/* FastCGI: exit after this many */
	char	*files[8];		/* the *_file paths read */
	size_t	 nfiles;
	/* fstat of the descriptors read: the file, each of files[] */
	struct stat st;
	struct stat files_st[8];
	/* What a login is decided under: the provider, the client, the
	 * Jitsi app and every access and claim rule, as 32 hex digits.
	 * Sessions carry it and are accepted only by a configuration with
	 * the same (a sealed cookie opens wherever the cookie secret is the
	 * same). */
	char	 print[33];
};

/* Is value in the comma-separated list (blanks around items ignored)?
 * icase: ASCII case-insensitive. */
int	 jo_list_has(const char *list, const char *value, int icase);
/* The next item of a comma-separated list at *p (blanks around it
 * trimmed; its length in *n, may be 0 for ", ,"), *p moved past it;
 * NULL at the end. */
const char *jo_list_next(const char **p, size_t *n);

/* Load the file; on failure write every problem, one "file:line: key:
 * reason" per line, into why and return -1 (the config is then freed and
 * unusable). */
int	 jo_config_load(const char *, struct jo_config *, char *, size_t);
/* The same, from a string (for tests and fuzzing); name is the "file". */
int	 jo_config_parse(const char *, const char *, size_t,
	    struct jo_config *, char *, size_t);
void	 jo_config_free(struct jo_config *);
/* Which file: a request's JITSI_OIDC_CONFIG, the process's, the default;
 * process_first: the process's wins (FastCGI). */
const char *jo_config_path(char **envp, int process_first);

#endif
