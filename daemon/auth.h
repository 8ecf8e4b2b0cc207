/*
 * auth.h — bearer tokens for the admin API.
 *
 * Tokens are kept only as SHA-256 digests and compared in constant time.
 * For now there is one role, admin, whose token is read from
 * admin_token_file; later roles extend this table.
 */
#ifndef TSUNAGU_AUTH_H
#define TSUNAGU_AUTH_H

#include <stddef.h>

enum auth_role {
	AUTH_NONE = 0,		/* no valid token */
	AUTH_ADMIN,
};

#define AUTH_MIN_TOKEN	16	/* characters */

struct auth;

struct auth	*auth_new(void);
void		 auth_free(struct auth *);
/*
 * Reads the admin token from a file (surrounding whitespace stripped);
 * -1 with a reason in err when it cannot be read or is too short.
 * NULL path: no admin token, every API request is refused.
 */
int		 auth_load_admin(struct auth *, const char *path, char *err,
		    size_t errlen);
/* The role of an "Authorization" header value ("Bearer TOKEN"). */
enum auth_role	 auth_check(const struct auth *, const char *authorization);
const char	*auth_role_name(enum auth_role);

#endif
