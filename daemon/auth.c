/* auth.c — hashed bearer tokens with roles, compared in constant time. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "../feeds/xmalloc.h"
#include "auth.h"
#include "log.h"
#include "store.h"

#define TOKEN_PREFIX		"tsu_"
#define FEED_TOKEN_PREFIX	"tsf_"
#define TOKEN_ID_HEX		12
#define TOKEN_SECRET_BYTES	32

struct auth {
	int		au_has_admin;
	unsigned char	au_admin[SHA256_DIGEST_LENGTH];
};

static const char *const role_names[] = {
	[AUTH_NONE] = "none",
	[AUTH_ADMIN] = "admin",
	[AUTH_COORDINATOR] = "coordinator",
	[AUTH_GROUP] = "group",
	[AUTH_SUBSCRIBER] = "subscriber",
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

/* The token of an Authorization value, or NULL. */
static const char *
bearer(const char *authorization)
{
	const char *token;

	if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7))
		return NULL;
	for (token = authorization + 7; *token == ' '; token++)
		;
	return *token ? token : NULL;
}

static int
is_admin_file_token(const struct auth *au, const char *token)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];

	if (!au->au_has_admin)
		return 0;
	/* Hashing first makes the comparison independent of token length. */
	SHA256((const unsigned char *)token, strlen(token), digest);
	return CRYPTO_memcmp(digest, au->au_admin, sizeof(digest)) == 0;
}

enum auth_role
auth_check(const struct auth *au, const char *authorization)
{
	const char *token = bearer(authorization);

	return token && is_admin_file_token(au, token) ? AUTH_ADMIN :
	    AUTH_NONE;
}

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
auth_digest_hex(const char *text, char digest[AUTH_DIGEST_SIZE])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)text, strlen(text), md);
	hex(md, sizeof(md), digest);
}

static void
random_bytes(unsigned char *out, size_t n)
{
	/* Without randomness no token may be made: stop rather than guess. */
	if (RAND_bytes(out, (int)n) != 1)
		fatalx("%s: the random generator failed", __func__);
}

/* "tsu_" ID "_" SECRET: the id, or -1 when the token has another form. */
static int
token_id(const char *token, char id[AUTH_ID_SIZE])
{
	size_t n;

	if (strncmp(token, TOKEN_PREFIX, 4) != 0)
		return -1;
	token += 4;
	n = strcspn(token, "_");
	if (n == 0 || n >= AUTH_ID_SIZE || token[n] != '_' ||
	    strspn(token, "t0123456789abcdef") < n)
		return -1;
	memcpy(id, token, n);
	id[n] = '\0';
	return 0;
}

void
auth_principal_clear(struct auth_principal *ap)
{
	if (ap == NULL)
		return;
	free(ap->ap_organization);
	free(ap->ap_subscriber);
	memset(ap, 0, sizeof(*ap));
}

int
auth_identify(const struct auth *au, struct store *st,
    const char *authorization, struct auth_principal *out)
{
	struct token_info tk;
	char id[AUTH_ID_SIZE], stored[AUTH_DIGEST_SIZE];
	char digest[AUTH_DIGEST_SIZE];
	const char *token = bearer(authorization);
	enum auth_role role;
	int rc, valid;

	memset(out, 0, sizeof(*out));
	if (token == NULL)
		return 1;
	if (is_admin_file_token(au, token)) {
		out->ap_role = AUTH_ADMIN;
		snprintf(out->ap_token_id, sizeof(out->ap_token_id), "%s",
		    AUTH_FILE_TOKEN_ID);
		return 0;
	}
	if (st == NULL || token_id(token, id) == -1)
		return 1;
	if ((rc = store_token_find(st, id, &tk, stored)) != 0)
		return rc;
	auth_digest_hex(token, digest);
	valid = strlen(stored) == AUTH_DIGEST_SIZE - 1 &&
	    CRYPTO_memcmp(digest, stored, AUTH_DIGEST_SIZE - 1) == 0 &&
	    tk.tk_revoked == 0 && auth_role_parse(tk.tk_role, &role) == 0;
	if (valid) {
		out->ap_role = role;
		snprintf(out->ap_token_id, sizeof(out->ap_token_id), "%s", id);
		out->ap_organization = xstrdup_opt(tk.tk_organization);
		out->ap_subscriber = xstrdup_opt(tk.tk_subscriber);
	}
	token_info_free(&tk);
	return valid ? 0 : 1;
}

const char *
auth_role_name(enum auth_role role)
{
	if ((size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "none";
	return role_names[role];
}

int
auth_role_parse(const char *name, enum auth_role *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = AUTH_ADMIN; i < sizeof(role_names) / sizeof(role_names[0]);
	    i++)
		if (strcmp(role_names[i], name) == 0) {
			*out = (enum auth_role)i;
			return 0;
		}
	return -1;
}

void
auth_token_new(char token[AUTH_TOKEN_SIZE], char id[AUTH_ID_SIZE],
    char digest[AUTH_DIGEST_SIZE])
{
	unsigned char raw[TOKEN_ID_HEX / 2 + TOKEN_SECRET_BYTES];
	char secret[2 * TOKEN_SECRET_BYTES + 1];

	random_bytes(raw, sizeof(raw));
	id[0] = 't';
	hex(raw, TOKEN_ID_HEX / 2, id + 1);
	hex(raw + TOKEN_ID_HEX / 2, TOKEN_SECRET_BYTES, secret);
	snprintf(token, AUTH_TOKEN_SIZE, TOKEN_PREFIX "%s_%s", id, secret);
	auth_digest_hex(token, digest);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(secret, sizeof(secret));
}

void
auth_feed_token_new(char token[AUTH_FEED_TOKEN_SIZE],
    char digest[AUTH_DIGEST_SIZE])
{
	unsigned char raw[TOKEN_SECRET_BYTES];

	random_bytes(raw, sizeof(raw));
	memcpy(token, FEED_TOKEN_PREFIX, 4);
	hex(raw, sizeof(raw), token + 4);
	auth_digest_hex(token, digest);
	OPENSSL_cleanse(raw, sizeof(raw));
}

void
auth_webhook_secret_new(char secret[AUTH_SECRET_SIZE])
{
	unsigned char raw[32];

	random_bytes(raw, sizeof(raw));
	memcpy(secret, "whsec_", 6);
	/* 32 bytes are 44 base64 characters with their NUL: fits. */
	EVP_EncodeBlock((unsigned char *)secret + 6, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
}

int
auth_feed_token_check(struct store *st, const char *name, const char *token)
{
	char *stored = NULL, digest[AUTH_DIGEST_SIZE];
	int rc;

	if ((rc = store_subscriber_feed_token(st, name, &stored)) != 0)
		return rc;
	if (stored == NULL)
		return 0;	/* a public feed */
	rc = 2;
	if (token != NULL) {
		auth_digest_hex(token, digest);
		if (strlen(stored) == AUTH_DIGEST_SIZE - 1 &&
		    CRYPTO_memcmp(digest, stored, AUTH_DIGEST_SIZE - 1) == 0)
			rc = 0;
	}
	free(stored);
	return rc;
}
