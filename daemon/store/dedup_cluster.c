/*
 * dedup_cluster.c — which posting a record belongs to, merging postings a
 * record bridges, and writing each posting the fetch touched once.
 *
 * Candidates are the postings with a live record on the record's day (in
 * a compatible area), on its page or from its origin: a block of a few
 * postings however many the store holds, so matching stays near-linear.
 * dedup_match() decides, as it does in tests/tools/dedup_eval.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "dedup_match.h"
#include "dedup_merge.h"
#include "dedup_private.h"
#include "lifecycle.h"
#include "log.h"
#include "posting.h"
#include "posting_json.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

#define MERGE_CHAIN_MAX	16	/* merged_into links followed */

/* --- the postings a fetch touched ----------------------------------------- */

void
dedup_dirty(struct dedup_fetch *df, const char *id)
{
	size_t i;

	if (id == NULL)
		return;
	for (i = 0; i < df->df_ndirty; i++)
		if (strcmp(df->df_dirty[i], id) == 0)
			return;
	df->df_dirty = xreallocarray(df->df_dirty, df->df_ndirty + 1,
	    sizeof(*df->df_dirty));
	df->df_dirty[df->df_ndirty++] = xstrdup(id);
}

static void
undirty(struct dedup_fetch *df, const char *id)
{
	size_t i;

	for (i = 0; i < df->df_ndirty; i++)
		if (strcmp(df->df_dirty[i], id) == 0) {
			free(df->df_dirty[i]);
			df->df_dirty[i] = df->df_dirty[--df->df_ndirty];
			return;
		}
}

/* --- candidates ------------------------------------------------------------ */

struct member {
	char			*m_source;
	char			*m_key;
	struct dedup_keys	 m_keys;
	struct sim_grams	 m_grams;
	struct sim_record	 m_sim;
};

struct cand {
	char			*c_id;
	int64_t			 c_first_seen;
	struct member		*c_m;
	size_t			 c_n;
	const struct sim_record	**c_ptrs;
};

static void
cands_free(struct cand *c, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < c[i].c_n; j++) {
			free(c[i].c_m[j].m_source);
			free(c[i].c_m[j].m_key);
			dedup_keys_clear(&c[i].c_m[j].m_keys);
			sim_grams_free(&c[i].c_m[j].m_grams);
		}
		free(c[i].c_m);
		free(c[i].c_ptrs);
		free(c[i].c_id);
	}
	free(c);
}

static int64_t
col_int_or(sqlite3_stmt *stmt, int col, int64_t none)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return none;
	return sqlite3_column_int64(stmt, col);
}

/* The live records of a posting, but the record `self` (may be NULL). */
static int
load_members(struct store *st, struct cand *c, const struct dedup_rec *self,
    const char *self_source)
{
	static const char sql[] =
	    "SELECT source, entry_key, title_key, place_key, area, url_key, "
	    "origin_key, event_day, start_min, end_day, end_min, address_key "
	    "FROM entries "
	    "WHERE posting_id = ?1 AND gone = 0 ORDER BY source, entry_key";
	struct member *m;
	sqlite3_stmt *stmt;
	size_t cap = 0, i;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", c->c_id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (self != NULL && strcmp(self_source,
		    (const char *)sqlite3_column_text(stmt, 0)) == 0 &&
		    strcmp(self->dr_key,
		    (const char *)sqlite3_column_text(stmt, 1)) == 0)
			continue;
		if (c->c_n == cap) {
			cap = cap ? cap * 2 : 4;
			c->c_m = xreallocarray(c->c_m, cap, sizeof(*c->c_m));
		}
		m = &c->c_m[c->c_n++];
		memset(m, 0, sizeof(*m));
		m->m_source = store_column_str(stmt, 0);
		m->m_key = store_column_str(stmt, 1);
		m->m_keys.dk_title = store_column_str(stmt, 2);
		m->m_keys.dk_place = store_column_str(stmt, 3);
		m->m_keys.dk_area = store_column_str(stmt, 4);
		m->m_keys.dk_url = store_column_str(stmt, 5);
		m->m_keys.dk_origin = store_column_str(stmt, 6);
		m->m_keys.dk_when.dw_day = (int32_t)col_int_or(stmt, 7,
		    DEDUP_NO_DAY);
		m->m_keys.dk_when.dw_minute = (int)col_int_or(stmt, 8, -1);
		m->m_keys.dk_when.dw_end_day = (int32_t)col_int_or(stmt, 9,
		    DEDUP_NO_DAY);
		m->m_keys.dk_when.dw_end_minute = (int)col_int_or(stmt, 10,
		    -1);
		m->m_keys.dk_address = store_column_str(stmt, 11);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	/* Pointers last: c_m no longer moves. */
	c->c_ptrs = xcalloc(c->c_n + 1, sizeof(*c->c_ptrs));
	for (i = 0; i < c->c_n; i++) {
		m = &c->c_m[i];
		sim_record_of(&m->m_keys, m->m_source, &m->m_sim);
		sim_grams_of(m->m_keys.dk_title, &m->m_grams);
		m->m_sim.sr_title_grams = &m->m_grams;
		c->c_ptrs[i] = &m->m_sim;
	}
	return 0;
}

