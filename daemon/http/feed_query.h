/*
 * feed_query.h — a feed request: its format, filter, page and the
 * canonical URL that names it.
 *
 * Query parameters are taken in any order and written back in one:
 * the filters (feed_filter.h), then after, limit and token.  That URL is
 * the feed's rel="self", the WebSub topic, and (with the format, the
 * subscriber's filter and the configuration that shapes the document)
 * the key of its cached representation.
 *
 * The same request comes from a GET (feed_request_build(), for the route)
 * or from a URL (feed_request_from_url(), for the hub and whoever else
 * holds a topic): both give the same canonical form.
 */
#ifndef TSUNAGU_FEED_QUERY_H
#define TSUNAGU_FEED_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "../../feeds/writer.h"
#include "store.h"

#define FEED_MAX_LIMIT	10000

struct daemon;
struct evkeyvalq;

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
	char				*fq_sub;	/* subscriber, or NULL */
	int				 fq_private;
	struct posting_filter		 fq_filter;
	size_t				 fq_limit;
	int				 fq_limit_given;
	int64_t				 fq_after_modified;
	int64_t				 fq_after_seq;	/* 0: first page */
	char				*fq_token;
	char				*fq_doc_url;	/* BASE/feeds/all.atom */
	char				*fq_self;
	char				*fq_key;
};

/*
 * The request for a decoded path ("/feeds/all.atom", "/feeds/sub/NAME.csv")
 * and its parsed query: the format, the subscriber (checking a private
 * feed's token), the filters and page, the canonical URL and cache key.
 * 0, or -1 with the HTTP status to answer (400, 401, 404, 414, 500) and
 * a reason in err; nothing is left to clear on -1.
 */
int	 feed_request_build(struct daemon *, const char *path,
	    const struct evkeyvalq *query, struct feed_request *,
	    int *status, char *err, size_t errlen);
/*
 * The same from an absolute URL on this instance (base_url, then the
 * path and query), such as a WebSub hub.topic.  Its fq_self is the
 * canonical form: a topic equal to it names the feed exactly.
 */
int	 feed_request_from_url(struct daemon *, const char *url,
	    struct feed_request *, int *status, char *err, size_t errlen);
/* The URL of the page after the posting (modified, seq). */
char	*feed_request_next_url(const struct feed_request *, int64_t modified,
	    int64_t seq);
void	 feed_request_clear(struct feed_request *);

#endif
