/*
 * postings.c — applying a fetch (health, then the records through
 * dedup.c, one transaction), writing the postings of the fetch path, and
 * reading the published postings back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "log.h"
#include "posting.h"
#include "posting_json.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* "p" and 20 hex digits of SHA-256: 80 bits, stable across restarts. */
#define POSTING_ID_HEX	20

/* --- recording a fetch ---------------------------------------------- */

static int
source_kind(struct store *st, const char *source, char **kind)
{
	static const char sql[] = "SELECT kind FROM sources WHERE name = ?1";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", source) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*kind = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == 0)
		log_warnx("%s: unknown source '%s'", __func__, source);
	return rc == 1 && *kind != NULL ? 0 : -1;
}

/* The counters take in the polls before this one that could not be
 * written (unrecorded.c), so they only ever grow. */
static int
record_health(struct store *st, const struct fetch_outcome *fo)
{
	static const char failed[] =
	    "UPDATE sources SET fetches = fetches + 1 + ?9, "
	    "errors = errors + 1 + ?9, "
	    "error = ?2, error_code = ?3, failures = ?4, http_status = ?5, "
	    "last_attempt = ?6, next_poll = ?7, "
	    "etag = CASE WHEN ?8 THEN NULL ELSE etag END, "
	    "last_modified = CASE WHEN ?8 THEN NULL ELSE last_modified END "
	    "WHERE name = ?1";
	static const char succeeded[] =
	    "UPDATE sources SET fetches = fetches + 1 + ?7, "
	    "errors = errors + ?7, error = NULL, "
	    "error_code = NULL, failures = 0, http_status = ?2, "
	    "last_attempt = ?3, last_success = ?3, next_poll = ?4, "
	    "etag = coalesce(?5, etag), "
	    "last_modified = coalesce(?6, last_modified) WHERE name = ?1";
	sqlite3_stmt *stmt;
	int lost = store_unrecorded_polls(st, fo->fo_source);

	if (fo->fo_error != NULL) {
		if ((stmt = store_stmt(st, failed)) == NULL ||
		    store_bind(st, stmt, "sssilIIii", fo->fo_source,
		    fo->fo_error, fo->fo_error_code, fo->fo_failures,
		    fo->fo_http_status, fo->fo_attempt, fo->fo_next_poll,
		    fo->fo_forget_validators, lost) == -1)
			return -1;
	} else {
		if ((stmt = store_stmt(st, succeeded)) == NULL ||
		    store_bind(st, stmt, "slIIssi", fo->fo_source,
		    fo->fo_http_status, fo->fo_attempt, fo->fo_next_poll,
		    fo->fo_etag, fo->fo_last_modified, lost) == -1)
			return -1;
	}
	return store_step_done(st, stmt, __func__);
}

void
store_posting_id(const char *source, const char *key, char out[22])
{
	size_t slen, klen;
	char *buf, hex[65];

	slen = strlen(source);
	klen = strlen(key);
	buf = xmalloc(slen + 1 + klen);
	memcpy(buf, source, slen + 1);		/* with its NUL */
	memcpy(buf + slen + 1, key, klen);
	posting_sha256_hex(buf, slen + 1 + klen, hex);
	free(buf);
	out[0] = 'p';
	memcpy(out + 1, hex, POSTING_ID_HEX);
	out[1 + POSTING_ID_HEX] = '\0';
}

static char *
encode_doc(const struct posting *p)
{
	json_t *j;
	char *doc;

	if ((j = posting_to_storage_json(p)) == NULL)
		return NULL;
	doc = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return doc;
}

