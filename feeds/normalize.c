/* normalize.c — the rules every posting goes through, in order. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "area_table.h"
#include "category.h"
#include "date.h"
#include "jdate.h"
#include "normalize.h"
#include "posting.h"
#include "sanitize.h"
#include "xmalloc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Replaces *field with value (owned), NULL when value is empty. */
static void
take(char **field, char *value)
{
	free(*field);
	if (value != NULL && *value == '\0') {
		free(value);
		value = NULL;
	}
	*field = value;
}

/* Whitespace runs (ASCII, U+00A0, U+3000) folded to one space, trimmed. */
static char *
fold_blanks(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t o = 0, n;
	int space = 0;

	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f' || *s == '\v')
			n = 1;
		else if (strncmp(s, "\xc2\xa0", 2) == 0)
			n = 2;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			n = 3;
		else
			n = 0;
		if (n > 0) {
			space = o > 0;
			s += n;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = *s++;
	}
	out[o] = '\0';
	return out;
}

/* --- 1. content ------------------------------------------------------------ */

/*
 * *lines: the content's text by lines (sanitize_lines()), NULL when there
 * is no content; the steps after read it instead of parsing it again.
 */
static void
norm_content(struct posting *p, const struct normalize_ctx *ctx,
    char **lines)
{
	const char *base = ctx->nc_base_url ? ctx->nc_base_url : p->pst_link;

	*lines = NULL;
	if (p->pst_content_html == NULL)
		return;
	take(&p->pst_content_html,
	    sanitize_html_lines(p->pst_content_html, base, lines));
	if (p->pst_content_html == NULL) {
		free(*lines);
		*lines = NULL;
	}
}

/* --- 2. text fields ---------------------------------------------------------- */

static void
norm_texts(struct posting *p)
{
	char **fields[] = {
		&p->pst_title, &p->pst_place, &p->pst_address,
		&p->pst_organizer_name, &p->pst_fee, &p->pst_contact_name,
	};
	size_t i;

	for (i = 0; i < NELEM(fields); i++)
		if (*fields[i] != NULL)
			take(fields[i], normalize_text(*fields[i]));
	if (p->pst_contact_phone != NULL)
		take(&p->pst_contact_phone,
		    normalize_phone(p->pst_contact_phone));
	if (p->pst_contact_email != NULL)
		take(&p->pst_contact_email,
		    normalize_email(p->pst_contact_email));
}

/* --- 3. summary -------------------------------------------------------------- */

static void
norm_summary(struct posting *p, const struct normalize_ctx *ctx,
    const char *lines)
{
	size_t max = ctx->nc_summary_max ? ctx->nc_summary_max :
	    NORMALIZE_SUMMARY_MAX;

	if (p->pst_summary != NULL)
		take(&p->pst_summary, fold_blanks(p->pst_summary));
	if (p->pst_summary == NULL && lines != NULL)
		take(&p->pst_summary, sanitize_lines_text(lines, max));
}

/* --- 4. dates --------------------------------------------------------------- */

/* Words after which a date is not the event's: deadlines, publication. */
static const char *const not_event_words[] = {
	"締切", "締め切り", "〆切", "〆切り", "申込期限", "申込み期限",
	"申し込み期限", "応募期限", "募集期限", "申込締切", "受付期限",
	"掲載日", "更新日", "公開日", "投稿日", "作成日", "登録日",
};
static const char *const deadline_words[] = {
	"締切", "締め切り", "〆切", "〆切り", "申込期限", "申込み期限",
	"申し込み期限", "応募期限", "募集期限", "申込締切", "受付期限",
};

#define CLAUSE_MAX	120	/* bytes a deadline clause runs at most */

/* Words that start what an event date is written in. */
static const char *const event_words[] = {
	"日時", "開催", "期間", "日程", "実施", "活動日", "会場", "場所",
};

static int
clause_stops(const char *p)
{
	size_t i;

	if (*p == '\n' || strncmp(p, "。", strlen("。")) == 0)
		return 1;
	for (i = 0; i < NELEM(event_words); i++)
		if (strncmp(p, event_words[i], strlen(event_words[i])) == 0)
			return 1;
	return 0;
}

