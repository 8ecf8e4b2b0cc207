/* subscriber_feed.c — subscriber feeds from the configuration. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "subscriber_feed.h"

#define FEED_TOKEN_MAX	1000	/* characters, as admin_token_file */

static struct subscriber_conf *
find(struct daemon *d, const char *name)
{
	struct subscriber_conf *sub;

	TAILQ_FOREACH(sub, &d->d_conf->cf_subscribers, sub_entry)
		if (strcmp(sub->sub_name, name) == 0)
			return sub;
	return NULL;
}

int
subscriber_feed_lookup(struct daemon *d, const char *name,
    struct subscriber_feed *out)
{
	struct subscriber_conf *sub;

	memset(out, 0, sizeof(*out));
	if ((sub = find(d, name)) == NULL)
		return 1;
	out->sf_name = sub->sub_name;
	out->sf_filter = sub->sub_filter;
	out->sf_private = sub->sub_feed_token_file != NULL;
	return 0;
}

/*
 * The token file is read once per configuration (a reload reads it
 * again), like admin_token_file: surrounding whitespace is not part of it.
 */
static int
load_token(struct subscriber_conf *sub)
{
	char token[FEED_TOKEN_MAX + 24], *start, *end;
	FILE *f;
	size_t n;

	if (sub->sub_feed_token_state != 0)
		return sub->sub_feed_token_state == 1 ? 0 : -1;
	sub->sub_feed_token_state = -1;
	if ((f = fopen(sub->sub_feed_token_file, "r")) == NULL) {
		log_warn("subscriber %s: feed_token_file %s", sub->sub_name,
		    sub->sub_feed_token_file);
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
	if (n == sizeof(token) - 1 || strlen(start) < 16 ||
	    strlen(start) > FEED_TOKEN_MAX) {
		log_warnx("subscriber %s: feed_token_file %s: the token must "
		    "be 16 to %d characters", sub->sub_name,
		    sub->sub_feed_token_file, FEED_TOKEN_MAX);
		OPENSSL_cleanse(token, sizeof(token));
		return -1;
	}
	SHA256((const unsigned char *)start, strlen(start),
	    sub->sub_feed_token);
	OPENSSL_cleanse(token, sizeof(token));
	sub->sub_feed_token_state = 1;
	return 0;
}

int
subscriber_feed_authorize(struct daemon *d, const struct subscriber_feed *sf,
    const char *token)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct subscriber_conf *sub;

	if (!sf->sf_private)
		return 0;
	if ((sub = find(d, sf->sf_name)) == NULL)
		return 1;
	if (load_token(sub) == -1)
		return -1;
	if (token == NULL || *token == '\0')
		return 1;
	/* Hashing first makes the comparison independent of its length. */
	SHA256((const unsigned char *)token, strlen(token), digest);
	return CRYPTO_memcmp(digest, sub->sub_feed_token,
	    sizeof(digest)) == 0 ? 0 : 1;
}
