/*
 * ical_event.c — one VEVENT to a posting.
 *
 * Times: a UTC time ('Z') is written at +09:00; a floating time is Japan
 * time; a TZID names Japan time when it is Asia/Tokyo (or a vendor's
 * spelling of it), a fixed offset for the few zones without daylight time
 * listed below, else the STANDARD TZOFFSETTO of the calendar's VTIMEZONE
 * (no tz database here: summer times of other zones are off by their
 * saving), else Japan time.  All-day events (VALUE=DATE) get date-only
 * start and end, the end inclusive: DTEND minus one day.  A recurring
 * event is one posting at its first occurrence with its RRULE; an
 * override (RECURRENCE-ID) is not published on its own.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ical_private.h"
#include "jdate.h"
#include "posting.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define JST		(9 * 60)
#define DURATION_MAX	(400LL * 86400 * 366)	/* seconds */

const struct ical_prop *
ical_prop(const struct ical_event *ev, const char *name)
{
	size_t i;

	for (i = 0; i < ev->ev_nprops; i++)
		if (strcmp(ev->ev_props[i].pr_name, name) == 0)
			return &ev->ev_props[i];
	return NULL;
}

const char *
ical_param(const struct ical_prop *pr, const char *name)
{
	size_t i;

	for (i = 0; i < pr->pr_nparams; i++)
		if (strcmp(pr->pr_params[i].ip_name, name) == 0)
			return pr->pr_params[i].ip_value;
	return NULL;
}

/* Unescapes n bytes of s. */
static char *
unescape_n(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 == n) {
			*o++ = s[i];
			continue;
		}
		i++;
		*o++ = s[i] == 'n' || s[i] == 'N' ? '\n' : s[i];
	}
	*o = '\0';
	return out;
}

char *
ical_unescape(const char *s)
{
	return unescape_n(s, strlen(s));
}

