/*
 * dedup_match.h — which published posting a record belongs to (issue 4).
 *
 * The caller gathers the candidate clusters (the postings whose records
 * share the record's day, or its URL or origin) with all their live
 * records; dedup_match() decides, the same way for the store and for the
 * evaluation tool:
 *
 *   1. A cluster is eligible when some member matches the record
 *      (sim_compare(): origin, url, or a score at the threshold) and no
 *      member conflicts with it (a hard rule; the same source among them:
 *      one cluster never holds two items of one source).
 *   2. The best eligible cluster is taken: the stronger rule, then the
 *      higher score, then the place the addresses or venues confirm
 *      (sv_place), then the older first-seen, then the smaller id.  A
 *      record of the same fetch that would take it more strongly goes
 *      first (dedup_match_rivals()).
 *   3. When the runner-up is as good (same rule, score within
 *      sp_ambiguity, a place no less sure) but conflicts with the best,
 *      the record is ambiguous
 *      — say an untimed record beside a 10:00 and a 13:30 session — and
 *      joins none.
 *   4. Every other eligible cluster that conflicts with none of the chosen
 *      is merged with them: the record bridges them.  The survivor is the
 *      one seen first (then the smaller id), so the same records give the
 *      same ids in whatever order they arrive.
 */
#ifndef TSUNAGU_DEDUP_MATCH_H
#define TSUNAGU_DEDUP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "similarity.h"

struct match_cluster {
	const char			*mc_id;		/* the posting's id */
	int64_t				 mc_first_seen;
	const struct sim_record *const	*mc_members;	/* its live records */
	size_t				 mc_n;
};

struct match_result {
	int			 mr_join;	/* cluster index, -1: a new one */
	int			*mr_merged;	/* clusters merged into mr_join */
	size_t			 mr_nmerged;
	int			 mr_ambiguous;	/* matched two that conflict */
	int			 mr_wait;	/* a rival takes it better */
	/* The record against the member it matched best. */
	int			 mr_cluster;	/* that member's cluster */
	int			 mr_member;	/* its index there */
	struct sim_verdict	 mr_verdict;
};

/* out->mr_merged is allocated: match_result_free(). */
void	dedup_match(const struct sim_record *, const struct match_cluster *,
	    size_t n, const struct sim_params *, struct match_result *out);
/*
 * The same, given the records of the record's fetch still to be placed
 * (its rivals: records of one source are never one event).  When one of
 * them of the same day matches the best cluster more strongly, the record
 * joins nothing and mr_wait is set: the caller places it after the
 * others of the fetch, as it does an ambiguous one.
 */
void	dedup_match_rivals(const struct sim_record *,
	    const struct match_cluster *, size_t n,
	    const struct sim_record *const *rivals, size_t nrivals,
	    const struct sim_params *, struct match_result *out);
void	match_result_free(struct match_result *);

/* 1 when no record of a conflicts with a record of b. */
int	dedup_clusters_compatible(const struct match_cluster *a,
	    const struct match_cluster *b, const struct sim_params *);

#endif
