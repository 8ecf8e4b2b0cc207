/*
 * hub_topic.h — a WebSub topic is the canonical URL of one of this
 * instance's feeds (its rel="self": BASE/feeds/all.EXT with the filters
 * in canonical order, or BASE/feeds/sub/NAME.EXT of a public subscriber
 * feed).  Only first pages are topics; private feeds have no hub.
 */
#ifndef TSUNAGU_HUB_TOPIC_H
#define TSUNAGU_HUB_TOPIC_H

#include <stddef.h>

struct daemon;
struct feed_request;

/* Topics longer than this are refused (they are feed URLs). */
#define HUB_TOPIC_MAX	2048

/*
 * The feed request of topic, as the feed route would make it
 * (feed_query.h); -1 with the reason in why when topic is not a
 * canonical feed URL of this instance (the reason names the canonical
 * URL when the topic names a feed in another form).  Clear the request
 * with feed_request_clear().
 */
int	hub_topic_parse(struct daemon *, const char *topic,
	    struct feed_request *out, char *why, size_t whylen);

#endif
