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

/* Process-wide settings of the engine: once, before the first store_open()
 * (main() calls it after log_route_libraries()). */
void	 store_global_init(void);
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
	/* 1: the document lists everything the source has (a CSV or
	 * iCalendar snapshot), so a record it leaves out is gone from it
	 * (store_set_policy(), withdraw_after).  A source whose format is
	 * csv or ical is a snapshot without it. */
	int		 fo_snapshot;
	/* 1: one page of a paged feed (RFC 5005 next links) with more to
	 * come: its entries are applied, the health and validators wait for
	 * the last page. */
	int		 fo_continued;
	/* 1 (with fo_error): a page after the first failed, so the
	 * validators of the first no longer stand for the whole feed; the
	 * next poll reads every page again. */
	int		 fo_forget_validators;
};

struct apply_stats {
	int	as_added;
	int	as_updated;
	int	as_unchanged;
};

/*
 * Records the attempt in the source's health and, on success, applies
 * fo_entries (dedup.c): each entry is a record of its source, known by its
 * guid, else its canonical link, else its content — by link or content
 * for every entry once the source's guids (or links) repeat or change
 * (store_source_identity_mode()).  A new record joins the posting of the
 * same event when one exists (dedup_match.h: same federated origin, same
 * page on the same day, or alike in title, place and time, never against
 * a hard rule), bridging two postings into one when it matches both (the
 * one seen first survives; the other is withdrawn with duplicate_of
 * naming it); else it makes a posting of its own (id "p" + 20 hex digits
 * of SHA-256 over source NUL entry key, revision 1).  A posting is the
 * merge of its live records (dedup_merge.h, by the kind priority of the
 * policy); it is written once per fetch, and only when the merge, its
 * lifecycle status or its edits give something else than what is
 * published: INSERT for a new posting, UPDATE with revision + 1 and
 * date_modified = fo_attempt for a change.  A record of a snapshot source
 * missing from withdraw_after successful fetches in a row is gone; a
 * posting with no record left is withdrawn; one whose event has ended is
 * closed.  When a key repeats within fo_entries the last entry wins.  All
 * or nothing: on -1 nothing was written.  stats (may be NULL) is filled on
 * success: postings added and updated, records unchanged.
 */
int	 store_record_fetch(struct store *, const struct fetch_outcome *,
	    struct apply_stats *);

/* --- deduplication: policy, explanation, identity (dedup*.c) -------- */

/*
 * What the configuration decides, asked while a fetch is applied (so a
 * reload counts from the next fetch).  Any callback may be NULL.
 *   sp_kind_priority: the source kinds in merge order, first wins, *n of
 *     them; NULL: city, shakyo, corporate, civic, federation.  Borrowed
 *     for the call.
 *   sp_withdraw_after: fetches a record of the source may miss before it
 *     is gone; 0: the default (3 for a snapshot source; a source that is
 *     no snapshot by format becomes one when this is set).
 *   sp_instance: this instance's name: a federated record whose origin is
 *     this instance is a posting of ours coming back, and is skipped.
 */
struct store_policy {
	const char *const *(*sp_kind_priority)(void *arg, size_t *n);
	int64_t		 (*sp_withdraw_after)(void *arg, const char *source);
	const char	*(*sp_instance)(void *arg);
	void		*sp_arg;
};

#define STORE_WITHDRAW_AFTER	3	/* a snapshot source's default */

/* The policy is copied; NULL restores the defaults. */
void	 store_set_policy(struct store *, const struct store_policy *);

/* One record of a posting, and why it is in it (the admin API). */
struct posting_record {
	char	*pr_source;
	char	*pr_kind;		/* of the source when it came */
	char	*pr_key;		/* its key within the source */
	char	*pr_identity;		/* guid | link | content */
	char	*pr_url;		/* its link at the source */
	char	*pr_title;
	char	*pr_rule;		/* first|origin|url|similar|legacy */
	double	 pr_score;		/* similar: the score, else -1 */
	double	 pr_title_sim;		/* similar: title similarity, -1 */
	double	 pr_place_sim;		/* similar: place similarity, -1 */
	char	*pr_match_source;	/* the record it matched, or NULL */
	char	*pr_match_key;
	int64_t	 pr_first_seen;
	int64_t	 pr_last_seen;
	int64_t	 pr_missing;		/* fetches in a row without it */
	int	 pr_gone;		/* withdrawn at its source */
};

/* A posting that a record merged into this one. */
struct posting_merge {
	char	*pm_merged;		/* the withdrawn posting's id */
	int64_t	 pm_at;
	char	*pm_source;		/* the record that bridged them */
	char	*pm_key;
	char	*pm_rule;
	double	 pm_score;		/* -1 for the exact rules */
};

/* The records of a posting, the one that made it first; 0 and none for a
 * posting no source sent. */
