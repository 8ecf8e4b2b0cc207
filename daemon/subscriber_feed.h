/*
 * subscriber_feed.h — who may read /feeds/sub/NAME.* and what it holds.
 *
 * The one place that knows where subscribers come from: today the
 * [subscriber NAME] sections of the configuration (filter, and
 * feed_token_file for a private feed); subscribers made through the admin
 * API can be looked up here too without the feed route changing.
 */
#ifndef TSUNAGU_SUBSCRIBER_FEED_H
#define TSUNAGU_SUBSCRIBER_FEED_H

struct daemon;

struct subscriber_feed {
	const char	*sf_name;	/* borrowed, valid until the next reload */
	const char	*sf_filter;	/* borrowed; NULL: every posting */
	int		 sf_private;	/* readable with its token only */
};

/* 0 found, 1 no such subscriber. */
int	subscriber_feed_lookup(struct daemon *, const char *name,
	    struct subscriber_feed *out);
/*
 * May a request with this token (the "token" query parameter, NULL when
 * absent) read the feed?  0 yes, 1 no, -1 the token file cannot be read
 * (logged once per configuration).  Tokens are compared as SHA-256
 * digests in constant time.
 */
int	subscriber_feed_authorize(struct daemon *,
	    const struct subscriber_feed *, const char *token);

#endif
