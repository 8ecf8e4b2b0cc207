/*
 * ical_write.c — postings as an iCalendar object (RFC 5545): one VEVENT
 * per posting, UID ID@INSTANCE, times in Asia/Tokyo (its VTIMEZONE is
 * included), all-day postings as VALUE=DATE with the exclusive DTEND,
 * the recurrence as RRULE, cancelled and withdrawn as STATUS:CANCELLED.
 *
 * Text from sources is escaped (3.3.11: backslash, ';', ',', newlines as
 * "\n"; other controls dropped) and every line is folded at 75 octets
 * without splitting a UTF-8 sequence, so no value can end a line, start a
 * property or break a client's line buffer.
 *
 * A posting without a start date has no DTSTART.  RFC 5545 allows that
 * when the object has no METHOD, so none is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "text.h"
#include "writer.h"
#include "xmalloc.h"

#define ICS_LINE_MAX	75	/* octets, CRLF not counted (3.1) */
#define ICS_TZID	"Asia/Tokyo"

struct ics {
	struct buf	*ic_buf;
	int		 ic_err;
};

static void
put(struct ics *ic, const void *data, size_t len)
{
	if (!ic->ic_err && buf_append(ic->ic_buf, data, len) == -1)
		ic->ic_err = 1;
}

/* NAME[;PARAMS]:VALUE, folded; value is already in its escaped form. */
static void
line(struct ics *ic, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), len, room, n;
	char *s;

	len = nlen + 1 + vlen;
	s = xmalloc(len + 1);
	memcpy(s, name, nlen);
	s[nlen] = ':';
	memcpy(s + nlen + 1, value, vlen + 1);
	for (n = 0, room = ICS_LINE_MAX; n < len; room = ICS_LINE_MAX - 1) {
		size_t take = len - n;

		if (take > room) {
			take = room;
			/* Back off to the start of a UTF-8 sequence. */
			while (take > 0 &&
			    ((unsigned char)s[n + take] & 0xc0) == 0x80)
				take--;
		}
		if (n > 0)
			put(ic, " ", 1);
		put(ic, s + n, take);
		put(ic, "\r\n", 2);
		n += take;
	}
	free(s);
}

/* TEXT (3.3.11): \\ \; \, and \n; CR, CRLF and LF all end a line. */
static char *
escape_text(const char *value)
{
	char *clean = text_sanitize_utf8(value), *out;
	const unsigned char *p;
	size_t o = 0;

	out = xreallocarray(NULL, strlen(clean) + 1, 2);
	for (p = (const unsigned char *)clean; *p; p++) {
		switch (*p) {
		case '\\':
		case ';':
		case ',':
			out[o++] = '\\';
			out[o++] = *p;
			break;
		case '\r':
			if (p[1] == '\n')
				break;
			/* FALLTHROUGH */
		case '\n':
			out[o++] = '\\';
			out[o++] = 'n';
			break;
		case 0x7f:			/* a CONTROL in RFC 5545 */
			break;
		default:
			out[o++] = *p;
			break;
		}
	}
	out[o] = '\0';
	free(clean);
	return out;
}

static void
text(struct ics *ic, const char *name, const char *value)
{
	char *v;

	if (value == NULL)
		return;
	v = escape_text(value);
	line(ic, name, v);
	free(v);
}

/* A URI value: bytes a URI cannot hold are percent-encoded. */
static void
uri(struct ics *ic, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out;
	size_t o = 0;

	if (value == NULL)
		return;
	out = xreallocarray(NULL, strlen(value) + 1, 3);
	for (p = (const unsigned char *)value; *p; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\' &&
		    *p != '<' && *p != '>')
			out[o++] = *p;
		else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	out[o] = '\0';
	line(ic, name, out);
	free(out);
}

/* "2026-03-01T10:00:00+09:00" → "20260301T100000" (drops the offset). */
static void
compact(const char *rfc3339, char out[17])
{
	snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2s", rfc3339,
	    rfc3339 + 5, rfc3339 + 8, rfc3339 + 11, rfc3339 + 14,
	    rfc3339 + 17);
}

