/*
 * purge.h — the retention sweep for personal data: the contact of a
 * posting (name, phone, e-mail) is removed [daemon] purge_contacts_after
 * days after its event ended (store_contacts_purge() says what "ended"
 * means and what else goes).  The sweep runs at start, after a reload and
 * every PURGE_INTERVAL seconds, on the daemon's clock; a batch of
 * PURGE_BATCH postings per transaction, the next batch at the next turn of
 * the loop, so that feeds and deliveries are served in between.
 */
#ifndef TSUNAGU_PURGE_H
#define TSUNAGU_PURGE_H

struct daemon;
struct purge;

#define PURGE_INTERVAL	3600	/* seconds between sweeps */
#define PURGE_BATCH	200	/* postings per transaction */

/* The first sweep is due at once (it runs from the loop). */
struct purge	*purge_new(struct daemon *);
void		 purge_free(struct purge *);	/* NULL is a no-op */
/* A sweep as soon as the loop turns (purge_contacts_after may differ). */
void		 purge_soon(struct purge *);

#endif
