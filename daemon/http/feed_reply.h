/*
 * feed_reply.h — answering with a feed representation (feed_cache.h):
 * ETag, Last-Modified, Cache-Control, Vary, Link and X-Tsunagu-Cache
 * (hit, revalidated or miss: how the page was found); 304 for a matching
 * If-None-Match, or without one a satisfied If-Modified-Since; the gzip
 * copy with its own tag for a client that accepts gzip.
 */
#ifndef TSUNAGU_FEED_REPLY_H
#define TSUNAGU_FEED_REPLY_H

#include <stddef.h>

struct bufferevent;
struct feed_cache;
struct feed_rep;
struct http_request;

/* Takes its own references to rep for as long as the bytes are sent;
 * large bodies go out by sendfile() (feed_cache_segment()). */
void	feed_reply(struct http_request *, struct feed_cache *,
	    struct feed_rep *, const char *cache_state);

/* For feed_fast.c, which answers the same way without evhttp: */
/* An Accept-Encoding value (NULL: none) that takes gzip. */
int	feed_accepts_gzip(const char *accept_encoding);
/* An If-None-Match value that names tag (weakly) or is "*". */
int	feed_etag_listed(const char *if_none_match, const char *tag);
/* TCP_NODELAY and large writes for a connection, once; -1: no socket. */
int	feed_reply_tune(struct bufferevent *);
/* Writes bev's output now (cork: a file segment follows the header);
 * the bytes the socket did not take, still queued. */
size_t	feed_reply_send_now(struct bufferevent *, int cork);
/* Makes FEED_FAST_HEAD(not_modified, gz) of fr_fast (feed_cache.h): a
 * hit's 200 or 304 header. */
void	feed_reply_fast_head(struct feed_rep *, int gz, int not_modified);

#endif
