/*
 * test_feed_cache.c — the representation cache: lookup by key,
 * replacement, LRU eviction within the byte bound, references that outlive
 * eviction, validators and the gzip copy made once; aliases of keys by
 * request target, dropped with the configuration that made them.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <event2/buffer.h>

#include "feed_cache.h"

static struct feed_rep *
rep(const char *key, size_t body_len)
{
	struct feed_rep *fr = feed_rep_new();
	char *body = malloc(body_len + 1);

	memset(body, 'x', body_len);
	body[body_len] = '\0';
	fr->fr_key = strdup(key);
	/* Never worth compressing here: keeps sizes exact. */
	assert_int_equal(feed_rep_seal(fr, body, body_len, SIZE_MAX), 0);
	return fr;
}

static void
test_get_put_replace(void **state)
{
	struct feed_cache *fc = feed_cache_new(1 << 20);
	struct feed_rep *a = rep("a", 100), *a2 = rep("a", 200), *b;

	assert_null(feed_cache_get(fc, "a"));
	feed_cache_put(fc, a);
	assert_ptr_equal(feed_cache_get(fc, "a"), a);
	assert_int_equal(a->fr_refs, 2);
	feed_cache_put(fc, a2);		/* same key: replaces */
	assert_ptr_equal(feed_cache_get(fc, "a"), a2);
	assert_int_equal(a->fr_refs, 1);
	assert_int_equal(feed_cache_stats(fc)->fcs_entries, 1);
	b = rep("b", 10);
	feed_cache_put(fc, b);
	feed_cache_remove(fc, b);
	assert_null(feed_cache_get(fc, "b"));
	assert_int_equal(b->fr_refs, 1);
	feed_rep_unref(a);
	feed_rep_unref(a2);
	feed_rep_unref(b);
	feed_cache_free(fc);
}

static void
test_lru_eviction_and_references(void **state)
{
	/* Room for about three 1000-byte representations. */
	struct feed_cache *fc = feed_cache_new(3 * (1000 + 400));
	struct feed_rep *r[4];
	char key[8];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		r[i] = rep(key, 1000);
		feed_cache_put(fc, r[i]);
	}
	/* k0 used: k1 is now the least recently used. */
	assert_non_null(feed_cache_get(fc, "k0"));
	r[3] = rep("k3", 1000);
	feed_cache_put(fc, r[3]);
	assert_null(feed_cache_get(fc, "k1"));
	assert_non_null(feed_cache_get(fc, "k0"));
	assert_non_null(feed_cache_get(fc, "k2"));
	assert_non_null(feed_cache_get(fc, "k3"));
	assert_int_equal(feed_cache_stats(fc)->fcs_evictions, 1);
	/* An evicted representation lives on while referenced. */
	assert_int_equal(r[1]->fr_refs, 1);
	assert_int_equal(r[1]->fr_body[999], 'x');
	/* Too large for the cache: not kept, still usable. */
	feed_rep_unref(r[0]);
	r[0] = rep("big", 10000);
	feed_cache_put(fc, r[0]);
	assert_null(feed_cache_get(fc, "big"));
	assert_int_equal(r[0]->fr_refs, 1);
	/* A smaller bound evicts now; 0 keeps nothing. */
	feed_cache_set_max(fc, 0);
	assert_int_equal(feed_cache_stats(fc)->fcs_entries, 0);
	assert_int_equal(feed_cache_stats(fc)->fcs_bytes, 0);
	for (i = 0; i < 4; i++)
		feed_rep_unref(r[i]);
	feed_cache_free(fc);
}

static void
test_seal_validators_and_gzip(void **state)
{
	struct feed_rep *fr = feed_rep_new(), *same = feed_rep_new();
	const char *text = "<feed>福祉ボランティア募集 福祉ボランティア募集 "
	    "福祉ボランティア募集 福祉ボランティア募集</feed>";
	unsigned char plain[4096];
	uLongf plainlen = sizeof(plain);
	z_stream zs;

	assert_int_equal(feed_rep_seal(fr, strdup(text), strlen(text), 16),
	    0);
	assert_int_equal(feed_rep_seal(same, strdup(text), strlen(text),
	    1 << 20), 0);
	/* Strong tags from the bytes; the gzip copy has its own. */
	assert_int_equal(strlen(fr->fr_etag), 34);
	assert_string_equal(fr->fr_etag, same->fr_etag);
	assert_string_not_equal(fr->fr_etag, fr->fr_etag_gz);
	assert_non_null(fr->fr_gz);
	assert_null(same->fr_gz);		/* below its gzip_min */
	assert_true(fr->fr_gzlen < fr->fr_len);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)fr->fr_gz;
	zs.avail_in = (uInt)fr->fr_gzlen;
	zs.next_out = plain;
	zs.avail_out = (uInt)plainlen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, strlen(text));
	assert_memory_equal(plain, text, strlen(text));
	inflateEnd(&zs);
	feed_rep_unref(fr);
	feed_rep_unref(same);
}

static void
test_ids(void **state)
{
	struct feed_rep *fr = feed_rep_new();
	char **ids = calloc(3, sizeof(char *));

	ids[0] = strdup("pc");
	ids[1] = strdup("pa");
	ids[2] = strdup("pb");
	feed_rep_set_ids(fr, ids, 3);
	assert_true(feed_rep_has_id(fr, "pa"));
	assert_true(feed_rep_has_id(fr, "pc"));
	assert_false(feed_rep_has_id(fr, "pd"));
	assert_false(feed_rep_has_id(fr, ""));
	feed_rep_unref(fr);
}

