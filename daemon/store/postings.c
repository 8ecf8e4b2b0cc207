/*
 * postings.c — applying a fetch (health and entries, one transaction) and
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

static int
record_health(struct store *st, const struct fetch_outcome *fo)
{
	static const char failed[] =
	    "UPDATE sources SET fetches = fetches + 1, errors = errors + 1, "
	    "error = ?2, error_code = ?3, failures = ?4, http_status = ?5, "
	    "last_attempt = ?6, next_poll = ?7 WHERE name = ?1";
	static const char succeeded[] =
	    "UPDATE sources SET fetches = fetches + 1, error = NULL, "
	    "error_code = NULL, failures = 0, http_status = ?2, "
	    "last_attempt = ?3, last_success = ?3, next_poll = ?4, "
	    "etag = coalesce(?5, etag), "
	    "last_modified = coalesce(?6, last_modified) WHERE name = ?1";
	sqlite3_stmt *stmt;

	if (fo->fo_error != NULL) {
		if ((stmt = store_stmt(st, failed)) == NULL ||
		    store_bind(st, stmt, "sssilII", fo->fo_source,
		    fo->fo_error, fo->fo_error_code, fo->fo_failures,
		    fo->fo_http_status, fo->fo_attempt, fo->fo_next_poll) == -1)
			return -1;
	} else {
		if ((stmt = store_stmt(st, succeeded)) == NULL ||
		    store_bind(st, stmt, "slIIss", fo->fo_source,
		    fo->fo_http_status, fo->fo_attempt, fo->fo_next_poll,
		    fo->fo_etag, fo->fo_last_modified) == -1)
			return -1;
	}
	return store_step_done(st, stmt, __func__);
}

static void
make_posting_id(const char *source, const char *key, char **out)
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
	hex[POSTING_ID_HEX] = '\0';
	xasprintf(out, "p%s", hex);
}

/*
 * What the source said, in the form this instance publishes: the kind of
 * the source (a federated posting keeps the kind at its origin) and one
 * ref to this source.  Identity and revision are the store's to assign.
 */
static struct posting *
decorate(const struct posting *entry, const struct fetch_outcome *fo,
    const char *kind)
{
	struct posting *p;

	p = posting_clone(entry);
	if (strcmp(kind, "federation") != 0 || p->pst_kind == NULL)
		posting_set(&p->pst_kind, kind);
	posting_clear_refs(p);
	posting_add_ref(p, fo->fo_source, kind, p->pst_link, fo->fo_attempt);
	posting_set(&p->pst_id, NULL);
	p->pst_revision = 0;
	p->pst_modified = 0;
	return p;
}

