/*
 * poller.h — polls each source on its schedule: fetch, parse, and record
 * the outcome in one store transaction.  A failing source is retried with
 * backoff (sched.h) and never holds up the others.
 */
#ifndef TSUNAGU_POLLER_H
#define TSUNAGU_POLLER_H

struct daemon;
struct poller;

struct poller	*poller_new(struct daemon *);
void		 poller_free(struct poller *);	/* cancels timers */
/* Re-reads the source list from the store and (re)arms every timer. */
int		 poller_sync(struct poller *);
/* Polls a source as soon as possible; 1 if there is no such source. */
int		 poller_fetch_now(struct poller *, const char *name);

#endif
