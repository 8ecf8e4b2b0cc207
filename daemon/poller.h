/*
 * poller.h — polls each source on its schedule: fetch, parse, and record
 * the outcome in one store transaction.  A failing source is retried with
 * backoff (sched.h) and never holds up the others.
 */
#ifndef TSUNAGU_POLLER_H
#define TSUNAGU_POLLER_H

#include <stddef.h>

struct daemon;
struct poller;

struct poller	*poller_new(struct daemon *);
void		 poller_free(struct poller *);	/* cancels timers */
/* Re-reads the source list from the store and (re)arms every timer. */
int		 poller_sync(struct poller *);
/* Polls a source as soon as possible; 1 if there is no such source. */
int		 poller_fetch_now(struct poller *, const char *name);
/*
 * Content a source pushed (WebSub), taken in as a fetch of it would be:
 * parsed, normalized and stored, its schedule and validators left as
 * they are.  0; -1 with the reason in err; 1 when there is no such
 * source.
 */
int		 poller_ingest(struct poller *, const char *name,
		    const char *body, size_t len, const char *content_type,
		    char *err, size_t errlen);

#endif
