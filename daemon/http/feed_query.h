/*
 * feed_query.h — a feed request: its format, filter, page and the
 * canonical URL that names it.
 *
 * Query parameters are taken in any order and written back in one:
 * the filters (feed_filter.h), then after, limit and token.  That URL is
 * the feed's rel="self", the WebSub topic, and (with the format, the
 * subscriber's filter and the configuration that shapes the document)
 * the key of its cached representation.
 */
#ifndef TSUNAGU_FEED_QUERY_H
#define TSUNAGU_FEED_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "../../feeds/writer.h"
#include "store.h"

#define FEED_MAX_LIMIT	10000

struct http_request;
struct subscriber_feed;

typedef int (*feed_writer)(const struct feed_meta *, struct posting *const *,
    size_t, struct buf *);

struct feed_format {
	const char	*ff_ext;
	const char	*ff_content_type;
	feed_writer	 ff_write;
};

/* The format of an extension ("atom", "rss", "json", "ics", "csv"). */
const struct feed_format *feed_format_find(const char *ext);

struct feed_request {
	const struct feed_format	*fq_format;
	const char			*fq_sub;	/* subscriber, or NULL */
	int				 fq_private;
	struct posting_filter		 fq_filter;
	size_t				 fq_limit;
	int				 fq_limit_given;
	int64_t				 fq_after_modified;
	char				*fq_after_id;	/* NULL: first page */
	char				*fq_token;
	char				*fq_doc_url;	/* BASE/feeds/all.atom */
	char				*fq_self;
	char				*fq_key;
};

/*
 * Reads hr's query (sf NULL: /feeds/all, whose filters are in the query;
 * else the subscriber's feed, whose filter is the subscriber's).  On an
 * error it replies (400, or 500 for a subscriber filter that does not
 * parse) and returns -1, with nothing left to clear.
 */
int	 feed_request_parse(struct http_request *, const char *path_no_ext,
	    const struct feed_format *, const struct subscriber_feed *sf,
	    struct feed_request *);
/* The URL of the page after the posting (modified, id). */
char	*feed_request_next_url(const struct feed_request *, int64_t modified,
	    const char *id);
void	 feed_request_clear(struct feed_request *);

#endif
