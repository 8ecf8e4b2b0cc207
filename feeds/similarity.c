/*
 * similarity.c — character bigram similarity of short Japanese text, and
 * the rules that tell two records of events apart (similarity.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "similarity.h"
#include "xmalloc.h"

/*
 * Tuned by tests/tools/dedup_eval.c -t on the tune part of
 * tests/data/dedup/ (see tests/data/dedup/README.md): the most recall at
 * a precision of 0.995 there, then the widest band of thresholds.  With
 * a place on both sides the score is 0.55 × title + 0.45 × place; a
 * place that is surely one (sv_place 1) lowers the threshold from 0.85
 * to 0.65, so that a title a source words its own way (子ども服の交換会
 * 受付ボランティア) still finds its event at its venue and hour.
 */
const struct sim_params sim_default_params = {
	.sp_threshold = 0.85,
	.sp_place_weight = 0.45,
	.sp_overlap_weight = 0.90,
	.sp_lcs_weight = 0.00,
	.sp_place_min = 0.30,
	.sp_place_relief = 0.20,
	.sp_time_bonus = 0.0,
	.sp_time_tolerance = 0,
	.sp_ambiguity = 0.05,
};

#define GRAMS_STACK	64
#define MARK_START	0x110001u	/* beyond Unicode */
#define MARK_END	0x110002u

/* The next code point of s (an invalid byte stands for itself). */
static uint32_t
next_cp(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	uint32_t c = s[0];
	int n, i;

	if (c < 0x80)
		n = 0;
	else if ((c & 0xE0) == 0xC0)
		n = 1, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		n = 2, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		n = 3, c &= 0x07;
	else {
		*sp = s + 1;
		return 0x120000u | s[0];
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*sp = s + 1;
			return 0x120000u | s[0];
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*sp = s + n + 1;
	return c;
}

static int
gram_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted, unique bigrams of s in *grams (stack or heap: *heap). */
static size_t
bigrams(const char *s, uint64_t *stack, uint64_t **grams)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cap = strlen(s) + 2, n = 0, i, u;
	uint64_t *g;
	uint32_t prev = MARK_START, c;

	g = cap <= GRAMS_STACK ? stack : xcalloc(cap, sizeof(*g));
	while (*p) {
		c = next_cp(&p);
		g[n++] = (uint64_t)prev << 32 | c;
		prev = c;
	}
	g[n++] = (uint64_t)prev << 32 | MARK_END;
	qsort(g, n, sizeof(*g), gram_cmp);
	for (i = 1, u = 1; i < n; i++)
		if (g[i] != g[u - 1])
			g[u++] = g[i];
	*grams = g;
	return u;
}

static size_t
common(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			n++;
			i++;
			j++;
		}
	}
	return n;
}

void
sim_grams_of(const char *s, struct sim_grams *g)
{
	uint64_t stack[GRAMS_STACK], *v;
	size_t n;

	if (s == NULL || *s == '\0') {
		g->sg_v = NULL;
		g->sg_n = 0;
		return;
	}
	n = bigrams(s, stack, &v);
	if (v == stack) {
		g->sg_v = xcalloc(n, sizeof(*v));
		memcpy(g->sg_v, stack, n * sizeof(*v));
	} else
		g->sg_v = v;
	g->sg_n = n;
}

void
sim_grams_free(struct sim_grams *g)
{
	free(g->sg_v);
	g->sg_v = NULL;
	g->sg_n = 0;
}

/*
 * Set sizes and the size of their intersection; 0 when either is empty.
 * ka, kb: the bigrams when the caller has them.
 */
static int
gram_counts(const char *a, const struct sim_grams *ka, const char *b,
    const struct sim_grams *kb, size_t *na, size_t *nb, size_t *nc)
{
	uint64_t sa[GRAMS_STACK], sb[GRAMS_STACK], *ga, *gb;

	if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return 0;
	if (ka != NULL) {
		ga = ka->sg_v;
		*na = ka->sg_n;
	} else
		*na = bigrams(a, sa, &ga);
	if (kb != NULL) {
		gb = kb->sg_v;
		*nb = kb->sg_n;
	} else
		*nb = bigrams(b, sb, &gb);
	*nc = common(ga, *na, gb, *nb);
	if (ka == NULL && ga != sa)
		free(ga);
	if (kb == NULL && gb != sb)
		free(gb);
	return 1;
}

