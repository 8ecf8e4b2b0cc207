/*
 * search.c — the read side of feeds: published postings with filters and
 * paging, the change log feed caches revalidate against, tombstones.
 *
 * A query's SQL depends on which filters it has and on how many values
 * each holds, so it is built per query and prepared for it (feeds are
 * cached above this, so that is rare).  Every value is bound, never
 * written into the SQL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "posting.h"
#include "posting_json.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define SEARCH_SQL_MAX	(1024 * 1024)
/* A q shorter than this (in characters) cannot use trigrams. */
#define TRIGRAM_MIN	3

struct bind {
	int		 b_is_text;
	const char	*b_text;
	int64_t		 b_int;
};

/* A query being built: its SQL, its parameters, the strings it made. */
struct sqlq {
	struct buf	  q_sql;
	struct bind	 *q_binds;
	size_t		  q_nbinds;
	char		**q_owned;
	size_t		  q_nowned;
	int		  q_err;
};

static void
sql(struct sqlq *q, const char *text)
{
	if (buf_puts(&q->q_sql, text) == -1)
		q->q_err = 1;
}

static void
add_bind(struct sqlq *q, struct bind b)
{
	q->q_binds = xreallocarray(q->q_binds, q->q_nbinds + 1,
	    sizeof(*q->q_binds));
	q->q_binds[q->q_nbinds++] = b;
	sql(q, "?");
}

static void
bind_text(struct sqlq *q, const char *v)
{
	add_bind(q, (struct bind){ .b_is_text = 1, .b_text = v });
}

/* Binds a string the query owns from now on. */
static void
bind_owned(struct sqlq *q, char *v)
{
	q->q_owned = xreallocarray(q->q_owned, q->q_nowned + 1,
	    sizeof(*q->q_owned));
	q->q_owned[q->q_nowned++] = v;
	bind_text(q, v);
}

static void
bind_int(struct sqlq *q, int64_t v)
{
	add_bind(q, (struct bind){ .b_is_text = 0, .b_int = v });
}

static void
sqlq_free(struct sqlq *q)
{
	size_t i;

	buf_free(&q->q_sql);
	free(q->q_binds);
	for (i = 0; i < q->q_nowned; i++)
		free(q->q_owned[i]);
	free(q->q_owned);
}

/* "(?, ?, ?)" with the values bound. */
static void
in_list(struct sqlq *q, const struct filter_values *fv)
{
	size_t i;

	sql(q, "(");
	for (i = 0; i < fv->fv_n; i++) {
		if (i > 0)
			sql(q, ", ");
		bind_text(q, fv->fv_values[i]);
	}
	sql(q, ")");
}

static void
column_filter(struct sqlq *q, const char *column,
    const struct filter_values *fv)
{
	if (fv->fv_n == 0)
		return;
	sql(q, " AND p.");
	sql(q, column);
	sql(q, " IN ");
	in_list(q, fv);
}

static void
term_filter(struct sqlq *q, const char *term, const struct filter_values *fv)
{
	if (fv->fv_n == 0)
		return;
	sql(q, " AND EXISTS (SELECT 1 FROM posting_terms t WHERE t.term = '");
	sql(q, term);
	sql(q, "' AND t.posting_id = p.id AND t.value IN ");
	in_list(q, fv);
	sql(q, ")");
}

/* Prefectures as ranges ("23" is ["23", "24")) so that the index serves
 * them; municipalities exactly. */
