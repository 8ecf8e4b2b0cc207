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
	int			 er_file;	/* index of its file */
	struct posting		*er_posting;	/* normalized */
	struct dedup_keys	 er_keys;
	struct sim_grams	 er_grams;	/* of the title key */
	struct sim_record	 er_sim;
	int			*er_block;	/* related records (same day, */
	size_t			 er_nblock;	/* page or origin) */
};

#define EVAL_MAX_SOURCES	64	/* in the set */

struct eval_set {
	struct eval_rec		*es_recs;
	size_t			 es_n;
	char			*es_sources[EVAL_MAX_SOURCES];
	size_t			 es_nsources;
	size_t			 es_nfiles;
};

struct eval_score {
	size_t	sc_records;
	size_t	sc_hard;		/* records in hard-negative groups */
	size_t	sc_true;		/* pairs of one event */
	size_t	sc_pred;		/* pairs in one cluster */
	size_t	sc_pred_right;		/* of the worst precision's sc_pred */
	size_t	sc_both;
	size_t	sc_hard_pairs;		/* different events of one group */
	size_t	sc_hard_merged;		/* of those, put in one cluster */
	double	sc_precision;
	double	sc_recall;
};

/* The records of every file, one set. */
int	eval_load(char *const paths[], size_t npaths, struct eval_set *);
void	eval_free(struct eval_set *);
/* 1 when r is of the part (NULL: any) and of the file (-1: any). */
int	eval_in_scope(const struct eval_rec *, const char *part, int file);
/* order: norder source indices, one fetch each in that order. */
void	eval_cluster(const struct eval_set *, const char *part, int file,
	    const int *order, size_t norder, const struct sim_params *,
	    int *of);
void	eval_score(const struct eval_set *, const char *part, int file,
	    const int *of, struct eval_score *, int verbose,
	    const struct sim_params *);
int	eval_worst(const struct eval_set *, const char *part,
	    const struct sim_params *, int quick, struct eval_score *worst,
	    size_t *norders);
/* The records through the store; -1 when it clusters them otherwise. */
int	eval_store(const struct eval_set *, const char *dir,
	    const struct sim_params *);

#endif