static void
test_file_segments(void **state)
{
	struct feed_cache *fc = feed_cache_new(16 << 20);
	struct feed_rep *small = rep("small", FEED_FILE_MIN - 1);
	struct feed_rep *big = rep("big", FEED_FILE_MIN);
	struct feed_rep *loose = rep("loose", FEED_FILE_MIN);
	struct evbuffer_file_segment *seg;

	feed_cache_put(fc, small);
	feed_cache_put(fc, big);
	/* Small bodies stay in memory; uncached ones get no file. */
	assert_null(feed_cache_segment(fc, small, 0));
	assert_null(feed_cache_segment(fc, loose, 0));
	assert_non_null(loose->fr_body);
	/* A big cached one: a file, made once, its heap copy gone. */
	seg = feed_cache_segment(fc, big, 0);
	assert_non_null(seg);
	assert_ptr_equal(feed_cache_segment(fc, big, 0), seg);
	assert_null(big->fr_body);
	assert_int_equal(big->fr_len, FEED_FILE_MIN);
	assert_null(feed_cache_segment(fc, big, 1));	/* no gzip copy */
	feed_cache_remove(fc, big);
	feed_rep_unref(small);
	feed_rep_unref(big);
	feed_rep_unref(loose);
	feed_cache_free(fc);
}

/*
 * A reply still queued with a page's file (a connection's output) sends
 * the file as it was after the cache has dropped the page and the page
 * is gone: the queue's reference keeps the file open.
 */
static void
test_file_outlives_page(void **state)
{
	struct feed_cache *fc = feed_cache_new(16 << 20);
	struct feed_rep *big = rep("big", FEED_FILE_MIN + 1000);
	struct evbuffer *out = evbuffer_new();
	char *got = malloc(FEED_FILE_MIN + 1000);
	size_t have = 0;
	ssize_t n;
	int sv[2], other;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	feed_cache_put(fc, big);
	assert_int_equal(evbuffer_add_file_segment(out,
	    feed_cache_segment(fc, big, 0), 0, -1), 0);
	feed_cache_remove(fc, big);
	feed_rep_unref(big);
	feed_cache_free(fc);
	/* Its descriptor number taken by another file, were it closed. */
	other = open("/dev/null", O_RDONLY);
	assert_true(other >= 0);
	while (evbuffer_get_length(out) > 0) {
		assert_true(evbuffer_write(out, sv[0]) > 0);
		while (have < FEED_FILE_MIN + 1000 && (n = recv(sv[1],
		    got + have, FEED_FILE_MIN + 1000 - have, MSG_DONTWAIT)) > 0)
			have += (size_t)n;
	}
	assert_int_equal(have, FEED_FILE_MIN + 1000);
	for (n = 0; n < (ssize_t)have; n++)
		assert_int_equal(got[n], 'x');
	evbuffer_free(out);
	close(other);
	close(sv[0]);
	close(sv[1]);
	free(got);
}

static void
test_aliases(void **state)
{
	struct feed_cache *fc = feed_cache_new(1 << 20);
	struct feed_rep *a = rep("key-a", 100);
	static const char target[] = "/feeds/all.atom?limit=5";
	char longer[FEED_ALIAS_TARGET_MAX + 2];

	feed_cache_put(fc, a);
	feed_cache_alias(fc, target, strlen(target), "key-a", 1);
	assert_ptr_equal(feed_cache_by_alias(fc, target, strlen(target), 1),
	    a);
	/* A prefix is another target. */
	assert_null(feed_cache_by_alias(fc, target, strlen(target) - 1, 1));
	/* An alias of a key no longer cached finds nothing. */
	feed_cache_alias(fc, "/x", 2, "key-gone", 1);
	assert_null(feed_cache_by_alias(fc, "/x", 2, 1));
	/* Another configuration: every alias is gone, even under the old
	 * generation again. */
	assert_null(feed_cache_by_alias(fc, target, strlen(target), 2));
	assert_null(feed_cache_by_alias(fc, target, strlen(target), 1));
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	feed_cache_alias(fc, longer, strlen(longer), "key-a", 1);
	assert_null(feed_cache_by_alias(fc, longer, strlen(longer), 1));
	feed_rep_unref(a);
	feed_cache_free(fc);
}

/* Formatted once a second, as the header writes it. */
static void
test_date(void **state)
{
	struct feed_cache *fc = feed_cache_new(1 << 20);
	const char *d;
	size_t len;

	d = feed_cache_date(fc, &len);
	assert_int_equal(len, strlen("Thu, 01 Jan 1970 00:00:00 GMT"));
	assert_int_equal(strlen(d), len);
	assert_string_equal(d + len - 4, " GMT");
	assert_ptr_equal(feed_cache_date(fc, NULL), d);
	feed_cache_free(fc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_put_replace),
		cmocka_unit_test(test_lru_eviction_and_references),
		cmocka_unit_test(test_seal_validators_and_gzip),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_file_segments),
		cmocka_unit_test(test_file_outlives_page),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_date),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
