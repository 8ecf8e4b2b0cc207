/*
 * store.h — persistent state behind one header; the only place that knows
 * SQLite (the files of daemon/store/ include sqlite3.h, nothing else
 * does), so another backend can stand behind the same functions.
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
/*
 * Deletes the source; its entries go with it, and so do the postings no
 * other source's entry refers to.  1 when there is no such source.
 */
int	 store_source_delete(struct store *, const char *name);
/* Pauses (1) or resumes (0) polling; 1 when there is no such source. */
int	 store_source_set_paused(struct store *, const char *name,
	    int paused);
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

/*
 * Records the attempt in the source's health and, on success, applies
 * fo_entries: a new entry becomes a posting (id "p" + 20 hex digits of
 * SHA-256 over source NUL entry key, revision 1), a changed one (its
 * posting_content_digest() differs) gets revision + 1 and date_modified =
 * fo_attempt, an unchanged one is only marked seen.  Postings carry the
 * source's kind (a "federation" source keeps the entry's own kind) and one
 * ref to the source; origin is left as the entry had it.  When a key
 * repeats within fo_entries the last entry wins.  All or nothing: on -1
 * nothing was written.  stats (may be NULL) is filled on success.
 */
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

/* Newest date_modified first, then id (both descending); appends to out
 * (left as it was on -1).  pq_limit 0 means no limit. */
int	 store_postings_query(struct store *, const struct posting_query *,
	    struct posting_list *out);
int	 store_posting_get(struct store *, const char *id,
	    struct posting **out);
int64_t	 store_postings_count(struct store *);
/* Grows at every committed change to postings: a cache key. */
int64_t	 store_generation(struct store *);

#endif
