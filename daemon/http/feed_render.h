/*
 * feed_render.h — a feed page from the store to a sealed representation,
 * and the check that tells whether a cached one still holds.
 */
#ifndef TSUNAGU_FEED_RENDER_H
#define TSUNAGU_FEED_RENDER_H

struct daemon;
struct feed_cache;
struct feed_rep;
struct feed_request;

/* Representations from this size up are also kept gzip-compressed. */
#define FEED_GZIP_MIN	512
/* Above this a feed is not written (10000 postings fit easily). */
#define FEED_MAX_BYTES	(512 * 1024 * 1024)

/* A new representation (one reference, the caller's); NULL on failure,
 * logged. */
struct feed_rep	*feed_render(struct daemon *, const struct feed_request *);

/*
 * Is rep still what rendering the request now would give?  Without a
 * store change since it was checked: yes at once.  Otherwise it looks at
 * the postings changed since: none of them on the page or just after it,
 * and none that now matches the filter and sorts into the page, means
 * yes.  1 yes (rep remembers the store state it was checked at), 0 no,
 * -1 the store failed.
 */
int		 feed_revalidate(struct daemon *, struct feed_rep *,
		    const struct feed_request *);

/* The daemon's cache, made at first use with feed_cache_size. */
struct feed_cache *feed_cache_of(struct daemon *);
/*
 * The current representation of a request, from the cache when it still
 * holds, else rendered and cached: a new reference (feed_rep_unref()), or
 * NULL on failure (logged).  *state: "hit", "revalidated" or "miss".  The
 * route serves this; a WebSub hub gets a topic's content the same way.
 */
struct feed_rep	*feed_get(struct daemon *, const struct feed_request *,
		    const char **state);

#endif