int	 store_posting_records(struct store *, const char *id,
	    struct posting_record **out, size_t *n);
void	 store_posting_records_free(struct posting_record *, size_t n);
int	 store_posting_merges(struct store *, const char *id,
	    struct posting_merge **out, size_t *n);
void	 store_posting_merges_free(struct posting_merge *, size_t n);

/* How a source's records are known (the source's health). */
struct source_identity {
	char	*si_mode;		/* guid | link | content */
	char	*si_reason;		/* why not by guid, or NULL */
	int64_t	 si_since;		/* when it fell back, 0 never */
	int64_t	 si_rekeyed;		/* records carried to a new key */
};

/* A source that never fetched is known by guid. */
int	 store_source_identity_mode(struct store *, const char *name,
	    struct source_identity *out);
void	 source_identity_free(struct source_identity *);

/*
 * Closes the open published postings whose event ended before now (a
 * timed event at its end, else at the end of its last day in Japan; a
 * recurring one after its last occurrence): status "closed", revision
 * + 1, date_modified now.  *n (may be NULL) counts them.
 */
int	 store_close_ended(struct store *, int64_t now, int64_t *n);

/* --- published postings --------------------------------------------- */

struct posting_filter;

struct posting_query {
	size_t		 pq_limit;
	/* Keyset cursor for paging: postings strictly after (modified, seq)
	 * in the newest-first order; pq_after_seq 0 starts at the top. */
	int64_t		 pq_after_modified;
	int64_t		 pq_after_seq;
	/* The feed filters (search.c); NULL: every posting. */
	const struct posting_filter *pq_filter;
	/* > 0: withdrawn postings whose date_modified is more than
	 * POSTING_TOMBSTONE_SECONDS before pq_now are left out. */
	int64_t		 pq_now;
	/* Only postings strictly before (modified, seq) in the newest-first
	 * order, i.e. newer; pq_above_seq 0: no such bound. */
	int64_t		 pq_above_modified;
	int64_t		 pq_above_seq;
	/* > 0: only postings changed after this change sequence. */
	int64_t		 pq_changed_after;
};

/* Newest date_modified first, then the later change (seq; both
 * descending), with pst_seq filled in; appends to out
 * (left as it was on -1).  pq_limit 0 means no limit.  Postings that the
 * admin API holds back (moderation other than "published") are never
 * returned. */
int	 store_postings_query(struct store *, const struct posting_query *,
	    struct posting_list *out);
int	 store_posting_get(struct store *, const char *id,
	    struct posting **out);
int64_t	 store_postings_count(struct store *);
/* Grows at every committed change to postings: a cache key. */
int64_t	 store_generation(struct store *);

/* --- feed filters and change tracking (search.c) -------------------- */

/* A withdrawn posting stays in feeds this long after its last change. */
#define POSTING_TOMBSTONE_SECONDS	(30 * 86400)

/* The values of one filter key, ORed; none: the key does not filter. */
struct filter_values {
	char	**fv_values;
	size_t	  fv_n;
};

/*
 * The feed filters (DESIGN.md, "HTTP routes"), ANDed across keys, with
 * values as the store compares them (feed_filter.c parses and normalizes
 * what users write).  pf_area holds 2-digit prefecture codes (every
 * municipality of the prefecture) and 6-digit codes.  pf_q is a phrase in
 * lowercase (ASCII) matched as a substring of the title, summary, place,
 * address, organizer and content: through FTS5 trigram from 3 characters
 * on, by a scan below that.  from/to are unix seconds, inclusive; a
 * posting matches when [span_start, span_end] (002_search.sql) overlaps
 * them, and a posting without a date never does.
 */
struct posting_filter {
	struct filter_values	 pf_kind;
	struct filter_values	 pf_status;
	struct filter_values	 pf_source;
	struct filter_values	 pf_category;
	struct filter_values	 pf_area;
	char			*pf_q;
	int			 pf_has_from;
	int			 pf_has_to;
	int64_t			 pf_from;
	int64_t			 pf_to;
	/* Set while a filter saved earlier is read back
	 * (feed_filter_parse_stored()). */
	int			 pf_stored;
};

/*
 * Every posting change is logged with a sequence number (002_search.sql):
 * the newest number, or -1 on error.
 */
int64_t	 store_change_seq(struct store *);
/*
 * The ids of the postings changed after seq (sorted, each once; free with
 * store_ids_free()).  1 when the log no longer reaches back to seq or more
 * than max postings changed: the caller must assume anything changed.
 */
int	 store_changes_since(struct store *, int64_t seq, size_t max,
	    char ***ids, size_t *n);
void	 store_ids_free(char **, size_t);
/* Deletes the tombstones feeds no longer show; *n (may be NULL) counts. */
int	 store_tombstones_purge(struct store *, int64_t now, int64_t *n);

/* --- API tokens (tokens.c) ------------------------------------------ */

