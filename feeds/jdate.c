/*
 * jdate.c — reading dates and times the way Japanese sources write them.
 *
 * The text is first folded to a narrow form: full-width digits, letters
 * and punctuation become ASCII, the wave dashes (〜 U+301C, ～ U+FF5E) become
 * '~', the many dashes — and ー, misused as one — become '-', the square
 * era signs (㍻, ㋿) become their two kanji.  NFKC would also turn ① into
 * "1" and ㈱ into "(株)", inventing digits and parentheses, so the folding
 * is our own and touches only what dates are made of.  The scanners below
 * then see ASCII digits and punctuation among UTF-8 kanji.
 */
#include <stdlib.h>
#include <string.h>

#include "jdate.h"
#include "xmalloc.h"

#define JST	(9 * 60)

/* Longest text the free-text scanner looks at (a description's head). */
#define JDATE_SCAN_MAX	(64 * 1024)

/* Scanner flags. */
#define JD_STRICT	0x01	/* structured field: ISO basic forms too */
#define JD_PARTIAL	0x02	/* range end: year or month may be omitted */

static const struct era {
	const char	*name;
	char		 abbr;
	int		 year, month, day;	/* first day */
} eras[] = {
	{ "明治", 'M', 1868, 1, 1 },	/* 明治元年 counts from January 1st */
	{ "大正", 'T', 1912, 7, 30 },
	{ "昭和", 'S', 1926, 12, 25 },
	{ "平成", 'H', 1989, 1, 8 },
	{ "令和", 'R', 2019, 5, 1 },
};
#define NERAS	(sizeof(eras) / sizeof(eras[0]))

/* Sorted by code point (bsearch). */
struct fold {
	unsigned	 cp;
	const char	*to;
};

static const struct fold folds[] = {
	{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "-" }, { 0x2015, "-" }, { 0x2043, "-" }, { 0x2053, "~" },
	{ 0x2212, "-" }, { 0x223c, "~" }, { 0x3000, " " }, { 0x301c, "~" },
	{ 0x30fc, "-" }, { 0x32ff, "令和" }, { 0x337b, "平成" }, { 0x337c, "昭和" },
	{ 0x337d, "大正" }, { 0x337e, "明治" }, { 0xfe63, "-" }, { 0xff08, "(" },
	{ 0xff09, ")" }, { 0xff0b, "+" }, { 0xff0c, "," }, { 0xff0d, "-" },
	{ 0xff0e, "." }, { 0xff0f, "/" }, { 0xff1a, ":" }, { 0xff1b, ";" },
	{ 0xff3b, "[" }, { 0xff3d, "]" }, { 0xff5e, "~" }, { 0xff70, "-" },
};

/* The code point at p (len bytes, 1 to 4), or len 1 and -1 when invalid. */
static int
utf8_decode(const unsigned char *p, unsigned *cp)
{
	int n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else {
		*cp = (unsigned)-1;
		return 1;
	}
	*cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = (unsigned)-1;
			return 1;
		}
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	return n;
}

static int
fold_cmp(const void *key, const void *elem)
{
	unsigned a = *(const unsigned *)key, b = ((const struct fold *)elem)->cp;

	return (a > b) - (a < b);
}

