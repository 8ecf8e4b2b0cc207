/*
 * csv_row.c — one row of a 「イベント一覧」 CSV to a posting.
 *
 * Dates: 開始日 (+ 開始時刻) is the start; without a time the posting is
 * all-day with date-only start and end, end being the inclusive last day.
 * A timed start with an end date but no end time ends at 23:59:59 of that
 * day (the last moment the source vouches for), or has no end when that
 * day is the start's.  9999-12-31 is the dataset's "no end".  An end
 * before the start is dropped, not the row.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "area.h"
#include "buf.h"
#include "csv_row.h"
#include "jdate.h"
#include "posting.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define CONTENT_MAX	(1024 * 1024)
#define SENTINEL_YEAR	9999		/* 9999-12-31: no end */

static const char *
cell(const struct csv_row *r, enum csv_col c)
{
	return r->cr_cell[c] != NULL ? r->cr_cell[c] : "";
}

/* The header as the file wrote it, for messages. */
static const char *
header(const struct csv_row *r, enum csv_col c)
{
	return r->cr_header[c] != NULL ? r->cr_header[c] :
	    csv_column_name(c);
}

/* The trimmed cell, NULL when empty. */
static char *
trimmed(const struct csv_row *r, enum csv_col c)
{
	char *s = text_trim(cell(r, c));

	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* The trimmed cell after NFKC (full-width digits), NULL when empty. */
static char *
folded(const struct csv_row *r, enum csv_col c)
{
	char *s, *n;

	if ((s = trimmed(r, c)) == NULL)
		return NULL;
	n = (char *)utf8proc_NFKC((const utf8proc_uint8_t *)s);
	free(s);
	if (n == NULL)
		return NULL;
	s = text_trim(n);
	free(n);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* One line: runs of line breaks and tabs become one space. */
static char *
one_line(const struct csv_row *r, enum csv_col c)
{
	char *s = trimmed(r, c), *p, *o;

	if (s == NULL)
		return NULL;
	for (p = o = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			if (o > s && o[-1] != ' ')
				*o++ = ' ';
		} else
			*o++ = *p;
	}
	*o = '\0';
	return s;
}

static void
take(char **field, char *value)
{
	free(*field);
	*field = value;
}

static void
set_date(char **field, const struct jdate *d)
{
	char buf[32];

	jdate_format(d, buf);
	posting_set(field, buf);
}

/* A date cell; 1 when it is the sentinel, -1 when it is no date. */
static int
date_cell(const struct csv_row *r, enum csv_col c, struct jdate *d)
{
	char *s = trimmed(r, c);
	int rc;

	if (s == NULL)
		return -1;
	rc = jdate_parse(s, d);
	free(s);
	if (rc == -1)
		return -1;
	return d->jd_year == SENTINEL_YEAR ? 1 : 0;
}

/* Adds the time of cell c to d (which has none); 0 or -1. */
static int
time_cell(const struct csv_row *r, enum csv_col c, int allow24,
    struct jdate *d)
{
	char *s = trimmed(r, c);
	int h, m, rc = -1;

	if (s == NULL)
		return -1;
	if ((allow24 ? jdate_parse_end_time(s, &h, &m) :
	    jdate_parse_time(s, &h, &m)) == 0) {
		jdate_set_time(d, h, m, 0);
		rc = 0;
	}
	free(s);
	return rc;
}

static int
same_day(const struct jdate *a, const struct jdate *b)
{
	return a->jd_year == b->jd_year && a->jd_month == b->jd_month &&
	    a->jd_day == b->jd_day;
}

/*
 * 開始時刻 written as a range ("10時～12時", "午前10時から正午まで"): the
 * start's time; 1 with the end in *range when the text has one, 0 when it
 * has none, -1 when the cell holds no time.
 */
static int
time_range_cell(const struct csv_row *r, struct jdate *start,
    struct jdate *range)
{
	struct jdate_span sp;
	char *s, *t;
	int rc = -1;

	if ((s = trimmed(r, CSV_COL_START_TIME)) == NULL)
		return -1;
	xasprintf(&t, "%04d年%d月%d日 %s", start->jd_year, start->jd_month,
	    start->jd_day, s);
	if (jdate_find_span(t, &sp) == 0 && sp.js_start.jd_has_time &&
	    same_day(&sp.js_start, start)) {
		*start = sp.js_start;
		rc = 0;
		if (sp.js_has_end && sp.js_end.jd_has_time) {
			*range = sp.js_end;
			rc = 1;
		}
	}
	free(t);
	free(s);
	return rc;
}

static int
row_dates(const struct csv_row *r, struct posting *p, char *why,
    size_t whylen)
{
	struct jdate start, end, range;
	char *s;
	int rc, has_end = 0, range_rc = -1;

	if ((s = trimmed(r, CSV_COL_START_DATE)) == NULL) {
		/* A note that is a date and nothing else stands in. */
		s = trimmed(r, CSV_COL_DATE_NOTE);
		rc = s != NULL ? jdate_parse(s, &start) : -1;
		free(s);
		if (rc == -1) {
			snprintf(why, whylen, "no start date (%s is empty)",
			    header(r, CSV_COL_START_DATE));
			return -1;
		}
	} else if (jdate_parse(s, &start) == -1 ||
	    start.jd_year == SENTINEL_YEAR) {
		snprintf(why, whylen, "%s '%.64s' is not a date",
		    header(r, CSV_COL_START_DATE), s);
		free(s);
		return -1;
	} else
		free(s);
	if (!start.jd_has_time &&
	    time_cell(r, CSV_COL_START_TIME, 0, &start) == -1)
		range_rc = time_range_cell(r, &start, &range);

	if ((rc = date_cell(r, CSV_COL_END_DATE, &end)) == 0)
		has_end = 1;
	else if (rc == -1 && *cell(r, CSV_COL_END_DATE) == '\0' &&
	    start.jd_has_time) {
		end = start;		/* an end time on the start's day */
		end.jd_has_time = 0;
		has_end = 1;
	}
	if (has_end && start.jd_has_time) {
		if (!end.jd_has_time &&
		    time_cell(r, CSV_COL_END_TIME, 1, &end) == -1) {
			if (same_day(&start, &end))
				has_end = 0;
			else
				jdate_set_time(&end, 23, 59, 59);
		}
		end.jd_offset = start.jd_offset;
		if (jdate_cmp(&end, &start) <= 0)
			has_end = 0;
	} else if (has_end) {
		end.jd_has_time = 0;
		if (jdate_cmp(&end, &start) < 0)
			has_end = 0;
	}
	if (!has_end && range_rc == 1) {
		end = range;
		has_end = 1;
	}
	set_date(&p->pst_start, &start);
	p->pst_all_day = !start.jd_has_time;
	if (has_end)
		set_date(&p->pst_end, &end);

	if (date_cell(r, CSV_COL_DEADLINE_DATE, &end) == 0) {
		if (!end.jd_has_time)
			time_cell(r, CSV_COL_DEADLINE_TIME, 1, &end);
		set_date(&p->pst_deadline, &end);
	}
	return 0;
}

/* The venue's code, else the publisher's; six digits either way. */
static void
row_area(const struct csv_row *r, struct posting *p)
{
	static const enum csv_col cols[] = {
		CSV_COL_PLACE_AREA, CSV_COL_AREA
	};
	char out[7], *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if ((s = folded(r, cols[i])) == NULL)
			continue;
		rc = area_normalize(s, out);
		free(s);
		if (rc == -1)
			continue;
		if (strlen(out) == 2) {		/* a prefecture: PP000 + check */
			memcpy(out + 2, "000", 4);
			out[5] = '0' + area_check_digit(out);
			out[6] = '\0';
		}
		posting_set(&p->pst_area, out);
		return;
	}
}

