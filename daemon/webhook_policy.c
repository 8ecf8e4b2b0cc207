/* webhook_policy.c — retry schedule, response classes, token buckets. */
#include <stdint.h>

#include "webhook_policy.h"

/* After the n-th failed try (index n - 1). */
static const int64_t retry_base_ms[WEBHOOK_MAX_TRIES - 1] = {
	5 * 1000LL,
	5 * 60 * 1000LL,
	30 * 60 * 1000LL,
	2 * 3600 * 1000LL,
	5 * 3600 * 1000LL,
	10 * 3600 * 1000LL,
	10 * 3600 * 1000LL,
};

uint64_t
webhook_rng_next(uint64_t *state)
{
	uint64_t x = *state;

	if (x == 0)
		x = 0x9e3779b97f4a7c15ULL;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

int64_t
webhook_retry_base_ms(int tries)
{
	if (tries < 1 || tries >= WEBHOOK_MAX_TRIES)
		return -1;
	return retry_base_ms[tries - 1];
}

int64_t
webhook_retry_delay_ms(int tries, uint64_t *rng)
{
	int64_t base, span;
	uint64_t r;

	if ((base = webhook_retry_base_ms(tries)) < 0)
		return -1;
	/* Uniform in [base - 20 %, base + 20 %]. */
	span = base * WEBHOOK_JITTER_PCT / 100;
	r = webhook_rng_next(rng) % (uint64_t)(2 * span + 1);
	return base - span + (int64_t)r;
}

enum webhook_outcome
webhook_classify(int got_response, long status)
{
	if (!got_response)
		return WEBHOOK_FAILED;
	if (status >= 200 && status <= 299)
		return WEBHOOK_DELIVERED;
	if (status == 410)
		return WEBHOOK_GONE;
	if (status == 429 || status == 502 || status == 504)
		return WEBHOOK_THROTTLED;
	/* 3xx included: redirects are not followed. */
	return WEBHOOK_FAILED;
}

const char *
webhook_outcome_name(enum webhook_outcome o)
{
	switch (o) {
	case WEBHOOK_DELIVERED:
		return "delivered";
	case WEBHOOK_THROTTLED:
		return "throttled";
	case WEBHOOK_GONE:
		return "gone";
	case WEBHOOK_FAILED:
		break;
	}
	return "failed";
}

static void
refill(struct token_bucket *tb, int64_t now_ms)
{
	if (now_ms > tb->tb_last) {
		tb->tb_tokens += (double)(now_ms - tb->tb_last) * tb->tb_rate /
		    1000.0;
		if (tb->tb_tokens > tb->tb_burst)
			tb->tb_tokens = tb->tb_burst;
	}
	tb->tb_last = now_ms;
}

void
token_bucket_init(struct token_bucket *tb, double rate, double burst,
    int64_t now_ms)
{
	tb->tb_rate = rate > 0 ? rate : 1;
	tb->tb_burst = burst >= 1 ? burst : 1;
	tb->tb_tokens = tb->tb_burst;
	tb->tb_last = now_ms;
}

void
token_bucket_set(struct token_bucket *tb, double rate, double burst,
    int64_t now_ms)
{
	refill(tb, now_ms);
	tb->tb_rate = rate > 0 ? rate : 1;
	tb->tb_burst = burst >= 1 ? burst : 1;
	if (tb->tb_tokens > tb->tb_burst)
		tb->tb_tokens = tb->tb_burst;
}

int
token_bucket_take(struct token_bucket *tb, int64_t now_ms)
{
	refill(tb, now_ms);
	if (tb->tb_tokens < 1.0)
		return 0;
	tb->tb_tokens -= 1.0;
	return 1;
}

int64_t
token_bucket_wait(struct token_bucket *tb, int64_t now_ms)
{
	double missing;
	int64_t ms;

	refill(tb, now_ms);
	if (tb->tb_tokens >= 1.0)
		return 0;
	missing = 1.0 - tb->tb_tokens;
	ms = (int64_t)(missing * 1000.0 / tb->tb_rate);
	/* Rounded up: a wake-up a little early would find no token. */
	return ms + 1;
}
