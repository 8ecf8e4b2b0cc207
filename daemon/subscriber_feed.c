/* subscriber_feed.c — subscriber feeds: the store, then the configuration. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "../feeds/xmalloc.h"
#include "auth.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "store.h"
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
	struct subscriber_conf *sub = find(d, name);
	struct subscriber_info sb;
	int rc = 1;

	memset(out, 0, sizeof(*out));
	memset(&sb, 0, sizeof(sb));
	if (d->d_store != NULL &&
	    (rc = store_subscriber_get(d->d_store, name, &sb)) == -1)
		return -1;
	if (rc == 0) {
		out->sf_name = xstrdup(sb.sb_name);
		if (sb.sb_filter != NULL && *sb.sb_filter != '\0')
			out->sf_filter = xstrdup(sb.sb_filter);
		out->sf_store_token = sb.sb_private;
		subscriber_info_free(&sb);
	} else if (sub != NULL) {
		out->sf_name = xstrdup(sub->sub_name);
		if (sub->sub_filter != NULL)
			out->sf_filter = xstrdup(sub->sub_filter);
	} else
		return 1;
	out->sf_file_token = sub != NULL && sub->sub_feed_token_file != NULL;
	out->sf_private = out->sf_file_token || out->sf_store_token;
	return 0;
}

void
subscriber_feed_clear(struct subscriber_feed *sf)
{
	free(sf->sf_name);
	free(sf->sf_filter);
	memset(sf, 0, sizeof(*sf));
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

/* The token of feed_token_file: 0 it is, 1 it is not, -1 unreadable. */
static int
file_token_matches(struct daemon *d, const char *name, const char *token)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct subscriber_conf *sub;

	if ((sub = find(d, name)) == NULL || sub->sub_feed_token_file == NULL)
		return 1;
	if (load_token(sub) == -1)
		return -1;
	/* Hashing first makes the comparison independent of its length. */
	SHA256((const unsigned char *)token, strlen(token), digest);
	return CRYPTO_memcmp(digest, sub->sub_feed_token,
	    sizeof(digest)) == 0 ? 0 : 1;
}

int
subscriber_feed_authorize(struct daemon *d, const struct subscriber_feed *sf,
    const char *token)
{
	int rc = 1, file_rc = 1;

	if (!sf->sf_private)
		return 0;
	if (token == NULL || *token == '\0')
		return 1;
	if (sf->sf_file_token &&
	    (file_rc = file_token_matches(d, sf->sf_name, token)) == 0)
		return 0;
	if (sf->sf_store_token && d->d_store != NULL) {
		/* auth.c keeps the API's feed tokens (a digest in the store). */
		rc = auth_feed_token_check(d->d_store, sf->sf_name, token);
		if (rc == 0)
			return 0;
		if (rc == -1)
			return -1;
	}
	return file_rc == -1 ? -1 : 1;
}
