/*
 * similarity.h — are two records the same event? (issue 4)
 *
 * Titles of volunteer events are short (10 to 30 characters) and written
 * without spaces, so words are out and so are MinHash and SimHash, whose
 * defaults assume long documents: two 12-character titles have a dozen
 * shingles, and a signature of them is noise.  Records are compared on
 * character bigrams of their comparison keys (dedup_key.h), exactly, as
 * sets: the Dice coefficient, the overlap coefficient for a title that
 * another source wraps in more words, and the longest common subsequence
 * of characters for words put in on both sides (市民体育大会の受付,
 * 刈谷市民体育大会受付).
 *
 * A pair is one event by an exact rule (the same federated origin, or the
 * same canonical URL on the same day, titles not foreign to each other)
 * or when its score reaches the
 * threshold; it is never one event when a hard rule tells them apart:
 * the same source, another municipality, another day, another start
 * time, another end day, another place, an address in another town.
 * Where neither gives a place, an address does: one town's name in the
 * other's venue (お花茶屋 and お花茶屋スポーツセンター), or one address,
 * makes sv_place 1, which decides between two clusters of one score
 * (dedup_match.h).  The weights and the threshold
 * come from the labeled set in tests/data/dedup/ (tests/tools/dedup_eval.c
 * tunes them on one part and reports on the other); sim_default_params
 * holds what that tuning chose.
 */
#ifndef TSUNAGU_SIMILARITY_H
#define TSUNAGU_SIMILARITY_H

#include <stddef.h>
#include <stdint.h>

#include "dedup_key.h"

/* The sorted, unique character bigrams of a text (sim_grams_of()). */
struct sim_grams {
	uint64_t	*sg_v;
	size_t		 sg_n;
};

void		 sim_grams_of(const char *, struct sim_grams *);
void		 sim_grams_free(struct sim_grams *);

/* What the comparison looks at; borrowed strings, NULL when unknown. */
struct sim_record {
	const char		*sr_source;	/* the source's name */
	const char		*sr_title;	/* dedup_title_key() */
	/* sr_title's bigrams, when the caller keeps them (NULL: made at
	 * each comparison). */
	const struct sim_grams	*sr_title_grams;
	const char		*sr_place;	/* dedup_place_key() */
	const char		*sr_address;	/* dedup_address_key() */
	const char		*sr_area;	/* 6-digit code (or 2-digit) */
	const char		*sr_url;	/* canonical, not generic */
	const char		*sr_origin;	/* dedup_origin_key() */
	struct dedup_when	 sr_when;
};

struct sim_params {
	double	sp_threshold;		/* a score from here on: one event */
	double	sp_place_weight;	/* of the place, when both have one */
	double	sp_overlap_weight;	/* of the title's overlap coefficient */
	double	sp_lcs_weight;		/* of the title's common subsequence */
	double	sp_place_min;		/* places less alike: two events */
	/* How much lower the threshold is when the place is one for sure
	 * (sv_place 1): a volunteer's task at a named event at one venue
	 * and hour (子ども服の交換会 受付ボランティア). */
	double	sp_place_relief;
	double	sp_time_bonus;		/* both timed, same start */
	int	sp_time_tolerance;	/* minutes two starts may differ */
	double	sp_ambiguity;		/* see dedup_match.h */
};

extern const struct sim_params sim_default_params;

/* The view of keys a comparison takes (pointers into k; the title's
 * bigrams are not kept). */
void		 sim_record_of(const struct dedup_keys *k, const char *source,
		    struct sim_record *out);

enum sim_rule {
	SIM_NONE = 0,		/* not alike enough */
	SIM_SIMILAR,		/* the score reached the threshold */
	SIM_URL,		/* same canonical URL, same day */
	SIM_ORIGIN,		/* same federated origin */
	SIM_CONFLICT,		/* a hard rule tells them apart */
};

struct sim_verdict {
	enum sim_rule	 sv_rule;
	double		 sv_score;	/* 0..1; 1 for the exact rules */
	double		 sv_title;	/* the title's similarity */
	double		 sv_place;	/* the place's, -1 unknown; 1 when
					 * the addresses say one place */
	const char	*sv_why;	/* static words: the rule or conflict */
};

void		 sim_compare(const struct sim_record *,
		    const struct sim_record *, const struct sim_params *,
		    struct sim_verdict *);
/* "none", "similar", "url", "origin", "conflict". */
const char	*sim_rule_name(enum sim_rule);

/*
 * Character bigrams of UTF-8 text, with a mark at each end so that a
 * one-character key still has two: the Dice coefficient (2|A∩B| /
 * (|A|+|B|)) and the overlap coefficient (|A∩B| / min(|A|,|B|)) of the
 * two sets, 0..1; 0 when either text is NULL or empty.
 */
double		 sim_dice(const char *, const char *);
double		 sim_overlap(const char *, const char *);
/* 2·LCS / (|a|+|b|) over characters; texts of up to 256 characters (longer
 * ones count their first 256). */
double		 sim_lcs(const char *, const char *);
/* Title and place similarity as the score uses them. */
double		 sim_title(const char *, const char *,
		    const struct sim_params *);
double		 sim_place(const char *, const char *);

#endif
