/*
 * subscribers.c — the parties postings are delivered to: from the
 * configuration file or made through the API.  Their webhook secret is
 * read only by store_subscriber_secret(), never with the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define SUBSCRIBER_COLUMNS						\
	"name, origin, webhook, filter, disabled, "			\
	"feed_token IS NOT NULL, created, updated, secret_rotated"

static void
subscriber_read(sqlite3_stmt *stmt, struct subscriber_info *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_name = store_column_str(stmt, 0);
	sb->sb_origin = store_column_str(stmt, 1);
	sb->sb_webhook = store_column_str(stmt, 2);
	sb->sb_filter = store_column_str(stmt, 3);
	sb->sb_disabled = sqlite3_column_int(stmt, 4);
	sb->sb_private = sqlite3_column_int(stmt, 5);
	sb->sb_created = sqlite3_column_int64(stmt, 6);
	sb->sb_updated = sqlite3_column_int64(stmt, 7);
	sb->sb_secret_rotated = sqlite3_column_int64(stmt, 8);
}

void
subscriber_info_free(struct subscriber_info *sb)
{
	if (sb == NULL)
		return;
	free(sb->sb_name);
	free(sb->sb_origin);
	free(sb->sb_webhook);
	free(sb->sb_filter);
	memset(sb, 0, sizeof(*sb));
}

/* Runs "UPDATE ... WHERE name = ?1" with ?2 = value, ?3 = now; 1 when no
 * row matched. */
static int
update_text(struct store *st, const char *sql, const char *name,
    const char *value, int64_t now, const char *func)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssI", name, value, now) == -1 ||
	    store_step_done(st, stmt, func) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

static int
update_int(struct store *st, const char *sql, const char *name, int value,
    int64_t now, const char *func)
{
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "siI", name, value, now) == -1 ||
	    store_step_done(st, stmt, func) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_subscriber_sync(struct store *st, const struct subscriber_def *sd,
    const char *new_secret, int64_t now)
{
	static const char sql[] =
	    "INSERT INTO subscribers (name, origin, webhook, filter, secret, "
	    "created, updated, secret_rotated) "
	    "VALUES (?1, 'config', ?2, ?3, coalesce(?4, ?5), ?6, ?6, ?6) "
	    "ON CONFLICT (name) DO UPDATE SET origin = 'config', "
	    "webhook = excluded.webhook, filter = excluded.filter, "
	    "secret = coalesce(?4, secret), "
	    "secret_rotated = CASE WHEN ?4 IS NOT NULL AND ?4 IS NOT secret "
	    "THEN ?6 ELSE secret_rotated END, "
	    "updated = CASE WHEN origin IS NOT 'config' "
	    "OR webhook IS NOT excluded.webhook "
	    "OR filter IS NOT excluded.filter "
	    "OR (?4 IS NOT NULL AND ?4 IS NOT secret) THEN ?6 ELSE updated END";
	sqlite3_stmt *stmt;

	if (sd->sbd_secret == NULL && new_secret == NULL) {
		log_warnx("%s: %s: no secret", __func__, sd->sbd_name);
		return -1;
	}
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sssssI", sd->sbd_name, sd->sbd_webhook,
	    sd->sbd_filter ? sd->sbd_filter : "", sd->sbd_secret, new_secret,
	    now) == -1)
		return -1;
	return store_step_done(st, stmt, __func__);
}

int
store_subscriber_create(struct store *st, const struct subscriber_def *sd,
    int64_t now)
{
	static const char sql[] =
	    "INSERT INTO subscribers (name, origin, webhook, filter, secret, "
	    "created, updated, secret_rotated) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6) "
	    "ON CONFLICT (name) DO NOTHING";
	sqlite3_stmt *stmt;

	if (sd->sbd_secret == NULL) {
		log_warnx("%s: %s: no secret", __func__, sd->sbd_name);
		return -1;
	}
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sssssI", sd->sbd_name,
	    sd->sbd_origin ? sd->sbd_origin : "api", sd->sbd_webhook,
	    sd->sbd_filter ? sd->sbd_filter : "", sd->sbd_secret, now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_subscriber_update(struct store *st, const char *name,
    const struct subscriber_patch *sp, int64_t now)
{
	static const char sql[] =
	    "UPDATE subscribers SET "
	    "webhook = CASE WHEN ?2 THEN ?3 ELSE webhook END, "
	    "filter = CASE WHEN ?4 THEN ?5 ELSE filter END, "
	    "updated = ?6 WHERE name = ?1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sisisI", name, sp->sbp_set_webhook ? 1 : 0,
	    sp->sbp_webhook, sp->sbp_set_filter ? 1 : 0,
	    sp->sbp_filter ? sp->sbp_filter : "", now) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_subscriber_delete(struct store *st, const char *name)
{
	static const char sql[] = "DELETE FROM subscribers WHERE name = ?1";
	sqlite3_stmt *stmt;

	/* Its tokens go by cascade. */
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}

int
store_subscriber_set_disabled(struct store *st, const char *name,
    int disabled, int64_t now)
{
	static const char sql[] =
	    "UPDATE subscribers SET disabled = ?2, updated = ?3 "
	    "WHERE name = ?1";

	return update_int(st, sql, name, disabled ? 1 : 0, now, __func__);
}

int
store_subscriber_set_secret(struct store *st, const char *name,
    const char *secret, int64_t now)
{
	static const char sql[] =
	    "UPDATE subscribers SET secret = ?2, secret_rotated = ?3, "
	    "updated = ?3 WHERE name = ?1";

	if (secret == NULL)
		return -1;
	return update_text(st, sql, name, secret, now, __func__);
}

int
store_subscriber_set_feed_token(struct store *st, const char *name,
    const char *digest_hex, int64_t now)
{
	static const char sql[] =
	    "UPDATE subscribers SET feed_token = ?2, updated = ?3 "
	    "WHERE name = ?1";

	return update_text(st, sql, name, digest_hex, now, __func__);
}

static int
column_by_name(struct store *st, const char *sql, const char *name,
    char **out, const char *func)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = NULL;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	if ((rc = store_step(st, stmt, func)) == 1)
		*out = store_column_str(stmt, 0);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_subscriber_secret(struct store *st, const char *name, char **out)
{
	static const char sql[] =
	    "SELECT secret FROM subscribers WHERE name = ?1";

	return column_by_name(st, sql, name, out, __func__);
}

int
store_subscriber_feed_token(struct store *st, const char *name, char **out)
{
	static const char sql[] =
	    "SELECT feed_token FROM subscribers WHERE name = ?1";

	return column_by_name(st, sql, name, out, __func__);
}

int
store_subscriber_get(struct store *st, const char *name,
    struct subscriber_info *out)
{
	static const char sql[] =
	    "SELECT " SUBSCRIBER_COLUMNS " FROM subscribers WHERE name = ?1";
	sqlite3_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", name) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1)
		subscriber_read(stmt, out);
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_subscriber_list(struct store *st, struct subscriber_info **out,
    size_t *n)
{
	static const char sql[] =
	    "SELECT " SUBSCRIBER_COLUMNS " FROM subscribers ORDER BY name";
	struct subscriber_info *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		subscriber_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_subscriber_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_subscriber_list_free(struct subscriber_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		subscriber_info_free(&list[i]);
	free(list);
}