/*
 * The store never sees a token, only its digest (auth.c makes both).  A
 * token_info's strings are owned by it; token_info_free() releases them.
 */
struct token_info {
	char	*tk_id;
	char	*tk_role;		/* admin|coordinator|group|subscriber */
	char	*tk_organization;	/* coordinator and group, else NULL */
	char	*tk_subscriber;		/* subscriber, else NULL */
	char	*tk_label;
	int64_t	 tk_created;		/* unix seconds */
	int64_t	 tk_revoked;		/* 0: valid */
};

void	 token_info_free(struct token_info *);
/* 1 when the id or the digest is taken, or the subscriber does not exist. */
int	 store_token_insert(struct store *, const struct token_info *,
	    const char *digest_hex);
/*
 * The token with this id, revoked or not, and its digest (for the caller
 * to compare in constant time); 1 when none.
 */
int	 store_token_find(struct store *, const char *id,
	    struct token_info *out, char digest_hex[65]);
int	 store_token_get(struct store *, const char *id, struct token_info *);
int	 store_token_list(struct store *, struct token_info **out, size_t *n);
void	 store_token_list_free(struct token_info *, size_t n);
/* Revokes at once; 1 when there is no such token (or it was revoked). */
int	 store_token_revoke(struct store *, const char *id, int64_t when);

/* --- subscribers (subscribers.c) ------------------------------------ */

struct subscriber_def {
	const char	*sbd_name;
	const char	*sbd_origin;	/* "config" or "api" */
	const char	*sbd_webhook;	/* NULL: none */
	const char	*sbd_filter;	/* NULL: "" */
	const char	*sbd_secret;	/* whsec_...; see the functions */
};

/* A subscriber as the API shows it: never its secret. */
struct subscriber_info {
	char	*sb_name;
	char	*sb_origin;
	char	*sb_webhook;
	char	*sb_filter;
	int	 sb_disabled;
	int	 sb_private;		/* its feed needs its feed token */
	int64_t	 sb_created;
	int64_t	 sb_updated;
	int64_t	 sb_secret_rotated;
};

/* What an update changes: only the fields whose flag is set. */
struct subscriber_patch {
	int		 sbp_set_webhook;
	const char	*sbp_webhook;	/* NULL removes it */
	int		 sbp_set_filter;
	const char	*sbp_filter;
};

void	 subscriber_info_free(struct subscriber_info *);
/*
 * A subscriber of the configuration file: inserted, or updated and marked
 * "config".  sbd_secret NULL keeps the stored secret, or stores
 * new_secret for a new subscriber.
 */
int	 store_subscriber_sync(struct store *, const struct subscriber_def *,
	    const char *new_secret, int64_t now);
/* An API subscriber (sbd_secret required); 1 when the name is taken. */
int	 store_subscriber_create(struct store *, const struct subscriber_def *,
	    int64_t now);
/* 1 when there is no such subscriber. */
int	 store_subscriber_update(struct store *, const char *name,
	    const struct subscriber_patch *, int64_t now);
/* Its tokens go with it.  1 when there is no such subscriber. */
int	 store_subscriber_delete(struct store *, const char *name);
int	 store_subscriber_set_disabled(struct store *, const char *name,
	    int disabled, int64_t now);
int	 store_subscriber_set_secret(struct store *, const char *name,
	    const char *secret, int64_t now);
/* Sets (digest) or removes (NULL) the private-feed token's digest. */
int	 store_subscriber_set_feed_token(struct store *, const char *name,
	    const char *digest_hex, int64_t now);
/* The webhook secret, for signing (*out: free() it); 1 when none. */
int	 store_subscriber_secret(struct store *, const char *name,
	    char **out);
/* The feed token's digest (*out: free() it, NULL for a public feed). */
int	 store_subscriber_feed_token(struct store *, const char *name,
	    char **out);
int	 store_subscriber_get(struct store *, const char *name,
	    struct subscriber_info *out);
int	 store_subscriber_list(struct store *, struct subscriber_info **out,
	    size_t *n);
void	 store_subscriber_list_free(struct subscriber_info *, size_t n);

/* --- moderation state and submissions (submissions.c) --------------- */

#define MODERATION_PUBLISHED	"published"
#define MODERATION_PENDING	"pending"
#define MODERATION_REJECTED	"rejected"

/* What the admin API shows beside a posting's document. */
struct posting_admin {
	char	*pa_moderation;		/* published|pending|rejected */
	char	*pa_organization;	/* the submitting group, or NULL */
	char	*pa_token_id;		/* the token that submitted it */
	int64_t	 pa_submitted;		/* 0: not a submission */
	int64_t	 pa_decided;
	char	*pa_decided_by;
};

void	 posting_admin_free(struct posting_admin *);
int	 store_posting_admin(struct store *, const char *id,
	    struct posting_admin *out);
