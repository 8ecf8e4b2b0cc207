/*
 * date.c — RFC 822 / RFC 3339 dates to unix seconds and back.
 *
 * The calendar arithmetic is our own (days from the civil date) rather
 * than timegm(), so that it needs no time zone database, covers years
 * 1 to 9999 on every platform, and every field is range-checked.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"

#define DATE_MIN	(-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define DATE_MAX	(253402300799LL)	/* 9999-12-31T23:59:59Z */

struct civil {
	int	year, mon, day;		/* 1-based month and day */
	int	hour, min, sec;
	int	offset;			/* minutes east of UTC */
};

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (March-based era). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil(). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Range-checks every field and converts; a leap second counts as :59. */
static int
civil_to_unix(const struct civil *c, int64_t *out)
{
	int sec = c->sec;

	if (c->year < 1 || c->year > 9999 || c->mon < 1 || c->mon > 12 ||
	    c->day < 1 || c->day > month_days(c->year, c->mon) ||
	    c->hour < 0 || c->hour > 23 || c->min < 0 || c->min > 59 ||
	    sec < 0 || sec > 60 || c->offset <= -24 * 60 ||
	    c->offset >= 24 * 60)
		return -1;
	if (sec == 60)
		sec = 59;
	*out = days_from_civil(c->year, c->mon, c->day) * 86400 +
	    c->hour * 3600 + c->min * 60 + sec - (int64_t)c->offset * 60;
	return 0;
}

int
date_from_civil(int year, int mon, int day, int hour, int min, int sec,
    int offset, int64_t *out)
{
	struct civil c = {
		.year = year, .mon = mon, .day = day,
		.hour = hour, .min = min, .sec = sec, .offset = offset,
	};

	return civil_to_unix(&c, out);
}

/* Exactly n digits at *sp; advances past them. */
static int
digits(const char **sp, int n, int *out)
{
	const char *s = *sp;
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/* One to max digits at *sp. */
static int
some_digits(const char **sp, int max, int *out, int *count)
{
	const char *s = *sp;
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)s[n])) {
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0 || isdigit((unsigned char)s[n]))
		return -1;
	*sp = s + n;
	*out = v;
	if (count)
		*count = n;
	return 0;
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* "+09:00", "+0900", "-05" into minutes; advances past it. */
static int
numeric_offset(const char **sp, int *out)
{
	const char *s = *sp;
	int sign, h, m = 0;

	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if (digits(&s, 2, &h) == -1)
		return -1;
	if (*s == ':') {
		s++;
		if (digits(&s, 2, &m) == -1)
			return -1;
	} else if (isdigit((unsigned char)*s)) {
		if (digits(&s, 2, &m) == -1)
			return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*out = sign * (h * 60 + m);
	*sp = s;
	return 0;
}

/* "HH:MM[:SS[.frac]]"; fractions are dropped. */
static int
clock_time(const char **sp, struct civil *c)
{
	const char *s = *sp;

	if (digits(&s, 2, &c->hour) == -1 || *s++ != ':' ||
	    digits(&s, 2, &c->min) == -1)
		return -1;
	c->sec = 0;
	if (*s == ':') {
		s++;
		if (digits(&s, 2, &c->sec) == -1)
			return -1;
		if (*s == '.' || *s == ',') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -1;
			while (isdigit((unsigned char)*s))
				s++;
		}
	}
	*sp = s;
	return 0;
}

/* "YYYY-MM-DD" with sep '-' or '/'. */
static int
calendar_date(const char **sp, char sep, struct civil *c)
{
	const char *s = *sp;

	if (digits(&s, 4, &c->year) == -1 || *s++ != sep)
		return -1;
	/* Slashed dates are written by hand: one-digit fields occur. */
	if (sep == '/') {
		if (some_digits(&s, 2, &c->mon, NULL) == -1 || *s++ != sep ||
		    some_digits(&s, 2, &c->day, NULL) == -1)
			return -1;
	} else if (digits(&s, 2, &c->mon) == -1 || *s++ != sep ||
	    digits(&s, 2, &c->day) == -1)
		return -1;
	*sp = s;
	return 0;
}

int
date_parse_rfc3339(const char *s, int64_t *out)
{
	struct civil c;

	memset(&c, 0, sizeof(c));
	s = skip_space(s);
	if (calendar_date(&s, '-', &c) == -1)
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (clock_time(&s, &c) == -1)
		return -1;
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		if (numeric_offset(&s, &c.offset) == -1)
			return -1;
	} else
		c.offset = DATE_JST_OFFSET;	/* no zone: Japan time */
	if (*skip_space(s) != '\0')
		return -1;
	return civil_to_unix(&c, out);
}

static const struct {
	const char	*name;
	int		 offset;
} zones[] = {
	{ "GMT", 0 }, { "UT", 0 }, { "UTC", 0 }, { "Z", 0 },
	{ "EST", -5 * 60 }, { "EDT", -4 * 60 },
	{ "CST", -6 * 60 }, { "CDT", -5 * 60 },
	{ "MST", -7 * 60 }, { "MDT", -6 * 60 },
	{ "PST", -8 * 60 }, { "PDT", -7 * 60 },
	{ "JST", DATE_JST_OFFSET },
};

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

/* A run of letters at *sp: its length, the pointer advanced past it. */
static size_t
word(const char **sp)
{
	const char *s = *sp;
	size_t n = 0;

	while (isalpha((unsigned char)s[n]))
		n++;
	*sp = s + n;
	return n;
}

