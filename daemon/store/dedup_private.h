/*
 * dedup_private.h — what the files of the fetch path's deduplication
 * share (dedup.c: records and their identity; dedup_cluster.c: matching,
 * merging and publishing; dedup_explain.c: policy, explanation, the
 * records of older databases).  daemon/store/ only.
 */
#ifndef TSUNAGU_DEDUP_PRIVATE_H
#define TSUNAGU_DEDUP_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "dedup_key.h"
#include "posting.h"
#include "similarity.h"
#include "store.h"

/* One entry of the fetch, on its way to a record of the store. */
struct dedup_rec {
	struct posting		*dr_posting;	/* decorated: kind, one ref */
	char			*dr_doc;	/* dr_posting as stored */
	char			*dr_key;	/* within the source */
	const char		*dr_identity;	/* guid | link | content */
	char			*dr_content_key;
	char			 dr_digest[65];
	struct dedup_keys	 dr_keys;
	struct sim_grams	 dr_grams;
	struct sim_record	 dr_sim;
	/* What the store has of it. */
	int			 dr_found;
	int			 dr_gone;
	char			*dr_posting_id;	/* its posting, when found */
	char			 dr_old_digest[65];
	int			 dr_placed;	/* in a posting by this fetch */
};

/* Why a record is in its posting, as entries keep it. */
struct dedup_why {
	const char	*dw_rule;	/* first|origin|url|similar */
	double		 dw_score;	/* < 0: none */
	double		 dw_title;
	double		 dw_place;
	const char	*dw_source;	/* the record matched, or NULL */
	const char	*dw_key;
};

/* A fetch being applied. */
struct dedup_fetch {
	struct store			*df_st;
	const struct fetch_outcome	*df_fo;
	const char			*df_source;
	const char			*df_kind;	/* the source's */
	int64_t				 df_now;
	struct apply_stats		*df_as;
	/* Postings to publish once at the end. */
	char				**df_dirty;
	size_t				 df_ndirty;
	/* Records that make a posting of their own. */
	struct dedup_rec		**df_new;
	size_t				 df_nnew;
	/* The records being placed, by day (place_all()): those not yet
	 * placed are each other's rivals (dedup_match_rivals()). */
	struct dedup_rec		**df_by_day;
	size_t				 df_nby_day;
	const char *const		*df_priority;	/* NULL: default */
	size_t				 df_npriority;
	const char			*df_instance;	/* NULL: unknown */
	int				 df_moderated;	/* new postings wait */
	int64_t				 df_rekeyed;	/* by guid change */
};

/* dedup.c: writing records. */
int	dedup_entry_insert(struct dedup_fetch *, const struct dedup_rec *,
	    const char *posting_id, const struct dedup_why *);
int	dedup_entry_update(struct dedup_fetch *, const struct dedup_rec *);

/* dedup_cluster.c */
void	dedup_dirty(struct dedup_fetch *, const char *posting_id);
/* 0 placed, 1 left for later (ambiguous and defer), -1 error. */
int	dedup_place(struct dedup_fetch *, struct dedup_rec *, int defer);
/* The new postings, then every dirty one, each written at most once. */
int	dedup_publish_all(struct dedup_fetch *);
/* Postings merged again from the records they have left (a source of
 * theirs was deleted), outside a fetch. */
int	dedup_republish(struct store *, char *const *ids, size_t n,
	    int64_t now);

/* dedup_explain.c: records of a database from before 004_dedup.sql get
 * their documents and keys from their postings. */
int	dedup_backfill(struct store *);
/* The record's keys, as the entries columns hold them, from a posting. */
void	dedup_rec_keys(struct dedup_rec *, const char *source);

#endif
