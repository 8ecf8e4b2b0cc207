/*
 * jdate_calc.c — calendar checks, arithmetic and formatting of struct
 * jdate.  Instants go through date.h (its own calendar arithmetic, no time
 * zone database), so the two modules cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "jdate.h"

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

int
jdate_valid(const struct jdate *d)
{
	if (d->jd_year < 1 || d->jd_year > 9999 || d->jd_month < 1 ||
	    d->jd_month > 12 || d->jd_day < 1 ||
	    d->jd_day > month_days(d->jd_year, d->jd_month))
		return 0;
	if (!d->jd_has_time)
		return 1;
	return d->jd_hour >= 0 && d->jd_hour <= 23 && d->jd_minute >= 0 &&
	    d->jd_minute <= 59 && d->jd_second >= 0 && d->jd_second <= 59 &&
	    d->jd_offset > -24 * 60 && d->jd_offset < 24 * 60;
}

static int	from_unix(int64_t, int, struct jdate *);

/* Out of 0001-9999: the date is left as it was. */
void
jdate_add_days(struct jdate *d, int days)
{
	struct jdate t;
	int64_t u;

	memset(&t, 0, sizeof(t));
	t.jd_year = d->jd_year;
	t.jd_month = d->jd_month;
	t.jd_day = d->jd_day;
	t.jd_has_time = 1;
	if (jdate_to_unix(&t, &u) == -1)
		return;
	u += (int64_t)days * 86400;
	if (u < -62135596800LL || u > 253402300799LL ||
	    from_unix(u, 0, &t) == -1)
		return;
	d->jd_year = t.jd_year;
	d->jd_month = t.jd_month;
	d->jd_day = t.jd_day;
}

void
jdate_set_time(struct jdate *d, int hour, int minute, int second)
{
	d->jd_has_time = 1;
	if (hour == 24) {
		jdate_add_days(d, 1);
		hour = 0;
	}
	d->jd_hour = hour;
	d->jd_minute = minute;
	d->jd_second = second;
}

void
jdate_format(const struct jdate *d, char buf[32])
{
	int off = d->jd_offset < 0 ? -d->jd_offset : d->jd_offset;

	if (!d->jd_has_time) {
		snprintf(buf, 32, "%04d-%02d-%02d", d->jd_year, d->jd_month,
		    d->jd_day);
		return;
	}
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    d->jd_year, d->jd_month, d->jd_day, d->jd_hour, d->jd_minute,
	    d->jd_second, d->jd_offset < 0 ? '-' : '+', off / 60 % 100,
	    off % 60);
}

int
jdate_to_unix(const struct jdate *d, int64_t *out)
{
	struct jdate t = *d;

	if (!t.jd_has_time)
		jdate_set_time(&t, 0, 0, 0);
	if (!jdate_valid(&t))
		return -1;
	return date_from_civil(t.jd_year, t.jd_month, t.jd_day, t.jd_hour,
	    t.jd_minute, t.jd_second, t.jd_offset, out);
}

/* The instant t written at offset (minutes) into d. */
static int
from_unix(int64_t t, int offset, struct jdate *d)
{
	char buf[32];
	struct jdate r;

	date_format_rfc3339(t, offset, buf);
	memset(&r, 0, sizeof(r));
	if (sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2d", &r.jd_year, &r.jd_month,
	    &r.jd_day, &r.jd_hour, &r.jd_minute, &r.jd_second) != 6)
		return -1;
	r.jd_has_time = 1;
	r.jd_offset = offset;
	if (!jdate_valid(&r))
		return -1;
	*d = r;
	return 0;
}

int
jdate_add_seconds(struct jdate *d, int64_t seconds)
{
	int64_t t;
	int timed = d->jd_has_time;

	if (jdate_to_unix(d, &t) == -1 ||
	    t + seconds < -62135596800LL || t + seconds > 253402300799LL ||
	    from_unix(t + seconds, d->jd_offset, d) == -1)
		return -1;
	if (!timed)
		d->jd_has_time = 0;
	return 0;
}

int
jdate_to_offset(struct jdate *d, int offset)
{
	int64_t t;

	if (!d->jd_has_time || offset <= -24 * 60 || offset >= 24 * 60 ||
	    jdate_to_unix(d, &t) == -1)
		return -1;
	return from_unix(t, offset, d);
}

static int
cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

int
jdate_cmp(const struct jdate *a, const struct jdate *b)
{
	int64_t ta, tb;
	int c;

	if (a->jd_has_time && b->jd_has_time &&
	    jdate_to_unix(a, &ta) == 0 && jdate_to_unix(b, &tb) == 0)
		return (ta > tb) - (ta < tb);
	if ((c = cmp_int(a->jd_year, b->jd_year)) != 0 ||
	    (c = cmp_int(a->jd_month, b->jd_month)) != 0)
		return c;
	return cmp_int(a->jd_day, b->jd_day);
}