/*
 * The end of the clause at p: a full stop, a newline, a word that starts
 * an event date, or CLAUSE_MAX bytes.
 */
static const char *
clause_end(const char *p)
{
	const char *stop = p;
	size_t n = 0;

	while (*stop && n < CLAUSE_MAX && (n == 0 || !clause_stops(stop))) {
		stop++;
		n++;
	}
	/* Never inside a character. */
	while (((unsigned char)*stop & 0xc0) == 0x80)
		stop++;
	return stop;
}

/* text with every deadline or publication clause blanked out. */
static char *
event_text(const char *text)
{
	char *s = xstrdup(text), *at, *end;
	size_t i;

	for (i = 0; i < NELEM(not_event_words); i++)
		for (at = s; (at = strstr(at, not_event_words[i])) != NULL;
		    at = end) {
			end = (char *)clause_end(at);
			memset(at, ' ', end - at);
		}
	return s;
}

/* ref: the date a year-less date is near (jdate_find_span_near()), or
 * NULL for dates with their year only. */
static int
find_event_span(const char *text, const struct jdate *ref,
    struct jdate_span *span)
{
	char *s;
	int rc;

	if (text == NULL)
		return -1;
	s = event_text(text);
	rc = ref != NULL ? jdate_find_span_near(s, ref, span) :
	    jdate_find_span(s, span);
	free(s);
	return rc;
}

/* The length of a "3月12日" at s (ASCII digits, as NFKC leaves them), 0
 * when s starts with none. */
static size_t
month_day_at(const char *s)
{
	const char *p = s;
	int part;

	for (part = 0; part < 2; part++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
		if (strncmp(p, part == 0 ? "月" : "日", strlen("月")) != 0)
			return 0;
		p += strlen("月");
	}
	return (size_t)(p - s);
}

/*
 * 1 when text lists days of several occurrences ("(令和4年3月6日・3月12日)",
 * "1月9日、2月13日"): a day, then 、・, or ',' and another day.  A title
 * like that dates no one record of them; a span (8月4日～8月6日) is one.
 */
static int
lists_several_days(const char *text)
{
	static const char *const seps[] = { "・", "、", ",", "，" };
	const char *p, *q;
	size_t n, i;

	if (text == NULL)
		return 0;
	for (p = text; *p != '\0'; p++) {
		if ((n = month_day_at(p)) == 0)
			continue;
		q = p + n;
		while (*q == ' ')
			q++;
		for (i = 0; i < NELEM(seps); i++)
			if (strncmp(q, seps[i], strlen(seps[i])) == 0) {
				q += strlen(seps[i]);
				while (*q == ' ')
					q++;
				/* 3月6日・3月12日, or 3月6日・12日 */
				if (month_day_at(q) > 0 || (isdigit(
				    (unsigned char)*q) && strncmp(q + strspn(q,
				    "0123456789"), "日", strlen("日")) == 0))
					return 1;
			}
		p += n - 1;
	}
	return 0;
}

/* The Japan date of unix seconds t. */
static void
japan_date(int64_t t, struct jdate *out)
{
	char buf[64];

	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	if (jdate_parse(buf, out) == -1)
		memset(out, 0, sizeof(*out));
	out->jd_has_time = 0;
}

/* A deadline written in the text: the first date after a deadline word. */
static int
find_deadline(const char *text, struct jdate *out)
{
	struct jdate_span span;
	const char *at;
	char *clause;
	size_t i;
	int rc;

	if (text == NULL)
		return -1;
	for (i = 0; i < NELEM(deadline_words); i++) {
		if ((at = strstr(text, deadline_words[i])) == NULL)
			continue;
		clause = xstrndup(at, clause_end(at) - at);
		rc = jdate_find_span(clause, &span);
		free(clause);
		if (rc == 0) {
			*out = span.js_start;
			return 0;
		}
	}
	return -1;
}

