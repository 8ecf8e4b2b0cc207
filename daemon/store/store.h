/*
 * store.h — persistent state behind one header; the only place that knows
 * SQLite (store/*.c include sqlite3.h, nothing else does), so another
 * backend can stand behind the same functions.
 *
 * store_open() opens (creating if needed) the database in WAL mode and runs
 * the migrations of schemas/ forward by PRAGMA user_version; it refuses a
 * database newer than the binary.  Every function returns 0 on success and
 * -1 on error (logged once, here); lookups return 1 for "not found".
 * Strings in returned structs are owned by the struct and released by the
 * matching _free function.
 */
#ifndef TSUNAGU_STORE_H
#define TSUNAGU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../../feeds/posting.h"

struct store;

int	 store_open(const char *path, struct store **out);
void	 store_close(struct store *);	/* NULL is a no-op */
int	 store_schema_version(struct store *);

/* --- sources ------------------------------------------------------- */

struct source_def {
	const char	*sd_name;
	const char	*sd_url;
	const char	*sd_kind;
	const char	*sd_format;
	int64_t		 sd_interval;
	const char	*sd_origin;	/* "config" or "api" */
};

/* A source with its health, as the admin API and /metrics show it. */
struct source_health {
	char	*sh_name;
	char	*sh_url;
	char	*sh_kind;
	char	*sh_format;
	char	*sh_origin;
	int64_t	 sh_interval;
	int	 sh_paused;
	char	*sh_etag;		/* validators for conditional GET */
	char	*sh_last_modified;
	int64_t	 sh_last_attempt;	/* unix seconds, 0 never */
	int64_t	 sh_last_success;
	int64_t	 sh_next_poll;
	long	 sh_http_status;	/* of the last attempt, 0 none */
	char	*sh_error;		/* reason of the last failure, NULL ok */
	char	*sh_error_code;		/* short label for metrics */
	int	 sh_failures;		/* consecutive */
	int64_t	 sh_fetches;		/* attempts, total */
	int64_t	 sh_errors;		/* failed attempts, total */
	int64_t	 sh_postings;		/* postings from this source */
};

void	 source_health_free(struct source_health *);	/* the strings */

/* Inserts or updates the definition; keeps health and validators. */
int	 store_source_upsert(struct store *, const struct source_def *);
/* Deletes the source; its entries and their postings go with it. */
int	 store_source_delete(struct store *, const char *name);
int	 store_source_get(struct store *, const char *name,
	    struct source_health *out);
int	 store_source_list(struct store *, struct source_health **out,
	    size_t *n);
void	 store_source_list_free(struct source_health *, size_t n);

/* --- a fetch and what it brought, applied in one transaction -------- */

struct fetch_outcome {
	const char	*fo_source;
	int64_t		 fo_attempt;	/* unix seconds */
	long		 fo_http_status;
	const char	*fo_error;	/* NULL on success */
	const char	*fo_error_code;
	const char	*fo_etag;	/* new validators; NULL keeps the old */
	const char	*fo_last_modified;
	int		 fo_failures;	/* consecutive, counting this one */
	int64_t		 fo_next_poll;
	/* Entries parsed on success (NULL on failure or 304). */
	const struct posting_list *fo_entries;
};

struct apply_stats {
	int	as_added;
	int	as_updated;
	int	as_unchanged;
};

int	 store_record_fetch(struct store *, const struct fetch_outcome *,
	    struct apply_stats *);

/* --- published postings --------------------------------------------- */

struct posting_query {
	size_t		 pq_limit;
	/* Keyset cursor for paging: postings strictly after (modified, id)
	 * in the newest-first order; pq_after_id NULL starts at the top. */
	int64_t		 pq_after_modified;
	const char	*pq_after_id;
};

/* Newest date_modified first, then id; appends to out. */
int	 store_postings_query(struct store *, const struct posting_query *,
	    struct posting_list *out);
int	 store_posting_get(struct store *, const char *id,
	    struct posting **out);
int64_t	 store_postings_count(struct store *);
/* Grows at every committed change to postings: a cache key. */
int64_t	 store_generation(struct store *);

#endif
