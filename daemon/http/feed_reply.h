/*
 * feed_reply.h — answering with a feed representation (feed_cache.h):
 * ETag, Last-Modified, Cache-Control, Vary, Link and X-Tsunagu-Cache
 * (hit, revalidated or miss: how the page was found); 304 for a matching
 * If-None-Match, or without one a satisfied If-Modified-Since; the gzip
 * copy with its own tag for a client that accepts gzip.
 */
#ifndef TSUNAGU_FEED_REPLY_H
#define TSUNAGU_FEED_REPLY_H

struct feed_cache;
struct feed_rep;
struct http_request;

/* Takes its own references to rep for as long as the bytes are sent;
 * large bodies go out by sendfile() (feed_cache_segment()). */
void	feed_reply(struct http_request *, struct feed_cache *,
	    struct feed_rep *, const char *cache_state);

#endif
