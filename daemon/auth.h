/*
 * auth.h — bearer tokens and roles of the admin API.
 *
 * Roles: admin (everything), coordinator (moderation and edits of
 * postings; belongs to an organization), group (submits and edits its own
 * postings; belongs to an organization), subscriber (its own subscriber,
 * its private feed and its deliveries).
 *
 * The admin token of admin_token_file is held in memory as a SHA-256
 * digest.  Every other token is made by auth_token_new(), shown once, and
 * kept in the store as the digest of its text only.  A token reads
 * "tsu_ID_SECRET": ID is public (lists, logs, revocation) and names the
 * stored digest, which is compared in constant time.  A revoked token is
 * refused at its next use: nothing is cached.
 */
#ifndef TSUNAGU_AUTH_H
#define TSUNAGU_AUTH_H

#include <stddef.h>

enum auth_role {
	AUTH_NONE = 0,		/* no valid token */
	AUTH_ADMIN,
	AUTH_COORDINATOR,
	AUTH_GROUP,
	AUTH_SUBSCRIBER,
};

#define AUTH_ROLE_BIT(r)	(1u << (r))
#define AUTH_ANY_ROLE	(AUTH_ROLE_BIT(AUTH_ADMIN) |			\
			 AUTH_ROLE_BIT(AUTH_COORDINATOR) |		\
			 AUTH_ROLE_BIT(AUTH_GROUP) |			\
			 AUTH_ROLE_BIT(AUTH_SUBSCRIBER))

#define AUTH_MIN_TOKEN	16	/* characters, of admin_token_file */

#define AUTH_FILE_TOKEN_ID	"admin-file"	/* the id of that token */
#define AUTH_ID_SIZE		16	/* "t" + 12 hex digits + NUL */
#define AUTH_TOKEN_SIZE		96	/* "tsu_" ID "_" 64 hex + NUL */
#define AUTH_FEED_TOKEN_SIZE	72	/* "tsf_" + 64 hex + NUL */
#define AUTH_SECRET_SIZE	56	/* "whsec_" + base64 of 32 + NUL */
#define AUTH_DIGEST_SIZE	65	/* hex SHA-256 + NUL */

struct auth;
struct store;

/* Who a request acts as; the strings are owned (auth_principal_clear). */
struct auth_principal {
	enum auth_role	 ap_role;
	char		 ap_token_id[AUTH_ID_SIZE];
	char		*ap_organization;	/* coordinator, group */
	char		*ap_subscriber;		/* subscriber */
};

struct auth	*auth_new(void);
void		 auth_free(struct auth *);
/*
 * Reads the admin token from a file (surrounding whitespace stripped);
 * -1 with a reason in err when it cannot be read or is too short.
 * NULL path: no admin token file.
 */
int		 auth_load_admin(struct auth *, const char *path, char *err,
		    size_t errlen);
/* The role of an "Authorization" value, from admin_token_file only. */
enum auth_role	 auth_check(const struct auth *, const char *authorization);
/*
 * Who an "Authorization: Bearer TOKEN" value is: the admin file's token,
 * or a valid (not revoked) token of the store.  0 with *out filled, 1
 * when there is no valid token, -1 when the store failed.
 */
int		 auth_identify(const struct auth *, struct store *,
		    const char *authorization, struct auth_principal *out);
void		 auth_principal_clear(struct auth_principal *);

const char	*auth_role_name(enum auth_role);
/* -1 for an unknown name ("none" included). */
int		 auth_role_parse(const char *, enum auth_role *);

/*
 * A new API token in token, its id in id and the hex digest the store
 * keeps in digest.
 */
void		 auth_token_new(char token[AUTH_TOKEN_SIZE],
		    char id[AUTH_ID_SIZE], char digest[AUTH_DIGEST_SIZE]);
/* A private-feed token ("tsf_...") and its digest. */
void		 auth_feed_token_new(char token[AUTH_FEED_TOKEN_SIZE],
		    char digest[AUTH_DIGEST_SIZE]);
/* A Standard Webhooks secret: "whsec_" and base64 of 32 random bytes. */
void		 auth_webhook_secret_new(char secret[AUTH_SECRET_SIZE]);
void		 auth_digest_hex(const char *text,
		    char digest[AUTH_DIGEST_SIZE]);

/*
 * May token read the private feed of subscriber name?  0 yes (also when
 * the feed is public), 1 no such subscriber, 2 no (missing or wrong
 * token), -1 store error.  For /feeds/sub/NAME.
 */
int		 auth_feed_token_check(struct store *, const char *name,
		    const char *token);

#endif
