/*
 * dedup_explain.c — what deduplication shows and keeps beside the fetch
 * path: the configuration's policy, the records of a posting and why
 * each is in it, the postings merged into it, how a source's records are
 * known, and the records of a database from before 004_dedup.sql.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dedup_key.h"
#include "dedup_private.h"
#include "log.h"
#include "posting.h"
#include "similarity.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

void
store_set_policy(struct store *st, const struct store_policy *sp)
{
	if (sp == NULL)
		memset(&st->st_policy, 0, sizeof(st->st_policy));
	else
		st->st_policy = *sp;
}

void
dedup_rec_keys(struct dedup_rec *r, const char *source)
{
	dedup_keys_of(r->dr_posting, &r->dr_keys);
	free(r->dr_content_key);
	r->dr_content_key = dedup_content_key(r->dr_posting);
	sim_record_of(&r->dr_keys, source, &r->dr_sim);
	sim_grams_of(r->dr_keys.dk_title, &r->dr_grams);
	r->dr_sim.sr_title_grams = &r->dr_grams;
}

/* --- the records of a posting ------------------------------------------ */

static double
col_real(sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return -1;
	return sqlite3_column_double(stmt, col);
}

int
store_posting_records(struct store *st, const char *id,
    struct posting_record **out, size_t *n)
{
	static const char sql[] =
	    "SELECT source, kind, entry_key, identity, "
	    "json_extract(doc, '$.url'), json_extract(doc, '$.title'), "
	    "match_rule, match_score, match_title, match_place, "
	    "match_source, match_key, first_seen, last_seen, missing, gone "
	    "FROM entries WHERE posting_id = ?1 "
	    "ORDER BY match_rule <> 'first', first_seen, source, entry_key";
	struct posting_record *list = NULL, *pr;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		pr = &list[len++];
		pr->pr_source = store_column_str(stmt, 0);
		pr->pr_kind = store_column_str(stmt, 1);
		pr->pr_key = store_column_str(stmt, 2);
		pr->pr_identity = store_column_str(stmt, 3);
		pr->pr_url = store_column_str(stmt, 4);
		pr->pr_title = store_column_str(stmt, 5);
		pr->pr_rule = store_column_str(stmt, 6);
		pr->pr_score = col_real(stmt, 7);
		pr->pr_title_sim = col_real(stmt, 8);
		pr->pr_place_sim = col_real(stmt, 9);
		pr->pr_match_source = store_column_str(stmt, 10);
		pr->pr_match_key = store_column_str(stmt, 11);
		pr->pr_first_seen = sqlite3_column_int64(stmt, 12);
		pr->pr_last_seen = sqlite3_column_int64(stmt, 13);
		pr->pr_missing = sqlite3_column_int64(stmt, 14);
		pr->pr_gone = sqlite3_column_int(stmt, 15);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_posting_records_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_posting_records_free(struct posting_record *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].pr_source);
		free(list[i].pr_kind);
		free(list[i].pr_key);
		free(list[i].pr_identity);
		free(list[i].pr_url);
		free(list[i].pr_title);
		free(list[i].pr_rule);
		free(list[i].pr_match_source);
		free(list[i].pr_match_key);
	}
	free(list);
}

int
store_posting_merges(struct store *st, const char *id,
    struct posting_merge **out, size_t *n)
{
	static const char sql[] =
	    "SELECT merged, at, source, entry_key, rule, score "
	    "FROM dedup_merges WHERE survivor = ?1 ORDER BY at, merged";
	struct posting_merge *list = NULL, *pm;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		pm = &list[len++];
		pm->pm_merged = store_column_str(stmt, 0);
		pm->pm_at = sqlite3_column_int64(stmt, 1);
		pm->pm_source = store_column_str(stmt, 2);
		pm->pm_key = store_column_str(stmt, 3);
		pm->pm_rule = store_column_str(stmt, 4);
		pm->pm_score = col_real(stmt, 5);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_posting_merges_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_posting_merges_free(struct posting_merge *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].pm_merged);
		free(list[i].pm_source);
		free(list[i].pm_key);
		free(list[i].pm_rule);
	}
	free(list);
}

/* --- how a source's records are known ------------------------------------ */

int
store_source_identity_mode(struct store *st, const char *name,
    struct source_identity *out)
{
	static const char sql[] = "SELECT mode, reason, since, rekeyed "
	    "FROM source_identity WHERE source = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		out->si_mode = store_column_str(stmt, 0);
		out->si_reason = store_column_str(stmt, 1);
		out->si_since = sqlite3_column_int64(stmt, 2);
		out->si_rekeyed = sqlite3_column_int64(stmt, 3);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	if (out->si_mode == NULL)
		out->si_mode = xstrdup("guid");
	return 0;
}

