/*
 * hub.h — the WebSub hub (W3C Recommendation, 2018-01-23) for every feed
 * this instance serves.
 *
 * POST /hub (route_hub.c) hands a request here.  It is checked at once
 * (4xx with the reason): hub.mode subscribe or unsubscribe; hub.topic a
 * canonical feed URL of this instance (hub_topic.h); hub.callback an
 * http(s) URL that the outbound rules let through; hub.secret under 200
 * bytes; the caps on live subscriptions in all and per callback host;
 * a rate per client address (api_rate and api_burst, as the admin API).  Other parameters are ignored.  Then 202,
 * and the intent is verified: GET callback (its own query kept) with
 * hub.mode, hub.topic, hub.challenge and, to subscribe, hub.lease_seconds
 * (asked for, bounded by hub_lease_min and hub_lease_max; default
 * hub_lease_default).  A 2xx echoing the challenge makes (or replaces:
 * one delivery per change) the subscription; anything else leaves things
 * as they were.
 *
 * Content distribution: when a posting changes, each topic's cached
 * representation is revalidated (feed_render.h); a topic whose
 * representation changed is POSTed to its live subscribers with the
 * topic's Content-Type, Link rel="hub" and rel="self", and X-Hub-Signature
 * (HMAC of the body with hub.secret: sha256, or the algorithm asked for
 * with hub.signature_algorithm, one of sha1, sha256, sha384, sha512).  A
 * failed distribution is retried (1 min, doubling, at most 6 h, 10 tries)
 * with the topic's content as it then is; 410 ends the subscription; a
 * lease that ends ends it too.  What each topic last looked like is kept
 * in the store, so a restart distributes what changed while it was down.
 * Callbacks obey the outbound network rules at every connection.
 */
#ifndef TSUNAGU_HUB_H
#define TSUNAGU_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "../feeds/buf.h"

struct daemon;
struct hub;

#define HUB_SECRET_MAX		199	/* bytes: "under 200" */
#define HUB_MAX_VERIFYING	64	/* verifications at once */
#define HUB_MAX_SENDING		32	/* distributions at once */
#define HUB_MAX_ATTEMPTS	10
#define HUB_RETRY_FIRST		60	/* seconds, doubled per attempt */
#define HUB_RETRY_MAX		(6 * 3600)

/* A request to the hub (strings borrowed from the caller). */
struct hub_request {
	const char	*hq_mode;
	const char	*hq_topic;
	const char	*hq_callback;
	const char	*hq_secret;		/* NULL: none */
	const char	*hq_algorithm;		/* NULL: sha256 */
	const char	*hq_lease;		/* NULL: the default */
	const char	*hq_client;		/* peer address, for its rate */
};

struct hub_stats {
	uint64_t	hbs_verified;
	uint64_t	hbs_unverified;		/* intent not confirmed */
	uint64_t	hbs_delivered;
	uint64_t	hbs_failed;
	uint64_t	hbs_gone;		/* ended by 410 */
	uint64_t	hbs_expired;
};

struct hub		*hub_new(struct daemon *);
void			 hub_free(struct hub *);	/* NULL ok */
/*
 * Checks a request and starts verifying it: 202 when accepted, else the
 * HTTP status to answer with, and the reason in why.
 */
int			 hub_request(struct hub *, const struct hub_request *,
			    char *why, size_t whylen);
/* A posting changed: look at the topics on the next turn of the loop. */
void			 hub_poke(struct hub *);
/* Look at the topics now (tests); -1 when the store failed. */
int			 hub_check(struct hub *);
/* Verifications and distributions in flight. */
int			 hub_in_flight(const struct hub *);
const struct hub_stats	*hub_stats(const struct hub *);
/* The hub's lines of /metrics. */
int			 hub_metrics(struct daemon *, struct buf *);

#endif
