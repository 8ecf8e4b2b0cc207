/*
 * sweep.h — the lifecycle of published postings over time (issue 4):
 * hands the store the configuration's deduplication policy (kind_priority,
 * withdraw_after, instance; read at each fetch, so a reload counts from
 * the next one), and every SWEEP_INTERVAL closes the postings whose event
 * has ended (store_close_ended()).
 */
#ifndef TSUNAGU_SWEEP_H
#define TSUNAGU_SWEEP_H

#define SWEEP_INTERVAL	60	/* seconds */

struct daemon;
struct sweep;

/* Runs at once, then every SWEEP_INTERVAL; needs d_clock and d_store. */
struct sweep	*sweep_new(struct daemon *);
void		 sweep_free(struct sweep *);	/* NULL is a no-op */

#endif
