/*
 * ical.c — RFC 5545 iCalendar objects: content lines unfolded, the
 * component structure checked, every VEVENT handed to ical_event.c.
 *
 * Bounded: an unfolded line holds at most ICAL_LINE_MAX bytes, components
 * nest at most ICAL_DEPTH_MAX deep, a component has at most
 * ICAL_PROPS_MAX properties.  What does not start with BEGIN:VCALENDAR,
 * closes a component it did not open or ends inside one is refused as a
 * whole, with the line; a line that is not a content line is recorded as
 * an issue and passed over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "feed.h"
#include "ical_private.h"
#include "parse_private.h"
#include "text.h"
#include "xmalloc.h"

#define ICAL_LINE_MAX	(1024 * 1024)
#define ICAL_DEPTH_MAX	16
#define ICAL_PROPS_MAX	1024
#define ICAL_BAD_MAX	100	/* lines that are no content line */
#define ICAL_NAME_MAX	64

struct ical_reader {
	const char	*rd_p, *rd_end;
	int		 rd_line;	/* physical lines read */
	struct buf	 rd_buf;	/* the unfolded line */
};

/* One physical line without its CRLF/LF; NULL at the end. */
static const char *
physical(struct ical_reader *rd, size_t *len)
{
	const char *start = rd->rd_p, *nl;

	if (rd->rd_p >= rd->rd_end)
		return NULL;
	nl = memchr(rd->rd_p, '\n', rd->rd_end - rd->rd_p);
	rd->rd_p = nl != NULL ? nl + 1 : rd->rd_end;
	*len = (nl != NULL ? nl : rd->rd_end) - start;
	if (*len > 0 && start[*len - 1] == '\r')
		(*len)--;
	rd->rd_line++;
	return start;
}

/*
 * The next unfolded content line into rd_buf, its first line in *line:
 * 1, 0 at the end, -1 when it is longer than ICAL_LINE_MAX.
 */
static int
unfolded(struct ical_reader *rd, int *line)
{
	const char *s;
	size_t len;

	buf_reset(&rd->rd_buf);
	do {
		if ((s = physical(rd, &len)) == NULL)
			return 0;
	} while (len == 0);
	*line = rd->rd_line;
	if (buf_append(&rd->rd_buf, s, len) == -1)
		return -1;
	/* A line that starts with a space or a tab continues the last. */
	while (rd->rd_p < rd->rd_end &&
	    (*rd->rd_p == ' ' || *rd->rd_p == '\t')) {
		s = physical(rd, &len);
		if (buf_append(&rd->rd_buf, s + 1, len - 1) == -1)
			return -1;
	}
	return 1;
}

static void
upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
}

static int
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* A name at *sp (IANA or X- token). */
static char *
name_at(const char **sp)
{
	const char *s = *sp;
	char *n;

	while (is_name_char(*s))
		s++;
	if (s == *sp || s - *sp > ICAL_NAME_MAX)
		return NULL;
	n = xstrndup(*sp, s - *sp);
	upper(n);
	*sp = s;
	return n;
}

static void
prop_clear(struct ical_prop *pr)
{
	size_t i;

	for (i = 0; i < pr->pr_nparams; i++) {
		free(pr->pr_params[i].ip_name);
		free(pr->pr_params[i].ip_value);
	}
	free(pr->pr_params);
	free(pr->pr_name);
	free(pr->pr_value);
	memset(pr, 0, sizeof(*pr));
}

/* name *(";" param "=" value *("," value)) ":" value; 0 or -1. */
static int
content_line(const char *s, int line, struct ical_prop *pr)
{
	struct ical_param *ip;
	struct buf b;
	const char *v;

	memset(pr, 0, sizeof(*pr));
	pr->pr_line = line;
	buf_init(&b, ICAL_LINE_MAX);
	if ((pr->pr_name = name_at(&s)) == NULL)
		goto fail;
	while (*s == ';') {
		s++;
		pr->pr_params = xreallocarray(pr->pr_params,
		    pr->pr_nparams + 1, sizeof(*pr->pr_params));
		ip = &pr->pr_params[pr->pr_nparams++];
		ip->ip_value = NULL;
		if ((ip->ip_name = name_at(&s)) == NULL || *s++ != '=')
			goto fail;
		buf_reset(&b);
		for (;;) {
			if (*s == '"') {
				if ((v = strchr(s + 1, '"')) == NULL)
					goto fail;
				buf_append(&b, s + 1, v - s - 1);
				s = v + 1;
			} else {
				v = s + strcspn(s, ";:,");
				buf_append(&b, s, v - s);
				s = v;
			}
			if (*s != ',')
				break;
			buf_append(&b, ",", 1);
			s++;
		}
		ip->ip_value = b.len > 0 ? xstrndup(b.data, b.len) :
		    xstrdup("");
	}
	if (*s++ != ':')
		goto fail;
	pr->pr_value = text_sanitize_utf8(s);
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	prop_clear(pr);
	return -1;
}

