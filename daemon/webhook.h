/*
 * webhook.h — delivery of the outbox's deliveries: Standard Webhooks
 * POSTs through a fetcher of their own on the daemon's loop.
 *
 * Per endpoint (subscriber): at most `concurrency` requests at once and a
 * token bucket of `rate` per second with bursts of `burst`, applied when
 * a request starts.  No redirect is followed (a 3xx is a failure), the
 * response body is read up to 64 KiB and dropped, connections are kept
 * alive between requests.  A failure is retried on the schedule of
 * webhook_policy.h; Retry-After postpones the retry; 429, 502 and 504
 * also pause the whole endpoint (for Retry-After, else WEBHOOK_PAUSE_MS);
 * 410 disables the subscriber at once, and so does failing without a
 * success for webhook_disable_after (5 days): its pending deliveries then
 * fail with the reason, which the API, the log and /metrics show.  Every
 * attempt is recorded (status, latency, error).
 *
 * Nothing of this is kept only in memory: what is due is read from the
 * store, so a restart (or a crash) resumes where the store says, and a
 * request whose outcome was not recorded is sent again with its
 * webhook-id (at-least-once).
 */
#ifndef TSUNAGU_WEBHOOK_H
#define TSUNAGU_WEBHOOK_H

#include <stdint.h>

#include "../feeds/buf.h"

struct daemon;
struct outbox_fanout;
struct webhook;
struct webhook_target;

#define WEBHOOK_MAX_RESPONSE	(64 * 1024)
#define WEBHOOK_PAUSE_MS	(5 * 1000)	/* throttled, no Retry-After */
#define WEBHOOK_PAUSE_MAX_MS	(10 * 3600 * 1000LL)

struct webhook_stats {
	uint64_t	ws_delivered;
	uint64_t	ws_failed;	/* attempts that failed (throttled too) */
	uint64_t	ws_throttled;
	uint64_t	ws_gave_up;	/* deliveries out of tries */
	uint64_t	ws_disabled;	/* endpoints disabled */
};

/* Its own fetcher (webhook_max_in_flight requests at once). */
struct webhook		*webhook_new(struct daemon *);
/* Aborts requests in flight (they stay pending in the store). */
void			 webhook_free(struct webhook *);	/* NULL ok */
/* Look for due deliveries on the next turn of the loop. */
void			 webhook_kick(struct webhook *);
/* Writes the outcomes of finished requests now, not FLUSH_DEFER_MS later:
 * an administrator's redelivery must come after the outcome it follows,
 * or that outcome, written later, would undo it. */
void			 webhook_flush(struct webhook *);
/*
 * The deliveries a dispatch has just committed (fo[i].of_ids and
 * of_webhook_ids; the bodies in of_payload), taken at once without reading them back, under the
 * same caps, buckets and pauses as a scan's; wt: the dispatcher's
 * targets, sorted by name (store_webhook_targets()).  What an endpoint
 * could not take yet stays pending in the store, for its next fill or a
 * scan.  Returns how many deliveries were not looked at (no id, no
 * target, past the bound of a scan): the caller then kicks a scan.
 */
size_t			 webhook_offer(struct webhook *,
			    const struct webhook_target *wt, size_t nt,
			    const struct outbox_fanout *fo, size_t n);
/* Look now (tests); -1 when the store failed. */
int			 webhook_scan(struct webhook *);
/* Seeds the jitter of retry delays (tests: a fixed schedule). */
void			 webhook_seed(struct webhook *, uint64_t seed);
int			 webhook_in_flight(const struct webhook *);
const struct webhook_stats *webhook_stats(const struct webhook *);
/* The webhook lines of /metrics (Prometheus text); -1 on store error. */
int			 webhook_metrics(struct daemon *, struct buf *);

#endif
