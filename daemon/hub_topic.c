/*
 * hub_topic.c — topic URLs to feed requests, through the feed route's own
 * parser (feed_request_from_url()): a topic and the feed it names never
 * disagree on the canonical form or on the cache key.
 */
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "feed_query.h"
#include "hub_topic.h"

int
hub_topic_parse(struct daemon *d, const char *topic, struct feed_request *out,
    char *why, size_t whylen)
{
	char err[256];
	int status;

	memset(out, 0, sizeof(*out));
	if (strlen(topic) > HUB_TOPIC_MAX) {
		snprintf(why, whylen, "hub.topic: longer than %d bytes",
		    HUB_TOPIC_MAX);
		return -1;
	}
	if (feed_request_from_url(d, topic, out, &status, err,
	    sizeof(err)) == -1) {
		snprintf(why, whylen, "hub.topic: %s", err);
		return -1;
	}
	if (out->fq_private) {
		/* Its token would have to be kept here: not offered. */
		snprintf(why, whylen, "hub.topic: a private feed has no hub");
		goto fail;
	}
	if (out->fq_after_seq > 0) {
		snprintf(why, whylen, "hub.topic: only a feed's first page is "
		    "a topic");
		goto fail;
	}
	if (strcmp(out->fq_self, topic) != 0) {
		snprintf(why, whylen, "hub.topic: not the feed's canonical URL; "
		    "subscribe to %.1500s", out->fq_self);
		goto fail;
	}
	return 0;
 fail:
	feed_request_clear(out);
	return -1;
}
