/*
 * dedup_when.c — when an event happens, in Japan time, and the times a
 * text gives for gathering rather than starting (dedup_key.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "dedup_key.h"
#include "normalize.h"

/* --- days ----------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
dedup_day_format(int32_t day, char buf[11])
{
	int64_t z = (int64_t)day + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	if (y < 0 || y > 9999) {
		buf[0] = '\0';
		return;
	}
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

static int
two_digits(const char *s, int *out)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* A date or an RFC 3339 time as a Japan day and minute. */
static int
read_when(const char *s, int32_t *day, int *minute)
{
	int64_t t, local;
	int y1, y2, m, d;

	if (s == NULL || strlen(s) < 10 || s[4] != '-' || s[7] != '-' ||
	    two_digits(s, &y1) == -1 || two_digits(s + 2, &y2) == -1 ||
	    two_digits(s + 5, &m) == -1 || two_digits(s + 8, &d) == -1 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if (s[10] == '\0') {
		*day = days_from_civil(y1 * 100 + y2, m, d);
		*minute = -1;
		return 0;
	}
	if (date_parse_rfc3339(s, &t) == -1)
		return -1;
	local = t + DATE_JST_OFFSET * 60;
	*day = (int32_t)((local >= 0 ? local : local - 86399) / 86400);
	*minute = (int)((local - (int64_t)*day * 86400) / 60);
	return 0;
}

void
dedup_when_of(const char *start, const char *end, struct dedup_when *out)
{
	out->dw_day = DEDUP_NO_DAY;
	out->dw_minute = -1;
	out->dw_end_day = DEDUP_NO_DAY;
	out->dw_end_minute = -1;
	if (read_when(start, &out->dw_day, &out->dw_minute) == -1) {
		out->dw_day = DEDUP_NO_DAY;
		out->dw_minute = -1;
		return;
	}
	if (read_when(end, &out->dw_end_day, &out->dw_end_minute) == -1) {
		out->dw_end_day = DEDUP_NO_DAY;
		out->dw_end_minute = -1;
	} else if (out->dw_end_minute == 0 &&
	    out->dw_end_day == out->dw_day + 1) {
		/* ～24時, 午後12時: the end of the start's day. */
		out->dw_end_day = out->dw_day;
		out->dw_end_minute = 24 * 60;
	}
}

/* --- gathering times ------------------------------------------------------ */

/* Words that make the time beside them the time people gather or check
 * in, not the start: 集合 7:45, 受付9:30～, and the time the doors open
 * (開場 12:15, 開演 12:45: a hall opens half an hour before). */
static const char *const gather_words[] = { "集合", "受付", "開場" };
/* What may sit between such a word and its time: 受付開始 9:30,
 * 集合時間：7時. */
static const char *const gather_glue[] = { "時間", "時刻", "開始", "は",
    ":", " ", "　" };

static int
starts(const char *s, const char *word)
{
	return strncmp(s, word, strlen(word)) == 0;
}

/*
 * A time of day at s — "7:45", "7時", "10時20分", "10時半", "午後2時" —
 * as minutes; *end after it.  -1 when there is none.
 */
static int
time_at(const char *s, const char **end)
{
	int h = 0, m = 0, pm = 0, digits = 0;

	if (starts(s, "午前"))
		s += strlen("午前");
	else if (starts(s, "午後")) {
		s += strlen("午後");
		pm = 1;
	}
	while (isdigit((unsigned char)*s) && digits < 2) {
		h = h * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	if (*s == ':' && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2])) {
		m = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
	} else if (starts(s, "時")) {
		s += strlen("時");
		if (starts(s, "半")) {
			m = 30;
			s += strlen("半");
		} else if (isdigit((unsigned char)*s)) {
			const char *q = s;
			int mm = 0;

			while (isdigit((unsigned char)*q) && q - s < 2)
				mm = mm * 10 + (*q++ - '0');
			if (starts(q, "分")) {
				m = mm;
				s = q + strlen("分");
			}
		}
	} else
		return -1;
	if (pm && h < 12)
		h += 12;
	if (h > 23 || m > 59)
		return -1;
	*end = s;
	return h * 60 + m;
}

/* Bytes of the time-like character that ends at s (s > text), or 0. */
static size_t
time_char_before(const char *text, const char *s)
{
	static const char *const chars[] = { "時", "分", "半", "午", "前",
	    "後" };
	size_t i, n;

	if (isdigit((unsigned char)s[-1]) || s[-1] == ':' || s[-1] == ' ')
		return 1;
	for (i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
		n = strlen(chars[i]);
		if ((size_t)(s - text) >= n && strncmp(s - n, chars[i], n) == 0)
			return n;
	}
	return 0;
}

#define GATHER_BACK	12	/* characters looked at before the word */

