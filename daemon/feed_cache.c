/* feed_cache.c — a bounded LRU of rendered feed pages, by key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "../feeds/date.h"
#include "../feeds/xmalloc.h"
#include "feed_cache.h"

#define FEED_CACHE_BUCKETS	1024	/* power of two */
#define FEED_ALIAS_SLOTS	256	/* power of two; a collision replaces */

struct feed_alias {
	char		*fa_target;
	size_t		 fa_len;
	char		*fa_key;
};

struct feed_cache {
	struct feed_rep		*fc_buckets[FEED_CACHE_BUCKETS];
	struct feed_rep		*fc_lru_head;	/* most recently used */
	struct feed_rep		*fc_lru_tail;
	size_t			 fc_max;
	size_t			 fc_files;	/* segments of cached reps */
	struct feed_cache_stats	 fc_stats;
	struct feed_alias	 fc_alias[FEED_ALIAS_SLOTS];
	uint64_t		 fc_alias_generation;
	time_t			 fc_date_at;
	char			 fc_date[32];
	size_t			 fc_datelen;
};

/* FNV-1a. */
static uint64_t
fnv1a(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t
bucket_of(const char *key)
{
	return (size_t)(fnv1a(key, strlen(key)) & (FEED_CACHE_BUCKETS - 1));
}

static size_t
cost(const struct feed_rep *fr)
{
	return fr->fr_len + fr->fr_gzlen + strlen(fr->fr_key) +
	    fr->fr_nids * 32 + sizeof(*fr);
}

struct feed_rep *
feed_rep_new(void)
{
	struct feed_rep *fr = xcalloc(1, sizeof(*fr));

	fr->fr_refs = 1;
	fr->fr_expires = INT64_MAX;
	return fr;
}

void
feed_rep_ref(struct feed_rep *fr)
{
	fr->fr_refs++;
}

void
feed_rep_unref(struct feed_rep *fr)
{
	size_t i;

	if (fr == NULL || --fr->fr_refs > 0)
		return;
	/* Replies still sending hold the segments' own references. */
	for (i = 0; i < 2; i++)
		if (fr->fr_seg[i] != NULL)
			evbuffer_file_segment_free(fr->fr_seg[i]);
	free(fr->fr_key);
	free(fr->fr_body);
	free(fr->fr_gz);
	free(fr->fr_link);
	for (i = 0; fr->fr_fast != NULL && i < FEED_FAST_HEADS; i++)
		free(fr->fr_fast[i].ffh_text);
	free(fr->fr_fast);
	for (i = 0; i < fr->fr_nids; i++)
		free(fr->fr_ids[i]);
	free(fr->fr_ids);
	free(fr);
}

static int
gzip_bytes(const char *data, size_t len, char **out, size_t *outlen)
{
	z_stream zs;
	uLong bound;
	char *buf;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	/* The gzip header and trailer on top of deflate's own bound. */
	bound = deflateBound(&zs, (uLong)len) + 32;
	buf = xmalloc(bound);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (unsigned char *)buf;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(buf);
		return -1;
	}
	*outlen = zs.total_out;
	deflateEnd(&zs);
	*out = buf;
	return 0;
}

int
feed_rep_seal(struct feed_rep *fr, char *body, size_t len, size_t gzip_min)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	char hex[33];
	int i;

	fr->fr_body = body;
	fr->fr_len = len;
	SHA256((const unsigned char *)body, len, digest);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	snprintf(fr->fr_etag, sizeof(fr->fr_etag), "\"%s\"", hex);
	/* Each encoding is its own representation: its own strong tag. */
	snprintf(fr->fr_etag_gz, sizeof(fr->fr_etag_gz), "\"%s-gz\"", hex);
	/* zlib takes uInt lengths; a feed is bounded far below that. */
	if (len >= gzip_min && len < (size_t)UINT32_MAX &&
	    gzip_bytes(body, len, &fr->fr_gz, &fr->fr_gzlen) == 0 &&
	    fr->fr_gzlen >= len) {
		free(fr->fr_gz);
		fr->fr_gz = NULL;
		fr->fr_gzlen = 0;
	}
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
feed_rep_set_ids(struct feed_rep *fr, char **ids, size_t n)
{
	fr->fr_ids = ids;
	fr->fr_nids = n;
	if (n > 1)
		qsort(ids, n, sizeof(*ids), id_cmp);
}