double
sim_dice(const char *a, const char *b)
{
	size_t na, nb, nc;

	if (!gram_counts(a, NULL, b, NULL, &na, &nb, &nc))
		return 0;
	return 2.0 * (double)nc / (double)(na + nb);
}

double
sim_overlap(const char *a, const char *b)
{
	size_t na, nb, nc;

	if (!gram_counts(a, NULL, b, NULL, &na, &nb, &nc))
		return 0;
	return (double)nc / (double)(na < nb ? na : nb);
}

#define LCS_MAX		256	/* characters compared */

static size_t
code_points(const char *s, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p && n < max)
		out[n++] = next_cp(&p);
	return n;
}

double
sim_lcs(const char *a, const char *b)
{
	uint32_t ca[LCS_MAX], cb[LCS_MAX];
	uint16_t row[LCS_MAX + 1], diag, up;
	size_t na, nb, i, j;

	if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return 0;
	na = code_points(a, ca, LCS_MAX);
	nb = code_points(b, cb, LCS_MAX);
	memset(row, 0, sizeof(row));
	for (i = 0; i < na; i++) {
		diag = 0;
		for (j = 0; j < nb; j++) {
			up = row[j + 1];
			if (ca[i] == cb[j])
				row[j + 1] = (uint16_t)(diag + 1);
			else if (row[j] > row[j + 1])
				row[j + 1] = row[j];
			diag = up;
		}
	}
	return 2.0 * row[nb] / (double)(na + nb);
}

#define CONTAINED_MIN	4	/* characters of a title found whole */

static size_t
char_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* 1 when the shorter of two titles, CONTAINED_MIN characters or more, is
 * inside the longer. */
static int
contains_title(const char *a, const char *b)
{
	const char *shorter = strlen(a) <= strlen(b) ? a : b;
	const char *longer = shorter == a ? b : a;

	return char_count(shorter) >= CONTAINED_MIN &&
	    strstr(longer, shorter) != NULL;
}

static double
title_score(const char *a, const struct sim_grams *ga, const char *b,
    const struct sim_grams *gb, const struct sim_params *sp)
{
	size_t na, nb, nc;
	double dice, overlap;

	if (!gram_counts(a, ga, b, gb, &na, &nb, &nc))
		return 0;
	dice = 2.0 * (double)nc / (double)(na + nb);
	overlap = (double)nc / (double)(na < nb ? na : nb);
	/* One whole title inside the other: 鉄道探検隊 in 武蔵野プレイス鉄道
	 * 探検隊駅と鉄道ひみつみつけよう (the marks of its ends are not). */
	if (contains_title(a, b))
		overlap = 1;
	overlap *= sp->sp_overlap_weight;
	if (overlap > dice)
		dice = overlap;
	/* A common subsequence of two or three characters is chance (g1
	 * and g10): only titles of CONTAINED_MIN characters have one. */
	if (sp->sp_lcs_weight > 0 && char_count(a) >= CONTAINED_MIN &&
	    char_count(b) >= CONTAINED_MIN) {
		overlap = sp->sp_lcs_weight * sim_lcs(a, b);
		if (overlap > dice)
			dice = overlap;
	}
	return dice;
}

double
sim_title(const char *a, const char *b, const struct sim_params *sp)
{
	return title_score(a, NULL, b, NULL, sp);
}

/* Bytes of the longest common prefix, on character boundaries. */
static size_t
common_prefix(const char *a, const char *b)
{
	size_t n = 0, last = 0;

	while (a[n] != '\0' && a[n] == b[n]) {
		n++;
		if (((unsigned char)a[n] & 0xC0) != 0x80)
			last = n;
	}
	return last;
}