/* The folded copy of at most max bytes of s (see the top of the file). */
static char *
fold(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	const struct fold *f;
	size_t len = strnlen(s, max), i = 0, o = 0, k;
	unsigned cp;
	char *out;
	int n;

	out = xmalloc(len * 2 + 1);	/* ㍻ (3 bytes) → 平成 (6 bytes) */
	while (i < len) {
		n = utf8_decode(p + i, &cp);
		if (i + n > len)
			break;
		if (cp >= 0xff10 && cp <= 0xff19)
			out[o++] = '0' + (cp - 0xff10);
		else if (cp >= 0xff21 && cp <= 0xff3a)
			out[o++] = 'A' + (cp - 0xff21);
		else if (cp >= 0xff41 && cp <= 0xff5a)
			out[o++] = 'a' + (cp - 0xff41);
		else if (cp >= 0x2010 && (f = bsearch(&cp, folds,
		    sizeof(folds) / sizeof(folds[0]), sizeof(folds[0]),
		    fold_cmp)) != NULL) {
			k = strlen(f->to);
			memcpy(out + o, f->to, k);
			o += k;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Spaces and tabs; with nl, line breaks too. */
static const char *
skip_ws(const char *s, int nl)
{
	while (*s == ' ' || *s == '\t' ||
	    (nl && (*s == '\n' || *s == '\r')))
		s++;
	return s;
}

/* Matches the literal w at *sp and advances past it. */
static int
lit(const char **sp, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(*sp, w, n) != 0)
		return 0;
	*sp += n;
	return 1;
}

/* The same, ASCII case-insensitive, not followed by a letter. */
static int
word(const char **sp, const char *w)
{
	size_t i, n = strlen(w);
	const char *s = *sp;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (s[i] | 0x20) != (w[i] | 0x20))
			return 0;
	}
	if (is_alpha(s[n]))
		return 0;
	*sp = s + n;
	return 1;
}

/* min to max digits, not followed by another digit. */
static int
num(const char **sp, int min, int max, int *out)
{
	const char *s = *sp;
	int n = 0, v = 0;

	while (n < max && is_digit(s[n]))
		v = v * 10 + (s[n++] - '0');
	if (n < min || is_digit(s[n]))
		return -1;
	*sp = s + n;
	*out = v;
	return 0;
}

/* "日", "時", "分" used as a unit of duration ("3日間", "2時間") is no date. */
static int
unit(const char **sp, const char *u)
{
	const char *s = *sp;

	if (!lit(&s, u) || strncmp(s, "間", strlen("間")) == 0)
		return 0;
	*sp = s;
	return 1;
}

/* The era whose name or abbreviation starts at *sp, or NULL. */
static const struct era *
era_at(const char **sp, int *abbreviated)
{
	const char *s = *sp;
	size_t i;

	for (i = 0; i < NERAS; i++) {
		if (lit(&s, eras[i].name)) {
			*abbreviated = 0;
			*sp = s;
			return &eras[i];
		}
		if ((*s == eras[i].abbr || *s == (eras[i].abbr | 0x20)) &&
		    (is_digit(s[1]) || strncmp(s + 1, "元", 3) == 0)) {
			*abbreviated = 1;
			*sp = s + 1;
			return &eras[i];
		}
	}
	return NULL;
}

/* The Gregorian year of era year n, 0 when the date is outside the era. */
static int
era_check(const struct era *e, const struct jdate *d)
{
	const struct era *next = e + 1 < eras + NERAS ? e + 1 : NULL;
	int ymd = d->jd_year * 10000 + d->jd_month * 100 + d->jd_day;

	if (ymd < e->year * 10000 + e->month * 100 + e->day)
		return 0;
	if (next && ymd >= next->year * 10000 + next->month * 100 + next->day)
		return 0;
	return 1;
}

/* "M月D日" after the year, or "M<sep>D" when sep is not 0. */
static int
month_day(const char **sp, char sep, struct jdate *d)
{
	const char *s = skip_ws(*sp, 0);

	if (sep == 0) {
		if (num(&s, 1, 2, &d->jd_month) == -1)
			return -1;
		s = skip_ws(s, 0);
		if (!lit(&s, "月"))
			return -1;
		s = skip_ws(s, 0);
		if (num(&s, 1, 2, &d->jd_day) == -1)
			return -1;
		s = skip_ws(s, 0);
		if (!unit(&s, "日"))
			return -1;
	} else if (num(&s, 1, 2, &d->jd_month) == -1 || *s++ != sep ||
	    num(&s, 1, 2, &d->jd_day) == -1)
		return -1;
	*sp = s;
	return 0;
}

