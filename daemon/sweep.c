/*
 * sweep.c — closing ended postings on a timer, and the write-ahead log
 * kept within its limit on a shorter one; the store's policy.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "store.h"
#include "store_io.h"
#include "sweep.h"

struct sweep {
	struct daemon	*sw_daemon;
	struct timer	*sw_timer;
	struct timer	*sw_wal_timer;
};

/* The policy reads the configuration in force (d_conf is swapped whole
 * on reload). */
static const char *const *
policy_priority(void *arg, size_t *n)
{
	const struct config *cf = ((struct daemon *)arg)->d_conf;

	*n = cf->cf_nkind_priority;
	return cf->cf_nkind_priority > 0 ?
	    (const char *const *)cf->cf_kind_priority : NULL;
}

static int64_t
policy_withdraw_after(void *arg, const char *source)
{
	const struct source_conf *src;

	src = config_source(((struct daemon *)arg)->d_conf, source);
	return src != NULL ? src->src_withdraw_after : 0;
}

static const char *
policy_instance(void *arg)
{
	return ((struct daemon *)arg)->d_conf->cf_instance;
}

static void
sweep_run(void *arg)
{
	struct sweep *sw = arg;
	struct daemon *d = sw->sw_daemon;
	int64_t now = clock_now(d->d_clock), n;

	if (store_close_ended(d->d_store, now, &n) == -1)
		log_warnx("%s: ended postings could not be closed; next try "
		    "in %ds", __func__, SWEEP_INTERVAL);
	else if (n > 0)
		log_info("%lld postings closed: their events have ended",
		    (long long)n);
	timer_at(sw->sw_timer, (now + SWEEP_INTERVAL) * 1000);
}

/*
 * A daemon that has stopped writing gets its log back too, within
 * seconds of the reader that held it going: a stat(2) of the -wal file,
 * and a checkpoint only when it is past the limit (store_io.h).
 */
static void
wal_run(void *arg)
{
	struct sweep *sw = arg;
	struct daemon *d = sw->sw_daemon;

	(void)store_wal_checkpoint(d->d_store);
	timer_at(sw->sw_wal_timer, clock_now_ms(d->d_clock) +
	    SWEEP_WAL_INTERVAL * 1000);
}

struct sweep *
sweep_new(struct daemon *d)
{
	struct sweep *sw = xcalloc(1, sizeof(*sw));
	struct store_policy sp = {
		.sp_kind_priority = policy_priority,
		.sp_withdraw_after = policy_withdraw_after,
		.sp_instance = policy_instance,
		.sp_arg = d,
	};

	sw->sw_daemon = d;
	store_set_policy(d->d_store, &sp);
	sw->sw_timer = timer_new(d->d_clock, sweep_run, sw);
	timer_at(sw->sw_timer, clock_now_ms(d->d_clock));
	sw->sw_wal_timer = timer_new(d->d_clock, wal_run, sw);
	timer_at(sw->sw_wal_timer, clock_now_ms(d->d_clock));
	return sw;
}

void
sweep_free(struct sweep *sw)
{
	if (sw == NULL)
		return;
	/* The store may outlive the daemon's configuration. */
	store_set_policy(sw->sw_daemon->d_store, NULL);
	timer_free(sw->sw_timer);
	timer_free(sw->sw_wal_timer);
	free(sw);
}
