/*
 * dedup_eval.c — pairwise precision and recall of deduplication on the
 * labeled set (the .jsonl files of tests/data/dedup/, README.md there),
 * and the tuning of the similarity parameters on its tune part.
 *
 *   dedup_eval [-cdtv] [-p PART] [-s STOREDIR] FILE...
 *
 * Each record is read into a posting and normalized as the poller does
 * (normalize_posting() with the record's "region" — 232106 when it has
 * none —, its "source_area" and the municipality table of
 * $TSUNAGU_SHARED_DATA/localgovjp), then the records of a part arrive
 * source by source — one fetch each, in every order of the part's
 * sources — and dedup_match() puts each into a cluster as the store
 * would.  A pair of records is predicted as one event when they end in one
 * cluster, and is one when they carry the same label.  Precision and
 * recall count every pair of the part and are the worst over the orders
 * (of each file's sources: records of two files never meet).
 *
 *   -t   tune: search the parameter grid on the tune part for the most
 *        recall at precision TUNE_PRECISION, then the widest band that
 *        gives it, and print the chosen parameters (sim_default_params
 *        must hold them: -c checks that too).
 *   -c   check: exit 1 unless the held-out part reaches the regression
 *        floors (FLOOR_PRECISION, FLOOR_RECALL: its figures when it was
 *        measured once) with sim_default_params, and print how far it is
 *        from issue 4's targets (precision 0.99, recall 0.95); with -t,
 *        also unless the tuning chose sim_default_params.
 *   -s   also run the held-out and tune records through the real store
 *        (store_record_fetch(), one fetch per source, in a database in
 *        STOREDIR) and check that it clusters them as dedup_match() does.
 *   -p   report on one part only (tune or held): what tuning may read.
 *   -v   print every wrong pair of the order of the worst precision, with
 *        its verdict.
 *   -d   print every pair of records of one block (same day, URL or
 *        origin) with its verdict, score, title and place similarity.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "area_table.h"
#include "date.h"
#include "dedup_key.h"
#include "dedup_match.h"
#include "normalize.h"
#include "posting.h"
#include "similarity.h"
#include "xmalloc.h"

#include "dedup_eval.h"

static int	related(const struct eval_rec *, const struct eval_rec *);
static int	check_held(const struct eval_score *);

/* What issue 4 asks of the held-out part. */
#define TARGET_PRECISION	0.99
#define TARGET_RECALL		0.95
/*
 * What -c enforces: issue 4's targets themselves.  The held-out part
 * (野田) reached them when it was measured once — precision 1.0000,
 * recall 0.9780 —, so the test fails below them.  Never lower them to
 * pass: a matcher that falls below is a regression.
 */
#define FLOOR_PRECISION		TARGET_PRECISION
#define FLOOR_RECALL		TARGET_RECALL
#define MAX_SOURCES		EVAL_MAX_SOURCES
#define MAX_PART_SOURCES	8	/* in a part: 8! orders at most */
#define REGION			"232106"	/* when a record names none */

/* --- reading the labeled set -------------------------------------------- */

