/*
 * connlimit.h — limits on the HTTP server's connections that libevent
 * 2.1.12 does not have, accounted through evhttp_set_bevcb():
 *
 *   - a cap, [daemon] max_connections (read at every accept, so a reload
 *     applies): at the cap, accepting pauses (new connections wait in
 *     the kernel's queue) until the connections just accepted have been
 *     read; then those that have waited longest without sending a
 *     complete request header are closed (else the longest idle), to
 *     leave room for a batch, and accepting resumes.  A flood of slow
 *     clients cannot lock new ones out, and file descriptors stay
 *     bounded.  The soft RLIMIT_NOFILE is raised toward the cap (up to
 *     the hard limit), and the cap is lowered to what the limit allows;
 *   - an absolute deadline for the first request header of a connection,
 *     CONNLIMIT_HEADER_DEADLINE seconds after accept, however slowly the
 *     bytes trickle in (evhttp's own timeout restarts at every read);
 *   - a body limit per route (connlimit.c's table), applied as each
 *     request header arrives, before the body is read: a larger
 *     Content-Length, or a chunked body that grows past it, is answered
 *     413 by evhttp.  The server-wide maximum still bounds every route.
 *
 * Connections are known by file descriptor and socket inode (fstat), so
 * a descriptor that was closed and reused is never mistaken for the old
 * connection, and nothing is ever done to a descriptor this file did not
 * see accepted.  Closing one is a shutdown(2): evhttp sees EOF and frees
 * its connection as usual.
 */
#ifndef TSUNAGU_CONNLIMIT_H
#define TSUNAGU_CONNLIMIT_H

#include <stddef.h>

struct daemon;
struct evhttp;
struct evhttp_bound_socket;
struct connlimit;

#define CONNLIMIT_DEFAULT_MAX		1024
#define CONNLIMIT_HEADER_DEADLINE	10	/* seconds */
#define CONNLIMIT_FD_RESERVE		128	/* for the store, fetches ... */

/*
 * Registers on http (its bevcb) and pauses sock's listener at the cap;
 * NULL on failure (logged).
 */
struct connlimit	*connlimit_new(struct evhttp *,
			    struct evhttp_bound_socket *, struct daemon *);
/* Before evhttp_free(); NULL is a no-op. */
void			 connlimit_free(struct connlimit *);

/* Connections open now, and closed by the cap and by the deadline. */
size_t			 connlimit_open(struct connlimit *);
size_t			 connlimit_evicted(const struct connlimit *);
size_t			 connlimit_expired(const struct connlimit *);
/* The body limit of a request (method and path as on the request line). */
size_t			 connlimit_body_max(const char *method, size_t mlen,
			    const char *path, size_t plen);

#endif
