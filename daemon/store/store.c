/*
 * store.c — opening the SQLite database, migrations, and the statement
 * helpers the other store files use.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_io.h"
#include "store_private.h"
#include "xmalloc.h"

/* Generated from the files of schemas/: migration i sets user_version i + 1. */
extern const char *const store_migrations[];
extern const size_t store_nmigrations;

/* How long a writer waits for another connection's lock, in ms. */
#define STORE_BUSY_TIMEOUT	5000

/* --- helpers -------------------------------------------------------- */

void
store_log_error(struct store *st, const char *func, const char *what)
{
	log_warnx("%s: %s: %s", func, what, sqlite3_errmsg(st->st_db));
	store_io_note(st);
}

/* --- failures of the I/O kind --------------------------------------- */

void
store_io_note(struct store *st)
{
	switch (sqlite3_extended_errcode(st->st_db) & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		break;
	default:
		return;		/* a constraint, a bug: not the disk's doing */
	}
	st->st_io_errors++;
	st->st_io_failing = 1;
	snprintf(st->st_io_error, sizeof(st->st_io_error), "%s",
	    sqlite3_errmsg(st->st_db));
}

void
store_io_ok(struct store *st)
{
	st->st_io_failing = 0;
}

void
store_io_status(struct store *st, struct store_io_status *sio)
{
	sio->sio_errors = st->st_io_errors;
	sio->sio_failing = st->st_io_failing;
	sio->sio_error = st->st_io_failing ? st->st_io_error : NULL;
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	struct store_stmt *ss;
	sqlite3_stmt *stmt;
	size_t i;

	for (i = 0; i < st->st_nstmts; i++) {
		ss = &st->st_stmts[i];
		if (ss->ss_sql == sql) {
			sqlite3_reset(ss->ss_stmt);
			sqlite3_clear_bindings(ss->ss_stmt);
			return ss->ss_stmt;
		}
	}
	if (sqlite3_prepare_v3(st->st_db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK) {
		log_warnx("%s: %s: in \"%s\"", __func__,
		    sqlite3_errmsg(st->st_db), sql);
		return NULL;
	}
	st->st_stmts = xreallocarray(st->st_stmts, st->st_nstmts + 1,
	    sizeof(*st->st_stmts));
	st->st_stmts[st->st_nstmts].ss_sql = sql;
	st->st_stmts[st->st_nstmts].ss_stmt = stmt;
	st->st_nstmts++;
	return stmt;
}

void
store_reset(sqlite3_stmt *stmt)
{
	if (stmt != NULL)
		sqlite3_reset(stmt);
}

int
store_bind(struct store *st, sqlite3_stmt *stmt, const char *fmt, ...)
{
	va_list ap;
	const char *s;
	int i, rc = SQLITE_OK;

	va_start(ap, fmt);
	for (i = 1; fmt[i - 1] != '\0' && rc == SQLITE_OK; i++) {
		switch (fmt[i - 1]) {
		case 's':
			s = va_arg(ap, const char *);
			rc = s == NULL ? sqlite3_bind_null(stmt, i) :
			    sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			rc = sqlite3_bind_int(stmt, i, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(stmt, i, va_arg(ap, int64_t));
			break;
		case 'l':
			rc = sqlite3_bind_int64(stmt, i, va_arg(ap, long));
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		log_warnx("%s: parameter %d: %s", __func__, i - 1,
		    sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int
store_step(struct store *st, sqlite3_stmt *stmt, const char *func)
{
	switch (sqlite3_step(stmt)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		/* A write outside a transaction has just committed. */
		if (!sqlite3_stmt_readonly(stmt) &&
		    sqlite3_get_autocommit(st->st_db))
			store_io_ok(st);
		return 0;
	default:
		store_log_error(st, func, sqlite3_sql(stmt));
		sqlite3_reset(stmt);
		return -1;
	}
}

int
store_step_done(struct store *st, sqlite3_stmt *stmt, const char *func)
{
	int rc;

	rc = store_step(st, stmt, func);
	sqlite3_reset(stmt);
	if (rc == 1) {
		log_warnx("%s: statement returned rows: %s", func,
		    sqlite3_sql(stmt));
		return -1;
	}
	return rc;
}

char *
store_column_str(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s;

	if ((s = sqlite3_column_text(stmt, col)) == NULL)
		return NULL;
	return xstrdup((const char *)s);
}

static int
exec(struct store *st, const char *sql, const char *func)
{
	char *msg = NULL;

	if (sqlite3_exec(st->st_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("%s: %s", func, msg ? msg : sqlite3_errmsg(st->st_db));
		sqlite3_free(msg);
		store_io_note(st);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st, const char *func)
{
	return exec(st, "BEGIN IMMEDIATE", func);
}

int
store_commit(struct store *st, const char *func)
{
	if (exec(st, "COMMIT", func) == -1) {
		store_rollback(st);
		return -1;
	}
	store_io_ok(st);
	return 0;
}

void
store_rollback(struct store *st)
{
	size_t i;

	/* Nothing may still be stepping when the transaction goes. */
	for (i = 0; i < st->st_nstmts; i++)
		sqlite3_reset(st->st_stmts[i].ss_stmt);
	if (sqlite3_get_autocommit(st->st_db))
		return;	/* SQLite already rolled back */
	if (sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		store_log_error(st, __func__, "ROLLBACK");
}

int
store_bump_generation(struct store *st)
{
	static const char sql[] =
	    "UPDATE store_state SET generation = generation + 1";
	sqlite3_stmt *stmt;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	return store_step_done(st, stmt, __func__);
}

/* --- opening -------------------------------------------------------- */

static int
pragma_int(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->st_db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		store_log_error(st, __func__, sql);
		return -1;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		store_log_error(st, __func__, sql);
		sqlite3_finalize(stmt);
		return -1;
	}
	*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

static int
set_wal(struct store *st)
{
	sqlite3_stmt *stmt;
	const char *mode;
	int rc = -1;

	if (sqlite3_prepare_v2(st->st_db, "PRAGMA journal_mode = WAL", -1,
	    &stmt, NULL) != SQLITE_OK) {
		store_log_error(st, __func__, "journal_mode");
		return -1;
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		store_log_error(st, __func__, "journal_mode");
		goto fail;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	/* Some file systems cannot do WAL; a rollback journal is slower
	 * for readers but just as safe. */
	if (mode == NULL || strcasecmp(mode, "wal") != 0)
		log_warnx("%s: %s: journal mode is %s, not WAL", __func__,
		    st->st_path, mode ? mode : "unknown");
	rc = 0;
 fail:
	sqlite3_finalize(stmt);
	return rc;
}

/* Before anything writes: a newer database is left as it is. */
static int
check_version(struct store *st, int64_t *version)
{
	if (pragma_int(st, "PRAGMA user_version", version) == -1)
		return -1;
	if (*version < 0 || (uint64_t)*version > store_nmigrations) {
		log_warnx("%s: database schema version %lld is newer than "
		    "this tsunagud (knows %zu)", st->st_path,
		    (long long)*version, store_nmigrations);
		return -1;
	}
	return 0;
}

static int
migrate(struct store *st, int64_t version)
{
	char *sql = NULL;
	size_t i;

	for (i = (size_t)version; i < store_nmigrations; i++) {
		if (store_begin(st, __func__) == -1)
			return -1;
		if (exec(st, store_migrations[i], __func__) == -1)
			goto fail;
		xasprintf(&sql, "PRAGMA user_version = %zu", i + 1);
		if (exec(st, sql, __func__) == -1)
			goto fail;
		free(sql);
		sql = NULL;
		if (store_commit(st, __func__) == -1) {
			log_warnx("%s: %s: migration %zu not applied",
			    __func__, st->st_path, i + 1);
			return -1;
		}
		log_info("%s: schema migrated to version %zu", st->st_path,
		    i + 1);
	}
	return 0;
 fail:
	log_warnx("%s: %s: migration %zu failed", __func__, st->st_path, i + 1);
	free(sql);
	store_rollback(st);
	return -1;
}

static int
load_generation(struct store *st)
{
	static const char sql[] = "SELECT generation FROM store_state";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	rc = store_step(st, stmt, __func__);
	if (rc == 1)
		st->st_generation = sqlite3_column_int64(stmt, 0);
	store_reset(stmt);
	if (rc == 0) {
		log_warnx("%s: %s: store_state is empty", __func__,
		    st->st_path);
		return -1;
	}
	return rc == 1 ? 0 : -1;
}

void
store_global_init(void)
{
	/* Nothing reads SQLite's memory statistics, and keeping them takes a
	 * global mutex on every allocation: a tenth of a delivery's SQL. */
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_warnx("%s: SQLite was initialized before", __func__);
}

int
store_open(const char *path, struct store **out)
{
	struct store *st;
	int64_t version;
	int rc;

	*out = NULL;
	st = xcalloc(1, sizeof(*st));
	st->st_path = xstrdup(path);
	/* A connection is only used by the thread of the loop: no mutex. */
	rc = sqlite3_open_v2(path, &st->st_db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		log_warnx("%s: %s: %s", __func__, path, st->st_db ?
		    sqlite3_errmsg(st->st_db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->st_db, 1);
	if (sqlite3_busy_timeout(st->st_db, STORE_BUSY_TIMEOUT) != SQLITE_OK) {
		store_log_error(st, __func__, "busy_timeout");
		goto fail;
	}
	if (check_version(st, &version) == -1 ||
	    set_wal(st) == -1 ||
	    store_wal_init(st) == -1 ||
	    exec(st, "PRAGMA synchronous = NORMAL", __func__) == -1 ||
	    exec(st, "PRAGMA foreign_keys = ON", __func__) == -1 ||
	    migrate(st, version) == -1 ||
	    load_generation(st) == -1)
		goto fail;
	*out = st;
	return 0;
 fail:
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->st_nstmts; i++)
		sqlite3_finalize(st->st_stmts[i].ss_stmt);
	free(st->st_stmts);
	if (st->st_db != NULL && sqlite3_close(st->st_db) != SQLITE_OK)
		log_warnx("%s: %s: %s", __func__, st->st_path,
		    sqlite3_errmsg(st->st_db));
	store_unrecorded_free(st);
	free(st->st_wal_path);
	free(st->st_path);
	free(st);
}

int
store_schema_version(struct store *st)
{
	int64_t version;

	if (pragma_int(st, "PRAGMA user_version", &version) == -1)
		return -1;
	return (int)version;
}

int64_t
store_generation(struct store *st)
{
	return st->st_generation;
}