static void
utc(struct ics *ic, const char *name, int64_t t)
{
	char buf[32], v[20];

	date_format_rfc3339(t, 0, buf);
	compact(buf, v);
	strcat(v, "Z");
	line(ic, name, v);
}

/* YYYY-MM-DD at the start of s, as unix seconds of its Japan midnight. */
static int
day_of(const char *s, int64_t *out)
{
	char day[11];
	size_t i;

	if (s == NULL || strlen(s) < 10)
		return -1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    s[i] < '0' || s[i] > '9')
			return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	return date_parse_any(day, out);
}

static void
date_value(struct ics *ic, const char *name, int64_t t)
{
	char buf[32], prop[64], v[9];

	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	snprintf(v, sizeof(v), "%.4s%.2s%.2s", buf, buf + 5, buf + 8);
	snprintf(prop, sizeof(prop), "%s;VALUE=DATE", name);
	line(ic, prop, v);
}

static void
local_value(struct ics *ic, const char *name, int64_t t)
{
	char buf[32], prop[64], v[17];

	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	compact(buf, v);
	snprintf(prop, sizeof(prop), "%s;TZID=" ICS_TZID, name);
	line(ic, prop, v);
}

static void
event_dates(struct ics *ic, const struct posting *p)
{
	int64_t start, end;

	if (p->pst_all_day) {
		if (day_of(p->pst_start, &start) == -1)
			return;
		date_value(ic, "DTSTART", start);
		/* end is the inclusive last day; DTEND is exclusive. */
		if (day_of(p->pst_end, &end) == 0 && end >= start)
			date_value(ic, "DTEND", end + 86400);
		return;
	}
	if (p->pst_start == NULL ||
	    date_parse_rfc3339(p->pst_start, &start) == -1)
		return;
	local_value(ic, "DTSTART", start);
	if (p->pst_end != NULL && date_parse_rfc3339(p->pst_end, &end) == 0 &&
	    end >= start)
		local_value(ic, "DTEND", end);
}