/* After a year: "年" M月D日, or a separator and M<sep>D. */
static int
after_year(const char **sp, int allow_dash, struct jdate *d)
{
	const char *s = skip_ws(*sp, 0);
	char sep = *s;

	if (lit(&s, "年")) {
		if (month_day(&s, 0, d) == -1)
			return -1;
		*sp = s;
		return 0;
	}
	if (sep == '/' || sep == '.' || (sep == '-' && allow_dash)) {
		s = *sp + 1;
		if (month_day(&s, sep, d) == -1)
			return -1;
		*sp = s;
		return 0;
	}
	return -1;
}

/*
 * A date at *sp: 和暦 (with its abbreviations), a 4-digit year with
 * 年月日 or a separator, with JD_STRICT the ISO basic form YYYYMMDD, with
 * JD_PARTIAL and def the forms that leave out the year or the month.
 * Returns 0 for a full date, 1 when the year came from def, 2 when the
 * month did too, -1 when there is no date.
 */
static int
date_at(const char **sp, int flags, const struct jdate *def,
    struct jdate *d)
{
	const struct era *e;
	const char *s = *sp;
	int abbr, n;

	memset(d, 0, sizeof(*d));
	d->jd_offset = JST;
	if ((e = era_at(&s, &abbr)) != NULL) {
		s = skip_ws(s, 0);
		if (lit(&s, "元"))
			n = 1;
		else if (num(&s, 1, 2, &n) == -1 || n == 0)
			return -1;
		if (after_year(&s, abbr, d) == -1)
			return -1;
		d->jd_year = e->year + n - 1;
		if (!jdate_valid(d) || !era_check(e, d))
			return -1;
		*sp = s;
		return 0;
	}
	if (num(&s, 4, 4, &d->jd_year) == 0) {
		if (after_year(&s, 1, d) == -1 || !jdate_valid(d))
			return -1;
		*sp = s;
		return 0;
	}
	s = *sp;
	if ((flags & JD_STRICT) && num(&s, 8, 8, &n) == 0) {
		d->jd_year = n / 10000;
		d->jd_month = n / 100 % 100;
		d->jd_day = n % 100;
		if (!jdate_valid(d))
			return -1;
		*sp = s;
		return 0;
	}
	if (!(flags & JD_PARTIAL) || def == NULL)
		return -1;
	/* A range end: "8月7日", "7日", "8/7". */
	s = *sp;
	d->jd_year = def->jd_year;
	n = 1;
	if (month_day(&s, 0, d) == -1) {
		s = *sp;
		if (num(&s, 1, 2, &d->jd_month) == 0 && *s == '/') {
			s = *sp;
			if (month_day(&s, '/', d) == -1)
				return -1;
		} else {
			s = *sp;
			d->jd_month = def->jd_month;
			n = 2;
			if (num(&s, 1, 2, &d->jd_day) == -1)
				return -1;
			s = skip_ws(s, 0);
			if (!unit(&s, "日"))
				return -1;
		}
	}
	if (!jdate_valid(d))
		return -1;
	*sp = s;
	return n;
}

/* 午前/午後/AM/PM before or after a time: 1 am, 2 pm, 0 none. */
static int
meridiem(const char **sp, int ascii_only)
{
	const char *s = *sp;
	int m = 0;

	if (!ascii_only && lit(&s, "午前"))
		m = 1;
	else if (!ascii_only && lit(&s, "午後"))
		m = 2;
	else if (word(&s, "am") || word(&s, "a.m."))
		m = 1;
	else if (word(&s, "pm") || word(&s, "p.m."))
		m = 2;
	if (m)
		*sp = s;
	return m;
}

/*
 * A time of day at *sp: "10:00", "10:00:00", "10時", "10時30分",
 * "10時半", "10:00時", "午前10時", "午後2時", "2:00pm", "正午".  With
 * allow24, the end of the day "24:00", "24時", "午後12時" as hour 24.
 */
