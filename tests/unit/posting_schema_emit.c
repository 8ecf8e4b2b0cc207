/*
 * posting_schema_emit.c — for test_posting_schema.py: parses every feed
 * under the paths given, normalizes each entry as the poller does, gives
 * it what the store and the feed routes add (id, revision, kind, one
 * source, origin), and prints posting_to_json() of it, one JSON object a
 * line.
 *
 *	posting_schema_emit TABLE PATH...
 *
 * TABLE is a municipality table (localgovjp format); a PATH is a file or a
 * directory, read recursively.  Documents that do not parse are skipped.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "area_table.h"
#include "feed.h"
#include "normalize.h"
#include "posting.h"
#include "posting_json.h"

#define MAX_FILE	(8 * 1024 * 1024)
#define FETCHED		INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */

static struct normalize_ctx ctx = {
	.nc_base_url = "https://example.org/feeds/source.xml",
	.nc_region = "232106",
};
static size_t emitted;

/* What the store (ids, revision, kind, refs) and route (origin) add. */
static void
publish(struct posting *p)
{
	char *key = posting_entry_key(p), hex[65], id[24];

	posting_sha256_hex(key, strlen(key), hex);
	free(key);
	snprintf(id, sizeof(id), "p%.20s", hex);
	posting_set(&p->pst_id, id);
	p->pst_revision = 1;
	if (p->pst_kind == NULL)
		posting_set(&p->pst_kind, "city");
	posting_clear_refs(p);
	posting_add_ref(p, "test", p->pst_kind, p->pst_link, FETCHED);
	posting_set(&p->pst_origin_instance, "test");
	posting_set(&p->pst_origin_id, id);
}

static int
emit(struct posting *p, const char *where)
{
	json_t *o;
	char *s;

	normalize_posting(p, &ctx);
	publish(p);
	if ((o = posting_to_json(p)) == NULL) {
		fprintf(stderr, "%s: posting_to_json failed\n", where);
		return -1;
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	printf("%s\n", s);
	free(s);
	emitted++;
	return 0;
}

static int
emit_file(const char *path)
{
	struct feed *f;
	FILE *fp;
	char *data, err[256];
	size_t len, i;
	int rc = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	data = malloc(MAX_FILE + 1);
	len = fread(data, 1, MAX_FILE + 1, fp);
	fclose(fp);
	if (data == NULL || len > MAX_FILE) {
		free(data);
		return 0;
	}
	if (feed_parse(data, len, FEED_FORMAT_AUTO, NULL, &f, err,
	    sizeof(err)) == 0) {
		for (i = 0; i < f->fd_entries.pl_len; i++)
			if (emit(f->fd_entries.pl_items[i], path) == -1)
				rc = -1;
		feed_free(f);
	}
	free(data);
	return rc;
}

static int
emit_path(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[4096];
	DIR *d;
	int rc = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return emit_file(path);
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (emit_path(sub) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* Every field set, in forms a source might send. */
static int
emit_full(void)
{
	struct posting *p = posting_new();
	int rc;

	posting_set(&p->pst_guid, "tag:example.org,2026:ev/42");
	posting_set(&p->pst_title, "【募集】公園清掃ボランティア〜亀城公園〜");
	posting_set(&p->pst_link, "https://example.org/ev/42");
	posting_set(&p->pst_content_html, "<p onclick=\"x\">軍手を<a href="
	    "\"/bring\">お持ちください</a>。</p><script>x()</script>");
	p->pst_published = FETCHED - 86400;
	p->pst_modified = FETCHED;
	posting_add_category(p, "福祉");
	posting_add_category(p, "環境");
	posting_set(&p->pst_kind, "shakyo");
	posting_set(&p->pst_organizer_name, "刈谷市社会福祉協議会");
	posting_set(&p->pst_organizer_kind, "shakyo");
	posting_set(&p->pst_start, "2026/03/01 10:00");
	posting_set(&p->pst_end, "2026-03-01T12:00:00+09:00");
	posting_set(&p->pst_deadline, "令和8年2月20日");
	posting_set(&p->pst_address, "愛知県刈谷市城町1丁目");
	posting_set(&p->pst_place, "亀城公園");
	p->pst_lat = 34.9876;
	p->pst_lon = 137.0012;
	p->pst_has_geo = 1;
	p->pst_capacity = 20;
	posting_set(&p->pst_fee, "無料");
	posting_set(&p->pst_contact_name, "ボランティアセンター");
	posting_set(&p->pst_contact_phone, "(0566)62-1000");
	posting_set(&p->pst_contact_email, "VC@Example.ORG");
	posting_set(&p->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	posting_set(&p->pst_duplicate_of, "p99999999999999999999");
	rc = emit(p, "full posting");
	posting_free(p);
	return rc;
}

int
main(int argc, char **argv)
{
	struct area_table *t;
	char err[512];
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: posting_schema_emit TABLE PATH...\n");
		return 2;
	}
	if ((t = area_table_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ctx.nc_areas = t;
	if (emit_full() == -1)
		rc = 1;
	for (i = 2; i < argc; i++)
		if (emit_path(argv[i]) == -1)
			rc = 1;
	area_table_free(t);
	fprintf(stderr, "%zu postings\n", emitted);
	return rc;
}