static const char *
str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static struct posting *
posting_of(json_t *o, const struct area_table *areas)
{
	struct normalize_ctx ctx = { .nc_areas = areas };
	struct posting *p = posting_new();
	const char *s;
	char *html;
	int64_t t;

	/* The instance's region and the source's area, as configured. */
	ctx.nc_region = (s = str_of(o, "region")) != NULL ? s : REGION;
	ctx.nc_source_area = str_of(o, "source_area");

	posting_set(&p->pst_guid, str_of(o, "guid"));
	posting_set(&p->pst_link, str_of(o, "link"));
	posting_set(&p->pst_title, str_of(o, "title"));
	posting_set(&p->pst_summary, str_of(o, "summary"));
	if ((s = str_of(o, "summary")) != NULL) {
		xasprintf(&html, "<p>%s</p>", s);
		p->pst_content_html = html;
	}
	posting_set(&p->pst_start, str_of(o, "start"));
	posting_set(&p->pst_end, str_of(o, "end"));
	p->pst_all_day = p->pst_start != NULL && strlen(p->pst_start) == 10;
	posting_set(&p->pst_place, str_of(o, "place"));
	posting_set(&p->pst_address, str_of(o, "address"));
	posting_set(&p->pst_area, str_of(o, "area"));
	posting_set(&p->pst_kind, str_of(o, "kind"));
	posting_set(&p->pst_origin_instance, str_of(o, "origin_instance"));
	posting_set(&p->pst_origin_id, str_of(o, "origin_id"));
	if ((s = str_of(o, "published")) != NULL &&
	    date_parse_rfc3339(s, &t) == 0)
		p->pst_published = t;
	normalize_posting(p, &ctx);
	return p;
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * A source never posts two items that nothing tells apart: two records
 * of one source with the same keys and different labels would ask the
 * impossible of any matcher, so the set is refused.
 */
static int
check_distinguishable(const struct eval_set *set)
{
	const struct dedup_keys *x, *y;
	const struct eval_rec *a, *b;
	size_t i, j;

	for (i = 0; i < set->es_n; i++)
		for (j = i + 1; j < set->es_n; j++) {
			a = &set->es_recs[i];
			b = &set->es_recs[j];
			x = &a->er_keys;
			y = &b->er_keys;
			if (strcmp(a->er_source, b->er_source) != 0 ||
			    strcmp(a->er_event, b->er_event) == 0 ||
			    !same_str(x->dk_title, y->dk_title) ||
			    !same_str(x->dk_place, y->dk_place) ||
			    !same_str(x->dk_address, y->dk_address) ||
			    !same_str(x->dk_area, y->dk_area) ||
			    x->dk_when.dw_day != y->dk_when.dw_day ||
			    x->dk_when.dw_minute != y->dk_when.dw_minute ||
			    x->dk_when.dw_end_day != y->dk_when.dw_end_day ||
			    x->dk_when.dw_end_minute != y->dk_when.dw_end_minute)
				continue;
			fprintf(stderr, "records of %s %s and %s cannot be told "
			    "apart: give them their times or places\n",
			    a->er_source, a->er_event, b->er_event);
			return -1;
		}
	return 0;
}

/*
 * As the store does per fetch (dedup.c): a link a source gives to several
 * different records is a listing page and names none of them.
 */
static void
forget_listing_pages(struct eval_set *set)
{
	struct eval_rec *a, *b;
	char *ka, *kb;
	size_t i, j;
	int *listing = xcalloc(set->es_n + 1, sizeof(*listing));

	for (i = 0; i < set->es_n; i++)
		for (j = i + 1; j < set->es_n; j++) {
			a = &set->es_recs[i];
			b = &set->es_recs[j];
			if (a->er_keys.dk_url == NULL ||
			    b->er_keys.dk_url == NULL ||
			    strcmp(a->er_source, b->er_source) != 0 ||
			    strcmp(a->er_keys.dk_url, b->er_keys.dk_url) != 0)
				continue;
			ka = dedup_content_key(a->er_posting);
			kb = dedup_content_key(b->er_posting);
			if (strcmp(ka, kb) != 0)
				listing[i] = listing[j] = 1;
			free(ka);
			free(kb);
		}
	for (i = 0; i < set->es_n; i++)
		if (listing[i]) {
			free(set->es_recs[i].er_keys.dk_url);
			set->es_recs[i].er_keys.dk_url = NULL;
		}
	free(listing);
}

/* The records of one file, appended to set. */
static int
load_file(const char *path, int file, const struct area_table *areas,
    struct eval_set *set)
{
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;
	json_error_t jerr;
	struct eval_rec *r;
	FILE *f;
	json_t *o;
	int lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if ((o = json_loadb(line, (size_t)len, 0, &jerr)) == NULL) {
			fprintf(stderr, "%s:%d: %s\n", path, lineno, jerr.text);
			goto fail;
		}
		set->es_recs = xreallocarray(set->es_recs, set->es_n + 1,
		    sizeof(*set->es_recs));
		r = &set->es_recs[set->es_n++];
		memset(r, 0, sizeof(*r));
		r->er_event = xstrdup_opt(str_of(o, "event"));
		r->er_split = xstrdup_opt(str_of(o, "split"));
		r->er_source = xstrdup_opt(str_of(o, "source"));
		r->er_kind = xstrdup_opt(str_of(o, "kind"));
		r->er_hard = xstrdup_opt(str_of(o, "hard"));
		r->er_variant = xstrdup_opt(str_of(o, "variant"));
		r->er_file = file;
		r->er_posting = posting_of(o, areas);
		json_decref(o);
		if (r->er_event == NULL || r->er_split == NULL ||
		    r->er_source == NULL || r->er_kind == NULL) {
			fprintf(stderr, "%s:%d: event, split, source and kind "
			    "are required\n", path, lineno);
			goto fail;
		}
		r->er_key = posting_entry_key(r->er_posting);
		dedup_keys_of(r->er_posting, &r->er_keys);
		for (i = 0; i < set->es_nsources; i++)
			if (strcmp(set->es_sources[i], r->er_source) == 0)
				break;
		if (i == set->es_nsources) {
			if (i == MAX_SOURCES) {
				fprintf(stderr, "%s:%d: too many sources\n",
				    path, lineno);
				goto fail;
			}
			set->es_sources[set->es_nsources++] =
			    xstrdup(r->er_source);
		}
		r->er_src = (int)i;
	}
	free(line);
	fclose(f);
	return 0;
 fail:
	free(line);
	fclose(f);
	return -1;
}