static int
time_at(const char **sp, int allow24, int *h, int *m, int *sec)
{
	const char *s = *sp;
	int mer, jp;

	*sec = 0;
	if (lit(&s, "正午")) {
		*h = 12;
		*m = 0;
		*sp = s;
		return 0;
	}
	jp = strncmp(s, "午", 3) == 0;
	mer = meridiem(&s, 0);
	s = skip_ws(s, 0);
	if (num(&s, 1, 2, h) == -1)
		return -1;
	if (*s == ':') {
		s++;
		if (num(&s, 2, 2, m) == -1)
			return -1;
		if (*s == ':' && is_digit(s[1])) {
			s++;
			if (num(&s, 2, 2, sec) == -1)
				return -1;
		}
		unit(&s, "時");		/* "10:00時" */
	} else if (unit(&s, "時")) {
		const char *t = skip_ws(s, 0);

		*m = 0;
		if (lit(&t, "半")) {
			*m = 30;
			s = t;
		} else if (num(&t, 1, 2, m) == 0) {
			t = skip_ws(t, 0);
			if (unit(&t, "分"))
				s = t;
			else
				*m = 0;
		}
	} else
		return -1;
	if (mer == 0) {
		const char *t = skip_ws(s, 0);

		if ((mer = meridiem(&t, 1)) != 0)
			s = t;
	}
	if (*m > 59 || *sec > 59)
		return -1;
	if (mer == 1) {
		/* 午前12時 is noon (明治5年太政官達第337号); 12am midnight. */
		if (*h > 12)
			return -1;
		if (*h == 12 && !jp)
			*h = 0;
	} else if (mer == 2) {
		if (*h > 12)
			return -1;
		if (*h < 12)
			*h += 12;
		else if (jp)
			*h = 24;	/* 午後12時: midnight */
	}
	if (*h == 24 ? !allow24 || *m != 0 || *sec != 0 : *h > 23)
		return -1;
	*sp = s;
	return 0;
}