static int
number_cell(const struct csv_row *r, enum csv_col c, double *v)
{
	char *s = folded(r, c), *end;
	int rc = -1;

	if (s == NULL)
		return -1;
	*v = strtod(s, &end);
	if (end != s && *end == '\0' && isfinite(*v))
		rc = 0;
	free(s);
	return rc;
}

static void
row_geo(const struct csv_row *r, struct posting *p)
{
	double lat, lon, t;

	if (number_cell(r, CSV_COL_LAT, &lat) == -1 ||
	    number_cell(r, CSV_COL_LON, &lon) == -1)
		return;
	if (fabs(lat) > 90 && fabs(lon) <= 90) {	/* swapped columns */
		t = lat;
		lat = lon;
		lon = t;
	}
	if (fabs(lat) > 90 || fabs(lon) > 180 || (lat == 0 && lon == 0))
		return;
	p->pst_lat = lat;
	p->pst_lon = lon;
	p->pst_has_geo = 1;
}

/* 住所 as one column, or 都道府県 + 市区町村 + 町名 + 丁目以下, then 建物名. */
static void
row_address(const struct csv_row *r, struct posting *p)
{
	static const enum csv_col parts[] = {
		CSV_COL_ADDR_PREF, CSV_COL_ADDR_CITY, CSV_COL_ADDR_TOWN,
		CSV_COL_ADDR_BLOCK,
	};
	struct buf b;
	char *s, *pref = NULL;
	size_t i;

	buf_init(&b, CONTENT_MAX);
	if ((s = one_line(r, CSV_COL_ADDRESS)) != NULL) {
		buf_puts(&b, s);
		free(s);
	} else {
		for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			if ((s = one_line(r, parts[i])) == NULL ||
			    strcmp(s, "-") == 0) {
				free(s);
				continue;
			}
			/* 市区町村 sometimes repeats the prefecture. */
			if (i == 1 && pref != NULL &&
			    strncmp(s, pref, strlen(pref)) == 0)
				buf_puts(&b, s + strlen(pref));
			else
				buf_puts(&b, s);
			if (i == 0)
				pref = s;
			else
				free(s);
		}
	}
	free(pref);
	if ((s = one_line(r, CSV_COL_ADDR_BUILDING)) != NULL &&
	    strcmp(s, "-") != 0 && (b.len == 0 || strstr(b.data, s) == NULL)) {
		if (b.len > 0)
			buf_puts(&b, " ");
		buf_puts(&b, s);
	}
	free(s);
	if (b.len > 0)
		posting_set(&p->pst_address, b.data);
	buf_free(&b);
}

