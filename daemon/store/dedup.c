/*
 * dedup.c — a fetch's entries as records of their source (issue 4).
 *
 * Identity: a record is known by its guid, else its canonical link, else
 * its content key.  When a fetch shows that the source's guids cannot
 * tell its items apart (missing, repeated — every guid the same) or do
 * not stay put (http -> https), every record of the source is known by
 * its link from then on; when links repeat too, by content.  A record
 * whose key is new but whose link and start (or content) are those of a
 * record the fetch no longer lists is that record under a new key: it is
 * carried over, never made a second posting.  The source's health says
 * which identity it is on and why (store_source_identity_mode()).
 *
 * Then each record that is new or changed is placed (dedup_cluster.c),
 * a snapshot source's records that stayed away withdraw_after fetches are
 * gone, and the postings the fetch touched are written once each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dedup_key.h"
#include "dedup_private.h"
#include "log.h"
#include "posting.h"
#include "store.h"
#include "store_doc.h"
#include "store_private.h"
#include "xmalloc.h"

enum identity_mode { ID_GUID = 0, ID_LINK, ID_CONTENT };

static const char *const mode_names[] = { "guid", "link", "content" };

/* --- records ------------------------------------------------------------ */

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

static void
rec_free(struct dedup_rec *r)
{
	if (r == NULL)
		return;
	posting_free(r->dr_posting);
	free(r->dr_doc);
	free(r->dr_key);
	free(r->dr_content_key);
	free(r->dr_posting_id);
	dedup_keys_clear(&r->dr_keys);
	sim_grams_free(&r->dr_grams);
	free(r);
}

/* --- identity ------------------------------------------------------------ */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct identity {
	enum identity_mode	id_mode;
	char			*id_reason;
	int64_t			 id_since;
	int64_t			 id_rekeyed;
	int			 id_changed;	/* to be written back */
};

static int
identity_load(struct store *st, const char *source, struct identity *id)
{
	static const char sql[] = "SELECT mode, reason, since, rekeyed "
	    "FROM source_identity WHERE source = ?1";
	sqlite3_stmt *stmt;
	const char *mode;
	int rc;

	memset(id, 0, sizeof(*id));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", source) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		mode = (const char *)sqlite3_column_text(stmt, 0);
		if (mode != NULL && strcmp(mode, "link") == 0)
			id->id_mode = ID_LINK;
		else if (mode != NULL && strcmp(mode, "content") == 0)
			id->id_mode = ID_CONTENT;
		id->id_reason = store_column_str(stmt, 1);
		id->id_since = sqlite3_column_int64(stmt, 2);
		id->id_rekeyed = sqlite3_column_int64(stmt, 3);
	}
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}

static int
identity_save(struct store *st, const char *source, const struct identity *id)
{
	static const char sql[] =
	    "INSERT INTO source_identity (source, mode, reason, since, "
	    "rekeyed) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source) DO "
	    "UPDATE SET mode = excluded.mode, reason = excluded.reason, "
	    "since = excluded.since, rekeyed = excluded.rekeyed";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sssII", source, mode_names[id->id_mode],
	    id->id_reason, id->id_since, id->id_rekeyed) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

static void
fall_back(struct dedup_fetch *df, struct identity *id, enum identity_mode to,
    char *reason)
{
	log_warnx("source %s: its records are known by %s from now on: %s",
	    df->df_source, mode_names[to], reason);
	free(id->id_reason);
	id->id_reason = reason;
	id->id_mode = to;
	id->id_since = df->df_now;
	id->id_changed = 1;
}

struct pair {
	const char	*p_id;		/* a guid, or a link */
	const char	*p_what;	/* what it names: a link, or content */
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c;

	if ((c = strcmp(x->p_id, y->p_id)) != 0)
		return c;
	return strcmp(x->p_what, y->p_what);
}

/*
 * Of n pairs: how many ids there are, and how many of them name more than
 * one thing (an id repeated on one thing is one item listed twice, and
 * the last of it wins; an id on two things tells nothing apart).
 */
static void
ambiguous_ids(struct pair *v, size_t n, size_t *ids, size_t *bad)
{
	size_t i, j;

	*ids = *bad = 0;
	if (n > 1)
		qsort(v, n, sizeof(*v), pair_cmp);
	for (i = 0; i < n; i = j) {
		(*ids)++;
		for (j = i + 1; j < n && strcmp(v[j].p_id, v[i].p_id) == 0;
		    j++)
			;
		if (strcmp(v[i].p_what, v[j - 1].p_what) != 0)
			(*bad)++;
	}
}

