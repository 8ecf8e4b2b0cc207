/*
 * dedup_match.c — choosing the cluster a record joins, and the clusters
 * it bridges (dedup_match.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dedup_match.h"
#include "xmalloc.h"

struct candidate {
	int			 c_index;
	int			 c_member;
	struct sim_verdict	 c_verdict;
};

static int
rule_rank(enum sim_rule r)
{
	switch (r) {
	case SIM_ORIGIN:
		return 3;
	case SIM_URL:
		return 2;
	case SIM_SIMILAR:
		return 1;
	default:
		return 0;
	}
}

/* Older first-seen first, then the smaller id. */
static int
older(const struct match_cluster *a, const struct match_cluster *b)
{
	if (a->mc_first_seen != b->mc_first_seen)
		return a->mc_first_seen < b->mc_first_seen;
	return strcmp(a->mc_id, b->mc_id) < 0;
}

/* 1 when verdict a is stronger than b: the rule, the score, the place. */
static int
stronger(const struct sim_verdict *a, const struct sim_verdict *b)
{
	int ra = rule_rank(a->sv_rule), rb = rule_rank(b->sv_rule);

	if (ra != rb)
		return ra > rb;
	if (a->sv_score != b->sv_score)
		return a->sv_score > b->sv_score;
	return a->sv_place > b->sv_place;
}

/* The stronger verdict, then the older cluster. */
static int
better(const struct candidate *a, const struct candidate *b,
    const struct match_cluster *clusters)
{
	if (stronger(&a->c_verdict, &b->c_verdict))
		return 1;
	if (stronger(&b->c_verdict, &a->c_verdict))
		return 0;
	return older(&clusters[a->c_index], &clusters[b->c_index]);
}

int
dedup_clusters_compatible(const struct match_cluster *a,
    const struct match_cluster *b, const struct sim_params *sp)
{
	struct sim_verdict v;
	size_t i, j;

	for (i = 0; i < a->mc_n; i++)
		for (j = 0; j < b->mc_n; j++) {
			sim_compare(a->mc_members[i], b->mc_members[j], sp, &v);
			if (v.sv_rule == SIM_CONFLICT)
				return 0;
		}
	return 1;
}

/* The record against one cluster: its best member, or -1 (not eligible). */
static int
against(const struct sim_record *r, const struct match_cluster *c,
    const struct sim_params *sp, struct candidate *out)
{
	struct sim_verdict v;
	size_t i;
	int conflict = 0, origin = 0, best = -1;

	for (i = 0; i < c->mc_n; i++) {
		sim_compare(r, c->mc_members[i], sp, &v);
		if (v.sv_rule == SIM_CONFLICT) {
			/* One source's two items stay two, whatever else. */
			if (r->sr_source != NULL &&
			    c->mc_members[i]->sr_source != NULL &&
			    strcmp(r->sr_source,
			    c->mc_members[i]->sr_source) == 0)
				return -1;
			conflict = 1;
			continue;
		}
		if (v.sv_rule == SIM_ORIGIN)
			origin = 1;
		if (best == -1 || stronger(&v, &out->c_verdict)) {
			best = (int)i;
			out->c_verdict = v;
		}
	}
	/* A federated copy is its origin's, whatever its fields say. */
	if (best == -1 || (conflict && !origin) ||
	    out->c_verdict.sv_rule == SIM_NONE)
		return -1;
	out->c_member = best;
	return 0;
}

/*
 * 1 when a record of the same fetch still to be placed, of the record's
 * day, matches the cluster more strongly than the record does: of two
 * rows of one title at one hour, the one whose address the cluster's
 * venue names is its (お花茶屋 and 西新小岩).
 */
static int
a_rival_is_stronger(const struct sim_record *r, const struct candidate *c,
    const struct match_cluster *cluster,
    const struct sim_record *const *rivals, size_t nrivals,
    const struct sim_params *sp)
{
	struct candidate rc;
	size_t i;

	for (i = 0; i < nrivals; i++) {
		if (rivals[i] == r ||
		    rivals[i]->sr_when.dw_day != r->sr_when.dw_day)
			continue;
		memset(&rc, 0, sizeof(rc));
		if (against(rivals[i], cluster, sp, &rc) == 0 &&
		    stronger(&rc.c_verdict, &c->c_verdict))
			return 1;
	}
	return 0;
}