long long
csv_capacity(const char *text)
{
	char *n = (char *)utf8proc_NFKC((const utf8proc_uint8_t *)text);
	const char *s;
	long long v = -1, cur;
	int runs = 0;

	if (n == NULL)
		return -1;
	for (s = n; *s != '\0';) {
		if (*s < '0' || *s > '9') {
			s++;
			continue;
		}
		cur = 0;
		runs++;
		/* "1,000": a comma between digits belongs to the number. */
		while ((*s >= '0' && *s <= '9') ||
		    (*s == ',' && s[1] >= '0' && s[1] <= '9')) {
			if (*s != ',' && cur < 1000000000)
				cur = cur * 10 + (*s - '0');
			s++;
		}
		v = cur;
	}
	free(n);
	return runs == 1 && v < 1000000000 ? v : -1;
}

/* 料金(基本) is a number of yen by the definition; 料金(詳細) free text. */
static void
row_fee(const struct csv_row *r, struct posting *p)
{
	char *basic = trimmed(r, CSV_COL_FEE);
	char *detail = trimmed(r, CSV_COL_FEE_DETAIL);
	char *shown = NULL, *fee = NULL;
	size_t i;

	if (basic != NULL) {
		for (i = 0; basic[i] >= '0' && basic[i] <= '9'; i++)
			;
		if (basic[i] != '\0')
			shown = xstrdup(basic);
		else if (strspn(basic, "0") == i)
			shown = xstrdup("無料");
		else
			xasprintf(&shown, "%s円", basic);
	}
	if (detail != NULL && shown != NULL && strcmp(detail, basic) != 0 &&
	    strcmp(detail, shown) != 0)
		xasprintf(&fee, "%s\n%s", shown, detail);
	else if (shown != NULL)
		fee = xstrdup(shown);
	else if (detail != NULL)
		fee = xstrdup(detail);
	take(&p->pst_fee, fee);
	free(shown);
	free(basic);
	free(detail);
}

static void
row_contact(const struct csv_row *r, struct posting *p)
{
	char *phone = one_line(r, CSV_COL_CONTACT_PHONE);
	char *ext = one_line(r, CSV_COL_CONTACT_EXT), *s;

	take(&p->pst_contact_name, one_line(r, CSV_COL_CONTACT_NAME));
	take(&p->pst_contact_email, one_line(r, CSV_COL_CONTACT_EMAIL));
	if (phone != NULL && ext != NULL) {
		xasprintf(&s, "%s 内線%s", phone, ext);
		free(phone);
		phone = s;
	}
	take(&p->pst_contact_phone, phone);
	free(ext);
}

