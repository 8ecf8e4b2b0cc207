/*
 * feed_fast.h — a hit of a public feed answered from the connection's
 * input, before evhttp parses the request.
 *
 * connlimit.c sees every block of bytes a connection reads before evhttp
 * does.  When a block is exactly one request, evhttp waits for a new
 * request (nothing else is buffered, connlimit.c saw the last request's
 * body out, and evhttp's read callback is set with none of its reply
 * queued: it is not writing one) and the request is a plain
 * "GET /feeds/all.EXT?QUERY HTTP/1.1" whose target an earlier request of
 * the same configuration has named (feed_cache_alias()), with headers
 * from a short list (Host, Accept, User-Agent, Accept-Encoding,
 * If-None-Match ...; no If-Modified-Since, no Connection), and the page is
 * cached and current, the reply (feed_reply_fast_head(), and a 200's body
 * by reference or sendfile()) is written at once and the request removed
 * from the input:
 * evhttp never sees it.  Anything else is left to evhttp, which answers
 * as before (and names the target for next time).
 *
 * The bytes a socket does not take at once are sent by the connection's
 * bufferevent, whose callbacks are evhttp's: until they are out, they go
 * through this file's (struct feed_fast_conn keeps evhttp's), so that
 * evhttp does not take the end of this write for the end of one of its
 * own.  evhttp sets its own again whenever it answers a request itself.
 */
#ifndef TSUNAGU_FEED_FAST_H
#define TSUNAGU_FEED_FAST_H

#include <stddef.h>

#include <event2/bufferevent.h>

struct daemon;

/* Per connection, kept by the caller for as long as the connection and
 * at a stable address (the bufferevent's callbacks point at it). */
struct feed_fast_conn {
	bufferevent_data_cb	 ffc_read;	/* evhttp's, while ours are set */
	bufferevent_data_cb	 ffc_write;
	bufferevent_event_cb	 ffc_event;
	void			*ffc_arg;
};

/* The largest request considered. */
#define FEED_FAST_REQUEST_MAX	4096

/*
 * req, len: one whole request header, all bev's input holds.  1: it was
 * answered (the caller drains it from the input); 0: evhttp's to answer.
 */
int	feed_fast_answer(struct daemon *, struct bufferevent *bev,
	    struct feed_fast_conn *, const char *req, size_t len);
/* Gives bev's callbacks back to evhttp if this file still holds them. */
void	feed_fast_release(struct bufferevent *bev, struct feed_fast_conn *);

#endif