int
feed_rep_has_id(const struct feed_rep *fr, const char *id)
{
	if (fr->fr_nids == 0)
		return 0;
	return bsearch(&id, fr->fr_ids, fr->fr_nids, sizeof(*fr->fr_ids),
	    id_cmp) != NULL;
}

/* --- the cache ------------------------------------------------------ */

struct feed_cache *
feed_cache_new(size_t max_bytes)
{
	struct feed_cache *fc = xcalloc(1, sizeof(*fc));

	fc->fc_max = max_bytes;
	return fc;
}

static void
lru_unlink(struct feed_cache *fc, struct feed_rep *fr)
{
	if (fr->fr_lru_prev)
		fr->fr_lru_prev->fr_lru_next = fr->fr_lru_next;
	else
		fc->fc_lru_head = fr->fr_lru_next;
	if (fr->fr_lru_next)
		fr->fr_lru_next->fr_lru_prev = fr->fr_lru_prev;
	else
		fc->fc_lru_tail = fr->fr_lru_prev;
	fr->fr_lru_prev = fr->fr_lru_next = NULL;
}

static void
lru_push_front(struct feed_cache *fc, struct feed_rep *fr)
{
	fr->fr_lru_prev = NULL;
	fr->fr_lru_next = fc->fc_lru_head;
	if (fc->fc_lru_head)
		fc->fc_lru_head->fr_lru_prev = fr;
	fc->fc_lru_head = fr;
	if (fc->fc_lru_tail == NULL)
		fc->fc_lru_tail = fr;
}

void
feed_cache_remove(struct feed_cache *fc, struct feed_rep *fr)
{
	struct feed_rep **pp;

	if (!fr->fr_cached)
		return;
	for (pp = &fc->fc_buckets[bucket_of(fr->fr_key)]; *pp != NULL;
	    pp = &(*pp)->fr_hnext)
		if (*pp == fr) {
			*pp = fr->fr_hnext;
			break;
		}
	fr->fr_hnext = NULL;
	lru_unlink(fc, fr);
	fr->fr_cached = 0;
	fc->fc_files -= (fr->fr_seg[0] != NULL) + (fr->fr_seg[1] != NULL);
	fc->fc_stats.fcs_entries--;
	fc->fc_stats.fcs_bytes -= cost(fr);
	feed_rep_unref(fr);
}

static void
evict(struct feed_cache *fc)
{
	while (fc->fc_lru_tail != NULL && fc->fc_stats.fcs_bytes > fc->fc_max) {
		fc->fc_stats.fcs_evictions++;
		feed_cache_remove(fc, fc->fc_lru_tail);
	}
}

void
feed_cache_set_max(struct feed_cache *fc, size_t max_bytes)
{
	fc->fc_max = max_bytes;
	evict(fc);
}

static void
alias_clear(struct feed_alias *fa)
{
	free(fa->fa_target);
	free(fa->fa_key);
	memset(fa, 0, sizeof(*fa));
}

void
feed_cache_free(struct feed_cache *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	while (fc->fc_lru_head != NULL)
		feed_cache_remove(fc, fc->fc_lru_head);
	for (i = 0; i < FEED_ALIAS_SLOTS; i++)
		alias_clear(&fc->fc_alias[i]);
	free(fc);
}

struct feed_rep *
feed_cache_get(struct feed_cache *fc, const char *key)
{
	struct feed_rep *fr;

	for (fr = fc->fc_buckets[bucket_of(key)]; fr != NULL;
	    fr = fr->fr_hnext)
		if (strcmp(fr->fr_key, key) == 0) {
			if (fc->fc_lru_head != fr) {
				lru_unlink(fc, fr);
				lru_push_front(fc, fr);
			}
			return fr;
		}
	return NULL;
}