struct ical_state {
	struct ical_doc	 st_doc;
	char		*st_stack[ICAL_DEPTH_MAX];
	int		 st_lines[ICAL_DEPTH_MAX];
	int		 st_depth;
	int		 st_bad;
	struct ical_event *st_event;	/* the VEVENT being read */
	struct ical_tz	*st_tz;		/* the VTIMEZONE being read */
};

static const char *
top(const struct ical_state *st, int below)
{
	return st->st_depth > below ? st->st_stack[st->st_depth - 1 - below] :
	    "";
}

static int
begin_comp(struct ical_state *st, struct ical_prop *pr, char *err,
    size_t errlen)
{
	struct ical_doc *doc = &st->st_doc;
	char *name = pr->pr_value;

	upper(name);
	if (st->st_depth == 0 && strcmp(name, "VCALENDAR") != 0) {
		snprintf(err, errlen, "line %d: BEGIN:%.32s outside "
		    "VCALENDAR", pr->pr_line, name);
		return -1;
	}
	if (st->st_depth == ICAL_DEPTH_MAX) {
		snprintf(err, errlen, "line %d: components nested deeper "
		    "than %d", pr->pr_line, ICAL_DEPTH_MAX);
		return -1;
	}
	if (strcmp(name, "VEVENT") == 0 && strcmp(top(st, 0), "VCALENDAR")
	    == 0) {
		doc->doc_events = xreallocarray(doc->doc_events,
		    doc->doc_nevents + 1, sizeof(*doc->doc_events));
		st->st_event = &doc->doc_events[doc->doc_nevents++];
		memset(st->st_event, 0, sizeof(*st->st_event));
		st->st_event->ev_line = pr->pr_line;
	} else if (strcmp(name, "VTIMEZONE") == 0) {
		doc->doc_tzs = xreallocarray(doc->doc_tzs, doc->doc_ntzs + 1,
		    sizeof(*doc->doc_tzs));
		st->st_tz = &doc->doc_tzs[doc->doc_ntzs++];
		memset(st->st_tz, 0, sizeof(*st->st_tz));
	}
	st->st_lines[st->st_depth] = pr->pr_line;
	st->st_stack[st->st_depth++] = xstrdup(name);
	return 0;
}

static int
end_comp(struct ical_state *st, struct ical_prop *pr, char *err,
    size_t errlen)
{
	upper(pr->pr_value);
	if (st->st_depth == 0 || strcmp(top(st, 0), pr->pr_value) != 0) {
		snprintf(err, errlen, "line %d: END:%.32s does not close "
		    "%s%s", pr->pr_line, pr->pr_value,
		    st->st_depth ? "BEGIN:" : "anything",
		    st->st_depth ? top(st, 0) : "");
		return -1;
	}
	if (strcmp(pr->pr_value, "VEVENT") == 0)
		st->st_event = NULL;
	else if (strcmp(pr->pr_value, "VTIMEZONE") == 0)
		st->st_tz = NULL;
	free(st->st_stack[--st->st_depth]);
	return 0;
}

/* "+0900", "-0500", "+053000" into minutes east of UTC. */
static int
utc_offset(const char *s, int *out)
{
	int sign, i, v = 0, n = strlen(s);

	if ((n != 5 && n != 7) || (s[0] != '+' && s[0] != '-'))
		return -1;
	for (i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 5)
			v = v * 10 + (s[i] - '0');
	}
	sign = s[0] == '-' ? -1 : 1;
	if (v / 100 > 23 || v % 100 > 59)
		return -1;
	*out = sign * (v / 100 * 60 + v % 100);
	return 0;
}

/* A property: kept on its event, or read into its time zone. */
static void
property(struct ical_state *st, struct ical_prop *pr)
{
	struct ical_event *ev = st->st_event;

	if (ev != NULL && strcmp(top(st, 0), "VEVENT") == 0) {
		if (ev->ev_nprops >= ICAL_PROPS_MAX)
			return;
		ev->ev_props = xreallocarray(ev->ev_props, ev->ev_nprops + 1,
		    sizeof(*ev->ev_props));
		ev->ev_props[ev->ev_nprops++] = *pr;
		memset(pr, 0, sizeof(*pr));
	} else if (st->st_tz != NULL && strcmp(top(st, 0), "VTIMEZONE") == 0 &&
	    strcmp(pr->pr_name, "TZID") == 0 && st->st_tz->tz_id == NULL) {
		st->st_tz->tz_id = xstrdup(pr->pr_value);
	} else if (st->st_tz != NULL && strcmp(top(st, 0), "STANDARD") == 0 &&
	    strcmp(top(st, 1), "VTIMEZONE") == 0 &&
	    strcmp(pr->pr_name, "TZOFFSETTO") == 0) {
		if (utc_offset(pr->pr_value, &st->st_tz->tz_offset) == 0)
			st->st_tz->tz_has_offset = 1;
	} else if (strcmp(top(st, 0), "VCALENDAR") == 0 &&
	    strcmp(pr->pr_name, "X-WR-CALNAME") == 0 &&
	    st->st_doc.doc_name == NULL)
		st->st_doc.doc_name = ical_unescape(pr->pr_value);
}