/* The gathering time written just before word (at w), or -1. */
static int
time_before(const char *text, const char *w)
{
	const char *from = w, *p, *end;
	size_t n;
	int i, minute;

	for (i = 0; i < GATHER_BACK && from > text &&
	    (n = time_char_before(text, from)) > 0; i++)
		from -= n;
	for (p = from; p < w; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if ((minute = time_at(p, &end)) == -1)
			continue;
		while (end < w && *end == ' ')
			end++;
		if (end == w)
			return minute;
	}
	return -1;
}

/* Past what may sit between a gathering word and its time. */
static const char *
skip_glue(const char *p)
{
	size_t i, n;
	int glued = 1;

	while (glued) {
		glued = 0;
		for (i = 0; i < sizeof(gather_glue) / sizeof(gather_glue[0]);
		    i++) {
			n = strlen(gather_glue[i]);
			if (strncmp(p, gather_glue[i], n) == 0) {
				p += n;
				glued = 1;
			}
		}
	}
	return p;
}

/*
 * The gathering time beside the word at w (before it, else after it), or
 * -1; *from and *to bound the word and its time.
 */
static int
gathering_at(const char *text, const char *w, size_t wlen, const char **from,
    const char **to)
{
	const char *end;
	size_t n;
	int minute;

	if ((minute = time_before(text, w)) >= 0) {
		for (*from = w; *from > text &&
		    (n = time_char_before(text, *from)) > 0; *from -= n)
			;
		*to = w + wlen;
		return minute;
	}
	if ((minute = time_at(skip_glue(w + wlen), &end)) >= 0) {
		*from = w;
		*to = end;
	}
	return minute;
}

/* Calls fn for each gathering note of norm until it returns nonzero. */
static int
each_gathering(char *norm, int (*fn)(char *, const char *, const char *,
    int, void *), void *arg)
{
	const char *p, *w, *from, *to;
	size_t i, len;
	int minute;

	for (i = 0; i < sizeof(gather_words) / sizeof(gather_words[0]); i++) {
		len = strlen(gather_words[i]);
		for (p = norm; (w = strstr(p, gather_words[i])) != NULL;
		    p = w + len) {
			if ((minute = gathering_at(norm, w, len, &from,
			    &to)) >= 0 && fn(norm, from, to, minute, arg))
				return 1;
		}
	}
	return 0;
}

static int
is_minute(char *norm, const char *from, const char *to, int minute,
    void *arg)
{
	(void)norm;
	(void)from;
	(void)to;
	return minute == *(const int *)arg;
}

int
dedup_is_gathering_time(const char *text, int minute)
{
	char *norm;
	int found;

	if (text == NULL || minute < 0)
		return 0;
	norm = normalize_text(text);
	found = each_gathering(norm, is_minute, &minute);
	free(norm);
	return found;
}

/* Cuts the note out; 1: look again, the text moved. */
static int
cut(char *norm, const char *from, const char *to, int minute, void *arg)
{
	(void)norm;
	(void)minute;
	memmove((char *)from, to, strlen(to) + 1);
	*(int *)arg = 1;
	return 1;
}

char *
dedup_strip_gathering(const char *text)
{
	char *norm;
	int again = 1;

	if (text == NULL)
		return NULL;
	norm = normalize_text(text);
	while (again) {
		again = 0;
		(void)each_gathering(norm, cut, &again);
	}
	return norm;
}

/* --- a start time in the text ------------------------------------------- */

/* Words after a time that make it a start: 10時から, 13:30開始, 9時～. */
static const char *const start_after[] = { "から", "開始", "~", "-",
    "より" };
/* Words before a time that make it one: 時間は10時, 開始時刻: 9:00. */
static const char *const start_before[] = { "時間は", "開始時刻:",
    "開始時刻", "開始時間:", "開始:" };

int
dedup_text_start(const char *text)
{
	const char *p, *end, *q;
	char *norm;
	size_t i;
	int minute, found = -1, start;

	if (text == NULL)
		return -1;
	norm = normalize_text(text);
	for (p = norm; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		/* Where a time begins: not inside a number. */
		if (p > norm && isdigit((unsigned char)p[-1]))
			continue;
		if ((minute = time_at(p, &end)) == -1)
			continue;
		start = 0;
		for (q = end; *q == ' '; q++)
			;
		for (i = 0; !start && i < sizeof(start_after) /
		    sizeof(start_after[0]); i++)
			start = starts(q, start_after[i]);
		for (i = 0; !start && i < sizeof(start_before) /
		    sizeof(start_before[0]); i++) {
			size_t n = strlen(start_before[i]);
			const char *b = p;

			while (b > norm && b[-1] == ' ')
				b--;
			start = (size_t)(b - norm) >= n &&
			    strncmp(b - n, start_before[i], n) == 0;
		}
		if (start && (found == -1 || found == minute))
			found = minute;
		else if (start) {
			found = -2;	/* two of them: sessions */
			break;
		}
		p = end - 1;
	}
	/* A time of gathering is no start. */
	if (found >= 0 && dedup_is_gathering_time(norm, found))
		found = -1;
	free(norm);
	return found < 0 ? -1 : found;
}