int
store_publish_write(struct store *st, const struct posting *p, int insert)
{
	static const char ins[] =
	    "INSERT INTO postings (id, revision, status, kind, "
	    "date_published, date_modified, start, \"end\", area, doc, "
	    "moderation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11)";
	static const char upd[] =
	    "UPDATE postings SET revision = ?2, status = ?3, kind = ?4, "
	    "date_published = ?5, date_modified = ?6, start = ?7, "
	    "\"end\" = ?8, area = ?9, doc = ?10 WHERE id = ?1";
	sqlite3_stmt *stmt;
	char *doc;
	int rc = -1;

	if ((doc = encode_doc(p)) == NULL) {
		/* Parsers hand over UTF-8: a bug upstream, logged once. */
		log_warnx("%s: posting %s cannot be stored as JSON", __func__,
		    p->pst_id);
		return -1;
	}
	/* A new posting of a source under moderation waits (moderation.c). */
	if ((stmt = store_stmt(st, insert ? ins : upd)) != NULL &&
	    store_bind(st, stmt, insert ? "sIssIIsssss" : "sIssIIssss",
	    p->pst_id, p->pst_revision, posting_status_name(p->pst_status),
	    p->pst_kind, p->pst_published, p->pst_modified, p->pst_start,
	    p->pst_end, p->pst_area, doc, insert ? (p->pst_nrefs > 0 ?
	    store_moderation_initial(st, p->pst_refs[0].ref_source) :
	    MODERATION_PUBLISHED) : NULL) == 0)
		rc = store_step_done(st, stmt, __func__);
	free(doc);
	return rc;
}

int
store_record_fetch(struct store *st, const struct fetch_outcome *fo,
    struct apply_stats *stats)
{
	struct apply_stats as;
	char *kind = NULL;
	int changed;

	memset(&as, 0, sizeof(as));
	if (stats != NULL)
		*stats = as;
	if (fo->fo_source == NULL) {
		log_warnx("%s: no source", __func__);
		return -1;
	}
	if (store_begin(st, __func__) == -1) {
		store_unrecorded_note(st, fo);
		return -1;
	}
	if (source_kind(st, fo->fo_source, &kind) == -1 ||
	    (!fo->fo_continued && record_health(st, fo) == -1))
		goto fail;
	/* Records, clusters and postings: dedup.c. */
	if (fo->fo_error == NULL && fo->fo_entries != NULL &&
	    dedup_apply(st, fo, kind, &as) == -1)
		goto fail;
	changed = as.as_added + as.as_updated > 0;
	if (changed && store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1) {
		store_unrecorded_note(st, fo);
		free(kind);
		return -1;
	}
	if (changed)
		st->st_generation++;
	if (stats != NULL)
		*stats = as;
	/* The health in the row is this poll's again (its last page). */
	if (!fo->fo_continued)
		store_unrecorded_clear(st, fo->fo_source);
	free(kind);
	return 0;
 fail:
	store_rollback(st);
	/* What dedup_backfill() wrote went with the transaction. */
	st->st_dedup_ready = 0;
	store_unrecorded_note(st, fo);
	free(kind);
	return -1;
}

/* --- reading postings ----------------------------------------------- */

static struct posting *
decode_doc(sqlite3_stmt *stmt, int col, const char *func)
{
	struct posting *p;
	json_error_t jerr;
	const char *doc;
	char err[160];
	json_t *j;

	doc = (const char *)sqlite3_column_text(stmt, col);
	if (doc == NULL || (j = json_loads(doc, 0, &jerr)) == NULL) {
		log_warnx("%s: stored posting is not JSON: %s", func,
		    doc ? jerr.text : "null");
		return NULL;
	}
	p = posting_from_storage_json(j, err, sizeof(err));
	json_decref(j);
	if (p == NULL)
		log_warnx("%s: stored posting unreadable: %s", func, err);
	return p;
}

/* store_postings_query() is in search.c, with the feed filters. */

int
store_posting_get(struct store *st, const char *id, struct posting **out)
{
	static const char sql[] = "SELECT doc FROM postings WHERE id = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1 &&
	    (*out = decode_doc(stmt, 0, __func__)) == NULL)
		rc = -1;
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int64_t
store_postings_count(struct store *st)
{
	/* Pending and rejected submissions are published nowhere. */
	static const char sql[] = "SELECT count(*) FROM postings "
	    "WHERE moderation = 'published'";
	sqlite3_stmt *stmt;
	int64_t n = -1;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	if (store_step(st, stmt, __func__) == 1)
		n = sqlite3_column_int64(stmt, 0);
	store_reset(stmt);
	return n;
}