int
eval_load(char *const paths[], size_t npaths, struct eval_set *set)
{
	const char *shared = getenv("TSUNAGU_SHARED_DATA");
	struct area_table *areas;
	struct eval_rec *r;
	char tpath[4096], err[512];
	size_t i;

	memset(set, 0, sizeof(*set));
	snprintf(tpath, sizeof(tpath), "%s/localgovjp/localgovjp-utf8.csv",
	    shared ? shared : "../shared/data");
	if ((areas = area_table_load(tpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	set->es_nfiles = npaths;
	for (i = 0; i < npaths; i++)
		if (load_file(paths[i], (int)i, areas, set) == -1) {
			area_table_free(areas);
			eval_free(set);
			return -1;
		}
	area_table_free(areas);
	forget_listing_pages(set);
	if (check_distinguishable(set) == -1) {
		eval_free(set);
		return -1;
	}
	for (i = 0; i < set->es_n; i++) {
		r = &set->es_recs[i];
		sim_record_of(&r->er_keys, r->er_source, &r->er_sim);
		sim_grams_of(r->er_keys.dk_title, &r->er_grams);
		r->er_sim.sr_title_grams = &r->er_grams;
	}
	/* The blocks, once: tuning clusters the set thousands of times. */
	for (i = 0; i < set->es_n; i++) {
		size_t j;

		r = &set->es_recs[i];
		r->er_block = xcalloc(set->es_n, sizeof(*r->er_block));
		for (j = 0; j < set->es_n; j++)
			if (j != i && related(r, &set->es_recs[j]))
				r->er_block[r->er_nblock++] = (int)j;
	}
	return 0;
}

void
eval_free(struct eval_set *set)
{
	size_t i;

	for (i = 0; i < set->es_n; i++) {
		struct eval_rec *r = &set->es_recs[i];

		free(r->er_event);
		free(r->er_split);
		free(r->er_source);
		free(r->er_kind);
		free(r->er_hard);
		free(r->er_variant);
		free(r->er_key);
		dedup_keys_clear(&r->er_keys);
		sim_grams_free(&r->er_grams);
		posting_free(r->er_posting);
		free(r->er_block);
	}
	free(set->es_recs);
	for (i = 0; i < set->es_nsources; i++)
		free(set->es_sources[i]);
	memset(set, 0, sizeof(*set));
}

/* --- clustering as the store does it ------------------------------------ */

int
eval_in_scope(const struct eval_rec *r, const char *part, int file)
{
	return (part == NULL || strcmp(r->er_split, part) == 0) &&
	    (file < 0 || r->er_file == file);
}

struct cluster {
	int	*c_members;
	size_t	 c_n;
	int64_t	 c_first_seen;
	char	 c_id[24];
	int	 c_alive;
};

/* Records of one block: the same day, URL or origin. */
static int
related(const struct eval_rec *a, const struct eval_rec *b)
{
	const struct sim_record *x = &a->er_sim, *y = &b->er_sim;

	if (x->sr_when.dw_day != DEDUP_NO_DAY &&
	    x->sr_when.dw_day == y->sr_when.dw_day)
		return 1;
	if (x->sr_url != NULL && y->sr_url != NULL &&
	    strcmp(x->sr_url, y->sr_url) == 0)
		return 1;
	return x->sr_origin != NULL && y->sr_origin != NULL &&
	    strcmp(x->sr_origin, y->sr_origin) == 0;
}

static void
cluster_add(struct cluster *c, int rec)
{
	c->c_members = xreallocarray(c->c_members, c->c_n + 1,
	    sizeof(*c->c_members));
	c->c_members[c->c_n++] = rec;
}

struct run {
	const struct eval_set		*ru_set;
	const struct sim_params		*ru_sp;
	struct cluster			*ru_cl;
	size_t				 ru_ncl;
	struct match_cluster		*ru_mc;
	const struct sim_record		**ru_members;
	int				*ru_cand_of;
	int				*ru_cands;
	int				*ru_of;
	/* The records of the fetch being placed (their rivals). */
	const int			*ru_pending;
	size_t				 ru_npending;
	const struct sim_record		**ru_rivals;
};

/*
 * Record i against the clusters so far.  1 when it is ambiguous or a rival goes first, and
 * `defer` (left for later in the fetch), else it is placed.
 */
static int
place(struct run *ru, size_t i, int64_t when, int defer)
{
	const struct eval_set *set = ru->ru_set;
	const struct eval_rec *r = &set->es_recs[i];
	struct match_result mr;
	size_t j, k, m, ncand = 0, nmem = 0, nrivals;
	char hex[65], buf[512];
	int target, *of = ru->ru_of;

	/* The candidate clusters: those of related records. */
	for (k = 0; k < r->er_nblock; k++) {
		j = (size_t)r->er_block[k];
		if (of[j] < 0 || ru->ru_cand_of[of[j]] >= 0)
			continue;
		ru->ru_cand_of[of[j]] = (int)ncand;
		ru->ru_cands[ncand++] = of[j];
	}
	for (k = 0; k < ncand; k++) {
		struct cluster *c = &ru->ru_cl[ru->ru_cands[k]];

		ru->ru_mc[k].mc_id = c->c_id;
		ru->ru_mc[k].mc_first_seen = c->c_first_seen;
		ru->ru_mc[k].mc_members = &ru->ru_members[nmem];
		ru->ru_mc[k].mc_n = c->c_n;
		for (m = 0; m < c->c_n; m++)
			ru->ru_members[nmem++] =
			    &set->es_recs[c->c_members[m]].er_sim;
	}
	/* The records of the fetch not yet placed, of the same day. */
	nrivals = 0;
	for (k = 0; defer && k < ru->ru_npending; k++) {
		j = (size_t)ru->ru_pending[k];
		if (j != i && of[j] < 0 && set->es_recs[j].er_sim.sr_when.dw_day
		    == r->er_sim.sr_when.dw_day)
			ru->ru_rivals[nrivals++] = &set->es_recs[j].er_sim;
	}
	dedup_match_rivals(&r->er_sim, ru->ru_mc, ncand, ru->ru_rivals,
	    nrivals, ru->ru_sp, &mr);
	for (k = 0; k < ncand; k++)
		ru->ru_cand_of[ru->ru_cands[k]] = -1;
	if ((mr.mr_ambiguous || mr.mr_wait) && defer) {
		match_result_free(&mr);
		return 1;
	}
	if (mr.mr_join < 0) {
		target = (int)ru->ru_ncl++;
		ru->ru_cl[target].c_alive = 1;
		ru->ru_cl[target].c_first_seen = when;
		snprintf(buf, sizeof(buf), "%s%c%s", r->er_source, 0,
		    r->er_key);
		posting_sha256_hex(buf, strlen(r->er_source) + 1 +
		    strlen(r->er_key), hex);
		snprintf(ru->ru_cl[target].c_id, sizeof(ru->ru_cl[target].c_id),
		    "p%.20s", hex);
	} else
		target = ru->ru_cands[mr.mr_join];
	cluster_add(&ru->ru_cl[target], (int)i);
	of[i] = target;
	for (k = 0; k < mr.mr_nmerged; k++) {
		struct cluster *lo = &ru->ru_cl[ru->ru_cands[mr.mr_merged[k]]];

		for (m = 0; m < lo->c_n; m++) {
			cluster_add(&ru->ru_cl[target], lo->c_members[m]);
			of[lo->c_members[m]] = target;
		}
		lo->c_n = 0;
		lo->c_alive = 0;
	}
	match_result_free(&mr);
	return 0;
}

/*
 * Clusters the records whose part is `part` (NULL: all), arriving one
 * source after the other in `order` (one fetch each, as the store gets
 * them: a record that is ambiguous waits until the others of its fetch
 * are placed); of[i] is record i's cluster.
 */
void
eval_cluster(const struct eval_set *set, const char *part, int file,
    const int *order, size_t norder, const struct sim_params *sp, int *of)
{
	struct run ru = { .ru_set = set, .ru_sp = sp, .ru_of = of };
	size_t s, i, n, npending, last;
	int *pending = xcalloc(set->es_n, sizeof(*pending));

	ru.ru_cl = xcalloc(set->es_n, sizeof(*ru.ru_cl));
	ru.ru_mc = xcalloc(set->es_n, sizeof(*ru.ru_mc));
	ru.ru_members = xcalloc(set->es_n, sizeof(*ru.ru_members));
	ru.ru_cand_of = xcalloc(set->es_n, sizeof(*ru.ru_cand_of));
	ru.ru_cands = xcalloc(set->es_n, sizeof(*ru.ru_cands));
	ru.ru_rivals = xcalloc(set->es_n, sizeof(*ru.ru_rivals));
	ru.ru_pending = pending;
	for (i = 0; i < set->es_n; i++) {
		of[i] = -1;
		ru.ru_cand_of[i] = -1;
	}
	for (s = 0; s < norder; s++) {
		npending = 0;
		for (i = 0; i < set->es_n; i++)
			if (set->es_recs[i].er_src == order[s] &&
			    eval_in_scope(&set->es_recs[i], part, file))
				pending[npending++] = (int)i;
		/* Passes while some record of the fetch finds its place. */
		do {
			last = npending;
			ru.ru_npending = npending;
			for (i = n = 0; i < npending; i++)
				if (place(&ru, (size_t)pending[i], (int64_t)s,
				    1))
					pending[n++] = pending[i];
			npending = n;
		} while (npending > 0 && npending < last);
		for (i = 0; i < npending; i++)
			place(&ru, (size_t)pending[i], (int64_t)s, 0);
	}
	for (i = 0; i < ru.ru_ncl; i++)
		free(ru.ru_cl[i].c_members);
	free(ru.ru_cl);
	free(ru.ru_mc);
	free(ru.ru_members);
	free(ru.ru_cand_of);
	free(ru.ru_cands);
	free(ru.ru_rivals);
	free(pending);
}

/* --- pairwise precision and recall --------------------------------------- */

void
eval_score(const struct eval_set *set, const char *part, int file,
    const int *of, struct eval_score *sc, int verbose,
    const struct sim_params *sp)
{
	const struct eval_rec *a, *b;
	struct sim_verdict v;
	size_t i, j;
	int same, pred;

	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < set->es_n; i++) {
		a = &set->es_recs[i];
		if (!eval_in_scope(a, part, file))
			continue;
		sc->sc_records++;
		if (a->er_hard != NULL)
			sc->sc_hard++;
		for (j = i + 1; j < set->es_n; j++) {
			b = &set->es_recs[j];
			if (!eval_in_scope(b, part, file))
				continue;
			same = strcmp(a->er_event, b->er_event) == 0;
			pred = of[i] >= 0 && of[i] == of[j];
			sc->sc_true += same;
			sc->sc_pred += pred;
			sc->sc_both += same && pred;
			if (!same && a->er_hard != NULL && b->er_hard != NULL &&
			    strcmp(a->er_hard, b->er_hard) == 0) {
				sc->sc_hard_pairs++;
				sc->sc_hard_merged += pred;
			}
			if (verbose && same != pred) {
				sim_compare(&a->er_sim, &b->er_sim, sp, &v);
				printf("  %s %s/%s [%s] %s | %s/%s [%s] %s: %s "
				    "%.3f (title %.3f, place %.3f; %s)\n", same ?
				    "MISSED" : "WRONG", a->er_event,
				    a->er_source, a->er_posting->pst_start ?
				    a->er_posting->pst_start : "-",
				    a->er_posting->pst_title, b->er_event,
				    b->er_source, b->er_posting->pst_start ?
				    b->er_posting->pst_start : "-",
				    b->er_posting->pst_title,
				    sim_rule_name(v.sv_rule), v.sv_score,
				    v.sv_title, v.sv_place, v.sv_why);
			}
		}
	}
	sc->sc_precision = sc->sc_pred ? (double)sc->sc_both / sc->sc_pred : 1;
	sc->sc_recall = sc->sc_true ? (double)sc->sc_both / sc->sc_true : 1;
}

/* Every order of the sources (n! of them, n ≤ 8), one after the other. */
static int
next_order(int *a, size_t n)
{
	size_t i, j;
	int t;

	if (n < 2)
		return 0;
	for (i = n - 1; i > 0 && a[i - 1] >= a[i]; i--)
		;
	if (i == 0)
		return 0;
	for (j = n - 1; a[j] <= a[i - 1]; j--)
		;
	t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	for (j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return 1;
}

/* The sources that have records in the part and file, in set order; -1
 * when there are too many to try every order of. */
static int
part_sources(const struct eval_set *set, const char *part, int file,
    int *out, size_t *n)
{
	size_t s, i;

	*n = 0;
	for (s = 0; s < set->es_nsources; s++) {
		for (i = 0; i < set->es_n; i++)
			if (set->es_recs[i].er_src == (int)s &&
			    eval_in_scope(&set->es_recs[i], part, file))
				break;
		if (i == set->es_n)
			continue;
		if (*n == MAX_PART_SOURCES) {
			fprintf(stderr, "more than %d sources in part %s of "
			    "file %d\n", MAX_PART_SOURCES, part ? part : "(all)",
			    file + 1);
			return -1;
		}
		out[(*n)++] = (int)s;
	}
	return 0;
}

/* The worst of one file's records of the part over the orders of its
 * sources (all, or the first and its reverse when quick), added to *sum. */
static int
worst_of_file(const struct eval_set *set, const char *part, int file,
    const struct sim_params *sp, int quick, struct eval_score *sum,
    size_t *norders, int *worst_order)
{
	int order[MAX_PART_SOURCES], first[MAX_PART_SOURCES], *of;
	int by_source[MAX_PART_SOURCES];
	struct eval_score sc, worst;
	size_t i, n, runs = 0;
	int more = 1;

	if (part_sources(set, part, file, first, &n) == -1)
		return -1;
	if (n == 0)
		return 0;
	memset(&worst, 0, sizeof(worst));
	/* next_order() permutes indices into first[]. */
	for (i = 0; i < n; i++)
		order[i] = (int)i;
	of = xcalloc(set->es_n, sizeof(*of));
	while (more) {
		for (i = 0; i < n; i++)
			by_source[i] = first[order[i]];
		eval_cluster(set, part, file, by_source, n, sp, of);
		eval_score(set, part, file, of, &sc, 0, sp);
		/* The fewest right pairs among the predicted, the most
		 * predicted: the lowest precision. */
		if (runs == 0 || sc.sc_precision < worst.sc_precision) {
			worst.sc_precision = sc.sc_precision;
			worst.sc_pred = sc.sc_pred;
			worst.sc_pred_right = sc.sc_both;
			if (worst_order != NULL)
				memcpy(worst_order, by_source,
				    n * sizeof(*by_source));
		}
		if (runs == 0 || sc.sc_recall < worst.sc_recall) {
			worst.sc_recall = sc.sc_recall;
			worst.sc_both = sc.sc_both;
		}
		if (runs == 0 || sc.sc_hard_merged > worst.sc_hard_merged)
			worst.sc_hard_merged = sc.sc_hard_merged;
		worst.sc_true = sc.sc_true;
		worst.sc_records = sc.sc_records;
		worst.sc_hard = sc.sc_hard;
		worst.sc_hard_pairs = sc.sc_hard_pairs;
		runs++;
		if (quick) {
			if (runs == 2)
				break;
			for (i = 0; i < n; i++)
				order[i] = (int)(n - 1 - i);
			continue;
		}
		more = next_order(order, n);
	}
	free(of);
	sum->sc_pred += worst.sc_pred;
	sum->sc_pred_right += worst.sc_pred_right;
	sum->sc_both += worst.sc_both;
	sum->sc_true += worst.sc_true;
	sum->sc_hard_merged += worst.sc_hard_merged;
	sum->sc_records += worst.sc_records;
	sum->sc_hard += worst.sc_hard;
	sum->sc_hard_pairs += worst.sc_hard_pairs;
	*norders += runs;
	return 0;
}

/*
 * The worst precision and recall of the part over the orders of its
 * sources.  Records of different files never meet (each file is one
 * region and one year), so each file's sources are ordered on their own
 * and the worst counts of each are added up.
 */
int
eval_worst(const struct eval_set *set, const char *part,
    const struct sim_params *sp, int quick, struct eval_score *worst,
    size_t *norders)
{
	size_t f;

	memset(worst, 0, sizeof(*worst));
	*norders = 0;
	for (f = 0; f < set->es_nfiles; f++)
		if (worst_of_file(set, part, (int)f, sp, quick, worst,
		    norders, NULL) == -1)
			return -1;
	worst->sc_precision = worst->sc_pred ?
	    (double)worst->sc_pred_right / worst->sc_pred : 1;
	worst->sc_recall = worst->sc_true ?
	    (double)worst->sc_both / worst->sc_true : 1;
	return 0;
}

/* --- tuning ------------------------------------------------------------- */

static const double grid_threshold[] = { 0.30, 0.35, 0.40, 0.45, 0.50,
    0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.0 };
static const double grid_place_weight[] = { 0.0, 0.15, 0.30, 0.45 };
static const double grid_overlap[] = { 0.80, 0.90, 1.0 };
static const double grid_lcs[] = { 0.0, 0.90, 1.0 };
static const double grid_place_min[] = { 0.30, 0.50 };
static const double grid_bonus[] = { 0.0, 0.05, 0.10 };
static const int grid_tolerance[] = { 0, 15, 30 };
static const double grid_relief[] = { 0.0, 0.05, 0.10, 0.15, 0.20 };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The precision a setting must reach on the tune part: issue 4's 0.99 and
 * a margin.  (It was 1 until the 葛飾 part joined the tune part: one of
 * its events, carried only by sources that name its gym, looks like
 * another's row that names only an address in another town — nothing in
 * the records tells them apart.)
 */
#define TUNE_PRECISION	0.995

/*
 * For each setting of the other parameters, the band of thresholds that
 * reaches TUNE_PRECISION with the best recall on the tune part; the chosen
 * setting has the best recall, then the widest band, and its threshold is
 * the middle of the band.  Ties go to the first in grid order.
 */
static void
tune(const struct eval_set *set, struct sim_params *best)
{
	struct sim_params sp = sim_default_params;
	struct eval_score sc;
	double best_recall = -1, recall, band_recall;
	size_t a, b, c, d, e, f, g, t, norders, lo, hi, best_width = 0;

	for (a = 0; a < NELEM(grid_place_weight); a++)
	for (b = 0; b < NELEM(grid_overlap); b++)
	for (f = 0; f < NELEM(grid_lcs); f++)
	for (c = 0; c < NELEM(grid_place_min); c++)
	for (d = 0; d < NELEM(grid_bonus); d++)
	for (e = 0; e < NELEM(grid_tolerance); e++)
	for (g = 0; g < NELEM(grid_relief); g++) {
		sp.sp_place_relief = grid_relief[g];
		sp.sp_place_weight = grid_place_weight[a];
		sp.sp_overlap_weight = grid_overlap[b];
		sp.sp_lcs_weight = grid_lcs[f];
		sp.sp_place_min = grid_place_min[c];
		sp.sp_time_bonus = grid_bonus[d];
		sp.sp_time_tolerance = grid_tolerance[e];
		/* The widest run of thresholds at the best recall here. */
		band_recall = -1;
		lo = hi = 0;
		for (t = 0; t < NELEM(grid_threshold); t++) {
			size_t start = t;

			sp.sp_threshold = grid_threshold[t];
			if (eval_worst(set, "tune", &sp, 1, &sc,
			    &norders) == -1)
				return;
			if (sc.sc_precision < TUNE_PRECISION)
				continue;
			recall = sc.sc_recall;
			if (recall > band_recall + 1e-9) {
				band_recall = recall;
				lo = hi = start;
			} else if (fabs(recall - band_recall) < 1e-9 &&
			    hi + 1 == start)
				hi = start;
		}
		if (band_recall < 0)
			continue;
		if (band_recall > best_recall + 1e-9 ||
		    (fabs(band_recall - best_recall) < 1e-9 &&
		    hi - lo + 1 > best_width)) {
			best_recall = band_recall;
			best_width = hi - lo + 1;
			*best = sp;
			best->sp_threshold = grid_threshold[(lo + hi) / 2];
		}
	}
}

static void
print_params(const char *label, const struct sim_params *sp)
{
	printf("%s: threshold %.3f, place_weight %.2f, overlap_weight %.2f, "
	    "lcs_weight %.2f, place_min %.2f, time_bonus %.2f, "
	    "time_tolerance %d min, place_relief %.2f\n", label,
	    sp->sp_threshold, sp->sp_place_weight, sp->sp_overlap_weight,
	    sp->sp_lcs_weight, sp->sp_place_min, sp->sp_time_bonus,
	    sp->sp_time_tolerance, sp->sp_place_relief);
}

static int
same_params(const struct sim_params *a, const struct sim_params *b)
{
	return fabs(a->sp_threshold - b->sp_threshold) < 1e-9 &&
	    fabs(a->sp_place_weight - b->sp_place_weight) < 1e-9 &&
	    fabs(a->sp_overlap_weight - b->sp_overlap_weight) < 1e-9 &&
	    fabs(a->sp_lcs_weight - b->sp_lcs_weight) < 1e-9 &&
	    fabs(a->sp_place_min - b->sp_place_min) < 1e-9 &&
	    fabs(a->sp_time_bonus - b->sp_time_bonus) < 1e-9 &&
	    fabs(a->sp_place_relief - b->sp_place_relief) < 1e-9 &&
	    a->sp_time_tolerance == b->sp_time_tolerance;
}

static int
report(const struct eval_set *set, const char *part,
    const struct sim_params *sp, int verbose, struct eval_score *out)
{
	int order[MAX_PART_SOURCES], *of;
	struct eval_score sc;
	size_t n, norders, f;

	if (eval_worst(set, part, sp, 0, out, &norders) == -1)
		return -1;
	printf("%-5s %3zu records (%zu in hard-negative groups), %zu true "
	    "pairs, %zu hard-negative pairs: precision %.4f, recall %.4f "
	    "(worst of %zu source orders; hard-negative pairs merged: %zu)\n",
	    part, out->sc_records, out->sc_hard, out->sc_true,
	    out->sc_hard_pairs, out->sc_precision, out->sc_recall, norders,
	    out->sc_hard_merged);
	if (!verbose)
		return 0;
	/* The wrong pairs of each file's order of the worst precision. */
	of = xcalloc(set->es_n, sizeof(*of));
	for (f = 0; f < set->es_nfiles; f++) {
		struct eval_score ignored;
		size_t runs = 0;

		memset(&ignored, 0, sizeof(ignored));
		if (part_sources(set, part, (int)f, order, &n) == -1 ||
		    n == 0 || worst_of_file(set, part, (int)f, sp, 0,
		    &ignored, &runs, order) == -1)
			continue;
		eval_cluster(set, part, (int)f, order, n, sp, of);
		eval_score(set, part, (int)f, of, &sc, 1, sp);
	}
	free(of);
	return 0;
}

/* Every pair of one block, with its features: what tuning looks at. */
static void
dump_pairs(const struct eval_set *set, const char *part,
    const struct sim_params *sp)
{
	const struct eval_rec *a, *b;
	struct sim_verdict v;
	size_t i, j;

	for (i = 0; i < set->es_n; i++)
		for (j = i + 1; j < set->es_n; j++) {
			a = &set->es_recs[i];
			b = &set->es_recs[j];
			if (strcmp(a->er_split, b->er_split) != 0 ||
			    (part != NULL && strcmp(a->er_split, part) != 0) ||
			    !related(a, b))
				continue;
			sim_compare(&a->er_sim, &b->er_sim, sp, &v);
			printf("%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s|%s\t%s|%s"
			    "\t%s\n", a->er_split,
			    strcmp(a->er_event, b->er_event) == 0 ? "SAME" :
			    "diff", sim_rule_name(v.sv_rule), v.sv_score,
			    v.sv_title, v.sv_place,
			    a->er_keys.dk_title ? a->er_keys.dk_title : "-",
			    b->er_keys.dk_title ? b->er_keys.dk_title : "-",
			    a->er_event, b->er_event, v.sv_why);
		}
}

static void
usage(void)
{
	fprintf(stderr, "usage: dedup_eval [-cdtv] [-p part] [-s storedir] "
	    "file...\n");
	exit(2);
}

/* x (0..1) rounded down to two decimals, as the floors are. */
static double
down2(double x)
{
	return (double)(long)(x * 100 + 1e-9) / 100;
}

/*
 * -c on the held-out part: fail below the floors (a regression guard),
 * and say plainly how far the part is from what issue 4 asks.
 */
static int
check_held(const struct eval_score *held)
{
	int rc = 0;

	if (held->sc_precision < FLOOR_PRECISION ||
	    held->sc_recall < FLOOR_RECALL) {
		printf("held-out part below the regression floors (precision "
		    "%.2f, recall %.2f)\n", FLOOR_PRECISION, FLOOR_RECALL);
		rc = 1;
	}
	if (held->sc_precision < TARGET_PRECISION)
		printf("precision %.2f on held-out; issue 4 asks %.2f\n",
		    down2(held->sc_precision), TARGET_PRECISION);
	if (held->sc_recall < TARGET_RECALL)
		printf("recall %.2f on held-out; issue 4 asks %.2f\n",
		    down2(held->sc_recall), TARGET_RECALL);
	if (held->sc_precision >= TARGET_PRECISION &&
	    held->sc_recall >= TARGET_RECALL)
		printf("held-out part meets issue 4's targets (precision "
		    "%.2f, recall %.2f)\n", TARGET_PRECISION, TARGET_RECALL);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct eval_set set;
	struct eval_score held, tuned;
	struct sim_params best;
	const char *storedir = NULL, *only = NULL;
	int ch, check = 0, do_tune = 0, verbose = 0, dump = 0, rc = 0;

	while ((ch = getopt(argc, argv, "cdp:s:tv")) != -1) {
		switch (ch) {
		case 'p':
			only = optarg;
			break;
		case 'd':
			dump = 1;
			break;
		case 'c':
			check = 1;
			break;
		case 's':
			storedir = optarg;
			break;
		case 't':
			do_tune = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind == argc || (check && only != NULL))
		usage();
	if (eval_load(argv + optind, (size_t)(argc - optind), &set) == -1)
		return 2;
	if (dump) {
		dump_pairs(&set, only, &sim_default_params);
		eval_free(&set);
		return 0;
	}
	printf("%zu records from %zu sources\n", set.es_n, set.es_nsources);
	if (do_tune) {
		tune(&set, &best);
		print_params("tuned on the tune part", &best);
		if (!same_params(&best, &sim_default_params)) {
			print_params("sim_default_params", &sim_default_params);
			printf("the defaults are not what the tuning chose\n");
			if (check)
				rc = 1;
		}
	}
	print_params("parameters", &sim_default_params);
	if ((only == NULL || strcmp(only, "tune") == 0) && report(&set,
	    "tune", &sim_default_params, verbose, &tuned) == -1)
		rc = 1;
	if ((only == NULL || strcmp(only, "held") == 0) && report(&set,
	    "held", &sim_default_params, verbose, &held) == -1)
		rc = 1;
	if (check && rc == 0) {
		if (held.sc_records == 0) {
			printf("no held-out part\n");
			rc = 1;
		} else
			rc = check_held(&held);
	}
	if (storedir != NULL && eval_store(&set, storedir,
	    &sim_default_params) == -1)
		rc = 1;
	eval_free(&set);
	return rc;
}