/*
 * What this fetch says of the source's guids and links: a mode that can
 * no longer tell its items apart gives way to the next one.
 */
static void
identity_check(struct dedup_fetch *df, struct identity *id,
    struct dedup_rec **recs, size_t n)
{
	struct pair *v = xcalloc(n + 1, sizeof(*v));
	const struct dedup_rec *r;
	size_t i, k, ids, bad;
	char *why;

	if (n == 0) {
		free(v);
		return;
	}
	if (id->id_mode == ID_GUID) {
		for (i = k = 0; i < n; i++) {
			r = recs[i];
			if (r->dr_posting->pst_guid == NULL ||
			    r->dr_posting->pst_guid[0] == '\0')
				continue;
			v[k].p_id = r->dr_posting->pst_guid;
			v[k++].p_what = r->dr_keys.dk_url ? r->dr_keys.dk_url :
			    r->dr_content_key;
		}
		ambiguous_ids(v, k, &ids, &bad);
		if (k == 0) {
			xasprintf(&why, "none of its %zu entries has a guid", n);
			fall_back(df, id, ID_LINK, why);
		} else if (bad > 0) {
			if (ids == 1)
				xasprintf(&why, "all its %zu entries with a guid "
				    "have the same one", k);
			else
				xasprintf(&why, "%zu of its guids stand for "
				    "several different entries", bad);
			fall_back(df, id, ID_LINK, why);
		}
	}
	if (id->id_mode == ID_LINK) {
		for (i = k = 0; i < n; i++) {
			r = recs[i];
			if (r->dr_keys.dk_url == NULL)
				continue;
			v[k].p_id = r->dr_keys.dk_url;
			v[k++].p_what = r->dr_content_key;
		}
		ambiguous_ids(v, k, &ids, &bad);
		if (k == 0) {
			xasprintf(&why, "none of its %zu entries has a link to "
			    "a page of its own (and guids fail)", n);
			fall_back(df, id, ID_CONTENT, why);
		} else if (bad > 0) {
			xasprintf(&why, "%zu of its links stand for several "
			    "different entries (and guids fail)", bad);
			fall_back(df, id, ID_CONTENT, why);
		}
	}
	free(v);
}

/*
 * A link the fetch gives to several different entries is a page listing
 * them (a calendar, the sessions of one course): it names none of them,
 * so none is known or matched by it.
 */
static void
forget_listing_pages(struct dedup_rec **recs, size_t n)
{
	struct pair *v = xcalloc(n + 1, sizeof(*v));
	size_t i, j, k = 0, m;

	for (i = 0; i < n; i++)
		if (recs[i]->dr_keys.dk_url != NULL) {
			v[k].p_id = recs[i]->dr_keys.dk_url;
			v[k++].p_what = recs[i]->dr_content_key;
		}
	if (k > 1)
		qsort(v, k, sizeof(*v), pair_cmp);
	for (i = 0; i < k; i = j) {
		for (j = i + 1; j < k && strcmp(v[j].p_id, v[i].p_id) == 0;
		    j++)
			;
		if (strcmp(v[i].p_what, v[j - 1].p_what) == 0)
			continue;
		/* v[i].p_id points into a record: copy before freeing. */
		for (m = 0; m < n; m++) {
			struct dedup_rec *r = recs[m];

			if (r->dr_keys.dk_url == NULL || r->dr_keys.dk_url ==
			    v[i].p_id || strcmp(r->dr_keys.dk_url,
			    v[i].p_id) != 0)
				continue;
			free(r->dr_keys.dk_url);
			r->dr_keys.dk_url = NULL;
			r->dr_sim.sr_url = NULL;
		}
		for (m = 0; m < n; m++)
			if (recs[m]->dr_keys.dk_url == v[i].p_id) {
				free(recs[m]->dr_keys.dk_url);
				recs[m]->dr_keys.dk_url = NULL;
				recs[m]->dr_sim.sr_url = NULL;
			}
	}
	free(v);
}