static int
rfc822_zone(const char **sp, int *offset)
{
	const char *s = *sp, *w = s;
	size_t i, n;

	if (*s == '+' || *s == '-')
		return numeric_offset(sp, offset);
	if ((n = word(&s)) == 0)
		return -1;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (strlen(zones[i].name) == n &&
		    strncasecmp(w, zones[i].name, n) == 0) {
			*offset = zones[i].offset;
			*sp = s;
			return 0;
		}
	}
	/* RFC 2822 4.3: military zones are unreliable; read them as UTC. */
	if (n == 1 && *w != 'j' && *w != 'J') {
		*offset = 0;
		*sp = s;
		return 0;
	}
	return -1;
}

int
date_parse_rfc822(const char *s, int64_t *out)
{
	struct civil c;
	const char *w;
	size_t i;
	int ndigits;

	memset(&c, 0, sizeof(c));
	s = skip_space(s);
	/* Optional day of week, with or without its comma. */
	if (isalpha((unsigned char)*s)) {
		if (word(&s) < 3)
			return -1;
		s = skip_space(s);
		if (*s == ',')
			s = skip_space(s + 1);
	}
	if (some_digits(&s, 2, &c.day, NULL) == -1)
		return -1;
	s = skip_space(s);
	if (*s == '-')		/* "01-Mar-2026", seen in the wild */
		s++;
	w = s;
	if (word(&s) < 3)
		return -1;
	for (i = 0; i < 12; i++)
		if (strncasecmp(w, months[i], 3) == 0)
			break;
	if (i == 12)
		return -1;
	c.mon = i + 1;
	s = skip_space(s);
	if (*s == '-')
		s++;
	if (some_digits(&s, 4, &c.year, &ndigits) == -1)
		return -1;
	if (ndigits == 2)	/* RFC 2822 4.3 */
		c.year += c.year < 50 ? 2000 : 1900;
	else if (ndigits == 3)
		c.year += 1900;
	s = skip_space(s);
	if (*s == '\0') {
		c.offset = DATE_JST_OFFSET;
		return civil_to_unix(&c, out);
	}
	if (clock_time(&s, &c) == -1)
		return -1;
	s = skip_space(s);
	if (*s == '\0' || *s == '(')
		c.offset = DATE_JST_OFFSET;
	else if (rfc822_zone(&s, &c.offset) == -1)
		return -1;
	s = skip_space(s);
	if (*s == '(') {	/* a trailing comment: "+0900 (JST)" */
		if ((w = strchr(s, ')')) == NULL)
			return -1;
		s = skip_space(w + 1);
	}
	if (*s != '\0')
		return -1;
	return civil_to_unix(&c, out);
}

/* "YYYY-MM-DD" or "YYYY/MM/DD", optionally with "[ T]HH:MM[:SS]". */
static int
date_parse_plain(const char *s, int64_t *out)
{
	struct civil c;
	char sep;

	memset(&c, 0, sizeof(c));
	c.offset = DATE_JST_OFFSET;
	s = skip_space(s);
	sep = strlen(s) > 4 ? s[4] : '\0';
	if ((sep != '-' && sep != '/') || calendar_date(&s, sep, &c) == -1)
		return -1;
	if (*s == ' ' || *s == 'T') {
		s = skip_space(s + 1);
		if (*s != '\0' && clock_time(&s, &c) == -1)
			return -1;
	}
	if (*skip_space(s) != '\0')
		return -1;
	return civil_to_unix(&c, out);
}

int
date_parse_any(const char *s, int64_t *out)
{
	if (s == NULL)
		return -1;
	if (date_parse_rfc3339(s, out) == 0 ||
	    date_parse_rfc822(s, out) == 0 ||
	    date_parse_plain(s, out) == 0)
		return 0;
	return -1;
}

static int64_t
clamp(int64_t t)
{
	if (t < DATE_MIN)
		return DATE_MIN;
	if (t > DATE_MAX)
		return DATE_MAX;
	return t;
}

/* Splits t into date and time of day (floor division for t < 0). */
static void
split(int64_t t, struct civil *c)
{
	int64_t days = t / 86400, rem = t % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &c->year, &c->mon, &c->day);
	c->hour = rem / 3600;
	c->min = rem / 60 % 60;
	c->sec = rem % 60;
}

void
date_format_rfc3339(int64_t t, int offset_minutes, char buf[32])
{
	struct civil c;
	int off;

	if (offset_minutes <= -24 * 60 || offset_minutes >= 24 * 60)
		offset_minutes = 0;
	/* Clamped twice: the instant, then the local time stays in 0001-9999. */
	split(clamp(clamp(t) + (int64_t)offset_minutes * 60), &c);
	off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    c.year, c.mon, c.day, c.hour, c.min, c.sec,
	    offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

void
date_format_http(int64_t t, char buf[32])
{
	static const char *const wdays[] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
	};
	static const char *const mnames[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct civil c;
	int64_t days, wd;

	t = clamp(t);
	split(t, &c);
	days = (t - (c.hour * 3600 + c.min * 60 + c.sec)) / 86400;
	wd = days % 7;			/* 1970-01-01 was a Thursday */
	if (wd < 0)
		wd += 7;
	snprintf(buf, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wdays[wd], c.day, mnames[c.mon - 1], c.year, c.hour, c.min,
	    c.sec);
}
