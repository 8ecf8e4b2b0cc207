/*
 * api.h — shared pieces of the /api/v1 resources (JSON through jansson).
 *
 * Every resource file exports its route entries; api_root.c lists them in
 * api_routes, the table the server dispatches through and GET /api/v1
 * shows.  Helpers that take the request answer it themselves when they
 * fail (and return -1): the handler then just returns.
 */
#ifndef TSUNAGU_API_H
#define TSUNAGU_API_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http.h"

struct admin_posting;
struct posting;
struct posting_admin;
struct source_health;

/* Bytes of a request's JSON: a posting's 32 KiB of content written with
 * \u escapes, and more. */
#define API_MAX_BODY	(256 * 1024)
#define API_NAME_MAX	64		/* source and subscriber names */

/* NULL-terminated; every route of the admin API. */
extern const struct route *const api_routes[];

extern const struct route route_api_root;
extern const struct route route_api_backup;
extern const struct route route_api_sources;
extern const struct route route_api_source_create;
extern const struct route route_api_source;
extern const struct route route_api_source_update;
extern const struct route route_api_source_delete;
extern const struct route route_api_source_health;
extern const struct route route_api_source_pause;
extern const struct route route_api_source_resume;
extern const struct route route_api_source_fetch;
extern const struct route route_api_tokens;
extern const struct route route_api_token_create;
extern const struct route route_api_token_revoke;
extern const struct route route_api_subscribers;
extern const struct route route_api_subscriber_create;
extern const struct route route_api_subscriber;
extern const struct route route_api_subscriber_update;
extern const struct route route_api_subscriber_delete;
extern const struct route route_api_subscriber_rotate;
extern const struct route route_api_subscriber_disable;
extern const struct route route_api_subscriber_enable;
extern const struct route route_api_subscriber_feed_token;
extern const struct route route_api_subscriber_feed_public;
extern const struct route route_api_subscriber_ping;
extern const struct route route_api_subscriber_deliveries;
extern const struct route route_api_subscriber_redeliver;
extern const struct route route_api_subscriber_recover;
extern const struct route route_api_deliveries;
extern const struct route route_api_delivery;
extern const struct route route_api_delivery_redeliver;
extern const struct route route_api_hub_subscriptions;
extern const struct route route_api_postings;
extern const struct route route_api_posting_submit;
extern const struct route route_api_posting;
extern const struct route route_api_posting_edit;
extern const struct route route_api_posting_withdraw;
extern const struct route route_api_posting_approve;
extern const struct route route_api_posting_reject;
extern const struct route route_api_moderation;
extern const struct route route_api_audit;

/* RFC 3339 in Japan time, or JSON null for 0 ("never"). */
json_t	*api_time(int64_t);
/* A string, or JSON null. */
json_t	*api_string(const char *);
/* The admin view of a source with its health. */
json_t	*api_source_json(const struct source_health *);
/*
 * A posting as the API shows it: the _tsunagu fields with url, summary,
 * content_html, date_published and date_modified (RFC 3339), then its
 * moderation state and, for a submission, the submitting organization.
 * A local posting names this instance as its origin, as in the feeds.
 */
json_t	*api_posting_json(struct http_request *, const struct posting *,
	    const char *moderation, const char *organization);

/* The current time of the daemon's clock, unix seconds. */
int64_t	 api_now(struct http_request *);

/*
 * The request's body as a JSON object (*out: a new reference); -1 when
 * it is missing, larger than API_MAX_BODY, not JSON or not an object.
 */
int	 api_read_object(struct http_request *, json_t **out);
/*
 * Refuses keys of obj that are not in allowed (NULL-terminated): 400
 * naming the first one.
 */
int	 api_only_keys(struct http_request *, const json_t *obj,
	    const char *const *allowed);
/*
 * A string member: NULL when absent (or null and !required); -1 when it
 * is required and missing, not a string, empty or longer than max bytes.
 */
int	 api_get_string(struct http_request *, const json_t *obj,
	    const char *key, int required, size_t max, const char **out);
/* 1..API_NAME_MAX of [A-Za-z0-9._-]; 400 naming field otherwise. */
int	 api_check_name(struct http_request *, const char *field,
	    const char *name);
/*
 * An http(s) URL with a host and no user name or password, whose host,
 * when it is an address, the outbound rules (netguard) let through.
 */
int	 api_check_url(struct http_request *, const char *field,
	    const char *url);
/* A subscriber filter: KEY=VALUE words with the feed filter keys. */
int	 api_check_filter(struct http_request *, const char *field,
	    const char *filter);

/* A subscriber token may act on its own subscriber only (403). */
int	 api_own_subscriber(struct http_request *, const char *name);
/* "role:token-id" or "role:organization:token-id", for the records. */
void	 api_actor(struct http_request *, char *buf, size_t len);

/* --- moderation and the audit trail (api_moderation.c, api_audit.c) -- */

struct store_actor;
struct token_info;

/*
 * Who the request acts as, for the audit trail: tk receives the token's
 * record, which lends sa its label (token_info_free(tk) after use).
 */
void	 api_store_actor(struct http_request *, struct store_actor *sa,
	    struct token_info *tk);
/* {"field": {"from": old, "to": new}} for the members that differ. */
json_t	*api_audit_diff(const json_t *before, const json_t *after);
/* Audit rows of a submission and of an edit (action "edit" or
 * "withdraw"); a failure is logged, not answered. */
void	 api_audit_submit(struct http_request *, const struct posting *);
void	 api_audit_edit(struct http_request *, const char *action,
	    const struct posting *before, const struct posting *after);
/*
 * After an edit is stored: its audit row, and, when a group changed its
 * rejected posting, the posting back in the queue.  Returns the
 * moderation state the posting has now (moderation, or "pending").
 */
const char *api_moderation_after_edit(struct http_request *,
	    const char *action, const struct posting *before,
	    const struct posting *after, const char *moderation);
/* Sets "decision" of a posting's JSON: the decision made on it, or null. */
void	 api_moderation_annotate(struct http_request *, json_t *posting,
	    const char *id);

/*
 * Ends a backup in progress (api_backup.c) before the HTTP server goes:
 * answered 503 if nothing was sent yet, else its connection is cut.
 */
void	 api_backup_stop(struct daemon *);

#endif
