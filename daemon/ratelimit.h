/*
 * ratelimit.h — token buckets keyed by a string (a client address, a token
 * id), for the admin API's 429 answers.
 *
 * Each key has a bucket of `burst` requests that refills at `rate` per
 * second; a request takes one.  Time comes from a struct clock, so tests
 * drive it with the manual clock.  At most max_keys buckets are kept: the
 * least recently used one makes room for a new key (it would have been
 * full again soon anyway, unless its key is very busy — and then it is
 * not the least recently used).
 */
#ifndef TSUNAGU_RATELIMIT_H
#define TSUNAGU_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct clock;
struct ratelimit;

struct ratelimit	*ratelimit_new(struct clock *, size_t max_keys);
void			 ratelimit_free(struct ratelimit *);
/*
 * rate requests per second (> 0) with bursts of up to burst (>= 1).  A
 * change keeps the buckets, cut down to the new burst.
 */
void			 ratelimit_set(struct ratelimit *, double rate,
			    double burst);
/*
 * One request for key: 0 when it may go ahead (it took one from the
 * bucket), else the whole seconds to wait until one may (>= 1), for a
 * Retry-After header.  A refused request takes nothing.
 */
int64_t			 ratelimit_take(struct ratelimit *, const char *key);
/* The number of buckets held. */
size_t			 ratelimit_size(const struct ratelimit *);

#endif