static void
doc_free(struct ical_state *st)
{
	struct ical_doc *doc = &st->st_doc;
	size_t i, k;

	for (i = 0; i < doc->doc_nevents; i++) {
		for (k = 0; k < doc->doc_events[i].ev_nprops; k++)
			prop_clear(&doc->doc_events[i].ev_props[k]);
		free(doc->doc_events[i].ev_props);
	}
	free(doc->doc_events);
	for (i = 0; i < doc->doc_ntzs; i++)
		free(doc->doc_tzs[i].tz_id);
	free(doc->doc_tzs);
	free(doc->doc_name);
	while (st->st_depth > 0)
		free(st->st_stack[--st->st_depth]);
}

/* Reads the whole text into st; 0 or -1 with err. */
static int
read_doc(struct ical_reader *rd, struct feed *f, struct ical_state *st,
    char *err, size_t errlen)
{
	struct ical_prop pr;
	int line, rc, seen = 0;

	while ((rc = unfolded(rd, &line)) == 1) {
		if (!seen++ && strncasecmp(rd->rd_buf.data, "BEGIN:VCALENDAR",
		    15) != 0) {
			snprintf(err, errlen, "not an iCalendar object: line "
			    "%d is '%.40s', not BEGIN:VCALENDAR", line,
			    rd->rd_buf.data);
			return -1;
		}
		if (content_line(rd->rd_buf.data, line, &pr) == -1) {
			if (++st->st_bad > ICAL_BAD_MAX) {
				snprintf(err, errlen, "line %d: more than %d "
				    "lines that are no content lines", line,
				    ICAL_BAD_MAX);
				return -1;
			}
			/* Not its text: it may hold a contact, and the
			 * reason reaches the log. */
			feed_add_issue(f, line, "not a content line (no "
			    "NAME:VALUE), ignored");
			continue;
		}
		if (strcmp(pr.pr_name, "BEGIN") == 0)
			rc = begin_comp(st, &pr, err, errlen);
		else if (strcmp(pr.pr_name, "END") == 0)
			rc = end_comp(st, &pr, err, errlen);
		else if (st->st_depth == 0) {
			snprintf(err, errlen, "line %d: %s outside VCALENDAR",
			    line, pr.pr_name);
			rc = -1;
		} else {
			property(st, &pr);
			rc = 0;
		}
		prop_clear(&pr);
		if (rc == -1)
			return -1;
	}
	if (rc == -1) {
		snprintf(err, errlen, "line %d: a content line longer than %d "
		    "bytes", rd->rd_line, ICAL_LINE_MAX);
		return -1;
	}
	if (!seen) {
		snprintf(err, errlen, "not an iCalendar object: empty");
		return -1;
	}
	if (st->st_depth > 0) {
		snprintf(err, errlen, "BEGIN:%s at line %d is never closed "
		    "(truncated?)", top(st, 0), st->st_lines[st->st_depth - 1]);
		return -1;
	}
	return 0;
}

int
ical_parse(const char *data, size_t len, const struct feed_parse_opts *opts,
    struct feed *f, char *err, size_t errlen)
{
	struct ical_reader rd;
	struct ical_state st;
	struct posting *p;
	char why[256];
	size_t i;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	memset(&st, 0, sizeof(st));
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	rd.rd_p = data;
	rd.rd_end = data + len;
	buf_init(&rd.rd_buf, ICAL_LINE_MAX);
	if (read_doc(&rd, f, &st, err, errlen) == -1)
		goto done;
	if (st.st_doc.doc_name != NULL && *st.st_doc.doc_name != '\0')
		f->fd_title = xstrdup(st.st_doc.doc_name);
	for (i = 0; i < st.st_doc.doc_nevents && !feed_is_full(f, opts);
	    i++) {
		why[0] = '\0';
		p = ical_event_posting(&st.st_doc, &st.st_doc.doc_events[i],
		    opts, why, sizeof(why));
		if (p == NULL)
			feed_add_issue(f, st.st_doc.doc_events[i].ev_line, "%s",
			    why);
		else
			posting_list_push(&f->fd_entries, p);
	}
	rc = 0;
done:
	doc_free(&st);
	buf_free(&rd.rd_buf);
	return rc;
}

int
ical_sniff(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	return end - p >= 15 && strncasecmp(p, "BEGIN:VCALENDAR", 15) == 0;
}
