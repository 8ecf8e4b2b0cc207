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

/* One date, optionally with a time.  0, or -1 when it is not a date. */
int	jdate_parse(const char *text, struct jdate *out);
/* A time of day alone.  0 or -1. */
int	jdate_parse_time(const char *text, int *hour, int *minute);
/*
 * The first event span in free text: a date, then optionally a time range
 * ("10時～12時", "午前１０時から午後５時まで", "9:00-12:00"), or a date
 * range ("8月5日～8月7日").  0 when a date was found, -1 otherwise.
 */
int	jdate_find_span(const char *text, struct jdate_span *out);
/* "2026-03-01T10:00:00+09:00" when timed, else "2026-03-01"; 32 bytes. */
void	jdate_format(const struct jdate *, char buf[32]);

#endif