void
source_identity_free(struct source_identity *si)
{
	if (si == NULL)
		return;
	free(si->si_mode);
	free(si->si_reason);
	si->si_mode = si->si_reason = NULL;
}

/* --- records of older databases ------------------------------------------ */

struct legacy {
	char		*lg_source;
	char		*lg_key;
	char		*lg_kind;
	struct posting	*lg_posting;
};

static int
backfill_one(struct store *st, struct legacy *lg)
{
	static const char sql[] =
	    "UPDATE entries SET doc = ?3, kind = ?4, identity = ?5, "
	    "title_key = ?6, place_key = ?7, area = ?8, url_key = ?9, "
	    "origin_key = ?10, content_key = ?11, start = ?12, "
	    "event_day = ?13, start_min = ?14, end_day = ?15, end_min = ?16, "
	    "address_key = ?17 WHERE source = ?1 AND entry_key = ?2";
	struct dedup_rec r;
	const struct dedup_when *w;
	const char *identity;
	sqlite3_stmt *stmt;
	char *doc;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.dr_posting = lg->lg_posting;
	dedup_rec_keys(&r, lg->lg_source);
	w = &r.dr_keys.dk_when;
	/* posting_entry_key()'s order: guid, link, "h:" and a hash. */
	if (lg->lg_posting->pst_guid != NULL &&
	    strcmp(lg->lg_key, lg->lg_posting->pst_guid) == 0)
		identity = "guid";
	else if (strncmp(lg->lg_key, "h:", 2) == 0)
		identity = "content";
	else
		identity = "link";
	if ((doc = store_doc_encode(lg->lg_posting)) == NULL)
		goto done;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssssssssssss", lg->lg_source, lg->lg_key,
	    doc, lg->lg_kind, identity, r.dr_keys.dk_title,
	    r.dr_keys.dk_place, r.dr_keys.dk_area, r.dr_keys.dk_url,
	    r.dr_keys.dk_origin, r.dr_content_key,
	    lg->lg_posting->pst_start) == -1)
		goto done;
	if (w->dw_day != DEDUP_NO_DAY &&
	    (sqlite3_bind_int64(stmt, 13, w->dw_day) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 14, w->dw_minute) != SQLITE_OK)) {
		store_log_error(st, __func__, "bind");
		goto done;
	}
	if (w->dw_end_day != DEDUP_NO_DAY &&
	    (sqlite3_bind_int64(stmt, 15, w->dw_end_day) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 16, w->dw_end_minute) != SQLITE_OK)) {
		store_log_error(st, __func__, "bind");
		goto done;
	}
	if (r.dr_keys.dk_address != NULL && sqlite3_bind_text(stmt, 17,
	    r.dr_keys.dk_address, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		store_log_error(st, __func__, "bind");
		goto done;
	}
	rc = store_step_done(st, stmt, __func__);
 done:
	free(doc);
	dedup_keys_clear(&r.dr_keys);
	sim_grams_free(&r.dr_grams);
	free(r.dr_content_key);
	return rc;
}

/*
 * Records of a database from before 004_dedup.sql have no document and no
 * keys: each takes them from its posting (one posting per record then).
 * Runs inside the first fetch's transaction.
 */
int
dedup_backfill(struct store *st)
{
	static const char sql[] =
	    "SELECT e.source, e.entry_key, s.kind, p.doc FROM entries e "
	    "JOIN postings p ON p.id = e.posting_id "
	    "JOIN sources s ON s.name = e.source WHERE e.doc IS NULL";
	struct legacy *lg = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0, cap = 0, i;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			lg = xreallocarray(lg, cap, sizeof(*lg));
		}
		lg[n].lg_source = store_column_str(stmt, 0);
		lg[n].lg_key = store_column_str(stmt, 1);
		lg[n].lg_kind = store_column_str(stmt, 2);
		if ((lg[n++].lg_posting = store_doc_decode(stmt, 3,
		    __func__)) == NULL) {
			rc = -1;
			break;
		}
	}
	store_reset(stmt);
	for (i = 0; rc == 0 && i < n; i++)
		if (backfill_one(st, &lg[i]) == -1)
			rc = -1;
	if (rc == 0 && n > 0)
		log_info("%s: %zu records from before deduplication took "
		    "their keys from their postings", __func__, n);
	for (i = 0; i < n; i++) {
		free(lg[i].lg_source);
		free(lg[i].lg_key);
		free(lg[i].lg_kind);
		posting_free(lg[i].lg_posting);
	}
	free(lg);
	if (rc == 0)
		st->st_dedup_ready = 1;
	return rc;
}
