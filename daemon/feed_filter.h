/*
 * feed_filter.h — feed filters as people write them (query parameters, a
 * subscriber's filter line) into a struct posting_filter (store.h), and
 * back into the canonical query string that names the feed.
 *
 * Keys: kind, status, source, category, area, q, from, to.  The values of
 * a key are comma-separated and ORed (a key given twice adds to its
 * values); keys are ANDed.  Values are checked and normalized: kind and
 * status must be known words; area is a 2-digit prefecture or a 5- or
 * 6-digit municipality code (completed to six digits); q is one phrase,
 * normalized as titles are (NFKC, one space for any run of whitespace),
 * then lowercased; from and to are YYYY-MM-DD (Japan days: from its
 * 00:00:00, to its 23:59:59) or RFC 3339.
 *
 * The canonical form lists the keys in the order above, each value once,
 * sorted, percent-encoded, with from and to as RFC 3339 in +09:00: two
 * requests for the same postings name the same feed.
 */
#ifndef TSUNAGU_FEED_FILTER_H
#define TSUNAGU_FEED_FILTER_H

#include <stddef.h>

#include "../feeds/buf.h"
#include "store.h"

#define FEED_FILTER_MAX_VALUES	100	/* per key */
#define FEED_FILTER_MAX_Q	200	/* characters */

/* 1 when key is one of the filter keys. */
int	 feed_filter_is_key(const char *key);
/* Adds key=value (value comma-separated); -1 with a reason in err. */
int	 feed_filter_add(struct posting_filter *, const char *key,
	    const char *value, char *err, size_t errlen);
/*
 * A subscriber's filter: "kind=city,shakyo area=232106 q=%E7%A6%8F%E7%A5%89",
 * KEY=VALUE words separated by spaces, values percent-decoded.
 */
int	 feed_filter_parse_line(struct posting_filter *, const char *line,
	    char *err, size_t errlen);
/*
 * A filter line saved earlier (a subscriber's, in the database), which was
 * checked when it was saved: a category word that is not in today's
 * vocabulary matches no posting, as it did before category words were
 * mapped, instead of failing — the subscriber's feed and deliveries go on.
 */
int	 feed_filter_parse_stored(struct posting_filter *, const char *line,
	    char *err, size_t errlen);
/* Checks what feed_filter_add() cannot see alone (from after to). */
int	 feed_filter_finish(struct posting_filter *, char *err,
	    size_t errlen);
/* Appends the canonical query string ("" for no filter); -1 when b is
 * full. */
int	 feed_filter_canonical(const struct posting_filter *, struct buf *b);
/* Appends value percent-encoded (unreserved characters as they are). */
int	 feed_filter_encode(struct buf *b, const char *value);
int	 feed_filter_is_empty(const struct posting_filter *);
/* Frees what the filter holds and zeroes it. */
void	 feed_filter_clear(struct posting_filter *);

#endif
