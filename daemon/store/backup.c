/*
 * backup.c — a consistent copy of the live database with SQLite's online
 * backup API, made a few hundred pages at a time so that the caller can
 * serve other work between the steps.
 *
 * The copy reads through the daemon's own connection: a change the daemon
 * commits between two steps is written into the copy as well (SQLite does
 * that for the backup's source connection), so the finished file is the
 * database as of the last step, never a mix.  A change by another process
 * (the sqlite3 shell) makes SQLite start the copy over.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

struct store_backup {
	struct store	*sb_store;
	sqlite3		*sb_dest;
	sqlite3_backup	*sb_backup;
	char		*sb_path;
	int		 sb_done;
};

const char *
store_path(const struct store *st)
{
	return st->st_path;
}

static void
dest_error(struct store_backup *sb, const char *func, const char *what)
{
	log_warnx("%s: %s: %s: %s", func, sb->sb_path, what,
	    sb->sb_dest ? sqlite3_errmsg(sb->sb_dest) : "cannot open");
}

int
store_backup_begin(struct store *st, const char *path,
    struct store_backup **out)
{
	struct store_backup *sb = xcalloc(1, sizeof(*sb));
	int rc;

	*out = NULL;
	sb->sb_store = st;
	sb->sb_path = xstrdup(path);
	rc = sqlite3_open_v2(path, &sb->sb_dest, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		dest_error(sb, __func__, "open");
		goto fail;
	}
	/* A copy that fails is thrown away: it needs no journal. */
	if (sqlite3_exec(sb->sb_dest, "PRAGMA journal_mode = OFF; "
	    "PRAGMA synchronous = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		dest_error(sb, __func__, "pragmas");
		goto fail;
	}
	sb->sb_backup = sqlite3_backup_init(sb->sb_dest, "main", st->st_db,
	    "main");
	if (sb->sb_backup == NULL) {
		dest_error(sb, __func__, "backup_init");
		goto fail;
	}
	*out = sb;
	return 0;
 fail:
	store_backup_free(sb);
	return -1;
}

int
store_backup_step(struct store_backup *sb, int pages)
{
	int rc;

	if (sb->sb_done)
		return 0;
	rc = sqlite3_backup_step(sb->sb_backup, pages > 0 ? pages : 1);
	switch (rc) {
	case SQLITE_OK:
		return 1;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* Another connection writes: try again at the next step. */
		return 1;
	case SQLITE_DONE:
		break;
	default:
		log_warnx("%s: %s: %s", __func__, sb->sb_path,
		    sqlite3_errstr(rc));
		return -1;
	}
	rc = sqlite3_backup_finish(sb->sb_backup);
	sb->sb_backup = NULL;
	if (rc != SQLITE_OK) {
		dest_error(sb, __func__, "backup_finish");
		return -1;
	}
	if (sqlite3_close(sb->sb_dest) != SQLITE_OK) {
		dest_error(sb, __func__, "close");
		return -1;
	}
	sb->sb_dest = NULL;
	sb->sb_done = 1;
	return 0;
}

void
store_backup_progress(const struct store_backup *sb, int *remaining,
    int *total)
{
	*remaining = sb->sb_backup ? sqlite3_backup_remaining(sb->sb_backup) :
	    0;
	*total = sb->sb_backup ? sqlite3_backup_pagecount(sb->sb_backup) : 0;
}

void
store_backup_free(struct store_backup *sb)
{
	if (sb == NULL)
		return;
	if (sb->sb_backup != NULL)
		sqlite3_backup_finish(sb->sb_backup);
	if (sb->sb_dest != NULL)
		sqlite3_close(sb->sb_dest);
	free(sb->sb_path);
	free(sb);
}