/* A structured date rewritten in the published form; NULL if no date. */
static void
norm_date_field(char **field, struct jdate *jd, int *ok)
{
	char buf[32];

	int64_t t;

	*ok = 0;
	if (*field == NULL)
		return;
	/* RFC 822 and the like: the instant, written in Japan time. */
	if (jdate_parse(*field, jd) == -1 &&
	    date_parse_any(*field, &t) == 0) {
		date_format_rfc3339(t, DATE_JST_OFFSET, buf);
		posting_set(field, buf);
	}
	if (jdate_parse(*field, jd) == -1 ||
	    /* The CSV sentinel: no end. */
	    (jd->jd_year == 9999 && jd->jd_month == 12 && jd->jd_day == 31)) {
		take(field, NULL);
		return;
	}
	jdate_format(jd, buf);
	posting_set(field, buf);
	*ok = 1;
}

static void
set_date(char **field, const struct jdate *jd)
{
	char buf[32];

	jdate_format(jd, buf);
	posting_set(field, buf);
}

/*
 * Whether the summary holds nothing the content does not: made from it
 * (step 3), or a part of its text (a CSV's 概要 in a content of 概要 and
 * 備考).  The content is read instead, by lines: in the summary a date
 * may be cut short ("2026-08-32" became "2026-08-3…", the 3rd) and its
 * lines run together (a deadline word next to another line's date).
 */
static int
summary_in_content(const char *summary, const char *lines, size_t max)
{
	char *text;
	int in;

	text = sanitize_lines_text(lines, max);
	in = strcmp(text, summary) == 0;
	free(text);
	if (!in) {
		text = fold_blanks(lines);
		in = strstr(text, summary) != NULL;
		free(text);
	}
	return in;
}

/* content: the content's text by lines, from norm_content(). */
static void
norm_dates(struct posting *p, const struct normalize_ctx *ctx,
    const char *content)
{
	struct jdate start, end, deadline, published;
	struct jdate_span span;
	const char *texts[3];
	int has_start, has_end, has_deadline;
	size_t i;

	norm_date_field(&p->pst_start, &start, &has_start);
	norm_date_field(&p->pst_end, &end, &has_end);
	norm_date_field(&p->pst_deadline, &deadline, &has_deadline);
	/* The title and the summary as published (steps 2 and 3 ran):
	 * what a second normalization reads too. */
	/* A title that lists the days of several occurrences dates none of
	 * the records that carry it. */
	texts[0] = lists_several_days(p->pst_title) ? NULL : p->pst_title;
	texts[1] = p->pst_summary;
	texts[2] = content;
	if (content != NULL && texts[1] != NULL &&
	    summary_in_content(texts[1], content, ctx->nc_summary_max ?
	    ctx->nc_summary_max : NORMALIZE_SUMMARY_MAX))
		texts[1] = NULL;
	if (!has_start) {
		/* From the text: the title, the summary, then the content;
		 * dates with their year first, then, near the publication,
		 * dates written without it ("1月27日（木）"). */
		for (i = 0; i < NELEM(texts); i++)
			if (find_event_span(texts[i], NULL, &span) == 0)
				break;
		if (i == NELEM(texts) && p->pst_published > 0) {
			japan_date(p->pst_published, &published);
			for (i = 0; i < NELEM(texts); i++)
				if (find_event_span(texts[i], &published,
				    &span) == 0)
					break;
		}
		if (i < NELEM(texts)) {
			start = span.js_start;
			set_date(&p->pst_start, &start);
			has_start = 1;
			if (span.js_has_end && !has_end) {
				end = span.js_end;
				set_date(&p->pst_end, &end);
				has_end = 1;
			}
		}
	}
	if (!has_deadline)
		for (i = 0; i < NELEM(texts); i++)
			if (find_deadline(texts[i], &deadline) == 0) {
				set_date(&p->pst_deadline, &deadline);
				break;
			}
	if (!has_start) {
		/* An end without a start dates nothing. */
		take(&p->pst_end, NULL);
		p->pst_all_day = 0;
		return;
	}
	/* Both timed or both dates: a timed start with a date-only end
	 * ("8月4日10時～8月6日") is the span of days, all day. */
	if (start.jd_has_time && has_end && !end.jd_has_time) {
		start.jd_has_time = 0;
		set_date(&p->pst_start, &start);
	} else if (!start.jd_has_time && has_end && end.jd_has_time) {
		end.jd_has_time = 0;
		set_date(&p->pst_end, &end);
	}
	p->pst_all_day = !start.jd_has_time;
	/* An end before the start is a mistake of the source. */
	if (has_end && jdate_cmp(&end, &start) < 0)
		take(&p->pst_end, NULL);
}