/*
 * Stores a submitted posting (pst_id set, revision 1, dates set) as
 * pending, with its submission record.  1 when the id is taken.
 */
int	 store_submission_insert(struct store *, const struct posting *,
	    const char *organization, const char *token_id, int64_t now);
/*
 * Publishes a pending posting: moderation "published", date_modified and
 * the revision moved on so that readers see it as new.  1 when there is
 * no such posting, 2 when it is not pending.
 */
int	 store_submission_approve(struct store *, const char *id,
	    const char *by, int64_t now);

struct admin_posting_query {
	const char	*apq_moderation;	/* NULL: any */
	const char	*apq_organization;	/* NULL: any, else its own */
	size_t		 apq_limit;		/* 0: no limit */
	int64_t		 apq_after_modified;	/* keyset cursor, as feeds */
	int64_t		 apq_after_seq;		/* 0: from the top */
};

/* One posting of a list, with its moderation state. */
struct admin_posting {
	struct posting	*ap_posting;
	char		*ap_moderation;
	char		*ap_organization;	/* submissions only */
};

/* Newest date_modified first; *out holds *n items. */
int	 store_admin_postings(struct store *,
	    const struct admin_posting_query *, struct admin_posting **out,
	    size_t *n);
void	 store_admin_postings_free(struct admin_posting *, size_t n);

/* --- edits of postings and their provenance (overrides.c) ----------- */

/* An edited field: what it was set to and what the source said then. */
struct posting_override {
	char	*po_field;
	char	*po_value;		/* JSON text */
	char	*po_source_value;	/* JSON text; "null": absent */
	char	*po_editor;
	int64_t	 po_edited;
};

/* A source's record that feeds a posting: the merge explanation. */
struct posting_entry {
	char	*pe_source;
	char	*pe_key;		/* guid, link or "h:" + hash */
	const char *pe_identity;	/* "guid", "link" or "hash" (static) */
	int64_t	 pe_first_seen;
	int64_t	 pe_last_seen;
};

/* The fields an edit may set (a NULL-terminated list). */
extern const char *const store_editable_fields[];

/*
 * Applies an edit: patch maps fields of the storage form (the _tsunagu
 * names, and url, summary, content_html) to their new JSON values (null
 * clears).  A posting that a source carries keeps each edited field as an
 * override that wins until the source changes that field.  The revision
 * grows and date_modified becomes now.  *out (may be NULL) receives the
 * posting as stored.  1 when there is no such posting.  patch is a
 * jansson object (json_t).
 */
struct json_t;
int	 store_posting_edit(struct store *, const char *id,
	    const struct json_t *patch,
	    const char *editor, int64_t now, struct posting **out);
/*
 * For the write path of a fetch: p is what the source now says of the
 * posting id; the edits whose field the source left as it was are applied
 * to it (in place), and the edits of fields the source changed are
 * dropped (the source wins).  Call inside the fetch's transaction.
 */
int	 store_overrides_apply(struct store *, const char *id,
	    struct posting *p);
int	 store_overrides_list(struct store *, const char *id,
	    struct posting_override **out, size_t *n);
void	 store_overrides_list_free(struct posting_override *, size_t n);
int	 store_posting_entries(struct store *, const char *id,
	    struct posting_entry **out, size_t *n);
void	 store_posting_entries_free(struct posting_entry *, size_t n);
/* A source's entries by how they are identified (identity fallback). */
int	 store_source_identity(struct store *, const char *name,
	    int64_t *by_guid, int64_t *by_link, int64_t *by_hash);

/* --- the moderation queue and the audit trail (moderation.c, audit.c) - */

/* Who acts, as the audit trail records it (borrowed strings). */
struct store_actor {
	const char	*sa_token_id;		/* "admin-file" for that token */
	const char	*sa_label;		/* the token's label, or NULL */
	const char	*sa_organization;	/* coordinator, group; or NULL */
	const char	*sa_role;		/* admin|coordinator|group */
};

/* The decision on a posting that waited (moderation_decision_free()). */
struct moderation_decision {
	char	*md_decision;		/* published|rejected */
	char	*md_reason;		/* NULL: none given */
	int64_t	 md_decided;		/* unix seconds */
	char	*md_token_id;
	char	*md_organization;
	char	*md_role;
};

void	 moderation_decision_free(struct moderation_decision *);
/* 1 when the posting has no decision (it never waited, or waits). */
int	 store_moderation_decision(struct store *, const char *id,
	    struct moderation_decision *out);
/* moderation = on (1) or off (0) for a source; 1 when there is none. */
int	 store_source_set_moderation(struct store *, const char *name,
	    int on);
/*
 * The state a new posting of source starts in: MODERATION_PENDING when
 * the source has moderation on, else MODERATION_PUBLISHED (static
 * strings); NULL when the store failed.  For the fetch's write path,
 * inside its transaction.
 */