static void
assign_key(struct dedup_rec *r, enum identity_mode mode)
{
	const char *guid = r->dr_posting->pst_guid;

	free(r->dr_key);
	if (mode == ID_GUID && guid != NULL && guid[0] != '\0') {
		r->dr_key = xstrdup(guid);
		r->dr_identity = "guid";
	} else if (mode != ID_CONTENT && r->dr_keys.dk_url != NULL) {
		r->dr_key = xstrdup(r->dr_keys.dk_url);
		r->dr_identity = "link";
	} else {
		r->dr_key = xstrdup(r->dr_content_key);
		r->dr_identity = "content";
	}
}

/* --- the entries table ---------------------------------------------------- */

/* Binds the record's keys to ?first.. (12 parameters: title, place,
 * area, url, origin, content key, start, day, start minute, end day, end
 * minute, address). */
static int
bind_keys(struct store *st, sqlite3_stmt *stmt, int first,
    const struct dedup_rec *r)
{
	const struct dedup_keys *k = &r->dr_keys;
	const struct dedup_when *w = &k->dk_when;
	const char *text[7] = { k->dk_title, k->dk_place, k->dk_area,
	    k->dk_url, k->dk_origin, r->dr_content_key,
	    r->dr_posting->pst_start };
	int i, rc = SQLITE_OK;

	rc = k->dk_address ? sqlite3_bind_text(stmt, first + 11,
	    k->dk_address, -1, SQLITE_TRANSIENT) :
	    sqlite3_bind_null(stmt, first + 11);
	for (i = 0; i < 7 && rc == SQLITE_OK; i++)
		rc = text[i] ? sqlite3_bind_text(stmt, first + i, text[i], -1,
		    SQLITE_TRANSIENT) : sqlite3_bind_null(stmt, first + i);
	if (rc == SQLITE_OK && w->dw_day != DEDUP_NO_DAY) {
		rc = sqlite3_bind_int64(stmt, first + 7, w->dw_day);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(stmt, first + 8, w->dw_minute);
	}
	if (rc == SQLITE_OK && w->dw_end_day != DEDUP_NO_DAY) {
		rc = sqlite3_bind_int64(stmt, first + 9, w->dw_end_day);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(stmt, first + 10,
			    w->dw_end_minute);
	}
	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "bind");
		return -1;
	}
	return 0;
}

static int
bind_real(struct store *st, sqlite3_stmt *stmt, int i, double v)
{
	int rc = v < 0 ? sqlite3_bind_null(stmt, i) :
	    sqlite3_bind_double(stmt, i, v);

	if (rc != SQLITE_OK) {
		store_log_error(st, __func__, "bind");
		return -1;
	}
	return 0;
}

int
dedup_entry_insert(struct dedup_fetch *df, const struct dedup_rec *r,
    const char *posting_id, const struct dedup_why *why)
{
	static const char sql[] =
	    "INSERT INTO entries (source, entry_key, posting_id, digest, "
	    "first_seen, last_seen, doc, kind, identity, match_rule, "
	    "match_source, match_key, title_key, place_key, area, url_key, "
	    "origin_key, content_key, start, event_day, start_min, end_day, "
	    "end_min, address_key, match_score, match_title, match_place) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, "
	    "?25, ?26)";
	struct store *st = df->df_st;
	sqlite3_stmt *stmt;
	int rc = -1;

	if ((stmt = store_stmt(st, sql)) != NULL &&
	    store_bind(st, stmt, "ssssIssssss", df->df_source, r->dr_key,
	    posting_id, r->dr_digest, df->df_now, r->dr_doc, df->df_kind,
	    r->dr_identity, why->dw_rule, why->dw_source, why->dw_key) == 0 &&
	    bind_keys(st, stmt, 12, r) == 0 &&
	    bind_real(st, stmt, 24, why->dw_score) == 0 &&
	    bind_real(st, stmt, 25, why->dw_title) == 0 &&
	    bind_real(st, stmt, 26, why->dw_place) == 0)
		rc = store_step_done(st, stmt, __func__);
	return rc;
}