/* Coordinates out of range locate nothing. */
static void
norm_geo(struct posting *p)
{
	if (p->pst_has_geo && (!isfinite(p->pst_lat) ||
	    !isfinite(p->pst_lon) || p->pst_lat < -90 || p->pst_lat > 90 ||
	    p->pst_lon < -180 || p->pst_lon > 180))
		p->pst_has_geo = 0;
}

/* --- 5. area ------------------------------------------------------------------- */

/*
 * A code as written ("２３２１０", "1002", "23") made six digits: a
 * prefecture becomes its own code (23 → 230006).  0 or -1.
 */
static int
area_code(const char *s, char out[7])
{
	char *norm, five[5];
	int rc;

	if (s == NULL)
		return -1;
	norm = normalize_text(s);
	rc = area_normalize(norm, out);
	free(norm);
	if (rc == -1)
		return -1;
	if (strlen(out) == 2) {
		memcpy(five, out, 2);
		memcpy(five + 2, "000", 3);
		memcpy(out, five, 5);
		out[5] = '0' + area_check_digit(five);
		out[6] = '\0';
	}
	return 0;
}

static void
norm_area(struct posting *p, const struct normalize_ctx *ctx)
{
	const char *prefer;
	char code[7];

	prefer = ctx->nc_source_area ? ctx->nc_source_area : ctx->nc_region;
	/* A default found before is no code of the record's (normalizing
	 * again finds it again). */
	if ((!p->pst_area_guessed && area_code(p->pst_area, code) == 0) ||
	    area_table_find(ctx->nc_areas, p->pst_address, prefer, code) == 0 ||
	    area_table_find(ctx->nc_areas, p->pst_place, prefer, code) == 0) {
		posting_set(&p->pst_area, code);
		p->pst_area_guessed = 0;
	} else if (area_code(ctx->nc_source_area, code) == 0 ||
	    area_code(ctx->nc_region, code) == 0) {
		posting_set(&p->pst_area, code);
		p->pst_area_guessed = 1;
	} else {
		posting_set(&p->pst_area, NULL);
		p->pst_area_guessed = 0;
	}
}

/* --- 6. categories --------------------------------------------------------------- */

#define NCODES	16	/* more than the vocabulary holds */

static void
norm_categories(struct posting *p, const struct normalize_ctx *ctx)
{
	const char *codes[NCODES], *got[NCODES], *guess;
	size_t i, j, k, n = 0, ngot, known = 0;

	for (i = 0; i < p->pst_ncategories; i++) {
		ngot = category_map_label_all(ctx->nc_categories,
		    p->pst_categories[i], got, NCODES);
		for (k = 0; k < ngot; k++) {
			for (j = 0; j < n; j++)
				if (strcmp(codes[j], got[k]) == 0)
					break;
			if (j == n && n < NCODES)
				codes[n++] = got[k];
			if (strcmp(got[k], CATEGORY_OTHER) != 0)
				known++;
		}
	}
	/* Nothing but "other", or nothing at all: the title may tell. */
	if (known == 0 && (guess = category_guess(p->pst_title)) != NULL) {
		codes[0] = guess;
		n = 1;
	}
	for (i = 0; i < p->pst_ncategories; i++)
		free(p->pst_categories[i]);
	p->pst_ncategories = 0;
	for (i = 0; i < n; i++)
		posting_add_category(p, codes[i]);
}

void
normalize_posting(struct posting *p, const struct normalize_ctx *ctx)
{
	static const struct normalize_ctx none = { 0 };
	char *lines;

	if (ctx == NULL)
		ctx = &none;
	norm_content(p, ctx, &lines);
	/* Dates are read from the title and summary as published. */
	norm_texts(p);
	norm_summary(p, ctx, lines);
	norm_dates(p, ctx, lines);
	norm_geo(p);
	free(lines);
	norm_area(p, ctx);
	norm_categories(p, ctx);
}