static int
write_posting(struct store *st, const struct posting *p, const char *doc,
    int insert)
{
	static const char ins[] =
	    "INSERT INTO postings (id, revision, status, kind, "
	    "date_published, date_modified, start, \"end\", area, doc, "
	    "moderation) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	static const char upd[] =
	    "UPDATE postings SET revision = ?2, status = ?3, kind = ?4, "
	    "date_published = ?5, date_modified = ?6, start = ?7, "
	    "\"end\" = ?8, area = ?9, doc = ?10 WHERE id = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, insert ? ins : upd)) == NULL ||
	    store_bind(st, stmt, insert ? "sIssIIsssss" : "sIssIIssss",
	    p->pst_id, p->pst_revision,
	    posting_status_name(p->pst_status), p->pst_kind,
	    p->pst_published, p->pst_modified, p->pst_start, p->pst_end,
	    p->pst_area, doc, insert ? store_moderation_initial(st,
	    p->pst_refs[0].ref_source) : NULL) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

static int
write_entry(struct store *st, const char *source, const char *key,
    const char *posting_id, const char *digest, int64_t now, int insert)
{
	static const char ins[] =
	    "INSERT INTO entries (source, entry_key, posting_id, digest, "
	    "first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
	static const char upd[] =
	    "UPDATE entries SET posting_id = ?3, digest = ?4, last_seen = ?5 "
	    "WHERE source = ?1 AND entry_key = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, insert ? ins : upd)) == NULL ||
	    store_bind(st, stmt, "ssssI", source, key, posting_id, digest,
	    now) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

/* The stored state of an entry; 1 when the source never sent it. */
static int
entry_lookup(struct store *st, const char *source, const char *key,
    char **posting_id, char digest[65], int64_t *revision,
    int64_t *published)
{
	static const char sql[] =
	    "SELECT e.posting_id, e.digest, p.revision, p.date_published "
	    "FROM entries e JOIN postings p ON p.id = e.posting_id "
	    "WHERE e.source = ?1 AND e.entry_key = ?2";
	sqlite3_stmt *stmt;
	const char *d;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ss", source, key) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		*posting_id = store_column_str(stmt, 0);
		d = (const char *)sqlite3_column_text(stmt, 1);
		strncpy(digest, d ? d : "", 64);
		digest[64] = '\0';
		*revision = sqlite3_column_int64(stmt, 2);
		*published = sqlite3_column_int64(stmt, 3);
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
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

/* A new entry, or a changed one (old_id set): write its posting. */
static int
publish_entry(struct store *st, const struct fetch_outcome *fo,
    struct posting *p, const char *key, const char *digest,
    const char *old_id, int64_t old_revision, int64_t old_published,
    struct apply_stats *as)
{
	char *id = NULL, *doc = NULL;
	int rc = -1;

	if (old_id == NULL) {
		make_posting_id(fo->fo_source, key, &id);
		p->pst_revision = 1;
		if (p->pst_published == 0)
			p->pst_published = fo->fo_attempt;
	} else {
		id = xstrdup(old_id);
		p->pst_revision = old_revision + 1;
		p->pst_published = old_published;
	}
	posting_set(&p->pst_id, id);
	p->pst_modified = fo->fo_attempt;
	/* Edits made through the API win until the source changes them. */
	if (old_id != NULL && store_overrides_apply(st, id, p) == -1)
		goto fail;

	if ((doc = encode_doc(p)) == NULL) {
		/* Parsers hand over UTF-8; skip what slipped through. */
		log_warnx("%s: %s: entry '%s' cannot be stored as JSON, "
		    "skipped", __func__, fo->fo_source, key);
		free(id);
		return 0;
	}
	if (write_posting(st, p, doc, old_id == NULL) == -1 ||
	    write_entry(st, fo->fo_source, key, id, digest, fo->fo_attempt,
	    old_id == NULL) == -1)
		goto fail;
	if (old_id == NULL)
		as->as_added++;
	else
		as->as_updated++;
	rc = 0;
 fail:
	free(doc);
	free(id);
	return rc;
}

static int
apply_entry(struct store *st, const struct fetch_outcome *fo,
    const char *kind, const struct posting *entry, const char *key,
    struct apply_stats *as)
{
	struct posting *p;
	char digest[65], old_digest[65], *old_id = NULL;
	int64_t revision = 0, published = 0;
	int found, rc = -1;

	p = decorate(entry, fo, kind);
	/* Before the store fills in a missing date_published, so that an
	 * entry without one digests alike at every fetch. */
	posting_content_digest(p, digest);

	found = entry_lookup(st, fo->fo_source, key, &old_id, old_digest,
	    &revision, &published);
	if (found == -1)
		goto fail;
	if (found == 0 && strcmp(digest, old_digest) == 0) {
		if (write_entry(st, fo->fo_source, key, old_id, digest,
		    fo->fo_attempt, 0) == -1)
			goto fail;
		as->as_unchanged++;
	} else if (publish_entry(st, fo, p, key, digest, old_id, revision,
	    published, as) == -1)
		goto fail;
	rc = 0;
 fail:
	free(old_id);
	posting_free(p);
	return rc;
}

struct keyed {
	const char	*k_key;
	size_t		 k_index;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c;

	if ((c = strcmp(x->k_key, y->k_key)) != 0)
		return c;
	return x->k_index < y->k_index ? -1 : x->k_index > y->k_index;
}

static int
apply_entries(struct store *st, const struct fetch_outcome *fo,
    const char *kind, struct apply_stats *as)
{
	const struct posting_list *pl = fo->fo_entries;
	struct keyed *sorted = NULL;
	char **keys = NULL;
	int *skip = NULL, rc = -1;
	size_t i, n = pl->pl_len;

	if (n == 0)
		return 0;
	keys = xcalloc(n, sizeof(*keys));
	sorted = xcalloc(n, sizeof(*sorted));
	skip = xcalloc(n, sizeof(*skip));
	for (i = 0; i < n; i++) {
		keys[i] = posting_entry_key(pl->pl_items[i]);
		sorted[i].k_key = keys[i];
		sorted[i].k_index = i;
	}
	/* A key that repeats within one document: the last one wins. */
	qsort(sorted, n, sizeof(*sorted), keyed_cmp);
	for (i = 0; i + 1 < n; i++)
		if (strcmp(sorted[i].k_key, sorted[i + 1].k_key) == 0)
			skip[sorted[i].k_index] = 1;

	for (i = 0; i < n; i++) {
		if (skip[i])
			continue;
		if (apply_entry(st, fo, kind, pl->pl_items[i], keys[i],
		    as) == -1)
			goto fail;
	}
	rc = 0;
 fail:
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(sorted);
	free(skip);
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
	if (store_begin(st, __func__) == -1)
		return -1;
	if (source_kind(st, fo->fo_source, &kind) == -1 ||
	    record_health(st, fo) == -1)
		goto fail;
	if (fo->fo_error == NULL && fo->fo_entries != NULL &&
	    apply_entries(st, fo, kind, &as) == -1)
		goto fail;
	changed = as.as_added + as.as_updated > 0;
	if (changed && store_bump_generation(st) == -1)
		goto fail;
	if (store_commit(st, __func__) == -1) {
		free(kind);
		return -1;
	}
	if (changed)
		st->st_generation++;
	if (stats != NULL)
		*stats = as;
	free(kind);
	return 0;
 fail:
	store_rollback(st);
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
