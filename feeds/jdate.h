/*
 * jdate.h — dates and times as Japanese sources write them, in structured
 * fields (CSV cells, dc:date) and in free text (descriptions).
 *
 * Accepted: ISO 8601 / RFC 3339 ("2026-08-21", "2026-03-01T10:00:00+09:00"),
 * "2026/08/04", "2026年8月5日", 和暦 ("令和6年3月1日", "令和元年5月1日",
 * "R6.3.1", "H15.10.1", "平成15年10月1日"), full-width digits, weekday
 * marks ("（水）"), and times "10:00", "10時", "10時30分", "午前10時",
 * "午後2時", "正午".  Era starts: 明治 1868, 大正 1912-07-30,
 * 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.  Dates without a zone
 * are Japan time.  Future dates are never clamped.
 */
#ifndef TSUNAGU_JDATE_H
#define TSUNAGU_JDATE_H

#include <stdint.h>

struct jdate {
	int	jd_year, jd_month, jd_day;
	int	jd_has_time;
	int	jd_hour, jd_minute, jd_second;
	int	jd_offset;	/* minutes east of UTC; +540 unless stated */
};

struct jdate_span {
	struct jdate	js_start;
	struct jdate	js_end;		/* valid when js_has_end */
	int		js_has_end;
};

/*
 * One date, optionally with a time, and nothing else but a weekday mark
 * and blanks; ISO basic forms ("20260801T100000Z", iCalendar's) too.
 * 0, or -1 when it is not a date (平成31年5月1日 is none: 令和元年).
 */
int	jdate_parse(const char *text, struct jdate *out);
/* A time of day alone.  0 or -1. */
int	jdate_parse_time(const char *text, int *hour, int *minute);
/*
 * The first event span in free text: a date, then optionally a time range
 * ("10時～12時", "午前１０時から午後５時まで", "9:00-12:00"), or a date
 * range ("8月5日～8月7日").  0 when a date was found, -1 otherwise.
 * A date needs its year.  An end that leaves out the year or the month
 * takes the start's, the next one when it would end before the start
 * ("12月28日～1月5日"); "22時～2時" ends the next day, "～24時" at 00:00
 * of the next; an end not after the start is no end ("10時より": none).
 */
int	jdate_find_span(const char *text, struct jdate_span *out);
/*
 * jdate_find_span(), and when it finds nothing, the first date that
 * leaves out its year ("8月5日（水）10時～12時"), in the year that puts it
 * on or after ref, or at most 31 days before it: a posting announces what
 * is to come.  ref is the posting's publication, say.  0 or -1.
 */
int	jdate_find_span_near(const char *text, const struct jdate *ref,
	    struct jdate_span *out);
/* "2026-03-01T10:00:00+09:00" when timed, else "2026-03-01"; 32 bytes. */
void	jdate_format(const struct jdate *, char buf[32]);

/*
 * Helpers for the CSV and iCalendar readers.
 *
 * jdate_parse_end_time() also takes the end of the day ("24:00", "24時",
 * "午後12時"), given as hour 24 minute 0; jdate_set_time() turns hour 24
 * into 00:00 of the next day.
 */
int	jdate_parse_end_time(const char *text, int *hour, int *minute);
void	jdate_set_time(struct jdate *, int hour, int minute, int second);
/* 1 when the date (and the time, when jd_has_time) exists, else 0. */
int	jdate_valid(const struct jdate *);
/* The date moved by days; time of day and offset unchanged. */
void	jdate_add_days(struct jdate *, int days);
/* The same instant moved by seconds (date only: days * 86400 expected). */
int	jdate_add_seconds(struct jdate *, int64_t seconds);
/* The same instant written at another offset (timed dates only). */
int	jdate_to_offset(struct jdate *, int offset_minutes);
/*
 * Order of two dates: as instants when both are timed, by calendar date
 * otherwise.  <0, 0, >0.
 */
int	jdate_cmp(const struct jdate *, const struct jdate *);
/* Unix seconds; a date alone is 00:00 at its offset.  0 or -1. */
int	jdate_to_unix(const struct jdate *, int64_t *out);

#endif