/* first_seen of a live cluster; 1 when the posting is none (merged). */
static int
cluster_first_seen(struct store *st, const char *id, int64_t *first_seen)
{
	static const char sql[] =
	    "SELECT first_seen, merged_into FROM dedup_clusters "
	    "WHERE posting_id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*first_seen = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*first_seen = sqlite3_column_int64(stmt, 0);
		if (sqlite3_column_type(stmt, 1) != SQLITE_NULL)
			rc = 2;
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 2 ? 1 : 0;
}

static void
add_id(char ***ids, size_t *n, const char *id)
{
	size_t i;

	if (id == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp((*ids)[i], id) == 0)
			return;
	*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
	(*ids)[(*n)++] = xstrdup(id);
}

/* The posting ids of the live records one query finds. */
static int
block_ids(struct store *st, const char *sql, const char *fmt,
    const void *a, const void *b, char ***ids, size_t *n)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if (fmt[0] == 'I' ? store_bind(st, stmt, fmt, *(const int64_t *)a,
	    (const char *)b) == -1 : store_bind(st, stmt, fmt,
	    (const char *)a) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1)
		add_id(ids, n, (const char *)sqlite3_column_text(stmt, 0));
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}

/*
 * The candidate postings of a record, each with its live records (the
 * record itself left out when it is stored already).
 */
static int
load_candidates(struct dedup_fetch *df, const struct dedup_rec *r,
    struct cand **out, size_t *nout)
{
	/* Postings that wait for a coordinator, or were rejected, are
	 * nobody's match: what is published must not depend on them. */
	static const char by_day[] =
	    "SELECT DISTINCT e.posting_id FROM entries e JOIN postings p "
	    "ON p.id = e.posting_id WHERE e.event_day = ?1 AND e.gone = 0 "
	    "AND p.moderation = 'published' AND (?2 IS NULL OR "
	    "e.area IS NULL OR e.area = ?2 OR e.area = substr(?2, 1, 2) OR "
	    "substr(e.area, 1, 2) = ?2 OR "
	    /* a prefecture's own code, 130001, and its municipalities */
	    "(substr(e.area, 1, 2) = substr(?2, 1, 2) AND "
	    "(substr(e.area, 3, 3) = '000' OR substr(?2, 3, 3) = '000')))";
	static const char by_url[] =
	    "SELECT DISTINCT e.posting_id FROM entries e JOIN postings p "
	    "ON p.id = e.posting_id WHERE e.url_key = ?1 AND e.gone = 0 "
	    "AND p.moderation = 'published'";
	static const char by_origin[] =
	    "SELECT DISTINCT e.posting_id FROM entries e JOIN postings p "
	    "ON p.id = e.posting_id WHERE e.origin_key = ?1 AND e.gone = 0 "
	    "AND p.moderation = 'published'";
	const struct dedup_keys *k = &r->dr_keys;
	struct store *st = df->df_st;
	struct cand *c = NULL;
	char **ids = NULL;
	size_t nids = 0, i, n = 0;
	int64_t day = k->dk_when.dw_day;
	int rc = -1, found;