/* Bytes of the longest common suffix, on character boundaries. */
static size_t
common_suffix(const char *a, size_t la, const char *b, size_t lb)
{
	size_t n = 0, last = 0;

	while (n < la && n < lb && a[la - 1 - n] == b[lb - 1 - n]) {
		n++;
		if (((unsigned char)a[la - n] & 0xC0) != 0x80)
			last = n;
	}
	return last;
}

double
sim_place(const char *a, const char *b)
{
	const char *shorter, *longer;
	size_t la, lb, pre, suf;
	char *ra, *rb;
	double d;

	if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return 0;
	la = strlen(a);
	lb = strlen(b);
	shorter = la <= lb ? a : b;
	longer = shorter == a ? b : a;
	/* "総合文化センター" in "刈谷市総合文化センター小ホール". */
	if (strstr(longer, shorter) != NULL)
		return 1;
	/*
	 * What tells two places apart is what differs: 東刈谷 and 富士松 of
	 * two 市民センター, 中央 and 城町 of two 図書館.  The bigrams they
	 * share would make them look alike.
	 */
	pre = common_prefix(a, b);
	suf = common_suffix(a + pre, la - pre, b + pre, lb - pre);
	if (pre + suf >= la || pre + suf >= lb)
		return 1;
	/* One character apart inside a long name is a slip of the pen
	 * (狭山ヶ丘コミュ二ティーセンター, with a kanji 二); 第一会議室 and
	 * 第二会議室 share too short a head to be one. */
	if (pre >= 3 * 3 && suf >= 3 * 3 && la - pre - suf <= 4 &&
	    lb - pre - suf <= 4)
		return 1;
	ra = xstrndup(a + pre, la - pre - suf);
	rb = xstrndup(b + pre, lb - pre - suf);
	/* 刈谷市役所1階 and 市役所 of two 市民ホール: one place. */
	if (strstr(ra, rb) != NULL || strstr(rb, ra) != NULL)
		d = 1;
	else
		d = sim_dice(ra, rb);
	free(ra);
	free(rb);
	return d;
}

/* Words of a volunteer's task: a part that holds one says what the
 * record asks of its reader (コース誘導, 受付), not another subject. */
static const char *const task_words[] = {
	"受付", "誘導", "補助", "運営", "スタッフ", "整理", "案内", "設営",
	"撤収", "手伝", "支援", "係", "要員", "サポート", "清掃", "配膳",
	"準備", "片付", "警備", "見守",
};

static int
names_a_task(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(task_words) / sizeof(task_words[0]); i++)
		if (strstr(s, task_words[i]) != NULL)
			return 1;
	return 0;
}

/*
 * 1 when two titles are one heading with two different subjects after it:
 * 福祉実践教室 車いす体験 and 福祉実践教室 手話体験, ふれあいスポーツ成人
 * バドミントン and ふれあいスポーツジュニア卓球 — a shared head of two
 * characters or more, then parts of two characters or more with no bigram
 * in common, both naming a volunteer's task or neither (こだいら市民駅伝
 * 大会 and こだいら市民駅伝 コース誘導 are one event and a task at it).
 * Such titles are sessions of one programme, not one event written twice,
 * however alike the rest makes them.
 */
static int
contrasting_titles(const char *a, const char *b)
{
	size_t la, lb, pre, suf;
	char *ra, *rb;
	int contrast;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	pre = common_prefix(a, b);
	if (pre < 2 * 3 || pre >= la || pre >= lb)
		return 0;
	suf = common_suffix(a + pre, la - pre, b + pre, lb - pre);
	if (la - pre - suf < 2 * 3 || lb - pre - suf < 2 * 3)
		return 0;
	ra = xstrndup(a + pre, la - pre - suf);
	rb = xstrndup(b + pre, lb - pre - suf);
	/* 大会 and コース誘導: the event and a task at it.  駐車場誘導 and
	 * ごみ分別案内: two tasks, two postings. */
	contrast = sim_dice(ra, rb) == 0 &&
	    names_a_task(ra) == names_a_task(rb);
	free(ra);
	free(rb);
	return contrast;
}