/* "Z", "+09:00", "+0900", "+09" after an ISO time; none means JST. */
static int
zone_at(const char **sp, int *offset)
{
	const char *s = *sp;
	int sign, h, m = 0;

	if (*s == 'Z' || *s == 'z') {
		*offset = 0;
		*sp = s + 1;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (num(&s, 2, 2, &h) == -1) {
		if (num(&s, 4, 4, &h) == -1)
			return -1;
		m = h % 100;
		h /= 100;
	} else if (*s == ':') {
		s++;
		if (num(&s, 2, 2, &m) == -1)
			return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*offset = sign * (h * 60 + m);
	*sp = s;
	return 0;
}

/* An ISO time after 'T': "10:00[:00[.000]][zone]" or basic "100000". */
static int
iso_time_at(const char **sp, struct jdate *d)
{
	const char *s = *sp;
	int h, m, sec = 0, v;

	if (num(&s, 6, 6, &v) == 0) {
		h = v / 10000;
		m = v / 100 % 100;
		sec = v % 100;
	} else if (num(&s, 4, 4, &v) == 0) {
		h = v / 100;
		m = v % 100;
	} else {
		if (num(&s, 1, 2, &h) == -1 || *s++ != ':' ||
		    num(&s, 2, 2, &m) == -1)
			return -1;
		if (*s == ':') {
			s++;
			if (num(&s, 2, 2, &sec) == -1)
				return -1;
		}
	}
	if (*s == '.' || *s == ',') {
		if (!is_digit(*++s))
			return -1;
		while (is_digit(*s))
			s++;
	}
	if (sec == 60)
		sec = 59;	/* a leap second */
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	jdate_set_time(d, h, m, sec);
	if (*s == 'Z' || *s == 'z' || *s == '+' || *s == '-') {
		if (zone_at(&s, &d->jd_offset) == -1)
			return -1;
	}
	*sp = s;
	return 0;
}

/* Past a weekday mark: "(水)", "（水・祝）", "(Wed)", "水曜日". */
static const char *
skip_weekday(const char *s)
{
	static const char *const marks[] = {
		"月", "火", "水", "木", "金", "土", "日", "祝", "休", "曜",
		"・", ",", "、", " ", ".", "/",
	};
	const char *t = skip_ws(s, 0), *p;
	size_t i;
	int n;

	if (*t == '(' || *t == '[') {
		char close = *t == '(' ? ')' : ']';

		for (p = t + 1, n = 0; *p != close && n < 8; n++) {
			for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
				if (lit(&p, marks[i]))
					break;
			if (i == sizeof(marks) / sizeof(marks[0])) {
				if (!is_alpha(*p))
					return s;
				while (is_alpha(*p))
					p++;
			}
		}
		return *p == close ? p + 1 : s;
	}
	for (i = 0; i < 7; i++) {
		p = t;
		if (lit(&p, marks[i]) && lit(&p, "曜")) {
			lit(&p, "日");
			return p;
		}
	}
	return s;
}

/* Keeps the parsed time in d, the end of the day rolled over. */
static int
add_time(const char **sp, int allow24, struct jdate *d)
{
	int h, m, sec;

	if (time_at(sp, allow24, &h, &m, &sec) == -1)
		return -1;
	jdate_set_time(d, h, m, sec);
	return 0;
}

/*
 * A date at *sp with whatever time follows it (ISO 'T' or Japanese);
 * returns what date_at() did.
 */
static int
date_time_at(const char **sp, int flags, const struct jdate *def,
    int allow24, struct jdate *d)
{
	const char *s = *sp, *t;
	int rc;

	if ((rc = date_at(&s, flags, def, d)) == -1)
		return -1;
	if ((*s == 'T' || *s == 't') && iso_time_at((t = s + 1, &t), d) == 0)
		s = t;
	else {
		s = skip_weekday(s);
		t = skip_ws(s, 1);
		while (lit(&t, ",") || lit(&t, "、"))
			t = skip_ws(t, 1);
		if (add_time(&t, allow24, d) == 0) {
			s = t;
			/* Not '-': "10:00-12:00" is a range. */
			if (*s == '+' || *s == 'Z') {
				t = s;
				if (zone_at(&t, &d->jd_offset) == 0 &&
				    (*t == '\0' || !is_digit(*t)))
					s = t;
			}
		}
	}
	*sp = s;
	return rc;
}

int
jdate_parse(const char *text, struct jdate *out)
{
	const char *s;
	char *f;
	struct jdate d;
	int rc = -1;

	if (text == NULL)
		return -1;
	f = fold(text, JDATE_SCAN_MAX);
	s = skip_ws(f, 1);
	if (date_time_at(&s, JD_STRICT, NULL, 0, &d) != -1) {
		s = skip_weekday(s);
		if (*skip_ws(s, 1) == '\0' && jdate_valid(&d)) {
			*out = d;
			rc = 0;
		}
	}
	free(f);
	return rc;
}

static int
parse_time_text(const char *text, int allow24, int *hour, int *minute)
{
	const char *s;
	char *f;
	int h, m, sec, rc = -1;

	if (text == NULL)
		return -1;
	f = fold(text, 256);
	s = skip_ws(f, 1);
	if (time_at(&s, allow24, &h, &m, &sec) == 0 &&
	    *skip_ws(s, 1) == '\0') {
		*hour = h;
		*minute = m;
		rc = 0;
	}
	free(f);
	return rc;
}

int
jdate_parse_time(const char *text, int *hour, int *minute)
{
	return parse_time_text(text, 0, hour, minute);
}

int
jdate_parse_end_time(const char *text, int *hour, int *minute)
{
	return parse_time_text(text, 1, hour, minute);
}

/* "~", "-", "から", "より" between the two ends of a span. */
static int
range_sep(const char **sp)
{
	const char *s = skip_ws(*sp, 0);

	if (*s == '~' || *s == '-')
		s++;
	else if (!lit(&s, "から") && !lit(&s, "より"))
		return 0;
	*sp = skip_ws(s, 0);
	return 1;
}

/*
 * The end of a span after its start: another date (year and month may be
 * left out), with or without a time, or a time on the start's date.
 */
static int
span_end(const char *s, struct jdate_span *sp)
{
	struct jdate *st = &sp->js_start, e;
	const char *t = s;
	int rc;

	if (!range_sep(&t))
		return -1;
	if ((rc = date_time_at(&t, JD_PARTIAL, st, 1, &e)) != -1) {
		e.jd_offset = st->jd_offset;
		if ((rc == 1 && e.jd_month < st->jd_month) ||
		    (rc == 2 && e.jd_day < st->jd_day)) {
			/* "12月28日～1月5日", "8月30日～2日": what follows. */
			if (rc == 1)
				e.jd_year++;
			else if (++e.jd_month > 12) {
				e.jd_month = 1;
				e.jd_year++;
			}
			if (!jdate_valid(&e))
				return -1;
		}
	} else {
		e = *st;
		e.jd_has_time = 0;
		if (!st->jd_has_time || add_time(&t, 1, &e) == -1)
			return -1;
		/* "22時～2時" ends the next day. */
		if (jdate_cmp(&e, st) < 0)
			jdate_add_days(&e, 1);
	}
	if (!st->jd_has_time)
		e.jd_has_time = 0;
	if (jdate_cmp(&e, st) <= 0 &&
	    !(jdate_cmp(&e, st) == 0 && !st->jd_has_time))
		return -1;
	sp->js_end = e;
	sp->js_has_end = 1;
	return 0;
}

/* Could a date start at p (not in the middle of a number or a word)? */
static int
date_start(const char *base, const char *p)
{
	char prev = p > base ? p[-1] : ' ';

	if (is_digit(*p))
		return !is_digit(prev);
	if (is_alpha(*p))
		return !is_alpha(prev) && !is_digit(prev);
	return (unsigned char)*p >= 0x80;
}

#define NEAR_BEFORE	31	/* days a year-less date may be before ref */

int
jdate_find_span_near(const char *text, const struct jdate *ref,
    struct jdate_span *out)
{
	struct jdate_span sp;
	struct jdate back;
	const char *p, *s;
	char *f;
	int rc = -1;

	if (text == NULL)
		return -1;
	if (jdate_find_span(text, out) == 0)
		return 0;
	if (ref == NULL || !jdate_valid(ref))
		return -1;
	back = *ref;
	back.jd_has_time = 0;
	jdate_add_days(&back, -NEAR_BEFORE);
	f = fold(text, JDATE_SCAN_MAX);
	for (p = f; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80 || !date_start(f, p))
			continue;
		s = p;
		memset(&sp, 0, sizeof(sp));
		/* "8月5日", not "5日" alone nor "8/5". */
		if (date_time_at(&s, JD_PARTIAL, ref, 0, &sp.js_start) != 1 ||
		    strstr(p, "月") == NULL || strstr(p, "月") > s)
			continue;
		if (jdate_cmp(&sp.js_start, &back) < 0) {
			sp.js_start.jd_year++;
			if (!jdate_valid(&sp.js_start))
				continue;
		}
		span_end(s, &sp);
		*out = sp;
		rc = 0;
		break;
	}
	free(f);
	return rc;
}

int
jdate_find_span(const char *text, struct jdate_span *out)
{
	struct jdate_span sp;
	const char *p, *s;
	char *f;
	int rc = -1;

	if (text == NULL)
		return -1;
	f = fold(text, JDATE_SCAN_MAX);
	for (p = f; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80 || !date_start(f, p))
			continue;
		s = p;
		memset(&sp, 0, sizeof(sp));
		if (date_time_at(&s, 0, NULL, 0, &sp.js_start) != 0)
			continue;
		span_end(s, &sp);
		*out = sp;
		rc = 0;
		break;
	}
	free(f);
	return rc;
}