const char *store_moderation_initial(struct store *, const char *source);
/*
 * The first decision on a pending posting wins.  decision is
 * MODERATION_PUBLISHED (approve: revision + 1, date_modified = now, in
 * the statement that publishes it) or MODERATION_REJECTED (reason
 * required).  The decision and its audit row go in the same transaction.
 * 0 decided; 1 no such posting; 2 not pending: *current (may be NULL)
 * then holds the decision that was made, or is zeroed when there is none.
 */
int	 store_moderation_decide(struct store *, const char *id,
	    const char *decision, const char *reason,
	    const struct store_actor *, int64_t now,
	    struct moderation_decision *current);
/*
 * A rejected posting waits again (its group changed it): its decision is
 * cleared and a "resubmit" audit row written.  1 no such posting, 2 not
 * rejected.
 */
int	 store_moderation_resubmit(struct store *, const char *id,
	    const struct store_actor *, int64_t now);

struct moderation_item {
	struct posting	*mi_posting;
	char		*mi_organization;	/* the submitting group, or NULL */
	int64_t		 mi_waiting_since;	/* submitted, or date_modified */
};

/* Pending postings, the longest waiting first; *total counts them all. */
int	 store_moderation_queue(struct store *, size_t limit,
	    struct moderation_item **out, size_t *n, int64_t *total);
void	 store_moderation_queue_free(struct moderation_item *, size_t n);

struct audit_entry {
	int64_t	 ae_id;			/* grows with every row */
	int64_t	 ae_at;			/* unix seconds */
	char	*ae_token_id;
	char	*ae_token_label;
	char	*ae_organization;
	char	*ae_role;
	char	*ae_action;	/* submit|edit|withdraw|approve|reject|resubmit */
	char	*ae_posting_id;
	char	*ae_changes;	/* JSON: {"field": {"from": x, "to": y}} */
	char	*ae_reason;
};

struct audit_query {
	int64_t		 aq_since;	/* > 0: at or after, unix seconds */
	const char	*aq_posting;	/* NULL: any */
	const char	*aq_actor;	/* a token id or an organization */
	int64_t		 aq_before_id;	/* > 0: rows older than this id */
	size_t		 aq_limit;	/* 0: no limit */
};

/* changes: JSON text (NULL: "{}"); reason may be NULL. */
int	 store_audit_append(struct store *, const struct store_actor *,
	    const char *action, const char *posting_id, const char *changes,
	    const char *reason, int64_t now);
/* Newest first. */
int	 store_audit_list(struct store *, const struct audit_query *,
	    struct audit_entry **out, size_t *n);
void	 store_audit_list_free(struct audit_entry *, size_t n);

/* --- the webhook outbox and its deliveries (outbox.c) --------------- */

/*
 * Events are written by triggers on postings (schemas/005_outbox.sql) in
 * the transaction of the change.  The dispatcher reads the ones not yet
 * fanned out, renders each body once and writes, in one transaction, the
 * deliveries of the events it read and their payloads.  Times in ms.
 */
struct outbox_event {
	int64_t	 oe_seq;
	char	*oe_type;		/* posting.created|updated|withdrawn */
	char	*oe_posting_id;
	int64_t	 oe_revision;
	char	*oe_doc;		/* storage JSON as committed */
	char	*oe_old_doc;		/* before an update, or NULL */
	int64_t	 oe_created_ms;		/* wall clock of the commit */
};

void	 outbox_event_free(struct outbox_event *);
void	 store_outbox_events_free(struct outbox_event *, size_t n);
/* Events not fanned out yet, oldest first, at most max. */
int	 store_outbox_pending(struct store *, size_t max,
	    struct outbox_event **out, size_t *n);
/*
 * Dispatched events created at or after since_ms with seq > after_seq,
 * oldest first, at most max (recovery walks them in pages).
 */
int	 store_outbox_since(struct store *, int64_t since_ms,
	    int64_t after_seq, size_t max, struct outbox_event **out,
	    size_t *n);

/* The subscribers of one event, with the body they all get. */
struct outbox_fanout {
	int64_t			 of_seq;
	const char		*of_payload;
	const char *const	*of_subscribers;
	size_t			 of_nsubscribers;
	/* Out, when not NULL (of_nsubscribers of them): the id of each
	 * delivery made, 0 for one that existed already, and its
	 * webhook-id (WEBHOOK_ID_SIZE bytes each). */
	int64_t			*of_ids;
	char			*of_webhook_ids;
};

/*
 * In one transaction: a pending delivery (due at now_ms) per subscriber
 * of each fan-out, the payloads, and the events marked dispatched.  A
 * delivery that exists already is kept as it is (at-least-once: the
 * dispatcher may run twice over an event after a crash).
 */
int	 store_outbox_dispatch(struct store *, const struct outbox_fanout *,
	    size_t n, int64_t now_ms);
