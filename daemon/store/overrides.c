/*
 * overrides.c — edits of postings made through the API, and where a
 * posting comes from (the merge explanation).
 *
 * An edit of a posting that a source carries is kept as an override: the
 * field, its new value, and what the source said when the edit was made.
 * While the source keeps saying that, the edit wins; once the source
 * changes the field, the source wins and the override is dropped.  The
 * fetch path calls store_overrides_apply() on what the source sent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "log.h"
#include "posting_json.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

const char *const store_editable_fields[] = {
	"title", "url", "summary", "content_html", "start", "end", "all_day",
	"deadline", "area", "place", "address", "lat", "lon", "category",
	"capacity", "fee", "contact", "organizer", "recurrence", "status",
	NULL
};

static int
editable(const char *field)
{
	const char *const *f;

	for (f = store_editable_fields; *f; f++)
		if (strcmp(*f, field) == 0)
			return 1;
	return 0;
}

/* JSON text of a field of obj; absent is "null". */
static char *
field_text(const json_t *obj, const char *field)
{
	json_t *v = json_object_get(obj, field);

	return json_dumps(v ? v : json_null(), JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_SORT_KEYS);
}

static void
field_set(json_t *obj, const char *field, json_t *value)
{
	if (value == NULL || json_is_null(value))
		json_object_del(obj, field);
	else
		json_object_set(obj, field, value);
}

static int
delete_override(struct store *st, const char *id, const char *field)
{
	static const char sql[] =
	    "DELETE FROM posting_overrides WHERE posting_id = ?1 "
	    "AND field = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ss", id, field) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

/* The source value of an existing override (*out, free() it), or NULL. */
static int
override_source_value(struct store *st, const char *id, const char *field,
    char **out)
{
	static const char sql[] =
	    "SELECT source_value FROM posting_overrides "
	    "WHERE posting_id = ?1 AND field = ?2";
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ss", id, field) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*out = store_column_str(stmt, 0);
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}

/* Records the edit of one field of a posting a source carries. */
static int
record_override(struct store *st, const char *id, const json_t *doc,
    const char *field, const json_t *value, const char *editor, int64_t now)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO posting_overrides (posting_id, field, "
	    "value, source_value, editor, edited) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *stmt;
	char *source = NULL, *text = NULL;
	json_t *orig;
	int rc = -1, same;

	if (override_source_value(st, id, field, &source) == -1)
		return -1;
	if (source == NULL)	/* not edited yet: the doc is the source's */
		source = field_text(doc, field);
	text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_SORT_KEYS);
	if (source == NULL || text == NULL)
		goto done;
	orig = json_loads(source, JSON_DECODE_ANY, NULL);
	same = orig != NULL && json_equal(orig, (json_t *)value);
	json_decref(orig);
	/* Set back to what the source says: nothing to override any more. */
	if (same)
		rc = delete_override(st, id, field);
	else if ((stmt = store_stmt(st, sql)) != NULL &&
	    store_bind(st, stmt, "sssssI", id, field, text, source, editor,
	    now) == 0)
		rc = store_step_done(st, stmt, __func__);
 done:
	free(source);
	free(text);
	return rc;
}

int
store_posting_edit(struct store *st, const char *id,
    const struct json_t *patch, const char *editor, int64_t now,
    struct posting **out)
{
	static const char sql[] =
	    "SELECT doc, EXISTS (SELECT 1 FROM entries e "
	    "WHERE e.posting_id = p.id) FROM postings p WHERE p.id = ?1";
	const char *field, *text;
	struct posting *p = NULL;
	json_error_t jerr;
	json_t *doc = NULL, *value;
	sqlite3_stmt *stmt;
	char err[160];
	int rc, sourced = 0;

	if (out != NULL)
		*out = NULL;
	if (!json_is_object(patch)) {
		log_warnx("%s: the edit is not an object", __func__);
		return -1;
	}
	json_object_foreach((json_t *)patch, field, value)
		if (!editable(field)) {
			log_warnx("%s: '%s' cannot be edited", __func__, field);
			return -1;
		}
	if (store_begin(st, __func__) == -1)
		return -1;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		goto fail;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		text = (const char *)sqlite3_column_text(stmt, 0);
		sourced = sqlite3_column_int(stmt, 1);
		if (text == NULL ||
		    (doc = json_loads(text, 0, &jerr)) == NULL) {
			log_warnx("%s: %s: stored posting is not JSON",
			    __func__, id);
			rc = -1;
		}
	}
	store_reset(stmt);
	if (rc != 1) {
		store_rollback(st);
		return rc == 0 ? 1 : -1;
	}
	json_object_foreach((json_t *)patch, field, value) {
		/* A submission has no source to yield to. */
		if (sourced && record_override(st, id, doc, field, value,
		    editor, now) == -1)
			goto fail;
		field_set(doc, field, value);
	}
	if ((p = posting_from_storage_json(doc, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s: the edited posting is not valid: %s",
		    __func__, id, err);
		goto fail;
	}
	p->pst_revision++;
	p->pst_modified = now;
	if (store_doc_update(st, p) != 0 || store_bump_generation(st) == -1)
		goto fail;
	json_decref(doc);
	if (store_commit(st, __func__) == -1) {
		posting_free(p);
		return -1;
	}
	st->st_generation++;
	if (out != NULL)
		*out = p;
	else
		posting_free(p);
	return 0;
 fail:
	store_rollback(st);
	json_decref(doc);
	posting_free(p);
	return -1;
}

