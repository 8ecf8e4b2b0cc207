/*
 * feed_cache.h — rendered feed pages, kept until a posting on them
 * changes.
 *
 * A representation (one format of one page of one filter) is rendered
 * once, compressed once and hashed once; it is immutable from then on and
 * counted: the cache holds a reference, and so does every reply still
 * sending its bytes (zero-copy), so eviction never pulls bytes from under
 * a slow client.  The cache is bounded in bytes and evicts the least
 * recently used.
 *
 * Each representation remembers what it was made of — the ids of its
 * postings and of the first posting after the page, the store's generation
 * and change sequence at the time, and when a tombstone on it expires — so
 * that feed_render.c can tell whether any change since touches it
 * (DESIGN.md: invalidated precisely when a posting it contains changes).
 */
#ifndef TSUNAGU_FEED_CACHE_H
#define TSUNAGU_FEED_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define FEED_ETAG_SIZE	48
/* Bodies from this size up go out by sendfile() from a memfd copy. */
#define FEED_FILE_MIN		(32 * 1024)
/* At most this many such files are open for the cache. */
#define FEED_CACHE_MAX_FILES	256

struct evbuffer_file_segment;

/* Up to the Date header's value, then the rest from text + split. */
struct feed_fast_head {
	char		*ffh_text;
	size_t		 ffh_split;
	size_t		 ffh_len;
};
#define FEED_FAST_HEADS			4
#define FEED_FAST_HEAD(not_modified, gz)	((not_modified) * 2 + (gz))

struct feed_rep {
	int		  fr_refs;
	char		 *fr_key;
	const char	 *fr_content_type;	/* static */
	char		 *fr_body;
	size_t		  fr_len;
	char		 *fr_gz;		/* NULL: sent as it is */
	size_t		  fr_gzlen;		/* 0: no gzip copy */
	char		  fr_etag[FEED_ETAG_SIZE];	/* with quotes */
	char		  fr_etag_gz[FEED_ETAG_SIZE];
	int64_t		  fr_last_modified;	/* unix seconds */
	char		  fr_last_modified_http[32];	/* as the header says */
	char		 *fr_link;		/* the Link header */
	int		  fr_private;		/* a subscriber's token feed */

	/* What it was made of. */
	char		**fr_ids;		/* sorted; page and sentinel */
	size_t		  fr_nids;
	int		  fr_has_next;		/* a posting follows the page */
	int64_t		  fr_next_modified;	/* that posting's key */
	int64_t		  fr_next_seq;
	int64_t		  fr_generation;	/* store state when known good */
	int64_t		  fr_seq;
	int64_t		  fr_expires;		/* a tombstone on it expires */

	/* The body and its gzip copy as files, made at the first reply. */
	struct evbuffer_file_segment *fr_seg[2];
	/* A hit's status line and headers for feed_fast.c, made at its first
	 * reply: FEED_FAST_HEAD(not_modified, gz) of FEED_FAST_HEADS. */
	struct feed_fast_head *fr_fast;

	/* The cache's. */
	struct feed_rep	 *fr_hnext;
	struct feed_rep	 *fr_lru_prev, *fr_lru_next;
	int		  fr_cached;
};

struct feed_cache_stats {
	uint64_t	fcs_hits;		/* served as they were */
	uint64_t	fcs_revalidated;	/* checked after a change, kept */
	uint64_t	fcs_renders;
	uint64_t	fcs_evictions;
	size_t		fcs_entries;
	size_t		fcs_bytes;
};

struct feed_cache;

/* max_bytes 0: nothing is kept (every request renders). */
struct feed_cache	*feed_cache_new(size_t max_bytes);
void			 feed_cache_free(struct feed_cache *);	/* NULL ok */
/* Changes the bound (reload), evicting what no longer fits. */
void			 feed_cache_set_max(struct feed_cache *, size_t);

/* Borrowed (take a reference to keep it); NULL when absent. */
struct feed_rep		*feed_cache_get(struct feed_cache *, const char *key);
/* The cache takes a reference of its own; an entry with the same key is
 * replaced.  A representation larger than the bound is not kept. */
void			 feed_cache_put(struct feed_cache *, struct feed_rep *);
void			 feed_cache_remove(struct feed_cache *,
			    struct feed_rep *);
struct feed_cache_stats	*feed_cache_stats(struct feed_cache *);
/*
 * Aliases: the request target (the path and query as the client wrote
 * them) that last named a key, so that feed_fast.c finds a page without
 * parsing the query again.  generation says which configuration made the
 * key (daemon.h: d_conf_generation); another generation drops every alias.
 * A target longer than FEED_ALIAS_TARGET_MAX is not kept.
 */
#define FEED_ALIAS_TARGET_MAX	512
void			 feed_cache_alias(struct feed_cache *,
			    const char *target, size_t len, const char *key,
			    uint64_t generation);
/* Borrowed, as feed_cache_get(); NULL when no alias or no page. */
struct feed_rep		*feed_cache_by_alias(struct feed_cache *,
			    const char *target, size_t len,
			    uint64_t generation);
/* The Date header's value now (RFC 9110 5.6.7), formatted once a second. */
const char		*feed_cache_date(struct feed_cache *, size_t *len);
/*
 * The body (gz 0) or its gzip copy (gz 1) as a file segment that a
 * socket can sendfile() from, made on first use for a cached
 * representation of at least FEED_FILE_MIN bytes while fewer than
 * FEED_CACHE_MAX_FILES exist; NULL: send it from memory.  Borrowed.
 * Once made, it replaces fr_body (fr_gz): that pointer becomes NULL, its
 * length stays.
 */
struct evbuffer_file_segment *feed_cache_segment(struct feed_cache *,
			    struct feed_rep *, int gz);

/* refs = 1, everything else empty. */
struct feed_rep		*feed_rep_new(void);
void			 feed_rep_ref(struct feed_rep *);
void			 feed_rep_unref(struct feed_rep *);	/* NULL ok */
/*
 * Takes body (malloc'd) and makes the validators: a strong ETag from
 * SHA-256 over the body, and a gzip copy with its own tag when the body is
 * at least gzip_min bytes and compresses.
 */
int			 feed_rep_seal(struct feed_rep *, char *body,
			    size_t len, size_t gzip_min);
/* Takes the ids (sorted here). */
void			 feed_rep_set_ids(struct feed_rep *, char **ids,
			    size_t n);
int			 feed_rep_has_id(const struct feed_rep *,
			    const char *id);

#endif