int
dedup_entry_update(struct dedup_fetch *df, const struct dedup_rec *r)
{
	static const char sql[] =
	    "UPDATE entries SET digest = ?3, last_seen = ?4, doc = ?5, "
	    "kind = ?6, identity = ?7, missing = 0, gone = 0, "
	    "title_key = ?8, place_key = ?9, area = ?10, url_key = ?11, "
	    "origin_key = ?12, content_key = ?13, start = ?14, "
	    "event_day = ?15, start_min = ?16, end_day = ?17, end_min = ?18, "
	    "address_key = ?19 WHERE source = ?1 AND entry_key = ?2";
	struct store *st = df->df_st;
	sqlite3_stmt *stmt;
	int rc = -1;

	if ((stmt = store_stmt(st, sql)) != NULL &&
	    store_bind(st, stmt, "sssIsss", df->df_source, r->dr_key,
	    r->dr_digest, df->df_now, r->dr_doc, df->df_kind,
	    r->dr_identity) == 0 &&
	    bind_keys(st, stmt, 8, r) == 0)
		rc = store_step_done(st, stmt, __func__);
	return rc;
}

static int
entry_seen(struct dedup_fetch *df, const struct dedup_rec *r)
{
	/* The keys too: how they are made may have changed since the
	 * record was stored (an upgrade), and this keeps them current. */
	static const char sql[] =
	    "UPDATE entries SET last_seen = ?3, missing = 0, "
	    "title_key = ?4, place_key = ?5, area = ?6, url_key = ?7, "
	    "origin_key = ?8, content_key = ?9, start = ?10, "
	    "event_day = ?11, start_min = ?12, end_day = ?13, end_min = ?14, "
	    "address_key = ?15 WHERE source = ?1 AND entry_key = ?2";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(df->df_st, sql)) == NULL ||
	    store_bind(df->df_st, stmt, "ssI", df->df_source, r->dr_key,
	    df->df_now) == -1 || bind_keys(df->df_st, stmt, 4, r) == -1)
		return -1;
	return store_step_done(df->df_st, stmt, __func__);
}