/*
 * A ping to one subscriber: an event of type "ping" with its payload and
 * one delivery due now.  *delivery_id (may be NULL) gets its id.  1 when
 * there is no such subscriber.
 */
int	 store_outbox_ping(struct store *, const char *subscriber,
	    const char *payload, int64_t now_ms, int64_t *delivery_id);
/* The body of an event's deliveries (free() it); 1 when none. */
int	 store_outbox_payload(struct store *, int64_t seq, char **out);
/* "msg_" + 32 hex digits, stable for (database, event, subscriber). */
#define WEBHOOK_ID_SIZE	37
int	 store_webhook_id(struct store *, int64_t seq, const char *subscriber,
	    char out[WEBHOOK_ID_SIZE]);
/*
 * Deletes events older than before_ms whose deliveries are all done
 * (delivered or failed), with their deliveries and attempts.
 */
int	 store_outbox_purge(struct store *, int64_t before_ms, int64_t *n);

/* A subscriber as the delivery sees it: where, what, with which keys. */
struct webhook_target {
	char	*wt_name;
	char	*wt_webhook;		/* NULL: it pulls its feed only */
	char	*wt_filter;
	int	 wt_disabled;
	char	*wt_disabled_reason;	/* set when the delivery disabled it */
	int64_t	 wt_disabled_at;	/* ms */
	char	*wt_secret;
	char	*wt_previous_secret;	/* before the last rotation, or NULL */
	int64_t	 wt_secret_rotated;	/* unix seconds */
	int64_t	 wt_failing_since;	/* ms, 0: not failing */
};

void	 webhook_target_free(struct webhook_target *);
void	 store_webhook_targets_free(struct webhook_target *, size_t n);
/* Every subscriber (secrets included: for signing only). */
int	 store_webhook_targets(struct store *, struct webhook_target **out,
	    size_t *n);
/* 1 when there is no such subscriber. */
int	 store_webhook_target(struct store *, const char *name,
	    struct webhook_target *out);

#define DELIVERY_PENDING	"pending"
#define DELIVERY_DELIVERED	"delivered"
#define DELIVERY_FAILED		"failed"

/* A delivery with what it carries (type, posting, revision). */
struct delivery {
	int64_t	 dl_id;
	char	*dl_webhook_id;
	int64_t	 dl_event_seq;
	char	*dl_subscriber;
	char	*dl_status;		/* pending|delivered|failed */
	int	 dl_tries;		/* of the current round */
	int	 dl_attempts;		/* in all */
	int	 dl_generation;		/* times queued again */
	int64_t	 dl_created;		/* ms */
	int64_t	 dl_next_attempt;
	int64_t	 dl_last_attempt;
	long	 dl_last_status;	/* HTTP, 0: none */
	char	*dl_last_error;
	int64_t	 dl_delivered;
	char	*dl_type;
	char	*dl_posting_id;		/* NULL for a ping */
	int64_t	 dl_revision;
};

void	 delivery_free(struct delivery *);
void	 store_deliveries_free(struct delivery *, size_t n);
/* Pending deliveries of a subscriber due at now_ms, oldest first. */
int	 store_deliveries_due(struct store *, const char *subscriber,
	    int64_t now_ms, size_t max, struct delivery **out, size_t *n);

/*
 * Pending deliveries due at now_ms of every enabled subscriber, at most
 * per_subscriber of each and max in all, by subscriber, then oldest
 * first.
 */
int	 store_deliveries_due_all(struct store *, int64_t now_ms,
	    int per_subscriber, size_t max, struct delivery **out, size_t *n);
/* When the first pending delivery of an enabled subscriber due after
 * after_ms is due; 1 when none. */
int	 store_deliveries_next_all(struct store *, int64_t after_ms,
	    int64_t *next_ms);

/* The outcome of one attempt and what becomes of the delivery. */
struct delivery_result {
	int64_t		 dr_id;
	int64_t		 dr_started;		/* ms */
	int64_t		 dr_latency_ms;
	long		 dr_http_status;	/* 0: none */
	const char	*dr_error;		/* NULL on success */
	const char	*dr_status;		/* DELIVERY_* */
	int		 dr_tries;		/* of the round, with this one */
	int		 dr_attempt;		/* in all, this one's number */
	int64_t		 dr_next_attempt;	/* when still pending */
	int		 dr_generation;		/* the delivery's, when sent */
	int		 dr_superseded;		/* set by the record */
};

/*
 * Records attempts (one row each in delivery_attempts, numbered
 * dr_attempt: the delivery's attempts as read when it was started, plus
 * one) and the new state of their deliveries, all in one transaction.  A
 * delivery that is gone (its subscriber deleted) is skipped.  A delivery
 * queued again since the request was sent (its generation is no longer
 * dr_generation) keeps its new state: the attempt is recorded, the
 * state is not, and dr_superseded is set (the delivery waits to be sent).
 */
