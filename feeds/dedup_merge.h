/*
 * dedup_merge.h — one posting out of the records of one event (issue 4).
 *
 * The records are ranked by the kind of their source ([daemon]
 * kind_priority; by default city, shakyo, corporate, civic, federation),
 * then the one seen first, then source name and key, so the same records
 * always give the same posting.  Each field comes from the first record
 * in that order that has it, with these groups taken whole from one
 * record: the event's dates (start, end, all_day — a timed start of a
 * lower record replaces an all-day one of the same day), the organizer,
 * the contact, the coordinates and the origin.  Categories are the union,
 * in rank order; date_published the earliest; the status "cancelled" when
 * any record says so (a cancellation is news wherever it comes from),
 * else "closed" when any record says so, else "open" (the store closes
 * what has ended); sources lists every record, in rank order.  A record
 * whose source withdrew it (a federated tombstone) counts only when all
 * are withdrawn: the posting is then withdrawn.  Of federated records of
 * the same origin posting, only those with the highest revision at the
 * origin count at all (the others are stale copies that came another
 * way).  id, revision and date_modified are left for the store.
 */
#ifndef TSUNAGU_DEDUP_MERGE_H
#define TSUNAGU_DEDUP_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "posting.h"

/* The default order, first wins. */
extern const char *const dedup_default_priority[];
extern const size_t dedup_default_npriority;

struct merge_record {
	const struct posting	*mg_posting;	/* as the source has it */
	const char		*mg_source;
	const char		*mg_kind;	/* the source's kind */
	int64_t			 mg_first_seen;
	const char		*mg_key;	/* its key within the source */
};

/* Position of kind in the priority list; unknown kinds come last. */
size_t		 dedup_kind_rank(const char *kind,
		    const char *const *priority, size_t npriority);
/*
 * The merged posting (posting_free() it); priority NULL: the default.
 * n must be at least 1.
 */
struct posting	*dedup_merge(const struct merge_record *, size_t n,
		    const char *const *priority, size_t npriority);

#endif