int
store_overrides_apply(struct store *st, const char *id, struct posting *p)
{
	struct posting_override *ov = NULL;
	struct posting *np, swap;
	json_t *doc = NULL, *orig, *value, *now;
	size_t n = 0, i;
	char err[160];
	int rc = -1;

	if (store_overrides_list(st, id, &ov, &n) == -1)
		return -1;
	if (n == 0)
		return 0;
	if ((doc = posting_to_storage_json(p)) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		orig = json_loads(ov[i].po_source_value, JSON_DECODE_ANY, NULL);
		value = json_loads(ov[i].po_value, JSON_DECODE_ANY, NULL);
		now = json_object_get(doc, ov[i].po_field);
		if (orig != NULL && value != NULL &&
		    json_equal(now ? now : json_null(), orig))
			field_set(doc, ov[i].po_field, value);
		else {
			log_info("posting %s: the source changed %s; the edit "
			    "of %s gives way", id, ov[i].po_field,
			    ov[i].po_editor);
			if (delete_override(st, id, ov[i].po_field) == -1) {
				json_decref(orig);
				json_decref(value);
				goto done;
			}
		}
		json_decref(orig);
		json_decref(value);
	}
	if ((np = posting_from_storage_json(doc, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s: %s", __func__, id, err);
		goto done;
	}
	/* p is the caller's: its contents change, not the pointer. */
	swap = *p;
	*p = *np;
	*np = swap;
	posting_free(np);
	rc = 0;
 done:
	json_decref(doc);
	store_overrides_list_free(ov, n);
	return rc;
}

int
store_overrides_list(struct store *st, const char *id,
    struct posting_override **out, size_t *n)
{
	static const char sql[] =
	    "SELECT field, value, source_value, editor, edited "
	    "FROM posting_overrides WHERE posting_id = ?1 ORDER BY field";
	struct posting_override *list = NULL, *po;
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
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		po = &list[len++];
		po->po_field = store_column_str(stmt, 0);
		po->po_value = store_column_str(stmt, 1);
		po->po_source_value = store_column_str(stmt, 2);
		po->po_editor = store_column_str(stmt, 3);
		po->po_edited = sqlite3_column_int64(stmt, 4);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_overrides_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_overrides_list_free(struct posting_override *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].po_field);
		free(list[i].po_value);
		free(list[i].po_source_value);
		free(list[i].po_editor);
	}
	free(list);
}

/* How an entry is identified within its source (posting_entry_key()). */
#define IDENTITY_SQL							\
	"CASE WHEN e.entry_key = json_extract(p.doc, '$.guid') "	\
	"THEN 0 WHEN e.entry_key LIKE 'h:%' THEN 2 ELSE 1 END"

static const char *const identities[] = { "guid", "link", "hash" };

int
store_posting_entries(struct store *st, const char *id,
    struct posting_entry **out, size_t *n)
{
	static const char sql[] =
	    "SELECT e.source, e.entry_key, e.first_seen, e.last_seen, "
	    IDENTITY_SQL " FROM entries e JOIN postings p "
	    "ON p.id = e.posting_id WHERE e.posting_id = ?1 "
	    "ORDER BY e.first_seen, e.source";
	struct posting_entry *list = NULL, *pe;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc, ident;

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
		pe = &list[len++];
		pe->pe_source = store_column_str(stmt, 0);
		pe->pe_key = store_column_str(stmt, 1);
		pe->pe_first_seen = sqlite3_column_int64(stmt, 2);
		pe->pe_last_seen = sqlite3_column_int64(stmt, 3);
		ident = sqlite3_column_int(stmt, 4);
		pe->pe_identity = identities[ident >= 0 && ident <= 2 ?
		    ident : 1];
	}
	store_reset(stmt);
	if (rc == -1) {
		store_posting_entries_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_posting_entries_free(struct posting_entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].pe_source);
		free(list[i].pe_key);
	}
	free(list);
}

int
store_source_identity(struct store *st, const char *name, int64_t *by_guid,
    int64_t *by_link, int64_t *by_hash)
{
	static const char sql[] =
	    "SELECT " IDENTITY_SQL ", count(*) FROM entries e "
	    "JOIN postings p ON p.id = e.posting_id WHERE e.source = ?1 "
	    "GROUP BY 1";
	sqlite3_stmt *stmt;
	int rc;

	*by_guid = *by_link = *by_hash = 0;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		int64_t count = sqlite3_column_int64(stmt, 1);

		switch (sqlite3_column_int(stmt, 0)) {
		case 0:
			*by_guid = count;
			break;
		case 2:
			*by_hash = count;
			break;
		default:
			*by_link += count;
			break;
		}
	}
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}
