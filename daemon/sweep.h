/*
 * sweep.h — the lifecycle of published postings over time (issue 4):
 * hands the store the configuration's deduplication policy (kind_priority,
 * withdraw_after, instance; read at each fetch, so a reload counts from
 * the next one), every SWEEP_INTERVAL closes the postings whose event
 * has ended (store_close_ended()), and every SWEEP_WAL_INTERVAL truncates
 * the write-ahead log once it is past its limit and no reader holds it
 * (store_wal_checkpoint()).
 */
#ifndef TSUNAGU_SWEEP_H
#define TSUNAGU_SWEEP_H

#define SWEEP_INTERVAL		60	/* seconds */
#define SWEEP_WAL_INTERVAL	5	/* seconds */

struct daemon;
struct sweep;

/* Both run at once, then on their intervals; needs d_clock and d_store. */
struct sweep	*sweep_new(struct daemon *);
void		 sweep_free(struct sweep *);	/* NULL is a no-op */

#endif