static void
area_filter(struct sqlq *q, const struct filter_values *fv)
{
	const char *a;
	char *upper;
	size_t i;

	if (fv->fv_n == 0)
		return;
	sql(q, " AND (");
	for (i = 0; i < fv->fv_n; i++) {
		a = fv->fv_values[i];
		if (i > 0)
			sql(q, " OR ");
		if (strlen(a) == 2 && a[0] >= '0' && a[0] <= '9' &&
		    a[1] >= '0' && a[1] <= '9') {
			xasprintf(&upper, "%02d",
			    (a[0] - '0') * 10 + (a[1] - '0') + 1);
			sql(q, "(p.area >= ");
			bind_text(q, a);
			sql(q, " AND p.area < ");
			bind_owned(q, upper);
			sql(q, ")");
		} else {
			sql(q, "p.area = ");
			bind_text(q, a);
		}
	}
	sql(q, ")");
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * The phrase as an FTS5 string ("" doubles a quote) from 3 characters on;
 * below that trigrams have nothing to match, so the text is scanned.
 */
static void
q_filter(struct sqlq *q, const char *phrase)
{
	struct buf b;
	const char *p;

	if (phrase == NULL || *phrase == '\0')
		return;
	if (utf8_chars(phrase) >= TRIGRAM_MIN) {
		buf_init(&b, SEARCH_SQL_MAX);
		buf_puts(&b, "\"");
		for (p = phrase; *p; p++) {
			if (*p == '"')
				buf_puts(&b, "\"");
			buf_append(&b, p, 1);
		}
		buf_puts(&b, "\"");
		sql(q, " AND p.id IN (SELECT x.posting_id FROM posting_fts f "
		    "JOIN posting_text x ON x.sid = f.rowid "
		    "WHERE posting_fts MATCH ");
		bind_owned(q, buf_release(&b, NULL));
		sql(q, ")");
	} else {
		sql(q, " AND p.id IN (SELECT x.posting_id FROM posting_text x "
		    "WHERE instr(x.body, ");
		bind_text(q, phrase);
		sql(q, ") > 0)");
	}
}

static void
date_filter(struct sqlq *q, const struct posting_filter *f)
{
	if (f->pf_has_to) {
		sql(q, " AND p.span_start <= ");
		bind_int(q, f->pf_to);
	}
	if (f->pf_has_from) {
		sql(q, " AND p.span_end >= ");
		bind_int(q, f->pf_from);
	}
}

/* Does postings have the admin API's moderation column (003_admin)? */
static int
has_moderation(struct store *st)
{
	static const char probe[] = "SELECT count(*) FROM "
	    "pragma_table_info('postings') WHERE name = 'moderation'";
	sqlite3_stmt *stmt;
	int rc, has = 0;

	if ((stmt = store_stmt(st, probe)) == NULL)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		has = sqlite3_column_int(stmt, 0) > 0;
	store_reset(stmt);
	return rc == -1 ? -1 : has;
}

static int
build(struct store *st, const struct posting_query *pq, struct sqlq *q)
{
	const struct posting_filter *f = pq->pq_filter;
	int moderated;

	if ((moderated = has_moderation(st)) == -1)
		return -1;
	buf_init(&q->q_sql, SEARCH_SQL_MAX);
	sql(q, "SELECT p.doc, p.seq FROM postings p WHERE 1");
	if (moderated)
		sql(q, " AND p.moderation = 'published'");
	if (f != NULL) {
		column_filter(q, "kind", &f->pf_kind);
		column_filter(q, "status", &f->pf_status);
		term_filter(q, "source", &f->pf_source);
		term_filter(q, "category", &f->pf_category);
		area_filter(q, &f->pf_area);
		q_filter(q, f->pf_q);
		date_filter(q, f);
	}
	if (pq->pq_now > 0) {
		sql(q, " AND NOT (p.status = 'withdrawn' AND "
		    "p.date_modified < ");
		bind_int(q, pq->pq_now - POSTING_TOMBSTONE_SECONDS);
		sql(q, ")");
	}
	if (pq->pq_after_seq > 0) {
		sql(q, " AND (p.date_modified, p.seq) < (");
		bind_int(q, pq->pq_after_modified);
		sql(q, ", ");
		bind_int(q, pq->pq_after_seq);
		sql(q, ")");
	}
	if (pq->pq_above_seq > 0) {
		sql(q, " AND (p.date_modified, p.seq) > (");
		bind_int(q, pq->pq_above_modified);
		sql(q, ", ");
		bind_int(q, pq->pq_above_seq);
		sql(q, ")");
	}
	if (pq->pq_changed_after > 0) {
		sql(q, " AND p.id IN (SELECT c.posting_id FROM posting_changes c "
		    "WHERE c.seq > ");
		bind_int(q, pq->pq_changed_after);
		sql(q, ")");
	}
	sql(q, " ORDER BY p.date_modified DESC, p.seq DESC LIMIT ");
	/* 0: no limit; callers apply the feed's cap. */
	bind_int(q, pq->pq_limit == 0 || pq->pq_limit > INT64_MAX ? -1 :
	    (int64_t)pq->pq_limit);
	return q->q_err ? -1 : 0;
}

static int
bind_all(struct store *st, sqlite3_stmt *stmt, const struct sqlq *q)
{
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < q->q_nbinds && rc == SQLITE_OK; i++) {
		if (q->q_binds[i].b_is_text)
			rc = sqlite3_bind_text(stmt, (int)i + 1,
			    q->q_binds[i].b_text, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_int64(stmt, (int)i + 1,
			    q->q_binds[i].b_int);
	}
	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "bind");
		return -1;
	}
	return 0;
}

