/* purge.c — the periodic sweep of contact data (purge.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../feeds/date.h"
#include "../feeds/xmalloc.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "purge.h"
#include "store.h"

struct purge {
	struct daemon	*pg_daemon;
	struct timer	*pg_timer;
	int64_t		 pg_before;	/* of the sweep under way */
	size_t		 pg_total;	/* postings purged by it so far */
	int		 pg_sweeping;	/* batches remain */
};

static void
purge_report(struct purge *pg)
{
	char n[24], when[32];

	if (pg->pg_total == 0) {
		log_debug("purge: no contact data due");
		return;
	}
	snprintf(n, sizeof(n), "%zu", pg->pg_total);
	date_format_rfc3339(pg->pg_before, DATE_JST_OFFSET, when);
	log_kv(LOG_LEVEL_INFO, "purge: contact data removed", "postings", n,
	    "ended_before", when, NULL);
}

static void
purge_batch(void *arg)
{
	struct purge *pg = arg;
	struct daemon *d = pg->pg_daemon;
	int64_t now = clock_now(d->d_clock), days;
	size_t n = 0;
	int rc;

	if (!pg->pg_sweeping) {
		days = d->d_conf->cf_purge_contacts_after;
		pg->pg_before = now - days * 86400;
		pg->pg_total = 0;
		pg->pg_sweeping = 1;
	}
	rc = store_contacts_purge(d->d_store, pg->pg_before, PURGE_BATCH, &n);
	pg->pg_total += n;
	if (rc == 1) {
		/* More are due: the next batch after whatever else waits. */
		timer_at(pg->pg_timer, clock_now_ms(d->d_clock));
		return;
	}
	if (rc == -1)
		log_warnx("purge: the sweep failed (see above); next try in "
		    "%d s", PURGE_INTERVAL);
	else
		purge_report(pg);
	pg->pg_sweeping = 0;
	timer_at(pg->pg_timer, (now + PURGE_INTERVAL) * 1000);
}

struct purge *
purge_new(struct daemon *d)
{
	struct purge *pg = xcalloc(1, sizeof(*pg));

	pg->pg_daemon = d;
	pg->pg_timer = timer_new(d->d_clock, purge_batch, pg);
	timer_at(pg->pg_timer, clock_now_ms(d->d_clock));
	return pg;
}

void
purge_soon(struct purge *pg)
{
	/* A sweep under way finishes with the limit it started with. */
	if (pg != NULL && !pg->pg_sweeping)
		timer_at(pg->pg_timer, clock_now_ms(pg->pg_daemon->d_clock));
}

void
purge_free(struct purge *pg)
{
	if (pg == NULL)
		return;
	timer_free(pg->pg_timer);
	free(pg);
}