/* The trimmed, unescaped TEXT of a property; NULL when absent or empty. */
static char *
text_prop(const struct ical_event *ev, const char *name)
{
	const struct ical_prop *pr = ical_prop(ev, name);
	char *u, *t;

	if (pr == NULL)
		return NULL;
	u = ical_unescape(pr->pr_value);
	t = text_trim(u);
	free(u);
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

static const struct {
	const char	*tz_name;
	int		 tz_offset;
} fixed_zones[] = {
	{ "Asia/Tokyo", JST }, { "Japan", JST }, { "JST", JST },
	{ "Tokyo Standard Time", JST }, { "Asia/Seoul", JST },
	{ "UTC", 0 }, { "Etc/UTC", 0 }, { "GMT", 0 }, { "Etc/GMT", 0 },
	{ "Z", 0 }, { "Asia/Shanghai", 480 }, { "Asia/Taipei", 480 },
	{ "Asia/Hong_Kong", 480 }, { "Asia/Singapore", 480 },
	{ "Asia/Manila", 480 }, { "Asia/Bangkok", 420 },
	{ "Asia/Jakarta", 420 }, { "Asia/Ho_Chi_Minh", 420 },
	{ "Asia/Kolkata", 330 },
};

/* The offset a TZID stands for (see the top of the file). */
static int
tz_offset(const struct ical_doc *doc, const char *tzid)
{
	const char *slash;
	size_t i, n, k;

	if (strstr(tzid, "Tokyo") != NULL || strstr(tzid, "Osaka") != NULL)
		return JST;
	for (i = 0; i < sizeof(fixed_zones) / sizeof(fixed_zones[0]); i++) {
		/* "/mozilla.org/20050126_1/Asia/Tokyo": the tail counts. */
		n = strlen(tzid);
		k = strlen(fixed_zones[i].tz_name);
		slash = n > k ? tzid + n - k - 1 : NULL;
		if (strcasecmp(tzid, fixed_zones[i].tz_name) == 0 ||
		    (slash != NULL && *slash == '/' &&
		    strcasecmp(slash + 1, fixed_zones[i].tz_name) == 0))
			return fixed_zones[i].tz_offset;
	}
	for (i = 0; i < doc->doc_ntzs; i++)
		if (doc->doc_tzs[i].tz_id != NULL &&
		    strcmp(doc->doc_tzs[i].tz_id, tzid) == 0 &&
		    doc->doc_tzs[i].tz_has_offset)
			return doc->doc_tzs[i].tz_offset;
	return JST;
}

/* DTSTART / DTEND: a date (VALUE=DATE) or a date-time; 0 or -1. */
static int
date_value(const struct ical_doc *doc, const struct ical_prop *pr,
    struct jdate *d)
{
	const char *value = ical_param(pr, "VALUE"), *tzid;
	const char *v = pr->pr_value;
	size_t n = strlen(v);
	int utc = n > 0 && (v[n - 1] == 'Z' || v[n - 1] == 'z');

	if (jdate_parse(v, d) == -1)
		return -1;
	if (value != NULL && strcasecmp(value, "DATE") == 0)
		d->jd_has_time = 0;
	if (!d->jd_has_time)
		return 0;
	if (utc)
		return jdate_to_offset(d, JST);
	if ((tzid = ical_param(pr, "TZID")) != NULL)
		d->jd_offset = tz_offset(doc, tzid);
	return 0;
}

/* "P1D", "PT1H30M", "P1W", "-PT15M" into seconds; 0 or -1. */
static int
duration(const char *s, int64_t *out)
{
	int64_t total = 0, n;
	int sign = 1, in_time = 0, digits;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (*s++ != 'P' || *s == '\0')
		return -1;
	while (*s != '\0') {
		if (*s == 'T') {
			in_time = 1;
			s++;
			continue;
		}
		for (n = 0, digits = 0; *s >= '0' && *s <= '9'; s++, digits++)
			if ((n = n * 10 + (*s - '0')) > DURATION_MAX)
				return -1;
		if (digits == 0)
			return -1;
		switch (*s++) {
		case 'W':	n *= 7 * 86400;	break;
		case 'D':	n *= 86400;	break;
		case 'H':	n *= in_time ? 3600 : -1;	break;
		case 'M':	n *= in_time ? 60 : -1;	break;
		case 'S':	n *= in_time ? 1 : -1;	break;
		default:
			return -1;
		}
		if (n < 0 || (total += n) > DURATION_MAX)
			return -1;
	}
	*out = sign * total;
	return 0;
}

/* The end from DTEND or DURATION; 1 when there is one. */
static int
event_end(const struct ical_doc *doc, const struct ical_event *ev,
    const struct jdate *start, struct jdate *end)
{
	const struct ical_prop *pr;
	int64_t secs;

	if ((pr = ical_prop(ev, "DTEND")) != NULL) {
		if (date_value(doc, pr, end) == -1 ||
		    end->jd_has_time != start->jd_has_time)
			return 0;
		if (!start->jd_has_time) {
			jdate_add_days(end, -1);	/* exclusive → inclusive */
			if (jdate_cmp(end, start) < 0)
				*end = *start;	/* DTEND = DTSTART: one day */
		} else if (end->jd_offset != start->jd_offset &&
		    jdate_to_offset(end, start->jd_offset) == -1)
			return 0;
	} else if ((pr = ical_prop(ev, "DURATION")) != NULL) {
		if (duration(pr->pr_value, &secs) == -1 || secs <= 0)
			return 0;
		*end = *start;
		if (!start->jd_has_time) {
			if (secs < 86400)
				return 0;
			jdate_add_days(end, (int)(secs / 86400) - 1);
		} else if (jdate_add_seconds(end, secs) == -1)
			return 0;
	} else if (!start->jd_has_time)
		*end = *start;		/* RFC 5545 3.6.1: one day */
	else
		return 0;
	if (jdate_cmp(end, start) < 0 ||
	    (start->jd_has_time && jdate_cmp(end, start) == 0))
		return 0;
	return 1;
}

static char *
text_html(const char *text)
{
	char *esc = text_html_escape(text);
	const char *c;
	struct buf b;

	buf_init(&b, (size_t)-1);
	for (c = esc; *c != '\0'; c++) {
		if (*c == '\r' && c[1] == '\n')
			continue;
		if (*c == '\r' || *c == '\n')
			buf_puts(&b, "<br>\n");
		else
			buf_append(&b, c, 1);
	}
	free(esc);
	return b.len > 0 ? buf_release(&b, NULL) : (buf_free(&b), xstrdup(""));
}

/* CATEGORIES: a comma-separated list, "\," inside an item. */
static void
categories(const struct ical_event *ev, struct posting *p)
{
	const char *s, *item;
	char *u, *t;
	size_t i;

	for (i = 0; i < ev->ev_nprops; i++) {
		if (strcmp(ev->ev_props[i].pr_name, "CATEGORIES") != 0)
			continue;
		for (s = item = ev->ev_props[i].pr_value;; s++) {
			if (*s == '\\' && s[1] != '\0') {
				s++;
				continue;
			}
			if (*s != ',' && *s != '\0')
				continue;
			u = unescape_n(item, s - item);
			t = text_trim(u);
			if (*t != '\0')
				posting_add_category(p, t);
			free(t);
			free(u);
			if (*s == '\0')
				break;
			item = s + 1;
		}
	}
}

static void
geo(const struct ical_event *ev, struct posting *p)
{
	const struct ical_prop *pr = ical_prop(ev, "GEO");
	double lat, lon;
	char *e;

	if (pr == NULL)
		return;
	lat = strtod(pr->pr_value, &e);
	if (e == pr->pr_value || (*e != ';' && *e != ','))
		return;
	lon = strtod(e + 1, &e);
	if (*e != '\0' || !isfinite(lat) || !isfinite(lon) ||
	    fabs(lat) > 90 || fabs(lon) > 180)
		return;
	p->pst_lat = lat;
	p->pst_lon = lon;
	p->pst_has_geo = 1;
}

static void
organizer(const struct ical_event *ev, struct posting *p)
{
	const struct ical_prop *pr = ical_prop(ev, "ORGANIZER");
	const char *cn;
	char *t;

	if (pr == NULL)
		return;
	if ((cn = ical_param(pr, "CN")) != NULL) {
		t = text_trim(cn);
		if (*t != '\0')
			posting_set(&p->pst_organizer_name, t);
		free(t);
	}
	if (strncasecmp(pr->pr_value, "mailto:", 7) == 0 &&
	    pr->pr_value[7] != '\0')
		posting_set(&p->pst_contact_email, pr->pr_value + 7);
}

static int64_t
stamp(const struct ical_event *ev, const char *name)
{
	const struct ical_prop *pr = ical_prop(ev, name);
	struct jdate d;
	int64_t t;

	if (pr == NULL || jdate_parse(pr->pr_value, &d) == -1 ||
	    jdate_to_unix(&d, &t) == -1)
		return 0;
	return t;
}

static void
set_date(char **field, const struct jdate *d)
{
	char buf[32];

	jdate_format(d, buf);
	posting_set(field, buf);
}

struct posting *
ical_event_posting(const struct ical_doc *doc, const struct ical_event *ev,
    const struct feed_parse_opts *opts, char *why, size_t whylen)
{
	const struct ical_prop *pr;
	struct jdate start, end;
	struct posting *p;
	char *s;

	if ((pr = ical_prop(ev, "RECURRENCE-ID")) != NULL) {
		snprintf(why, whylen, "RECURRENCE-ID %.32s: an override of one "
		    "occurrence, not published on its own", pr->pr_value);
		return NULL;
	}
	if ((pr = ical_prop(ev, "DTSTART")) == NULL) {
		snprintf(why, whylen, "VEVENT without DTSTART");
		return NULL;
	}
	if (date_value(doc, pr, &start) == -1) {
		snprintf(why, whylen, "DTSTART '%.40s' is not a date",
		    pr->pr_value);
		return NULL;
	}
	if ((s = text_prop(ev, "SUMMARY")) == NULL) {
		snprintf(why, whylen, "VEVENT without SUMMARY");
		return NULL;
	}
	p = posting_new();
	p->pst_title = s;
	set_date(&p->pst_start, &start);
	p->pst_all_day = !start.jd_has_time;
	if (event_end(doc, ev, &start, &end))
		set_date(&p->pst_end, &end);
	if ((s = text_prop(ev, "UID")) != NULL)
		p->pst_guid = s;
	if ((s = text_prop(ev, "DESCRIPTION")) != NULL) {
		p->pst_content_html = text_html(s);
		p->pst_summary = s;
	}
	p->pst_place = text_prop(ev, "LOCATION");
	p->pst_contact_name = text_prop(ev, "CONTACT");
	if ((pr = ical_prop(ev, "URL")) != NULL)
		p->pst_link = url_resolve(opts->base_url, pr->pr_value, 1);
	if ((pr = ical_prop(ev, "RRULE")) != NULL && pr->pr_value[0] != '\0')
		posting_set(&p->pst_recurrence, pr->pr_value);
	if ((pr = ical_prop(ev, "STATUS")) != NULL &&
	    strcasecmp(pr->pr_value, "CANCELLED") == 0)
		p->pst_status = POSTING_CANCELLED;
	categories(ev, p);
	geo(ev, p);
	organizer(ev, p);
	p->pst_published = stamp(ev, "CREATED");
	p->pst_modified = stamp(ev, "LAST-MODIFIED");
	return p;
}
