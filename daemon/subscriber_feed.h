/*
 * subscriber_feed.h — who may read /feeds/sub/NAME.* and what it holds.
 *
 * The one place that knows where subscribers come from: the store, which
 * holds the [subscriber NAME] sections of the configuration (synced at
 * start and reload) and those made through the admin API; the
 * configuration itself when the store has no such subscriber (before a
 * sync, in tests).  A feed is private when the configuration gives the
 * subscriber a feed_token_file or the admin API gave it a feed token;
 * either token opens it.
 */
#ifndef TSUNAGU_SUBSCRIBER_FEED_H
#define TSUNAGU_SUBSCRIBER_FEED_H

struct daemon;

struct subscriber_feed {
	char	*sf_name;
	char	*sf_filter;	/* NULL: every posting */
	int	 sf_private;	/* readable with its token only */
	int	 sf_file_token;	/* the configuration has feed_token_file */
	int	 sf_store_token;	/* the store has a feed token */
};

/* 0 found (clear it after), 1 no such subscriber, -1 the store failed. */
int	subscriber_feed_lookup(struct daemon *, const char *name,
	    struct subscriber_feed *out);
void	subscriber_feed_clear(struct subscriber_feed *);
/*
 * May a request with this token (the "token" query parameter, NULL when
 * absent) read the feed?  0 yes, 1 no, -1 a token cannot be checked (the
 * file cannot be read, logged once per configuration; the store failed).
 * Tokens are compared as SHA-256 digests in constant time.
 */
int	subscriber_feed_authorize(struct daemon *,
	    const struct subscriber_feed *, const char *token);

#endif
