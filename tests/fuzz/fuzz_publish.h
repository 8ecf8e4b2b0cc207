/*
 * fuzz_publish.h — what happens to a parsed entry after the parser, for
 * the harnesses of the ingest formats: normalize_posting() as the poller
 * runs it, the ids the store gives, then every writer of the published
 * formats, and the Atom output read back by tsunagu's own Atom parser.
 *
 * Checked properties (abort() on failure, so libFuzzer reports them):
 *   - normalizing twice changes nothing the writers see (normalize.h);
 *   - every writer succeeds and the JSON Feed item is valid UTF-8;
 *   - the Atom document parses back with as many entries as it holds.
 *
 * Header-only (static functions): each harness gets its own copy.
 */
#ifndef TSUNAGU_FUZZ_PUBLISH_H
#define TSUNAGU_FUZZ_PUBLISH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "feed.h"
#include "normalize.h"
#include "posting.h"
#include "posting_json.h"
#include "writer.h"

#define FUZZ_OUT_MAX	((size_t)64 << 20)

static const struct feed_meta fuzz_meta = {
	.fm_title = "fuzz",
	.fm_self_url = "https://volunteer.example.jp/feeds/all.atom",
	.fm_home_url = "https://volunteer.example.jp/",
	.fm_hub_url = "https://volunteer.example.jp/hub",
	.fm_instance = "fuzz",
	.fm_updated = INT64_C(1772326800),
};

static void
fuzz_require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz property violated: %s\n", what);
		abort();
	}
}

/* What the store and the feed route add to a normalized posting. */
static void
fuzz_give_identity(struct posting *p, size_t i)
{
	char *key = posting_entry_key(p), hex[65], id[48];

	posting_sha256_hex(key, strlen(key), hex);
	free(key);
	snprintf(id, sizeof(id), "p%.16s%zu", hex, i);
	posting_set(&p->pst_id, id);
	p->pst_revision = 1;
	if (p->pst_kind == NULL)
		posting_set(&p->pst_kind, "city");
	posting_clear_refs(p);
	posting_add_ref(p, "fuzz", p->pst_kind, p->pst_link,
	    INT64_C(1772326800));
	if (p->pst_origin_instance == NULL)
		posting_set(&p->pst_origin_instance, "fuzz");
	if (p->pst_origin_id == NULL)
		posting_set(&p->pst_origin_id, id);
	if (p->pst_modified == 0)
		p->pst_modified = INT64_C(1772326800);
}

static char *
fuzz_item_text(const struct posting *p)
{
	json_t *item = jsonfeed_item(&fuzz_meta, p);
	char *s;

	fuzz_require(item != NULL, "jsonfeed_item() failed");
	s = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(item);
	fuzz_require(s != NULL, "the JSON Feed item does not serialize");
	return s;
}

static void
fuzz_publish(struct feed *f)
{
	static const struct normalize_ctx ctx = {
		.nc_base_url = "https://example.jp/feed/",
		.nc_region = "232106",
	};
	int (*const writers[])(const struct feed_meta *,
	    struct posting *const *, size_t, struct buf *) = {
		atom_write, jsonfeed_write, rss_write, ical_write, csv_write,
	};
	struct posting **ps = f->fd_entries.pl_items;
	size_t n = f->fd_entries.pl_len, i;
	struct feed *back = NULL;
	struct buf b;
	char *once, *twice, err[256];

	for (i = 0; i < n; i++) {
		normalize_posting(ps[i], &ctx);
		fuzz_give_identity(ps[i], i);
		once = fuzz_item_text(ps[i]);
		normalize_posting(ps[i], &ctx);
		twice = fuzz_item_text(ps[i]);
		if (strcmp(once, twice) != 0)
			fprintf(stderr, "once:  %s\ntwice: %s\n", once, twice);
		fuzz_require(strcmp(once, twice) == 0,
		    "normalize_posting() is not idempotent");
		free(once);
		free(twice);
	}
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		buf_init(&b, FUZZ_OUT_MAX);
		fuzz_require(writers[i](&fuzz_meta, ps, n, &b) == 0,
		    "a writer failed");
		if (writers[i] == atom_write) {
			/* What we publish, we (and other instances) read. */
			if (feed_parse(b.data, b.len, FEED_FORMAT_ATOM, NULL,
			    &back, err, sizeof(err)) == -1)
				fprintf(stderr, "%s\n", err);
			fuzz_require(back != NULL,
			    "the Atom output does not parse");
			fuzz_require(back->fd_entries.pl_len == n,
			    "the Atom output lost entries");
			feed_free(back);
		}
		buf_free(&b);
	}
}

#endif
