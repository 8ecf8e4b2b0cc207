/* auth.c — hashed bearer tokens, compared in constant time. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "../feeds/xmalloc.h"
#include "auth.h"

struct auth {
	int		au_has_admin;
	unsigned char	au_admin[SHA256_DIGEST_LENGTH];
};

struct auth *
auth_new(void)
{
	return xcalloc(1, sizeof(struct auth));
}

void
auth_free(struct auth *au)
{
	if (au == NULL)
		return;
	OPENSSL_cleanse(au, sizeof(*au));
	free(au);
}

int
auth_load_admin(struct auth *au, const char *path, char *err, size_t errlen)
{
	char token[1024], *start, *end;
	FILE *f;
	size_t n;

	au->au_has_admin = 0;
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "admin_token_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = fread(token, 1, sizeof(token) - 1, f);
	fclose(f);
	token[n] = '\0';
	for (start = token; isspace((unsigned char)*start); start++)
		;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strlen(start) < AUTH_MIN_TOKEN || n == sizeof(token) - 1) {
		snprintf(err, errlen, "admin_token_file %s: the token must be "
		    "%d to 1000 characters", path, AUTH_MIN_TOKEN);
		OPENSSL_cleanse(token, sizeof(token));
		return -1;
	}
	SHA256((unsigned char *)start, strlen(start), au->au_admin);
	OPENSSL_cleanse(token, sizeof(token));
	au->au_has_admin = 1;
	return 0;
}

enum auth_role
auth_check(const struct auth *au, const char *authorization)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	const char *token;

	if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7))
		return AUTH_NONE;
	for (token = authorization + 7; *token == ' '; token++)
		;
	if (*token == '\0' || !au->au_has_admin)
		return AUTH_NONE;
	/* Hashing first makes the comparison independent of token length. */
	SHA256((const unsigned char *)token, strlen(token), digest);
	if (CRYPTO_memcmp(digest, au->au_admin, sizeof(digest)) == 0)
		return AUTH_ADMIN;
	return AUTH_NONE;
}

const char *
auth_role_name(enum auth_role role)
{
	switch (role) {
	case AUTH_ADMIN:
		return "admin";
	default:
		return "none";
	}
}
