/*
 * posting_match.h — does one posting, in memory, match a feed filter
 * (feed_filter.h)?  The rules of the store's SQL (store/search.c) applied
 * to a posting as it was at a change: the webhook outbox matches each
 * event's snapshot, not the posting as it is by the time it looks.
 *
 * Keys are ANDed and the values of a key ORed, as in feeds.  q is a
 * substring of the lowercased (ASCII) title, summary, place, address,
 * organizer and content.  from/to overlap the event's span; a recurring
 * posting's span is taken to run on without end (the store bounds it by
 * COUNT or UNTIL: here a recurring posting may match a range its later
 * occurrences miss, never the reverse), and a posting without a date
 * never matches a range.
 */
#ifndef TSUNAGU_POSTING_MATCH_H
#define TSUNAGU_POSTING_MATCH_H

#include "../feeds/posting.h"
#include "store.h"

/* 1 when p matches f (a NULL filter matches everything), else 0. */
int	posting_match(const struct posting_filter *f, const struct posting *p);
/*
 * The event's span as unix seconds, both ends inclusive (002_search.sql:
 * a date alone is a Japan day); -1 when it has no readable start.
 */
int	posting_span(const struct posting *p, int64_t *start, int64_t *end);

#endif
