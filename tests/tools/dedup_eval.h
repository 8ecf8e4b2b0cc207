/*
 * dedup_eval.h — what dedup_eval.c and dedup_eval_store.c share: the
 * labeled records and the clustering of dedup_match().
 */
#ifndef TSUNAGU_DEDUP_EVAL_H
#define TSUNAGU_DEDUP_EVAL_H

#include <stddef.h>

#include "dedup_key.h"
#include "posting.h"
#include "similarity.h"

struct eval_rec {
	char			*er_event;	/* the label */
	char			*er_split;	/* tune | held */
	char			*er_source;
	char			*er_kind;
	char			*er_hard;	/* hard-negative group, or NULL */
	char			*er_variant;	/* beyond small changes, or NULL */
	char			*er_key;	/* posting_entry_key() */
	int			 er_src;	/* index in es_sources */
	struct posting		*er_posting;	/* normalized */
	struct dedup_keys	 er_keys;
	struct sim_grams	 er_grams;	/* of the title key */
	struct sim_record	 er_sim;
	int			*er_block;	/* related records (same day, */
	size_t			 er_nblock;	/* page or origin) */
};

struct eval_set {
	struct eval_rec		*es_recs;
	size_t			 es_n;
	char			*es_sources[8];
	size_t			 es_nsources;
};

struct eval_score {
	size_t	sc_records;
	size_t	sc_hard;		/* records in hard-negative groups */
	size_t	sc_true;		/* pairs of one event */
	size_t	sc_pred;		/* pairs in one cluster */
	size_t	sc_both;
	size_t	sc_hard_pairs;		/* different events of one group */
	size_t	sc_hard_merged;		/* of those, put in one cluster */
	size_t	sc_true_in;		/* true pairs without a variant */
	size_t	sc_both_in;
	double	sc_precision;
	double	sc_recall;
	double	sc_recall_in;		/* in scope: no variant record */
};

int	eval_load(const char *path, struct eval_set *);
void	eval_free(struct eval_set *);
void	eval_cluster(const struct eval_set *, const char *part,
	    const int *order, const struct sim_params *, int *of);
void	eval_score(const struct eval_set *, const char *part, const int *of,
	    struct eval_score *, int verbose, const struct sim_params *);
void	eval_worst(const struct eval_set *, const char *part,
	    const struct sim_params *, int quick, struct eval_score *worst,
	    size_t *norders);
/* The records through the store; -1 when it clusters them otherwise. */
int	eval_store(const struct eval_set *, const char *dir,
	    const struct sim_params *);

#endif