	*out = NULL;
	*nout = 0;
	if (k->dk_when.dw_day != DEDUP_NO_DAY && block_ids(st, by_day, "Is",
	    &day, k->dk_area, &ids, &nids) == -1)
		goto done;
	if (k->dk_url != NULL && block_ids(st, by_url, "s", k->dk_url, NULL,
	    &ids, &nids) == -1)
		goto done;
	if (k->dk_origin != NULL && block_ids(st, by_origin, "s", k->dk_origin,
	    NULL, &ids, &nids) == -1)
		goto done;
	c = xcalloc(nids + 1, sizeof(*c));
	for (i = 0; i < nids; i++) {
		struct cand *cc = &c[n++];

		cc->c_id = ids[i];
		ids[i] = NULL;
		if ((found = cluster_first_seen(st, cc->c_id,
		    &cc->c_first_seen)) == -1)
			goto done;
		/* A merged posting has no records: never eligible. */
		if (found == 0 && load_members(st, cc, r->dr_found ? r : NULL,
		    df->df_source) == -1)
			goto done;
	}
	rc = 0;
 done:
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	if (rc == -1) {
		cands_free(c, n);
		return -1;
	}
	*out = c;
	*nout = n;
	return 0;
}

/* --- merging postings -------------------------------------------------------- */

/*
 * The loser's records go to the survivor; the loser is published as
 * withdrawn with duplicate_of naming the survivor (one UPDATE, revision
 * + 1), and the merge is recorded for the explanation.
 */
static int
merge_into(struct dedup_fetch *df, const char *survivor, const char *loser,
    const struct dedup_rec *via, const struct sim_verdict *v)
{
	static const char move[] =
	    "UPDATE entries SET posting_id = ?1 WHERE posting_id = ?2";
	static const char mark[] =
	    "UPDATE dedup_clusters SET merged_into = ?1, digest = '' "
	    "WHERE posting_id = ?2 OR merged_into = ?2";
	static const char history[] =
	    "UPDATE dedup_merges SET survivor = ?1 WHERE survivor = ?2";
	static const char note[] =
	    "INSERT INTO dedup_merges (survivor, merged, at, source, "
	    "entry_key, rule, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct store *st = df->df_st;
	const char *const steps[] = { move, mark, history };
	struct posting *p = NULL;
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((stmt = store_stmt(st, steps[i])) == NULL ||
		    store_bind(st, stmt, "ss", survivor, loser) == -1 ||
		    store_step_done(st, stmt, __func__) == -1)
			return -1;
	if ((stmt = store_stmt(st, note)) == NULL ||
	    store_bind(st, stmt, "ssIsss", survivor, loser, df->df_now,
	    df->df_source, via->dr_key, sim_rule_name(v->sv_rule)) == -1)
		return -1;
	rc = v->sv_rule == SIM_SIMILAR ? sqlite3_bind_double(stmt, 7,
	    v->sv_score) : sqlite3_bind_null(stmt, 7);
	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "bind");
		return -1;
	}
	if (store_step_done(st, stmt, __func__) == -1)
		return -1;
	if ((rc = store_posting_get(st, loser, &p)) != 0)
		return rc == 1 ? 0 : -1;
	p->pst_status = POSTING_WITHDRAWN;
	posting_set(&p->pst_duplicate_of, survivor);
	p->pst_revision++;
	p->pst_modified = df->df_now;
	rc = store_publish_write(st, p, 0);
	posting_free(p);
	if (rc == -1)
		return -1;
	undirty(df, loser);
	df->df_as->as_updated++;
	log_info("posting %s: merged into %s by entry '%s' of %s (%s)", loser,
	    survivor, via->dr_key, df->df_source, sim_rule_name(v->sv_rule));
	return 0;
}

/* --- placing a record ---------------------------------------------------- */

static int
older(const struct cand *a, const struct cand *b)
{
	if (a->c_first_seen != b->c_first_seen)
		return a->c_first_seen < b->c_first_seen;
	return strcmp(a->c_id, b->c_id) < 0;
}

