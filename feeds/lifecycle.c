/*
 * lifecycle.c — the end of an event, as schemas/002_search.sql computes
 * span_start / span_first_end / span_end (lifecycle.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "lifecycle.h"

#define JST		32400		/* seconds east of UTC */
#define DAY		86400
#define FOREVER		INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* strftime('%s', s) minus 9 hours for a time without a zone, as 002. */
static int
span_point(const char *s, int64_t *out)
{
	size_t len;
	int y, m, d;

	if (s == NULL || (len = strlen(s)) < 10)
		return -1;
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
			return -1;
		*out = days_from_civil(y, m, d) * DAY - JST;
		return 0;
	}
	/* date_parse_rfc3339 takes a time without a zone as Japan time,
	 * which is 002's "minus 9 hours" too. */
	return date_parse_rfc3339(s, out);
}

/* The integer after "KEY=" in an upper-cased RRULE, or -1. */
static long
rule_int(const char *rule, const char *key)
{
	const char *p = strstr(rule, key);

	if (p == NULL)
		return -1;
	p += strlen(key);
	if (!isdigit((unsigned char)*p))
		return 0;
	return strtol(p, NULL, 10);
}

/* t plus n months (or years, 12 n), as SQLite's date modifiers do it:
 * the day of the month may overflow into the next month. */
static int64_t
add_months(int64_t t, int64_t n)
{
	int64_t days = t >= 0 ? t / DAY : (t - DAY + 1) / DAY;
	int64_t secs = t - days * DAY, y, m, d;

	civil_from_days(days, &y, &m, &d);
	m += n;
	y += (m - 1 >= 0 ? (m - 1) / 12 : (m - 12) / 12);
	m = ((m - 1) % 12 + 12) % 12 + 1;
	return days_from_civil(y, m, 1) * DAY + (d - 1) * DAY + secs;
}

int64_t
lifecycle_close_time(const char *start, const char *end,
    const char *recurrence)
{
	int64_t span_start, first_end, span_end, e, day_end, n, k;
	long iv;
	char rule[256];
	const char *u;
	size_t i;
	int y, m, d;

	if (span_point(start, &span_start) == -1)
		return LIFECYCLE_NEVER;
	if (span_point(end, &e) == 0)
		first_end = e + (strlen(end) == 10 ? DAY - 1 : 0);
	else
		first_end = span_start + (strlen(start) == 10 ? DAY - 1 : 0);
	span_end = first_end;
	if (recurrence != NULL && *recurrence != '\0') {
		for (i = 0; recurrence[i] && i < sizeof(rule) - 1; i++)
			rule[i] = (char)toupper((unsigned char)recurrence[i]);
		rule[i] = '\0';
		if ((u = strstr(rule, "UNTIL=")) != NULL) {
			if (sscanf(u + 6, "%4d%2d%2d", &y, &m, &d) != 3)
				return LIFECYCLE_NEVER;
			e = days_from_civil(y, m, d) * DAY - JST + DAY - 1 +
			    (first_end - span_start);
			span_end = e > first_end ? e : first_end;
		} else if ((n = rule_int(rule, "COUNT=")) >= 0) {
			k = (n > 1 ? n : 1) - 1;
			if ((iv = rule_int(rule, "INTERVAL=")) > 1)
				k *= iv;
			if (strstr(rule, "FREQ=YEARLY") != NULL)
				e = add_months(span_start, 12 * k);
			else if (strstr(rule, "FREQ=MONTHLY") != NULL)
				e = add_months(span_start, k);
			else if (strstr(rule, "FREQ=HOURLY") != NULL)
				e = span_start + 3600 * k;
			else if (strstr(rule, "FREQ=MINUTELY") != NULL)
				e = span_start + 60 * k;
			else if (strstr(rule, "FREQ=SECONDLY") != NULL)
				e = span_start + k;
			else if (strstr(rule, "FREQ=WEEKLY") != NULL)
				e = span_start + 7 * DAY * k;
			else
				e = span_start + DAY * k;
			span_end = first_end + (e - span_start);
		} else
			span_end = FOREVER;
	}
	if (span_end >= FOREVER)
		return LIFECYCLE_NEVER;
	day_end = ((span_start + JST) / DAY + 1) * DAY - JST - 1;
	return span_end > day_end ? span_end : day_end;
}
