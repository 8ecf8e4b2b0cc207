/*
 * websub.h — this instance as a WebSub subscriber (push in).
 *
 * When a poll finds that a source advertises a hub (Link rel="hub" or
 * <atom:link rel="hub">: the parsers' fd_hub), the source is subscribed
 * at that hub with a random secret and the callback BASE/websub/SOURCE
 * (route_websub.c).  The hub's verification is answered for the intents
 * this instance has; a push is checked against X-Hub-Signature and
 * ingested at once, through the poller's own parse, normalization and
 * store path.  Leases are renewed before they end.
 *
 * While pushes arrive, the source is polled only every WEBSUB_SAFETY_POLL
 * (a safety net; never more often than its interval says).  Polling takes
 * over again when the subscription fails (the hub refused or denied it,
 * its verification never came, the lease ended unrenewed) or when a poll
 * brings changes the hub did not push; a new subscription is tried a day
 * later.  [source] websub = off keeps a source polled.
 *
 * A source that is deleted, paused, or switched off (websub = off) lets
 * go of its subscription: hub.mode=unsubscribe, and the hub's
 * verification of it is confirmed, for WEBSUB_VERIFY_WAIT, even when the
 * source is gone from the store.  Resumed, or switched on again, it
 * subscribes again at once.  (A source removed from the file while
 * the daemon was down cannot be unsubscribed: its pushes are answered
 * 410, which ends the subscription at the hub, as the lease does.)
 */
#ifndef TSUNAGU_WEBSUB_H
#define TSUNAGU_WEBSUB_H

#include <stddef.h>
#include <stdint.h>

struct daemon;
struct feed;
struct fetch_result;
struct websub;

#define WEBSUB_SAFETY_POLL	(6 * 3600)	/* seconds, while pushed */
#define WEBSUB_RETRY		86400		/* seconds after a failure */
#define WEBSUB_VERIFY_WAIT	3600		/* for the hub's verification */
#define WEBSUB_LEASE_ASKED	(10 * 86400)
#define WEBSUB_MAX_PUSH		(1024 * 1024)	/* the server's body limit */

struct websub_stats {
	uint64_t	wss_pushes;		/* ingested */
	uint64_t	wss_bad_signatures;	/* ignored */
	uint64_t	wss_subscribed;		/* verifications answered */
	uint64_t	wss_fallbacks;		/* back to polling */
};

struct websub		*websub_new(struct daemon *);
void			 websub_free(struct websub *);	/* NULL ok */
/*
 * After a successful poll of source: the hub it advertises (NULL: none),
 * the topic (its rel="self", else its URL) and how many entries the poll
 * found new or changed.  A NULL websub does nothing.
 */
void			 websub_seen(struct websub *, const char *source,
			    const char *hub, const char *topic, int changes);
/*
 * Where a response fr to a poll of url, which brought feed, names the
 * hub and the topic: in the Link header (RFC 8288: rel="hub",
 * rel="self", resolved against the effective URL) first, else in the
 * document (feed->fd_hub, fd_self); the topic is url when neither names
 * one.  *hub (NULL: none) and *self are new strings (free()), for
 * websub_seen().
 */
void			 websub_discover(const struct fetch_result *fr,
			    const struct feed *feed, const char *url,
			    char **hub, char **self);
/*
 * The source is being deleted, paused or switched off: unsubscribe from
 * its hub when it has a subscription (why is logged).  Call it before
 * the source leaves the store.  A NULL websub does nothing.
 */
void			 websub_forget(struct websub *, const char *source,
			    const char *why);
/*
 * After a reload, a pause or a resume: lets go of the subscriptions no
 * longer wanted (websub = off, a paused source), and subscribes again
 * those let go of for a reason that has ended.  A NULL websub does
 * nothing.
 */
void			 websub_sync(struct websub *);
/* The interval to poll source at (a NULL websub: interval). */
int64_t			 websub_poll_interval(struct websub *,
			    const char *source, int64_t interval);
/*
 * GET BASE/websub/SOURCE from the hub: the HTTP status to answer, and in
 * *echo (borrowed from challenge) the body, for an intent this instance
 * has; 404 for one it does not have.
 */
int			 websub_verify(struct websub *, const char *source,
			    const char *mode, const char *topic,
			    const char *challenge, const char *lease,
			    const char *reason, const char **echo);
/*
 * POST BASE/websub/SOURCE: pushed content.  The status to answer: 2xx
 * (ingested, or ignored for a bad signature, which the log and the
 * counters show), 410 when the source has no subscription.
 */
int			 websub_push(struct websub *, const char *source,
			    const char *signature, const char *content_type,
			    const char *body, size_t len);
int			 websub_in_flight(const struct websub *);
const struct websub_stats *websub_stats(const struct websub *);

#endif