static void
why_of(struct dedup_why *w, const struct match_result *mr,
    const struct cand *c)
{
	const struct member *m = &c[mr->mr_cluster].c_m[mr->mr_member];

	w->dw_rule = sim_rule_name(mr->mr_verdict.sv_rule);
	w->dw_score = mr->mr_verdict.sv_rule == SIM_SIMILAR ?
	    mr->mr_verdict.sv_score : -1;
	w->dw_title = mr->mr_verdict.sv_rule == SIM_SIMILAR ?
	    mr->mr_verdict.sv_title : -1;
	w->dw_place = mr->mr_verdict.sv_rule == SIM_SIMILAR ?
	    mr->mr_verdict.sv_place : -1;
	w->dw_source = m->m_source;
	w->dw_key = m->m_key;
}

/* A changed record may now bridge its posting with others. */
static int
place_changed(struct dedup_fetch *df, struct dedup_rec *r)
{
	struct match_cluster *mc = NULL;
	struct match_result mr;
	struct cand *c = NULL;
	size_t n = 0, i;
	int own = -1, alone, survivor, rc = -1, in_set;

	if (dedup_entry_update(df, r) == -1)
		return -1;
	if (df->df_moderated) {
		dedup_dirty(df, r->dr_posting_id);
		return 0;
	}
	if (load_candidates(df, r, &c, &n) == -1)
		return -1;
	mc = xcalloc(n + 1, sizeof(*mc));
	for (i = 0; i < n; i++) {
		mc[i].mc_id = c[i].c_id;
		mc[i].mc_first_seen = c[i].c_first_seen;
		mc[i].mc_members = c[i].c_ptrs;
		mc[i].mc_n = c[i].c_n;
		if (strcmp(c[i].c_id, r->dr_posting_id) == 0)
			own = (int)i;
	}
	dedup_match(&r->dr_sim, mc, n, &sim_default_params, &mr);
	in_set = own >= 0 && mr.mr_join == own;
	for (i = 0; own >= 0 && i < mr.mr_nmerged; i++)
		in_set |= mr.mr_merged[i] == own;
	/* A record alone in its posting takes the posting with it. */
	alone = own >= 0 && c[own].c_n == 0;
	if (mr.mr_join < 0 || own < 0 || (!in_set && !alone)) {
		dedup_dirty(df, r->dr_posting_id);
		rc = 0;
		goto done;
	}
	survivor = mr.mr_join;
	if (!in_set && older(&c[own], &c[survivor]))
		survivor = own;
	if (survivor != mr.mr_join && merge_into(df, c[survivor].c_id,
	    c[mr.mr_join].c_id, r, &mr.mr_verdict) == -1)
		goto done;
	for (i = 0; i < mr.mr_nmerged; i++)
		if (mr.mr_merged[i] != survivor && merge_into(df,
		    c[survivor].c_id, c[mr.mr_merged[i]].c_id, r,
		    &mr.mr_verdict) == -1)
			goto done;
	if (!in_set && survivor != own && merge_into(df, c[survivor].c_id,
	    c[own].c_id, r, &mr.mr_verdict) == -1)
		goto done;
	dedup_dirty(df, c[survivor].c_id);
	rc = 0;
 done:
	match_result_free(&mr);
	free(mc);
	cands_free(c, n);
	return rc;
}

/*
 * The records of the fetch not yet placed, of r's day (df_by_day is
 * sorted by day): what dedup_match_rivals() weighs r against.  The array
 * is allocated; *n is its length.
 */
static const struct sim_record **
rivals_of(const struct dedup_fetch *df, const struct dedup_rec *r, size_t *n)
{
	const struct sim_record **out;
	int32_t day = r->dr_sim.sr_when.dw_day;
	size_t lo = 0, hi = df->df_nby_day, mid;
	struct dedup_rec *x;

	*n = 0;
	if (day == DEDUP_NO_DAY || df->df_nby_day == 0)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (df->df_by_day[mid]->dr_sim.sr_when.dw_day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < df->df_nby_day &&
	    df->df_by_day[hi]->dr_sim.sr_when.dw_day == day; hi++)
		;
	out = xcalloc(hi - lo + 1, sizeof(*out));
	for (; lo < hi; lo++) {
		x = df->df_by_day[lo];
		if (x != r && !x->dr_placed && !x->dr_found)
			out[(*n)++] = &x->dr_sim;
	}
	return out;
}