static struct posting *
decode(const char *doc)
{
	struct posting *p;
	json_error_t jerr;
	char err[160];
	json_t *j;

	if (doc == NULL || (j = json_loads(doc, 0, &jerr)) == NULL) {
		log_warnx("%s: stored posting is not JSON: %s", __func__,
		    doc ? jerr.text : "null");
		return NULL;
	}
	p = posting_from_storage_json(j, err, sizeof(err));
	json_decref(j);
	if (p == NULL)
		log_warnx("%s: stored posting unreadable: %s", __func__, err);
	return p;
}

int
store_postings_query(struct store *st, const struct posting_query *pq,
    struct posting_list *out)
{
	struct sqlq q;
	sqlite3_stmt *stmt = NULL;
	struct posting *p;
	size_t start = out->pl_len;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	if (build(st, pq, &q) == -1) {
		log_warnx("%s: the query is too large", __func__);
		goto done;
	}
	if (sqlite3_prepare_v2(st->st_db, q.q_sql.data, -1, &stmt, NULL) !=
	    SQLITE_OK) {
		store_log_error(st, __func__, q.q_sql.data);
		goto done;
	}
	if (bind_all(st, stmt, &q) == -1)
		goto done;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if ((p = decode((const char *)sqlite3_column_text(stmt,
		    0))) == NULL) {
			rc = -1;
			break;
		}
		p->pst_seq = sqlite3_column_int64(stmt, 1);
		posting_list_push(out, p);
	}
 done:
	sqlite3_finalize(stmt);
	sqlq_free(&q);
	if (rc == -1) {
		/* Leave out as it was given. */
		while (out->pl_len > start)
			posting_free(out->pl_items[--out->pl_len]);
		return -1;
	}
	return 0;
}

/* --- the change log ------------------------------------------------- */

int64_t
store_change_seq(struct store *st)
{
	static const char sql_seq[] = "SELECT coalesce((SELECT seq FROM "
	    "sqlite_sequence WHERE name = 'posting_changes'), 0)";
	sqlite3_stmt *stmt;
	int64_t seq = -1;

	if ((stmt = store_stmt(st, sql_seq)) == NULL)
		return -1;
	if (store_step(st, stmt, __func__) == 1)
		seq = sqlite3_column_int64(stmt, 0);
	store_reset(stmt);
	return seq;
}

void
store_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
store_changes_since(struct store *st, int64_t seq, size_t max, char ***ids,
    size_t *n)
{
	static const char oldest[] =
	    "SELECT min(seq), count(DISTINCT posting_id) FROM posting_changes "
	    "WHERE seq > ?1";
	static const char list[] =
	    "SELECT DISTINCT posting_id FROM posting_changes WHERE seq > ?1 "
	    "ORDER BY posting_id";
	sqlite3_stmt *stmt;
	int64_t min = 0, count = 0, now;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((now = store_change_seq(st)) == -1)
		return -1;
	if (seq >= now)
		return 0;
	if ((stmt = store_stmt(st, oldest)) == NULL ||
	    store_bind(st, stmt, "I", seq) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		min = sqlite3_column_int64(stmt, 0);
		count = sqlite3_column_int64(stmt, 1);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	/* Trimmed past seq, or more changed than the caller cares for. */
	if (count == 0 || min != seq + 1 || (size_t)count > max)
		return 1;
	if ((stmt = store_stmt(st, list)) == NULL ||
	    store_bind(st, stmt, "I", seq) == -1)
		return -1;
	*ids = xcalloc((size_t)count, sizeof(**ids));
	while (*n < (size_t)count &&
	    (rc = store_step(st, stmt, __func__)) == 1)
		(*ids)[(*n)++] = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == -1) {
		store_ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* --- tombstones ----------------------------------------------------- */

int
store_tombstones_purge(struct store *st, int64_t now, int64_t *n)
{
	static const char purge[] =
	    "DELETE FROM postings WHERE status = 'withdrawn' AND "
	    "date_modified < ?1";
	sqlite3_stmt *stmt;
	int changed;

	if (n != NULL)
		*n = 0;
	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, purge)) == NULL ||
	    store_bind(st, stmt, "I", now - POSTING_TOMBSTONE_SECONDS) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		goto fail;
	changed = sqlite3_changes(st->st_db);
	if (changed > 0 && store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1)
		return -1;
	if (changed > 0)
		st->st_generation++;
	if (n != NULL)
		*n = changed;
	return 0;
 fail:
	store_rollback(st);
	return -1;
}