/* An RRULE value as RFC 5545 writes it, else NULL: nothing else passes. */
static const char *
rrule_value(const char *r)
{
	if (r == NULL)
		return NULL;
	if (strncmp(r, "RRULE:", 6) == 0)
		r += 6;
	if (*r == '\0' || strspn(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789;=,:+-") != strlen(r) ||
	    strstr(r, "FREQ=") == NULL)
		return NULL;
	return r;
}

/* CATEGORIES: a list; commas inside a category are escaped. */
static void
categories(struct ics *ic, const struct posting *p)
{
	struct buf list;
	char *v;
	size_t i;

	if (p->pst_ncategories == 0)
		return;
	buf_init(&list, SIZE_MAX);
	for (i = 0; i < p->pst_ncategories; i++) {
		v = escape_text(p->pst_categories[i]);
		if (i > 0)
			buf_puts(&list, ",");
		buf_puts(&list, v);
		free(v);
	}
	line(ic, "CATEGORIES", list.data);
	buf_free(&list);
}

static void
location(struct ics *ic, const struct posting *p)
{
	char *both;

	if (p->pst_place != NULL && p->pst_address != NULL) {
		xasprintf(&both, "%s %s", p->pst_place, p->pst_address);
		text(ic, "LOCATION", both);
		free(both);
	} else
		text(ic, "LOCATION", p->pst_place ? p->pst_place :
		    p->pst_address);
}

static void
contact(struct ics *ic, const struct posting *p)
{
	struct buf b;

	if (p->pst_contact_name == NULL && p->pst_contact_phone == NULL &&
	    p->pst_contact_email == NULL)
		return;
	buf_init(&b, SIZE_MAX);
	if (p->pst_contact_name)
		buf_puts(&b, p->pst_contact_name);
	if (p->pst_contact_phone)
		buf_printf(&b, "%s%s", b.len ? " " : "", p->pst_contact_phone);
	if (p->pst_contact_email)
		buf_printf(&b, "%s%s", b.len ? " " : "", p->pst_contact_email);
	text(ic, "CONTACT", b.data);
	buf_free(&b);
}

static void
event(struct ics *ic, const struct feed_meta *fm, const struct posting *p)
{
	char num[64], *uid;
	const char *rrule;
	int64_t stamp;

	line(ic, "BEGIN", "VEVENT");
	xasprintf(&uid, "%s@%s", p->pst_id ? p->pst_id :
	    p->pst_guid ? p->pst_guid : "",
	    fm->fm_instance ? fm->fm_instance : "tsunagu");
	text(ic, "UID", uid);
	free(uid);
	stamp = p->pst_modified ? p->pst_modified :
	    p->pst_published ? p->pst_published : fm->fm_updated;
	utc(ic, "DTSTAMP", stamp);
	if (p->pst_published != 0)
		utc(ic, "CREATED", p->pst_published);
	if (p->pst_modified != 0)
		utc(ic, "LAST-MODIFIED", p->pst_modified);
	if (p->pst_revision > 0) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)p->pst_revision - 1);
		line(ic, "SEQUENCE", num);
	}
	event_dates(ic, p);
	if ((rrule = rrule_value(p->pst_recurrence)) != NULL)
		line(ic, "RRULE", rrule);
	else
		text(ic, "X-TSUNAGU-RECURRENCE", p->pst_recurrence);
	text(ic, "SUMMARY", p->pst_title ? p->pst_title : "");
	text(ic, "DESCRIPTION", p->pst_summary);
	location(ic, p);
	if (p->pst_has_geo) {
		snprintf(num, sizeof(num), "%.6f;%.6f", p->pst_lat,
		    p->pst_lon);
		line(ic, "GEO", num);
	}
	uri(ic, "URL", p->pst_link);
	categories(ic, p);
	contact(ic, p);
	line(ic, "STATUS", p->pst_status == POSTING_CANCELLED ||
	    p->pst_status == POSTING_WITHDRAWN ? "CANCELLED" : "CONFIRMED");
	/* What STATUS cannot say: withdrawn apart from cancelled. */
	text(ic, "X-TSUNAGU-STATUS", posting_status_name(p->pst_status));
	text(ic, "X-TSUNAGU-KIND", p->pst_kind);
	text(ic, "X-TSUNAGU-AREA", p->pst_area);
	text(ic, "X-TSUNAGU-DEADLINE", p->pst_deadline);
	line(ic, "END", "VEVENT");
}

static void
vtimezone(struct ics *ic)
{
	line(ic, "BEGIN", "VTIMEZONE");
	line(ic, "TZID", ICS_TZID);
	line(ic, "BEGIN", "STANDARD");
	line(ic, "DTSTART", "19700101T000000");
	line(ic, "TZOFFSETFROM", "+0900");
	line(ic, "TZOFFSETTO", "+0900");
	line(ic, "TZNAME", "JST");
	line(ic, "END", "STANDARD");
	line(ic, "END", "VTIMEZONE");
}

int
ical_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	struct ics ic = { .ic_buf = b, .ic_err = 0 };
	size_t start = b->len, i;

	line(&ic, "BEGIN", "VCALENDAR");
	line(&ic, "VERSION", "2.0");
	line(&ic, "PRODID", "-//tsunagu//tsunagu " TSUNAGU_VERSION "//JA");
	line(&ic, "CALSCALE", "GREGORIAN");
	text(&ic, "X-WR-CALNAME", fm->fm_title ? fm->fm_title : "tsunagu");
	line(&ic, "X-WR-TIMEZONE", ICS_TZID);
	uri(&ic, "X-ORIGINAL-URL", fm->fm_self_url);
	vtimezone(&ic);
	for (i = 0; i < n && !ic.ic_err; i++)
		event(&ic, fm, postings[i]);
	line(&ic, "END", "VCALENDAR");
	if (ic.ic_err) {
		/* Leave the buffer as it was, not with half a calendar. */
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
		return -1;
	}
	return 0;
}