int
dedup_place(struct dedup_fetch *df, struct dedup_rec *r, int defer)
{
	struct dedup_why why;
	struct match_cluster *mc = NULL;
	const struct sim_record **rivals = NULL;
	struct match_result mr;
	struct cand *c = NULL;
	size_t n = 0, nrivals = 0, i;
	int rc = -1, join;

	if (r->dr_found)
		return place_changed(df, r);
	/* What a source under moderation sends waits on its own: it joins
	 * nothing published before a coordinator saw it. */
	if (df->df_moderated) {
		df->df_new = xreallocarray(df->df_new, df->df_nnew + 1,
		    sizeof(*df->df_new));
		df->df_new[df->df_nnew++] = r;
		r->dr_placed = 1;
		return 0;
	}
	if (load_candidates(df, r, &c, &n) == -1)
		return -1;
	mc = xcalloc(n + 1, sizeof(*mc));
	for (i = 0; i < n; i++) {
		mc[i].mc_id = c[i].c_id;
		mc[i].mc_first_seen = c[i].c_first_seen;
		mc[i].mc_members = c[i].c_ptrs;
		mc[i].mc_n = c[i].c_n;
	}
	if (defer && n > 0)
		rivals = rivals_of(df, r, &nrivals);
	dedup_match_rivals(&r->dr_sim, mc, n, rivals, nrivals,
	    &sim_default_params, &mr);
	if ((mr.mr_ambiguous || mr.mr_wait) && defer) {
		rc = 1;
		goto done;
	}
	r->dr_placed = 1;
	if ((join = mr.mr_join) < 0) {
		/* A posting of its own, written at the end of the fetch. */
		df->df_new = xreallocarray(df->df_new, df->df_nnew + 1,
		    sizeof(*df->df_new));
		df->df_new[df->df_nnew++] = r;
		rc = 0;
		goto done;
	}
	for (i = 0; i < mr.mr_nmerged; i++)
		if (merge_into(df, c[join].c_id, c[mr.mr_merged[i]].c_id, r,
		    &mr.mr_verdict) == -1)
			goto done;
	why_of(&why, &mr, c);
	if (dedup_entry_insert(df, r, c[join].c_id, &why) == -1)
		goto done;
	dedup_dirty(df, c[join].c_id);
	rc = 0;
 done:
	match_result_free(&mr);
	free(rivals);
	free(mc);
	cands_free(c, n);
	return rc;
}

/* --- publishing ------------------------------------------------------------- */

/* The posting as published: revision, status, date_published; 1 none. */
static int
posting_row(struct store *st, const char *id, int64_t *revision,
    enum posting_status *status, int64_t *published)
{
	static const char sql[] =
	    "SELECT revision, status, date_published FROM postings "
	    "WHERE id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*revision = sqlite3_column_int64(stmt, 0);
		if (posting_status_parse((const char *)sqlite3_column_text(
		    stmt, 1), status) == -1)
			*status = POSTING_OPEN;
		*published = sqlite3_column_int64(stmt, 2);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

static int
cluster_digest(struct store *st, const char *id, char digest[65],
    int *merged)
{
	static const char sql[] =
	    "SELECT digest, merged_into FROM dedup_clusters "
	    "WHERE posting_id = ?1";
	sqlite3_stmt *stmt;
	const char *d;
	int rc;

	digest[0] = '\0';
	*merged = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		d = (const char *)sqlite3_column_text(stmt, 0);
		strncpy(digest, d ? d : "", 64);
		digest[64] = '\0';
		*merged = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
	}
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}