/* What the store has of the record: 0 found, 1 none, -1 error. */
static int
entry_lookup(struct dedup_fetch *df, struct dedup_rec *r)
{
	static const char sql[] =
	    "SELECT posting_id, digest, gone FROM entries "
	    "WHERE source = ?1 AND entry_key = ?2";
	sqlite3_stmt *stmt;
	const char *d;
	int rc;

	if ((stmt = store_stmt(df->df_st, sql)) == NULL ||
	    store_bind(df->df_st, stmt, "ss", df->df_source, r->dr_key) == -1)
		return -1;
	if ((rc = store_step(df->df_st, stmt, __func__)) == 1) {
		free(r->dr_posting_id);
		r->dr_posting_id = store_column_str(stmt, 0);
		d = (const char *)sqlite3_column_text(stmt, 1);
		strncpy(r->dr_old_digest, d ? d : "", 64);
		r->dr_old_digest[64] = '\0';
		r->dr_gone = sqlite3_column_int(stmt, 2);
		r->dr_found = 1;
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

/*
 * A new key whose link and start (or content) are those of a record the
 * fetch no longer lists: the same item under a new key (a guid that went
 * from http to https, a row renumbered).  Its record takes the new key.
 * 0 carried over, 1 none, -1 error.
 */
/* The first record found by sql (?1 source, ?2 and ?3 as given) that the
 * fetch does not list: its key and identity; 1 none. */
static int
former_record(struct store *st, const char *sql, const char *source,
    const char *a, const char *b, char **batch, size_t nbatch, char **key,
    char **identity)
{
	sqlite3_stmt *stmt;
	const char *k;
	int rc;

	*key = *identity = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sss", source, a, b) == -1)
		return -1;
	/* The smallest key: the same whatever order the rows come in. */
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		k = (const char *)sqlite3_column_text(stmt, 0);
		/* A record the fetch still lists is another item. */
		if (k == NULL || bsearch(&k, batch, nbatch, sizeof(*batch),
		    str_cmp) != NULL || (*key != NULL && strcmp(k, *key) >= 0))
			continue;
		free(*key);
		free(*identity);
		*key = xstrdup(k);
		*identity = store_column_str(stmt, 1);
	}
	store_reset(stmt);
	if (rc == -1) {
		free(*key);
		free(*identity);
		*key = *identity = NULL;
		return -1;
	}
	return *key != NULL ? 0 : 1;
}

/*
 * A new key whose link and start (or content) are those of a record the
 * fetch no longer lists: the same item under a new key (a guid that went
 * from http to https, a row renumbered).  Its record takes the new key.
 * 0 carried over, 1 none, -1 error.
 */
static int
carry_over(struct dedup_fetch *df, struct dedup_rec *r, char **batch,
    size_t nbatch, struct identity *id)
{
	/* Two lookups, each on its index: an OR of them would walk all the
	 * source's records for every new one. */
	static const char by_page[] =
	    "SELECT entry_key, identity FROM entries WHERE url_key = ?2 "
	    "AND +source = ?1 AND gone = 0 AND coalesce(start, '') = "
	    "coalesce(?3, '')";
	static const char by_content[] =
	    "SELECT entry_key, identity FROM entries WHERE source = ?1 "
	    "AND content_key = ?2 AND gone = 0 AND ?3 IS NULL";
	static const char rekey[] =
	    "UPDATE entries SET entry_key = ?3, identity = ?4 "
	    "WHERE source = ?1 AND entry_key = ?2";
	struct store *st = df->df_st;
	sqlite3_stmt *stmt;
	char *old = NULL, *old_identity = NULL;
	int rc = 1;

	if (r->dr_keys.dk_url != NULL)
		rc = former_record(st, by_page, df->df_source,
		    r->dr_keys.dk_url, r->dr_posting->pst_start, batch, nbatch,
		    &old, &old_identity);
	if (rc == 1)
		rc = former_record(st, by_content, df->df_source,
		    r->dr_content_key, NULL, batch, nbatch, &old,
		    &old_identity);
	if (rc != 0)
		return rc;
	rc = -1;
	if ((stmt = store_stmt(st, rekey)) != NULL &&
	    store_bind(st, stmt, "ssss", df->df_source, old, r->dr_key,
	    r->dr_identity) == 0)
		rc = store_step_done(st, stmt, __func__);
	if (rc == 0) {
		log_info("source %s: entry '%s' is now known as '%s'",
		    df->df_source, old, r->dr_key);
		id->id_rekeyed++;
		id->id_changed = 1;
		if (old_identity != NULL && strcmp(old_identity, "guid") == 0 &&
		    strcmp(r->dr_identity, "guid") == 0)
			df->df_rekeyed++;
		rc = entry_lookup(df, r) == 0 ? 0 : -1;
	}
	free(old);
	free(old_identity);
	return rc;
}

/* --- snapshot sources ------------------------------------------------------ */

static int
source_format(struct store *st, const char *source, char **format)
{
	static const char sql[] = "SELECT format FROM sources WHERE name = ?1";
	sqlite3_stmt *stmt;
	int rc;

	*format = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", source) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		*format = store_column_str(stmt, 0);
	store_reset(stmt);
	return rc == -1 ? -1 : 0;
}

/*
 * How many successful fetches in a row a record of the source may miss
 * before it is gone; 0 when the source is no snapshot (a feed lists its
 * latest items, and an item it drops is not withdrawn).
 */
static int
snapshot_after(struct dedup_fetch *df, int64_t *after)
{
	const struct store_policy *sp = &df->df_st->st_policy;
	char *format = NULL;
	int snapshot;

	*after = 0;
	if (sp->sp_withdraw_after != NULL)
		*after = sp->sp_withdraw_after(sp->sp_arg, df->df_source);
	if (source_format(df->df_st, df->df_source, &format) == -1)
		return -1;
	snapshot = df->df_fo->fo_snapshot || *after > 0 || (format != NULL &&
	    (strcmp(format, "csv") == 0 || strcmp(format, "ical") == 0));
	free(format);
	if (!snapshot)
		*after = 0;
	else if (*after <= 0)
		*after = STORE_WITHDRAW_AFTER;
	return 0;
}

/* Every live record of a snapshot source counts this fetch as missed;
 * the records the fetch lists set it back to 0. */
static int
snapshot_miss(struct dedup_fetch *df)
{
	static const char sql[] =
	    "UPDATE entries SET missing = missing + 1 WHERE source = ?1 "
	    "AND gone = 0";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(df->df_st, sql)) == NULL ||
	    store_bind(df->df_st, stmt, "s", df->df_source) == -1)
		return -1;
	return store_step_done(df->df_st, stmt, __func__);
}

/*
 * A snapshot lists everything its source has: a record not in it for
 * `after` successful fetches in a row is gone, and its posting goes with
 * it unless another record still carries it.
 */