void
dedup_match(const struct sim_record *r, const struct match_cluster *clusters,
    size_t n, const struct sim_params *sp, struct match_result *out)
{
	dedup_match_rivals(r, clusters, n, NULL, 0, sp, out);
}

void
dedup_match_rivals(const struct sim_record *r,
    const struct match_cluster *clusters, size_t n,
    const struct sim_record *const *rivals, size_t nrivals,
    const struct sim_params *sp, struct match_result *out)
{
	struct candidate *cand, tmp;
	size_t ncand = 0, i, j, nchosen;
	int *chosen, survivor, ok;

	memset(out, 0, sizeof(*out));
	out->mr_join = -1;
	out->mr_cluster = -1;
	out->mr_member = -1;
	if (n == 0)
		return;
	cand = xcalloc(n, sizeof(*cand));
	for (i = 0; i < n; i++) {
		cand[ncand].c_index = (int)i;
		if (against(r, &clusters[i], sp, &cand[ncand]) == 0)
			ncand++;
	}
	/* Insertion sort: a handful of candidates at most. */
	for (i = 1; i < ncand; i++)
		for (j = i; j > 0 && better(&cand[j], &cand[j - 1], clusters);
		    j--) {
			tmp = cand[j];
			cand[j] = cand[j - 1];
			cand[j - 1] = tmp;
		}
	if (ncand == 0) {
		free(cand);
		return;
	}
	if (nrivals > 0 && a_rival_is_stronger(r, &cand[0],
	    &clusters[cand[0].c_index], rivals, nrivals, sp)) {
		out->mr_wait = 1;
		out->mr_verdict = cand[0].c_verdict;
		free(cand);
		return;
	}
	if (ncand > 1 && rule_rank(cand[1].c_verdict.sv_rule) ==
	    rule_rank(cand[0].c_verdict.sv_rule) &&
	    cand[0].c_verdict.sv_score - cand[1].c_verdict.sv_score <
	    sp->sp_ambiguity &&
	    cand[1].c_verdict.sv_place >= cand[0].c_verdict.sv_place &&
	    !dedup_clusters_compatible(&clusters[cand[0].c_index],
	    &clusters[cand[1].c_index], sp)) {
		out->mr_ambiguous = 1;
		out->mr_verdict = cand[0].c_verdict;
		free(cand);
		return;
	}
	chosen = xcalloc(ncand, sizeof(*chosen));
	chosen[0] = cand[0].c_index;
	nchosen = 1;
	for (i = 1; i < ncand; i++) {
		ok = 1;
		for (j = 0; j < nchosen && ok; j++)
			ok = dedup_clusters_compatible(&clusters[chosen[j]],
			    &clusters[cand[i].c_index], sp);
		if (ok)
			chosen[nchosen++] = cand[i].c_index;
	}
	survivor = 0;
	for (i = 1; i < nchosen; i++)
		if (older(&clusters[chosen[i]], &clusters[chosen[survivor]]))
			survivor = (int)i;
	out->mr_join = chosen[survivor];
	out->mr_cluster = cand[0].c_index;
	out->mr_member = cand[0].c_member;
	out->mr_verdict = cand[0].c_verdict;
	if (nchosen > 1) {
		out->mr_merged = xcalloc(nchosen - 1, sizeof(*out->mr_merged));
		for (i = 0; i < nchosen; i++)
			if ((int)i != survivor)
				out->mr_merged[out->mr_nmerged++] = chosen[i];
	}
	free(chosen);
	free(cand);
}

void
match_result_free(struct match_result *mr)
{
	if (mr == NULL)
		return;
	free(mr->mr_merged);
	mr->mr_merged = NULL;
	mr->mr_nmerged = 0;
}