/* A prefecture's code: "13", or its six digits "130001" (000 and the
 * check digit). */
static int
is_prefecture(const char *code, size_t len)
{
	return len == 2 || (len == 6 && strncmp(code + 2, "000", 3) == 0);
}

/* 232106 and 232106, or a prefecture and one of its municipalities. */
static int
same_area(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (is_prefecture(a, la) || is_prefecture(b, lb))
		return la >= 2 && lb >= 2 && strncmp(a, b, 2) == 0;
	return strncmp(a, b, la < lb ? la : lb) == 0;
}

/*
 * Two starts (struct dedup_when's dw_minute) can be one event's: equal
 * within the tolerance; a gathering time and a start up to
 * DEDUP_GATHER_WINDOW minutes after it; two gathering times within the
 * window of each other; or either unknown.
 */
static int
times_agree(int a, int b, int tolerance)
{
	int gap;

	if (a == -1 || b == -1)
		return 1;
	if (DEDUP_IS_GATHERING(a) && DEDUP_IS_GATHERING(b)) {
		gap = DEDUP_GATHER_MINUTE(a) - DEDUP_GATHER_MINUTE(b);
		return gap >= -DEDUP_GATHER_WINDOW && gap <= DEDUP_GATHER_WINDOW;
	}
	if (DEDUP_IS_GATHERING(a) || DEDUP_IS_GATHERING(b)) {
		if (DEDUP_IS_GATHERING(a))
			gap = b - DEDUP_GATHER_MINUTE(a);
		else
			gap = a - DEDUP_GATHER_MINUTE(b);
		return gap >= 0 && gap <= DEDUP_GATHER_WINDOW;
	}
	gap = a - b;
	if (gap < 0)
		gap = -gap;
	return gap <= tolerance;
}

/* 1 when the town of an address is in a place's name, -1 when unknown. */
static int
town_in_place(const char *address, const char *place)
{
	size_t town = dedup_address_town(address);

	if (town == 0 || memmem(place, strlen(place), address, town) == NULL)
		return -1;
	return 1;
}

/*
 * What the addresses say of two records: 0 two places (addresses in two
 * towns), 1 one place (one address, or the town of one in the other's
 * venue), -1 nothing (no address, or two in one town: 幸町2-1-3 and
 * 幸町2-1-4 may be one building written twice).
 */
static int
addresses_agree(const struct sim_record *a, const struct sim_record *b)
{
	size_t ta, tb;

	if (a->sr_address != NULL && b->sr_address != NULL) {
		if (strcmp(a->sr_address, b->sr_address) == 0)
			return 1;
		ta = dedup_address_town(a->sr_address);
		tb = dedup_address_town(b->sr_address);
		if (ta == 0 || tb == 0)
			return -1;
		/* 赤羽南 and 赤羽南一丁目 are one town. */
		return memcmp(a->sr_address, b->sr_address,
		    ta < tb ? ta : tb) == 0 ? -1 : 0;
	}
	if (a->sr_address != NULL && b->sr_place != NULL)
		return town_in_place(a->sr_address, b->sr_place);
	if (b->sr_address != NULL && a->sr_place != NULL)
		return town_in_place(b->sr_address, a->sr_place);
	return -1;
}

static void
verdict(struct sim_verdict *v, enum sim_rule rule, double score,
    const char *why)
{
	v->sv_rule = rule;
	v->sv_score = score;
	v->sv_why = why;
}