static int
snapshot_gone(struct dedup_fetch *df, int64_t after)
{
	static const char due[] =
	    "SELECT entry_key, posting_id FROM entries WHERE source = ?1 "
	    "AND gone = 0 AND missing >= ?2 ORDER BY entry_key";
	static const char gone[] =
	    "UPDATE entries SET gone = 1 WHERE source = ?1 AND gone = 0 "
	    "AND missing >= ?2";
	struct store *st = df->df_st;
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, due)) == NULL ||
	    store_bind(st, stmt, "sI", df->df_source, after) == -1)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		log_info("source %s: entry '%s' missing from %lld fetches in a "
		    "row, gone", df->df_source,
		    (const char *)sqlite3_column_text(stmt, 0),
		    (long long)after);
		dedup_dirty(df, (const char *)sqlite3_column_text(stmt, 1));
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	if ((stmt = store_stmt(st, gone)) == NULL ||
	    store_bind(st, stmt, "sI", df->df_source, after) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

/* --- a fetch ------------------------------------------------------------ */

struct keyed {
	struct dedup_rec	*k_rec;
	size_t			 k_index;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c;

	if ((c = strcmp(x->k_rec->dr_key, y->k_rec->dr_key)) != 0)
		return c;
	return x->k_index < y->k_index ? -1 : x->k_index > y->k_index;
}

static void
policy_into(struct dedup_fetch *df)
{
	const struct store_policy *sp = &df->df_st->st_policy;

	if (sp->sp_kind_priority != NULL)
		df->df_priority = sp->sp_kind_priority(sp->sp_arg,
		    &df->df_npriority);
	if (sp->sp_instance != NULL)
		df->df_instance = sp->sp_instance(sp->sp_arg);
}

/* Unchanged records are only seen; the others wait in pending. */
static int
sort_out(struct dedup_fetch *df, struct keyed *sorted, size_t n,
    struct identity *id, struct dedup_rec **pending, size_t *npending)
{
	char **batch = xcalloc(n + 1, sizeof(*batch));
	struct dedup_rec *r;
	size_t i, nb = 0;
	int rc = -1, found;

	for (i = 0; i < n; i++)
		batch[nb++] = sorted[i].k_rec->dr_key;
	*npending = 0;
	for (i = 0; i < n; i++) {
		r = sorted[i].k_rec;
		if ((found = entry_lookup(df, r)) == -1)
			goto fail;
		if (found == 1 && (found = carry_over(df, r, batch, nb,
		    id)) == -1)
			goto fail;
		if (r->dr_found && !r->dr_gone &&
		    strcmp(r->dr_digest, r->dr_old_digest) == 0) {
			if (entry_seen(df, r) == -1)
				goto fail;
			df->df_as->as_unchanged++;
			continue;
		}
		pending[(*npending)++] = r;
	}
	rc = 0;
 fail:
	free(batch);
	return rc;
}

/* qsort(): records by their event's day. */
static int
by_day(const void *a, const void *b)
{
	const struct dedup_rec *x = *(struct dedup_rec *const *)a;
	const struct dedup_rec *y = *(struct dedup_rec *const *)b;
	int32_t dx = x->dr_sim.sr_when.dw_day, dy = y->dr_sim.sr_when.dw_day;

	return (dx > dy) - (dx < dy);
}

/*
 * Places the records left: one that matches two postings that conflict
 * waits until the others of the fetch are placed (a sibling may take one
 * of them), and so does one whose posting a sibling of its day takes more
 * strongly (dedup_match_rivals(): the records by day, df_by_day, find
 * them); what still waits is placed anyway.
 */
static int
place_all(struct dedup_fetch *df, struct dedup_rec **pending, size_t n)
{
	size_t i, k, last;
	int rc = 0;

	df->df_by_day = xcalloc(n + 1, sizeof(*df->df_by_day));
	memcpy(df->df_by_day, pending, n * sizeof(*pending));
	df->df_nby_day = n;
	qsort(df->df_by_day, n, sizeof(*df->df_by_day), by_day);
	do {
		last = n;
		for (i = k = 0; i < n; i++) {
			if ((rc = dedup_place(df, pending[i], 1)) == -1)
				goto done;
			if (rc == 1)
				pending[k++] = pending[i];
		}
		n = k;
	} while (n > 0 && n < last);
	rc = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = dedup_place(df, pending[i], 0);
 done:
	free(df->df_by_day);
	df->df_by_day = NULL;
	df->df_nby_day = 0;
	return rc;
}

static int
own_posting(const struct dedup_fetch *df, const struct posting *p)
{
	return df->df_instance != NULL && p->pst_origin_instance != NULL &&
	    strcmp(p->pst_origin_instance, df->df_instance) == 0;
}

int
dedup_apply(struct store *st, const struct fetch_outcome *fo,
    const char *kind, struct apply_stats *as)
{
	const struct posting_list *pl = fo->fo_entries;
	struct dedup_fetch df = {
		.df_st = st, .df_fo = fo, .df_source = fo->fo_source,
		.df_kind = kind, .df_now = fo->fo_attempt, .df_as = as,
	};
	struct dedup_rec **recs, **pending = NULL;
	struct identity id;
	struct keyed *sorted = NULL;
	size_t n = pl->pl_len, i, k, npending = 0, withguid = 0;
	int64_t after;
	const char *moderation;
	char *why;
	int rc = -1;

	if (!st->st_dedup_ready && dedup_backfill(st) == -1)
		return -1;
	policy_into(&df);
	moderation = store_moderation_initial(st, fo->fo_source);
	df.df_moderated = moderation != NULL &&
	    strcmp(moderation, MODERATION_PUBLISHED) != 0;
	if (identity_load(st, fo->fo_source, &id) == -1)
		return -1;
	recs = xcalloc(n + 1, sizeof(*recs));
	for (i = k = 0; i < n; i++) {
		struct dedup_rec *r;

		/* A posting of ours coming back through a neighbour: never
		 * imported again, whatever the neighbour made of it. */
		if (own_posting(&df, pl->pl_items[i])) {
			as->as_unchanged++;
			continue;
		}
		r = xcalloc(1, sizeof(*r));

		r->dr_posting = decorate(pl->pl_items[i], fo, kind);
		if ((r->dr_doc = store_doc_encode(r->dr_posting)) == NULL) {
			/* Parsers hand over UTF-8; skip what slipped through. */
			log_warnx("%s: %s: an entry cannot be stored as JSON, "
			    "skipped", __func__, fo->fo_source);
			rec_free(r);
			continue;
		}
		/* Before the store fills in a missing date_published, so that
		 * an entry without one digests alike at every fetch. */
		posting_content_digest(r->dr_posting, r->dr_digest);
		dedup_rec_keys(r, fo->fo_source);
		withguid += r->dr_posting->pst_guid != NULL;
		recs[k++] = r;
	}
	n = k;
	identity_check(&df, &id, recs, n);
	forget_listing_pages(recs, n);
	for (i = 0; i < n; i++)
		assign_key(recs[i], id.id_mode);

	/* A key that repeats within one document: the last one wins.  The
	 * records go in key order, whatever the document's order. */
	sorted = xcalloc(n + 1, sizeof(*sorted));
	for (i = 0; i < n; i++) {
		sorted[i].k_rec = recs[i];
		sorted[i].k_index = i;
	}
	qsort(sorted, n, sizeof(*sorted), keyed_cmp);
	for (i = k = 0; i < n; i++)
		if (i + 1 == n || strcmp(sorted[i].k_rec->dr_key,
		    sorted[i + 1].k_rec->dr_key) != 0)
			sorted[k++] = sorted[i];
	pending = xcalloc(k + 1, sizeof(*pending));
	if (snapshot_after(&df, &after) == -1 ||
	    (after > 0 && snapshot_miss(&df) == -1) ||
	    sort_out(&df, sorted, k, &id, pending, &npending) == -1 ||
	    place_all(&df, pending, npending) == -1 ||
	    (after > 0 && snapshot_gone(&df, after) == -1))
		goto fail;
	/* Guids that changed under most of the records: the source's guids
	 * do not stay put; links will from the next fetch on. */
	if (id.id_mode == ID_GUID && df.df_rekeyed >= 2 &&
	    (size_t)df.df_rekeyed * 2 >= withguid) {
		xasprintf(&why, "the guids of %lld of its %zu entries changed",
		    (long long)df.df_rekeyed, withguid);
		fall_back(&df, &id, ID_LINK, why);
	}
	if (id.id_changed && identity_save(st, fo->fo_source, &id) == -1)
		goto fail;
	if (dedup_publish_all(&df) == -1)
		goto fail;
	rc = 0;
 fail:
	for (i = 0; i < n; i++)
		rec_free(recs[i]);
	free(recs);
	free(sorted);
	free(pending);
	for (i = 0; i < df.df_ndirty; i++)
		free(df.df_dirty[i]);
	free(df.df_dirty);
	free(df.df_new);
	free(id.id_reason);
	return rc;
}
