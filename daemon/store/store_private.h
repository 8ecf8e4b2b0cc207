/*
 * store_private.h — what the store's files share: the handle and the
 * statement helpers.  Included by the files of daemon/store/ only.
 *
 * Statements are prepared once per SQL text and cached on the handle
 * (keyed by the address of a static string).  store_stmt() hands one out
 * reset and unbound; whoever steps it calls store_reset() before letting
 * go, so no statement holds a read transaction open.
 */
#ifndef TSUNAGU_STORE_PRIVATE_H
#define TSUNAGU_STORE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

struct store_stmt {
	const char	*ss_sql;
	sqlite3_stmt	*ss_stmt;
};

struct store {
	sqlite3			*st_db;
	char			*st_path;
	int64_t			 st_generation;	/* as committed */
	struct store_stmt	*st_stmts;
	size_t			 st_nstmts;
	/* dedup*.c: what the configuration decides (store_set_policy()),
	 * and whether records from before 004_dedup.sql were filled in. */
	struct store_policy	 st_policy;
	int			 st_dedup_ready;
	/* wal.c: the write-ahead log's file, and whether a reader is
	 * keeping it from being truncated. */
	char			*st_wal_path;
	int			 st_wal_blocked;
	/* Failures of the I/O kind (store_io.h): counted, and the last
	 * one while no write has succeeded since. */
	uint64_t		 st_io_errors;
	int			 st_io_failing;
	char			 st_io_error[160];
	/* unrecorded.c: polls whose outcome could not be written. */
	struct store_unrecorded	*st_unrecorded;
};

/* The cached statement for sql; NULL (logged) when it does not prepare. */
sqlite3_stmt	*store_stmt(struct store *, const char *sql);
void		 store_reset(sqlite3_stmt *);

/*
 * Binds parameters 1.. from fmt: 's' text (NULL binds null), 'i' int,
 * 'I' int64_t, 'l' long.  Logs and returns -1 on failure.
 */
int		 store_bind(struct store *, sqlite3_stmt *, const char *fmt,
		    ...);
/* Steps a statement that returns no rows, then resets it. */
int		 store_step_done(struct store *, sqlite3_stmt *,
		    const char *func);
/* One step: 1 a row, 0 done, -1 error (logged). */
int		 store_step(struct store *, sqlite3_stmt *, const char *func);
/* A copy of a text column, NULL for null. */
char		*store_column_str(sqlite3_stmt *, int col);

/* Logs "func: what: sqlite's message" — once, where it failed. */
void		 store_log_error(struct store *, const char *func,
		    const char *what);

/*
 * After a failed call on the connection: counts it when it is of the I/O
 * kind (a full disk, a failing write, a lock never granted), which marks
 * the store failing until store_io_ok(), called when a write commits.
 */
void		 store_io_note(struct store *);
void		 store_io_ok(struct store *);

/*
 * unrecorded.c: a poll whose outcome did not commit is noted (with the
 * store's reason) until one of the same source does, or the source is
 * deleted; the health read from the row is overlaid with it.
 */
void		 store_unrecorded_note(struct store *,
		    const struct fetch_outcome *);
void		 store_unrecorded_clear(struct store *, const char *source);
/* The polls of source not written since its last one that was. */
int		 store_unrecorded_polls(struct store *, const char *source);
void		 store_unrecorded_apply(struct store *, struct source_health *);
void		 store_unrecorded_free(struct store *);

/* wal.c: the write-ahead log's policy, set on a new connection. */
int		 store_wal_init(struct store *);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (the last one never fails). */
int		 store_begin(struct store *, const char *func);
int		 store_commit(struct store *, const char *func);
void		 store_rollback(struct store *);

/* Adds one to the persistent generation inside the open transaction;
 * the caller adds one to st_generation after COMMIT. */
int		 store_bump_generation(struct store *);

/* --- the fetch path (postings.c, dedup*.c) ----------------------------- */

/* "p" and 20 hex digits of SHA-256 over source NUL key, in out[22]. */
void		 store_posting_id(const char *source, const char *key,
		    char out[22]);
/*
 * Writes a posting of the fetch path: INSERT (insert) or UPDATE of every
 * column from p (its revision and dates as the caller set them).
 */
int		 store_publish_write(struct store *, const struct posting *,
		    int insert);
/*
 * Applies a successful fetch's entries inside its transaction: records,
 * clusters, postings (dedup.c).  as counts postings added and updated and
 * records unchanged.
 */
int		 dedup_apply(struct store *, const struct fetch_outcome *,
		    const char *kind, struct apply_stats *as);

#endif