void
sim_compare(const struct sim_record *a, const struct sim_record *b,
    const struct sim_params *sp, struct sim_verdict *v)
{
	const struct dedup_when *wa = &a->sr_when, *wb = &b->sr_when;
	double score, threshold;
	int where;

	v->sv_title = 0;
	v->sv_place = -1;
	if (a->sr_source != NULL && b->sr_source != NULL &&
	    strcmp(a->sr_source, b->sr_source) == 0) {
		verdict(v, SIM_CONFLICT, 0, "records of one source are "
		    "two items by its own word");
		return;
	}
	if (a->sr_origin != NULL && b->sr_origin != NULL &&
	    strcmp(a->sr_origin, b->sr_origin) == 0) {
		verdict(v, SIM_ORIGIN, 1, "same federated origin");
		return;
	}
	if (wa->dw_day == DEDUP_NO_DAY || wb->dw_day == DEDUP_NO_DAY) {
		/* Without a date only a page of its own says it is one. */
		if (wa->dw_day == wb->dw_day && a->sr_url != NULL &&
		    b->sr_url != NULL && strcmp(a->sr_url, b->sr_url) == 0)
			verdict(v, SIM_URL, 1, "same page, neither dated");
		else
			verdict(v, SIM_NONE, 0, "not dated");
		return;
	}
	if (wa->dw_day != wb->dw_day) {
		verdict(v, SIM_CONFLICT, 0, "different days");
		return;
	}
	if (a->sr_area != NULL && b->sr_area != NULL &&
	    !same_area(a->sr_area, b->sr_area)) {
		verdict(v, SIM_CONFLICT, 0, "different municipalities");
		return;
	}
	if (!times_agree(wa->dw_minute, wb->dw_minute,
	    sp->sp_time_tolerance)) {
		verdict(v, SIM_CONFLICT, 0, "different start times");
		return;
	}
	if (wa->dw_end_day != DEDUP_NO_DAY && wb->dw_end_day != DEDUP_NO_DAY &&
	    wa->dw_end_day != wb->dw_end_day) {
		verdict(v, SIM_CONFLICT, 0, "different end days");
		return;
	}
	if (a->sr_place != NULL && b->sr_place != NULL) {
		v->sv_place = sim_place(a->sr_place, b->sr_place);
		if (v->sv_place < sp->sp_place_min) {
			verdict(v, SIM_CONFLICT, 0, "different places");
			return;
		}
	}
	if ((where = addresses_agree(a, b)) == 0) {
		verdict(v, SIM_CONFLICT, 0, "addresses in different towns");
		return;
	}
	if (where == 1)
		v->sv_place = 1;
	v->sv_title = title_score(a->sr_title, a->sr_title_grams,
	    b->sr_title, b->sr_title_grams, sp);
	/* A page in common, unless the titles have nothing in common: a
	 * list of events linked for each of them names none. */
	if (a->sr_url != NULL && b->sr_url != NULL &&
	    strcmp(a->sr_url, b->sr_url) == 0 && v->sv_title > 0) {
		verdict(v, SIM_URL, 1, "same page, same day");
		return;
	}
	score = v->sv_title;
	if (v->sv_place >= 0)
		score = (1 - sp->sp_place_weight) * score +
		    sp->sp_place_weight * v->sv_place;
	if (wa->dw_minute >= 0 && wb->dw_minute >= 0)
		score += sp->sp_time_bonus;
	if (score > 1)
		score = 1;
	threshold = sp->sp_threshold;
	if (v->sv_place >= 1 && !contrasting_titles(a->sr_title, b->sr_title))
		threshold -= sp->sp_place_relief;
	if (score >= threshold)
		verdict(v, SIM_SIMILAR, score, "similar title, place and time");
	else
		verdict(v, SIM_NONE, score, "not alike enough");
}

void
sim_record_of(const struct dedup_keys *k, const char *source,
    struct sim_record *out)
{
	out->sr_source = source;
	out->sr_title = k->dk_title;
	out->sr_title_grams = NULL;
	out->sr_place = k->dk_place;
	out->sr_address = k->dk_address;
	out->sr_area = k->dk_area;
	out->sr_url = k->dk_url;
	out->sr_origin = k->dk_origin;
	out->sr_when = k->dk_when;
}

const char *
sim_rule_name(enum sim_rule r)
{
	switch (r) {
	case SIM_SIMILAR:
		return "similar";
	case SIM_URL:
		return "url";
	case SIM_ORIGIN:
		return "origin";
	case SIM_CONFLICT:
		return "conflict";
	case SIM_NONE:
		break;
	}
	return "none";
}