void
feed_cache_put(struct feed_cache *fc, struct feed_rep *fr)
{
	struct feed_rep *old;
	size_t b;

	if (fr->fr_cached || fr->fr_key == NULL)
		return;
	if ((old = feed_cache_get(fc, fr->fr_key)) != NULL)
		feed_cache_remove(fc, old);
	if (cost(fr) > fc->fc_max)
		return;
	b = bucket_of(fr->fr_key);
	feed_rep_ref(fr);
	fr->fr_hnext = fc->fc_buckets[b];
	fc->fc_buckets[b] = fr;
	lru_push_front(fc, fr);
	fr->fr_cached = 1;
	fc->fc_stats.fcs_entries++;
	fc->fc_stats.fcs_bytes += cost(fr);
	evict(fc);
}

struct feed_cache_stats *
feed_cache_stats(struct feed_cache *fc)
{
	return &fc->fc_stats;
}

/* The alias slot of target, every alias dropped on a new generation. */
static struct feed_alias *
alias_slot(struct feed_cache *fc, const char *target, size_t len,
    uint64_t generation)
{
	size_t i;

	if (generation != fc->fc_alias_generation) {
		for (i = 0; i < FEED_ALIAS_SLOTS; i++)
			alias_clear(&fc->fc_alias[i]);
		fc->fc_alias_generation = generation;
	}
	return &fc->fc_alias[fnv1a(target, len) & (FEED_ALIAS_SLOTS - 1)];
}

void
feed_cache_alias(struct feed_cache *fc, const char *target, size_t len,
    const char *key, uint64_t generation)
{
	struct feed_alias *fa = alias_slot(fc, target, len, generation);

	if (len > FEED_ALIAS_TARGET_MAX)
		return;
	if (fa->fa_target != NULL && fa->fa_len == len &&
	    memcmp(fa->fa_target, target, len) == 0 &&
	    strcmp(fa->fa_key, key) == 0)
		return;
	alias_clear(fa);
	fa->fa_target = xstrndup(target, len);
	fa->fa_len = len;
	fa->fa_key = xstrdup(key);
}

struct feed_rep *
feed_cache_by_alias(struct feed_cache *fc, const char *target, size_t len,
    uint64_t generation)
{
	struct feed_alias *fa = alias_slot(fc, target, len, generation);

	if (fa->fa_target == NULL || fa->fa_len != len ||
	    memcmp(fa->fa_target, target, len) != 0)
		return NULL;
	return feed_cache_get(fc, fa->fa_key);
}

const char *
feed_cache_date(struct feed_cache *fc, size_t *len)
{
	time_t now = time(NULL);

	if (now != fc->fc_date_at || fc->fc_datelen == 0) {
		date_format_http((int64_t)now, fc->fc_date);
		fc->fc_date_at = now;
		fc->fc_datelen = strlen(fc->fc_date);
	}
	if (len != NULL)
		*len = fc->fc_datelen;
	return fc->fc_date;
}

/* A memfd holding len bytes of data; -1 on failure. */
static int
memfd_of(const char *data, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("tsunagu-feed", MFD_CLOEXEC)) == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return fd;
}

struct evbuffer_file_segment *
feed_cache_segment(struct feed_cache *fc, struct feed_rep *fr, int gz)
{
	const char *data = gz ? fr->fr_gz : fr->fr_body;
	size_t len = gz ? fr->fr_gzlen : fr->fr_len;
	int fd;

	gz = gz != 0;
	if (fr->fr_seg[gz] != NULL)
		return fr->fr_seg[gz];
	if (!fr->fr_cached || data == NULL || len < FEED_FILE_MIN ||
	    fc->fc_files >= FEED_CACHE_MAX_FILES)
		return NULL;
	if ((fd = memfd_of(data, len)) == -1)
		return NULL;
	fr->fr_seg[gz] = evbuffer_file_segment_new(fd, 0, (ev_off_t)len,
	    EVBUF_FS_CLOSE_ON_FREE);
	if (fr->fr_seg[gz] == NULL) {
		close(fd);
		return NULL;
	}
	fc->fc_files++;
	/* The file is the body from now on: no second copy in memory. */
	if (gz) {
		free(fr->fr_gz);
		fr->fr_gz = NULL;
	} else {
		free(fr->fr_body);
		fr->fr_body = NULL;
	}
	return fr->fr_seg[gz];
}
