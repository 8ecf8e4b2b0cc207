/*
 * hub.h — the WebSub hub (W3C Recommendation, 2018) for every feed this
 * instance serves: POST /hub takes subscription requests, verifies the
 * subscriber's intent, keeps leases, and distributes a topic's new
 * representation to its subscribers as soon as a posting in it changes.
 */
#ifndef TSUNAGU_HUB_H
#define TSUNAGU_HUB_H

struct daemon;
struct hub;

struct hub	*hub_new(struct daemon *);
void		 hub_free(struct hub *);	/* NULL ok */
/* A posting changed: look at the topics on the next turn of the loop. */
void		 hub_poke(struct hub *);

#endif