int	 store_deliveries_record(struct store *, struct delivery_result *,
	    size_t n);
/* Sets (ms) or clears (0) when the subscriber's endpoint began failing. */
int	 store_webhook_failing(struct store *, const char *name,
	    int64_t since_ms);
/*
 * The delivery gives up on an endpoint: the subscriber is disabled with
 * the reason, and its pending deliveries fail with it (recovery sends
 * them again once the endpoint is back).  *failed (may be NULL) counts
 * them.  1 when there is no such subscriber.
 */
int	 store_webhook_disable(struct store *, const char *name,
	    const char *reason, int64_t now_ms, int64_t *failed);

struct delivery_query {
	const char	*dq_subscriber;		/* NULL: any */
	const char	*dq_status;		/* NULL: any */
	int64_t		 dq_since_ms;		/* created at or after */
	int64_t		 dq_before_id;		/* > 0: ids below (paging) */
	size_t		 dq_limit;
};

/* Newest first. */
int	 store_deliveries_list(struct store *, const struct delivery_query *,
	    struct delivery **out, size_t *n);
/* 1 when there is no such delivery. */
int	 store_delivery_get(struct store *, int64_t id, struct delivery *out);

struct delivery_attempt {
	int	 da_attempt;		/* 1, 2, ... */
	int64_t	 da_started;		/* ms */
	int64_t	 da_latency_ms;
	long	 da_http_status;
	char	*da_error;
};

int	 store_delivery_attempts(struct store *, int64_t id,
	    struct delivery_attempt **out, size_t *n);
void	 store_delivery_attempts_free(struct delivery_attempt *, size_t n);
/*
 * Sends a delivery again, same webhook-id: pending, a new round of tries,
 * due at now_ms, a new generation (the outcome of a request still in
 * flight no longer changes it).  1 when there is no such delivery.
 */
int	 store_delivery_redeliver(struct store *, int64_t id, int64_t now_ms);
/*
 * Recovery of one subscriber: for each event seq, a delivery due at
 * now_ms — made when missing, sent again (a new generation) when it
 * failed; delivered and pending ones are left.  *queued (may be NULL)
 * counts what changed.
 */
int	 store_deliveries_recover(struct store *, const char *subscriber,
	    const int64_t *seqs, size_t n, int64_t now_ms, int64_t *queued);
/* Pending deliveries (the queue depth) and events not fanned out. */
int	 store_outbox_counts(struct store *, int64_t *pending_deliveries,
	    int64_t *undispatched_events);
/*
 * Calls cb(arg, what) when a statement of this connection adds an event
 * to the outbox (STORE_HOOK_OUTBOX), changes a posting
 * (STORE_HOOK_POSTINGS) or adds, changes or deletes a subscriber
 * (STORE_HOOK_SUBSCRIBERS), from inside SQLite and before the commit
 * (which may not come): cb may only take note (and schedule work), never
 * touch the store.  A NULL cb removes the hook; remove it before
 * store_close().
 */
#define STORE_HOOK_OUTBOX	0x1
#define STORE_HOOK_POSTINGS	0x2
#define STORE_HOOK_SUBSCRIBERS	0x4
int	 store_set_change_hook(struct store *, void (*cb)(void *, int what),
	    void *arg);

/* --- personal data (purge.c) ---------------------------------------- */

/*
 * Removes the contact (name, phone, e-mail) of at most max postings whose
 * event ended before `before` (unix seconds): its end, else its start,
 * else its date_modified (the span_end of 002_search.sql, which runs to
 * the last occurrence of a recurring event).  Every copy the store keeps
 * goes too: the sources' records that feed the posting (entries.doc),
 * edits of the contact, the audit trail's values (replaced by "purged")
 * and the doc, old_doc and payload of the posting's webhook events.
 * Revision and date_modified stay: it is no news for subscribers, and no
 * webhook event is made.  Deleted bytes are overwritten (secure_delete)
 * and the write-ahead log truncated.  *n (may be NULL) counts the postings; 1 when
 * max were purged and more may be due, 0 when none is left.
 */
int	 store_contacts_purge(struct store *, int64_t before, size_t max,
	    size_t *n);

/* --- online backup (backup.c) --------------------------------------- */

struct store_backup;

/* The database file this store opened. */
const char *store_path(const struct store *);
/*
 * Starts a consistent copy of the live database into the file at path (an
 * empty or new file; its mode is the caller's to set).  Changes this store
 * commits between steps are carried into the copy.
 */
int	 store_backup_begin(struct store *, const char *path,
	    struct store_backup **out);
/*
 * Copies up to pages more pages: 1 while there is more to do, 0 when the
 * copy is complete and its file closed, -1 on error (logged).
 */
int	 store_backup_step(struct store_backup *, int pages);
/* Pages left and in all, as of the last step (0 and 0 when done). */
void	 store_backup_progress(const struct store_backup *, int *remaining,
	    int *total);
