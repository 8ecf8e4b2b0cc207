/* ratelimit.c — token buckets in a bounded hash table with LRU eviction. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "../feeds/xmalloc.h"
#include "clock.h"
#include "ratelimit.h"

struct bucket {
	char			*bk_key;
	double			 bk_tokens;
	int64_t			 bk_last_ms;	/* of the last refill */
	struct bucket		*bk_next;	/* in its hash chain */
	TAILQ_ENTRY(bucket)	 bk_lru;	/* most recently used first */
};

struct ratelimit {
	struct clock		*rl_clock;
	double			 rl_rate;	/* per second */
	double			 rl_burst;
	struct bucket		**rl_table;
	size_t			 rl_mask;	/* table size - 1 */
	size_t			 rl_count;
	size_t			 rl_max;
	TAILQ_HEAD(bucket_lru_head, bucket) rl_lru;
};

struct ratelimit *
ratelimit_new(struct clock *c, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	size_t size = 16;

	if (max_keys == 0)
		max_keys = 1;
	/* Chains stay short: at least twice as many heads as buckets. */
	while (size < 2 * max_keys)
		size *= 2;
	rl->rl_clock = c;
	rl->rl_rate = 1;
	rl->rl_burst = 1;
	rl->rl_table = xcalloc(size, sizeof(*rl->rl_table));
	rl->rl_mask = size - 1;
	rl->rl_max = max_keys;
	TAILQ_INIT(&rl->rl_lru);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	struct bucket *b;

	if (rl == NULL)
		return;
	while ((b = TAILQ_FIRST(&rl->rl_lru)) != NULL) {
		TAILQ_REMOVE(&rl->rl_lru, b, bk_lru);
		free(b->bk_key);
		free(b);
	}
	free(rl->rl_table);
	free(rl);
}

void
ratelimit_set(struct ratelimit *rl, double rate, double burst)
{
	struct bucket *b;

	rl->rl_rate = rate > 0 ? rate : 1;
	rl->rl_burst = burst >= 1 ? burst : 1;
	TAILQ_FOREACH(b, &rl->rl_lru, bk_lru)
		if (b->bk_tokens > rl->rl_burst)
			b->bk_tokens = rl->rl_burst;
}

/* FNV-1a. */
static size_t
hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)h;
}

static void
evict_oldest(struct ratelimit *rl)
{
	struct bucket *old = TAILQ_LAST(&rl->rl_lru, bucket_lru_head), **pp;

	for (pp = &rl->rl_table[hash(old->bk_key) & rl->rl_mask]; *pp != old;
	    pp = &(*pp)->bk_next)
		;
	*pp = old->bk_next;
	TAILQ_REMOVE(&rl->rl_lru, old, bk_lru);
	free(old->bk_key);
	free(old);
	rl->rl_count--;
}

static struct bucket *
bucket_get(struct ratelimit *rl, const char *key, int64_t now)
{
	size_t slot = hash(key) & rl->rl_mask;
	struct bucket *b;

	for (b = rl->rl_table[slot]; b != NULL; b = b->bk_next)
		if (strcmp(b->bk_key, key) == 0) {
			TAILQ_REMOVE(&rl->rl_lru, b, bk_lru);
			TAILQ_INSERT_HEAD(&rl->rl_lru, b, bk_lru);
			return b;
		}
	if (rl->rl_count == rl->rl_max)
		evict_oldest(rl);
	b = xcalloc(1, sizeof(*b));
	b->bk_key = xstrdup(key);
	b->bk_tokens = rl->rl_burst;
	b->bk_last_ms = now;
	b->bk_next = rl->rl_table[slot];
	rl->rl_table[slot] = b;
	TAILQ_INSERT_HEAD(&rl->rl_lru, b, bk_lru);
	rl->rl_count++;
	return b;
}

int64_t
ratelimit_take(struct ratelimit *rl, const char *key)
{
	int64_t now = clock_now_ms(rl->rl_clock), wait;
	struct bucket *b = bucket_get(rl, key, now);
	double need;

	/* A clock that steps back refills nothing and takes nothing. */
	if (now > b->bk_last_ms) {
		b->bk_tokens += (double)(now - b->bk_last_ms) * rl->rl_rate /
		    1000.0;
		if (b->bk_tokens > rl->rl_burst)
			b->bk_tokens = rl->rl_burst;
		b->bk_last_ms = now;
	}
	if (b->bk_tokens >= 1.0) {
		b->bk_tokens -= 1.0;
		return 0;
	}
	need = (1.0 - b->bk_tokens) / rl->rl_rate;	/* seconds */
	wait = (int64_t)need;
	if ((double)wait < need)
		wait++;
	return wait < 1 ? 1 : wait;
}

size_t
ratelimit_size(const struct ratelimit *rl)
{
	return rl->rl_count;
}