/* Escaped text in a paragraph, line breaks as <br>, after a label. */
static void
paragraph(struct buf *b, const char *label, const char *text)
{
	char *esc = text_html_escape(text);
	const char *c;

	buf_puts(b, "<p>");
	if (label != NULL)
		buf_printf(b, "%s: ", label);
	for (c = esc; *c != '\0'; c++) {
		if (*c == '\r' && c[1] == '\n')
			continue;
		if (*c == '\r' || *c == '\n')
			buf_puts(b, "<br>\n");
		else
			buf_append(b, c, 1);
	}
	buf_puts(b, "</p>\n");
	free(esc);
}

static void
row_content(const struct csv_row *r, struct posting *p)
{
	static const struct {
		enum csv_col	 col;
		const char	*label;
	} extras[] = {
		{ CSV_COL_DATE_NOTE, "日時" },
		{ CSV_COL_TARGET, "対象" },
		{ CSV_COL_APPLY, "申込" },
		{ CSV_COL_NOTE, "備考" },
	};
	char *summary = trimmed(r, CSV_COL_SUMMARY);
	char *desc = trimmed(r, CSV_COL_DESCRIPTION), *s;
	struct buf b;
	size_t i;

	buf_init(&b, CONTENT_MAX);
	if (desc != NULL)
		paragraph(&b, NULL, desc);
	else if (summary != NULL)
		paragraph(&b, NULL, summary);
	for (i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		if ((s = trimmed(r, extras[i].col)) != NULL)
			paragraph(&b, extras[i].label, s);
		free(s);
	}
	if (b.len > 0) {
		while (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		posting_set(&p->pst_content_html, b.data);
	}
	buf_free(&b);
	take(&p->pst_summary, summary);
	free(desc);
}

/*
 * The row's identity within its source: NO/ID with the start (one row per
 * occurrence shares NO across files, never with the same start), else the
 * link, the start and a hash of the title (a library's 「おはなし会」 rows
 * share link and date).
 */
static void
row_guid(const struct csv_row *r, struct posting *p)
{
	char *id = one_line(r, CSV_COL_ID), hex[65];

	if (id != NULL) {
		xasprintf(&p->pst_guid, "%s@%s", id, p->pst_start);
		free(id);
		return;
	}
	posting_sha256_hex(p->pst_title, strlen(p->pst_title), hex);
	xasprintf(&p->pst_guid, "%s@%s#%.16s",
	    p->pst_link != NULL ? p->pst_link : "", p->pst_start, hex);
}

struct posting *
csv_row_posting(const struct csv_row *r, const struct feed_parse_opts *opts,
    char *why, size_t whylen)
{
	struct posting *p;
	char *s;

	if ((s = one_line(r, CSV_COL_TITLE)) == NULL) {
		snprintf(why, whylen, "no title (%s is empty)",
		    header(r, CSV_COL_TITLE));
		return NULL;
	}
	p = posting_new();
	p->pst_title = s;
	if (row_dates(r, p, why, whylen) == -1) {
		posting_free(p);
		return NULL;
	}
	if ((s = trimmed(r, CSV_COL_URL)) == NULL)
		s = trimmed(r, CSV_COL_CONTENT_URL);
	if (s != NULL)
		p->pst_link = url_resolve(opts->base_url, s, 1);
	free(s);
	row_guid(r, p);
	row_content(r, p);
	row_area(r, p);
	row_address(r, p);
	row_geo(r, p);
	row_fee(r, p);
	row_contact(r, p);
	take(&p->pst_place, one_line(r, CSV_COL_PLACE));
	if (p->pst_place == NULL)
		take(&p->pst_place, one_line(r, CSV_COL_MEETING_PLACE));
	take(&p->pst_organizer_name, one_line(r, CSV_COL_ORGANIZER));
	if ((s = trimmed(r, CSV_COL_CAPACITY)) != NULL)
		p->pst_capacity = csv_capacity(s);
	free(s);
	if ((s = one_line(r, CSV_COL_CATEGORY)) != NULL)
		posting_add_category(p, s);
	free(s);
	if (strstr(cell(r, CSV_COL_STATUS), "中止") != NULL)
		p->pst_status = POSTING_CANCELLED;
	return p;
}
