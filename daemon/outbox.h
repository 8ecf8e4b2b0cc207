/*
 * outbox.h — the dispatcher: events of the durable outbox (written by
 * triggers on postings, schemas/005_outbox.sql) fanned out into one
 * delivery per matching subscriber, in a transaction of its own.
 *
 * A subscriber matches an event when its filter (feed_filter.h) matches
 * the posting as the change left it or, for an update, as it was before:
 * a change that takes a posting out of a subscriber's filter still
 * reaches it.  Subscribers without a webhook and disabled ones get no
 * delivery (recovery makes them later).  Each event's body is rendered
 * once, so every delivery and redelivery of it carries the same bytes.
 * The subscribers, filters parsed, are read when an event waits and kept
 * until the store says one was added, changed or deleted
 * (STORE_HOOK_SUBSCRIBERS).
 *
 * The store tells the outbox (store_set_change_hook) when a statement
 * added an event; the dispatch then runs on the next turn of the loop,
 * after the writer's commit.  A timer also looks every few seconds, for
 * events another process wrote.  The deliveries a dispatch commits are
 * handed to the deliverer at once (webhook_offer()): a fan-out is not
 * read back from the store before it is sent.
 */
#ifndef TSUNAGU_OUTBOX_H
#define TSUNAGU_OUTBOX_H

#include <stdint.h>

struct daemon;
struct outbox;
struct posting;

/* Events fanned out per transaction. */
#define OUTBOX_BATCH		256
/* How often undispatched events are looked for without a hint. */
#define OUTBOX_POLL_MS		5000

struct outbox_stats {
	uint64_t	obs_events;		/* dispatched */
	uint64_t	obs_deliveries;		/* made by fan-out */
	uint64_t	obs_purged;		/* events past retention */
};

/* Installs the store's change hook; outbox_free() removes it. */
struct outbox		*outbox_new(struct daemon *);
void			 outbox_free(struct outbox *);	/* NULL ok */
/* Dispatch on the next turn of the event loop. */
void			 outbox_poke(struct outbox *);
/* Dispatch everything now: events dispatched, or -1 (store failure). */
int			 outbox_run(struct outbox *);
const struct outbox_stats *outbox_stats(const struct outbox *);

/*
 * The webhook body: {"type", "timestamp", "data"} with data the JSON Feed
 * item of the posting (NULL for a ping: {"message": ...}).  free() it.
 */
char			*outbox_payload(struct daemon *, const char *type,
			    int64_t timestamp_ms, const struct posting *);
/*
 * Recovery: every event since since_ms that matches the subscriber's
 * filter is sent again (a failed delivery) or for the first time (none
 * was made); *queued counts them.  1 when there is no such subscriber.
 */
int			 outbox_recover(struct daemon *, const char *subscriber,
			    int64_t since_ms, int64_t *queued);

#endif
