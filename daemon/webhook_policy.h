/*
 * webhook_policy.h — the rules of webhook delivery, without I/O: what a
 * response means, when to try again, how fast an endpoint may be sent to.
 *
 * Retries: an attempt at once, then after 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h (eight in all), each delay varied by up to ±20 % so that
 * the endpoints of a busy moment are not all retried in the same second.
 * The variation comes from a caller-held xorshift generator: a seeded one
 * gives the same schedule every time (tests).
 */
#ifndef TSUNAGU_WEBHOOK_POLICY_H
#define TSUNAGU_WEBHOOK_POLICY_H

#include <stdint.h>

#define WEBHOOK_MAX_TRIES	8
#define WEBHOOK_JITTER_PCT	20

/* The next value of a xorshift64* generator (a zero state is reseeded). */
uint64_t	 webhook_rng_next(uint64_t *state);
/* The nominal delay after the tries-th failed try (1..7), no jitter. */
int64_t		 webhook_retry_base_ms(int tries);
/*
 * The delay before the next try once `tries` tries of the round failed:
 * base ±20 %; -1 when tries reached WEBHOOK_MAX_TRIES (give up).
 */
int64_t		 webhook_retry_delay_ms(int tries, uint64_t *rng);

enum webhook_outcome {
	WEBHOOK_DELIVERED,	/* 2xx */
	WEBHOOK_FAILED,		/* anything else: retried on schedule */
	WEBHOOK_THROTTLED,	/* 429, 502, 504: the endpoint is paused */
	WEBHOOK_GONE,		/* 410: the endpoint is disabled */
};

/* got_response 0: no HTTP response at all (connect, timeout ...). */
enum webhook_outcome webhook_classify(int got_response, long status);
const char	*webhook_outcome_name(enum webhook_outcome);

/*
 * A token bucket: burst tokens, refilled at rate per second.  Times in
 * ms.  take() takes one when there is one (1) or not (0); wait() says
 * how long until there is (0: now).
 */
struct token_bucket {
	double	 tb_rate;
	double	 tb_burst;
	double	 tb_tokens;
	int64_t	 tb_last;
};

void		 token_bucket_init(struct token_bucket *, double rate,
		    double burst, int64_t now_ms);
/* Changes rate and burst, keeping the tokens (cut to the new burst). */
void		 token_bucket_set(struct token_bucket *, double rate,
		    double burst, int64_t now_ms);
int		 token_bucket_take(struct token_bucket *, int64_t now_ms);
int64_t		 token_bucket_wait(struct token_bucket *, int64_t now_ms);

#endif