static int
set_cluster(struct store *st, const char *id, int64_t first_seen,
    const char *digest)
{
	static const char sql[] =
	    "INSERT INTO dedup_clusters (posting_id, first_seen, digest) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (posting_id) DO UPDATE SET "
	    "digest = excluded.digest, merged_into = NULL, first_seen = "
	    "CASE WHEN merged_into IS NULL THEN first_seen "
	    "ELSE excluded.first_seen END";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sIs", id, first_seen, digest) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

/*
 * The digest of a merged posting: its fields but the guid, which names
 * the record at its source (a guid that went from http to https is no
 * change of the posting).
 */
static void
merged_digest(struct posting *p, char out[65])
{
	char *guid = p->pst_guid;

	p->pst_guid = NULL;
	posting_content_digest(p, out);
	p->pst_guid = guid;
}

/* Status by the records and the clock: open, cancelled or closed. */
static void
lifecycle(struct posting *p, int64_t now)
{
	if (p->pst_status == POSTING_OPEN && lifecycle_close_time(p->pst_start,
	    p->pst_end, p->pst_recurrence) < now)
		p->pst_status = POSTING_CLOSED;
}

struct member_doc {
	struct posting		*md_posting;
	char			*md_source;
	char			*md_key;
	char			*md_kind;
	int64_t			 md_first_seen;
};

static int
load_docs(struct store *st, const char *id, struct member_doc **out,
    size_t *nout)
{
	static const char sql[] =
	    "SELECT source, entry_key, kind, first_seen, doc FROM entries "
	    "WHERE posting_id = ?1 AND gone = 0 ORDER BY source, entry_key";
	struct member_doc *m = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0, cap = 0;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			m = xreallocarray(m, cap, sizeof(*m));
		}
		m[n].md_source = store_column_str(stmt, 0);
		m[n].md_key = store_column_str(stmt, 1);
		m[n].md_kind = store_column_str(stmt, 2);
		m[n].md_first_seen = sqlite3_column_int64(stmt, 3);
		if ((m[n++].md_posting = store_doc_decode(stmt, 4,
		    __func__)) == NULL) {
			rc = -1;
			break;
		}
	}
	store_reset(stmt);
	*out = m;
	*nout = n;
	return rc == -1 ? -1 : 0;
}

static void
docs_free(struct member_doc *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		posting_free(m[i].md_posting);
		free(m[i].md_source);
		free(m[i].md_key);
		free(m[i].md_kind);
	}
	free(m);
}

static struct posting *
merge_docs(struct dedup_fetch *df, const struct member_doc *m, size_t n)
{
	struct merge_record *mr = xcalloc(n + 1, sizeof(*mr));
	struct posting *p;
	size_t i;

	for (i = 0; i < n; i++) {
		mr[i].mg_posting = m[i].md_posting;
		mr[i].mg_source = m[i].md_source;
		mr[i].mg_kind = m[i].md_kind;
		mr[i].mg_first_seen = m[i].md_first_seen;
		mr[i].mg_key = m[i].md_key;
	}
	p = dedup_merge(mr, n, df->df_priority, df->df_npriority);
	free(mr);
	return p;
}

/* A posting without a live record left: withdrawn, once. */
static int
withdraw(struct dedup_fetch *df, const char *id)
{
	struct posting *p = NULL;
	int rc;

	if ((rc = store_posting_get(df->df_st, id, &p)) != 0)
		return rc == 1 ? 0 : -1;
	if (p->pst_status != POSTING_WITHDRAWN) {
		p->pst_status = POSTING_WITHDRAWN;
		p->pst_revision++;
		p->pst_modified = df->df_now;
		if ((rc = store_publish_write(df->df_st, p, 0)) == 0) {
			df->df_as->as_updated++;
			log_info("posting %s: withdrawn, no source carries it "
			    "any more", id);
		}
	}
	posting_free(p);
	return rc == -1 || set_cluster(df->df_st, id, df->df_now, "") == -1 ?
	    -1 : 0;
}

/*
 * The merge of the posting's live records, written when it differs from
 * what is published (its record fields, its status by the clock, its
 * edits); never more than once per fetch.
 */