/* Stops a copy in progress; the file stays (the caller removes it). */
void	 store_backup_free(struct store_backup *);

/* --- the WebSub hub's subscriptions (hub.c) ------------------------- */

/* One (callback, topic) pair.  Times are unix seconds. */
struct hub_subscription {
	char	*hs_callback;
	char	*hs_topic;
	char	*hs_callback_host;
	char	*hs_secret;		/* hub.secret, or NULL */
	char	*hs_algorithm;		/* sha1|sha256|sha384|sha512 */
	int64_t	 hs_lease_seconds;
	int64_t	 hs_created;
	int64_t	 hs_expires;
	int	 hs_pending;		/* a change to distribute */
	int	 hs_attempts;		/* failed attempts at it */
	int64_t	 hs_next_attempt;
	char	*hs_delivered_etag;	/* what it last received */
	char	*hs_last_error;
};

void	 hub_subscription_free(struct hub_subscription *);
void	 store_hub_subscriptions_free(struct hub_subscription *, size_t n);
/*
 * A verified subscription: inserted, or replacing the one of the same
 * (callback, topic) — its secret, algorithm and lease — as a
 * re-subscription does (nothing pending is lost).
 */
int	 store_hub_subscribe(struct store *, const struct hub_subscription *);
/* 1 when there was no such subscription. */
int	 store_hub_unsubscribe(struct store *, const char *callback,
	    const char *topic);
/* 1 when (callback, topic) is subscribed (lease running at now), 0 not. */
int	 store_hub_exists(struct store *, const char *callback,
	    const char *topic, int64_t now);
/* Live subscriptions in all and those of one callback host. */
int	 store_hub_counts(struct store *, const char *host, int64_t now,
	    int64_t *total, int64_t *per_host);
/* Topics with live subscriptions (store_ids_free()). */
int	 store_hub_topics(struct store *, int64_t now, char ***topics,
	    size_t *n);
/* The ETag a topic was last distributed with (free() it); 1 when none. */
int	 store_hub_topic_etag(struct store *, const char *topic, char **etag);
/*
 * A topic has a new representation: its ETag is kept, and each of its
 * live subscriptions is due at now (a retry in progress starts over).
 * baseline 1 keeps the ETag only (what new subscribers start from).
 */
int	 store_hub_topic_changed(struct store *, const char *topic,
	    const char *etag, int64_t now, int baseline);
/* Live subscriptions with a change due at now, oldest first. */
int	 store_hub_due(struct store *, int64_t now, size_t max,
	    struct hub_subscription **out, size_t *n);
/*
 * The outcome of one distribution: delivered (etag kept), or failed
 * (attempts, when to try again; give_up: nothing pending any more).
 */
int	 store_hub_delivered(struct store *, const char *callback,
	    const char *topic, const char *etag);
int	 store_hub_failed(struct store *, const char *callback,
	    const char *topic, int attempts, int64_t next_attempt,
	    const char *error, int give_up);
/* Deletes subscriptions whose lease ended at or before now. */
int	 store_hub_expire(struct store *, int64_t now, int64_t *n);
/*
 * When something is next due: the first pending retry and the first
 * lease to end (0 when none).
 */
int	 store_hub_next(struct store *, int64_t *next_attempt,
	    int64_t *next_expiry);
/* Every subscription, live or not, by topic and callback. */
int	 store_hub_list(struct store *, struct hub_subscription **out,
	    size_t *n);

/* --- this instance's subscriptions to its sources' hubs (websub.c) -- */

#define WEBSUB_SUBSCRIBING	"subscribing"
#define WEBSUB_ACTIVE		"active"
#define WEBSUB_UNSUBSCRIBED	"unsubscribed"
#define WEBSUB_FAILED		"failed"

/* One source's subscription.  Times are unix seconds. */
struct websub_sub {
	char	*ws_source;
	char	*ws_hub;
	char	*ws_topic;
	char	*ws_secret;
	char	*ws_state;		/* WEBSUB_* */
	int64_t	 ws_lease_expires;
	int64_t	 ws_requested;		/* last (un)subscription request */
	int64_t	 ws_last_push;
	int64_t	 ws_pushes;
	char	*ws_error;		/* why it failed, or NULL */
};

void	 websub_sub_free(struct websub_sub *);
void	 store_websub_list_free(struct websub_sub *, size_t n);
/* 1 when the source has none. */
int	 store_websub_get(struct store *, const char *source,
	    struct websub_sub *out);
/* Inserts or replaces the source's row (1: no such source). */
int	 store_websub_put(struct store *, const struct websub_sub *);
int	 store_websub_list(struct store *, struct websub_sub **out,
	    size_t *n);
/* A push arrived at now. */
int	 store_websub_pushed(struct store *, const char *source, int64_t now);

#endif
