/*
 * dedup_eval_store.c — the labeled records through the real store
 * (dedup_eval -s): each source's records in one fetch, in the first order
 * of the sources, and the store must put them in postings exactly as
 * dedup_match() put them in clusters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "posting.h"
#include "store.h"
#include "xmalloc.h"

#include "dedup_eval.h"

#define EVAL_T0	INT64_C(1772326800)	/* 2026-03-01T10:00:00+09:00 */

static void
remove_db(const char *path)
{
	char p[4200];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* Record i's posting in the store, into ids[i] (by its guid "eval:i"). */
static int
read_postings(const char *path, size_t n, char **ids)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long i;
	int rc = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT entry_key, posting_id FROM entries "
	    "WHERE entry_key LIKE 'eval:%'", -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		i = strtol((const char *)sqlite3_column_text(stmt, 0) + 5, NULL,
		    10);
		if (i < 0 || (size_t)i >= n) {
			rc = -1;
			continue;
		}
		free(ids[i]);
		ids[i] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return rc;
}

static int
one_part(const struct eval_set *set, const char *dir, const char *part,
    const struct sim_params *sp)
{
	struct store *st = NULL;
	struct posting_list pl;
	struct posting *p;
	char path[4096], guid[32], **ids;
	int order[EVAL_MAX_SOURCES], *of, rc = -1;
	size_t s, i, j, differ = 0, pairs = 0, both = 0, same = 0, pred = 0;

	snprintf(path, sizeof(path), "%s/dedup-eval-%s.db", dir, part);
	remove_db(path);
	ids = xcalloc(set->es_n, sizeof(*ids));
	of = xcalloc(set->es_n, sizeof(*of));
	if (store_open(path, &st) != 0)
		goto done;
	for (s = 0; s < set->es_nsources; s++) {
		struct source_def sd = {
			.sd_name = set->es_sources[s], .sd_url =
			    "https://example.org/", .sd_format = "rss",
			.sd_interval = 300, .sd_origin = "config",
		};

		for (i = 0; i < set->es_n; i++)
			if (set->es_recs[i].er_src == (int)s)
				sd.sd_kind = set->es_recs[i].er_kind;
		if (store_source_upsert(st, &sd) == -1)
			goto done;
		order[s] = (int)s;
	}
	for (s = 0; s < set->es_nsources; s++) {
		struct fetch_outcome fo = {
			.fo_source = set->es_sources[s],
			.fo_attempt = EVAL_T0 + (int64_t)s * 60,
			.fo_http_status = 200, .fo_entries = &pl,
		};

		posting_list_init(&pl);
		for (i = 0; i < set->es_n; i++) {
			if (set->es_recs[i].er_src != (int)s ||
			    strcmp(set->es_recs[i].er_split, part) != 0)
				continue;
			p = posting_clone(set->es_recs[i].er_posting);
			snprintf(guid, sizeof(guid), "eval:%zu", i);
			posting_set(&p->pst_guid, guid);
			posting_list_push(&pl, p);
		}
		fo.fo_next_poll = fo.fo_attempt + 300;
		if (store_record_fetch(st, &fo, NULL) == -1) {
			posting_list_clear(&pl);
			goto done;
		}
		posting_list_clear(&pl);
	}
	store_close(st);
	st = NULL;
	if (read_postings(path, set->es_n, ids) == -1)
		goto done;
	eval_cluster(set, part, -1, order, set->es_nsources, sp, of);
	for (i = 0; i < set->es_n; i++) {
		if (strcmp(set->es_recs[i].er_split, part) != 0)
			continue;
		if (ids[i] == NULL) {
			fprintf(stderr, "record %zu is not in the store\n", i);
			goto done;
		}
		for (j = i + 1; j < set->es_n; j++) {
			int in_store, in_match, label;

			if (strcmp(set->es_recs[j].er_split, part) != 0)
				continue;
			pairs++;
			in_store = strcmp(ids[i], ids[j]) == 0;
			in_match = of[i] == of[j];
			label = strcmp(set->es_recs[i].er_event,
			    set->es_recs[j].er_event) == 0;
			same += label;
			pred += in_store;
			both += label && in_store;
			if (in_store != in_match) {
				differ++;
				printf("  store and dedup_match differ on %s/%s "
				    "and %s/%s\n", set->es_recs[i].er_event,
				    set->es_recs[i].er_source,
				    set->es_recs[j].er_event,
				    set->es_recs[j].er_source);
			}
		}
	}
	printf("%-5s through the store: precision %.4f recall %.4f, %zu of "
	    "%zu pairs placed otherwise than by dedup_match\n", part,
	    pred ? (double)both / pred : 1, same ? (double)both / same : 1,
	    differ, pairs);
	rc = differ == 0 ? 0 : -1;
 done:
	store_close(st);
	remove_db(path);
	for (i = 0; i < set->es_n; i++)
		free(ids[i]);
	free(ids);
	free(of);
	return rc;
}

int
eval_store(const struct eval_set *set, const char *dir,
    const struct sim_params *sp)
{
	int rc = 0;

	if (one_part(set, dir, "tune", sp) == -1)
		rc = -1;
	if (one_part(set, dir, "held", sp) == -1)
		rc = -1;
	return rc;
}