static int
publish_cluster(struct dedup_fetch *df, const char *id)
{
	struct store *st = df->df_st;
	struct member_doc *m = NULL;
	struct posting *p = NULL;
	enum posting_status status = POSTING_OPEN;
	int64_t revision = 0, published = 0;
	char digest[65], old[65];
	size_t n = 0;
	int merged, rc = -1;

	if (cluster_digest(st, id, old, &merged) == -1)
		return -1;
	if (merged)
		return 0;
	if ((rc = posting_row(st, id, &revision, &status, &published)) != 0) {
		if (rc == 1)
			log_warnx("%s: records point at posting %s, which is "
			    "not stored", __func__, id);
		return -1;
	}
	rc = -1;
	if (load_docs(st, id, &m, &n) == -1)
		goto done;
	if (n == 0) {
		rc = withdraw(df, id);
		goto done;
	}
	p = merge_docs(df, m, n);
	merged_digest(p, digest);
	lifecycle(p, df->df_now);
	posting_set(&p->pst_id, id);
	p->pst_revision = revision + 1;
	p->pst_published = published;
	p->pst_modified = df->df_now;
	/* Edits made through the API win until the source changes them. */
	if (store_overrides_apply(st, id, p) == -1)
		goto done;
	if (strcmp(digest, old) == 0 && p->pst_status == status) {
		rc = 0;
		goto done;
	}
	if (store_publish_write(st, p, 0) == -1 ||
	    set_cluster(st, id, df->df_now, digest) == -1)
		goto done;
	df->df_as->as_updated++;
	rc = 0;
 done:
	posting_free(p);
	docs_free(m, n);
	return rc;
}

/* A record that matched nothing: a posting of its own. */
static int
publish_new(struct dedup_fetch *df, struct dedup_rec *r)
{
	struct dedup_why first = { .dw_rule = "first", .dw_score = -1,
	    .dw_title = -1, .dw_place = -1 };
	struct merge_record mr = {
		.mg_posting = r->dr_posting, .mg_source = df->df_source,
		.mg_kind = df->df_kind, .mg_first_seen = df->df_now,
		.mg_key = r->dr_key,
	};
	struct store *st = df->df_st;
	enum posting_status status;
	struct posting *p;
	int64_t revision, published;
	char id[22], digest[65];
	int rc;

	store_posting_id(df->df_source, r->dr_key, id);
	if ((rc = posting_row(st, id, &revision, &status, &published)) == -1)
		return -1;
	if (rc == 0) {
		/* The id of a posting this key made before (its records went
		 * with their source): the same posting, back. */
		if (set_cluster(st, id, df->df_now, "") == -1 ||
		    dedup_entry_insert(df, r, id, &first) == -1)
			return -1;
		dedup_dirty(df, id);
		return 0;
	}
	p = dedup_merge(&mr, 1, df->df_priority, df->df_npriority);
	merged_digest(p, digest);
	lifecycle(p, df->df_now);
	posting_set(&p->pst_id, id);
	p->pst_revision = 1;
	if (p->pst_published == 0)
		p->pst_published = df->df_now;
	p->pst_modified = df->df_now;
	rc = store_publish_write(st, p, 1) == -1 ||
	    set_cluster(st, id, df->df_now, digest) == -1 ||
	    dedup_entry_insert(df, r, id, &first) == -1 ? -1 : 0;
	posting_free(p);
	if (rc == 0)
		df->df_as->as_added++;
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dedup_republish(struct store *st, char *const *ids, size_t n, int64_t now)
{
	struct apply_stats as;
	struct dedup_fetch df = {
		.df_st = st, .df_now = now, .df_as = &as,
	};
	const struct store_policy *sp = &st->st_policy;
	size_t i;

	memset(&as, 0, sizeof(as));
	if (sp->sp_kind_priority != NULL)
		df.df_priority = sp->sp_kind_priority(sp->sp_arg,
		    &df.df_npriority);
	for (i = 0; i < n; i++)
		if (publish_cluster(&df, ids[i]) == -1)
			return -1;
	return 0;
}

int
dedup_publish_all(struct dedup_fetch *df)
{
	size_t i;

	for (i = 0; i < df->df_nnew; i++)
		if (publish_new(df, df->df_new[i]) == -1)
			return -1;
	if (df->df_ndirty > 1)
		qsort(df->df_dirty, df->df_ndirty, sizeof(*df->df_dirty),
		    id_cmp);
	for (i = 0; i < df->df_ndirty; i++)
		if (publish_cluster(df, df->df_dirty[i]) == -1)
			return -1;
	return 0;
}
