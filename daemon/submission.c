/*
 * submission.c — the rules of a submitted or edited posting, one table
 * entry per field, then the rules across fields.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../feeds/area.h"
#include "../feeds/category.h"
#include "../feeds/date.h"
#include "../feeds/posting.h"
#include "../feeds/posting_json.h"
#include "submission.h"

enum date_form {
	DATE_NONE = 0,
	DATE_DAY,		/* YYYY-MM-DD */
	DATE_TIME,		/* RFC 3339 with seconds and an offset */
};

static int
fail(struct submission_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct submission_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	int n;

	snprintf(err->se_field, sizeof(err->se_field), "%s", field);
	n = snprintf(err->se_message, sizeof(err->se_message), "%s: ", field);
	if (n < 0 || (size_t)n >= sizeof(err->se_message))
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->se_message + n, sizeof(err->se_message) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Characters (code points) of valid UTF-8, as jansson hands it over. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
valid_day(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;

	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return 0;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0));
}

/* "2026-03-01" or "2026-03-01T10:00:00+09:00" (or Z); no fractions. */
static enum date_form
date_form(const char *s)
{
	const char *p;

	if (strlen(s) < 10 || !valid_day(s))
		return DATE_NONE;
	if (s[10] == '\0')
		return DATE_DAY;
	p = s + 10;
	if (*p != 'T' || !digits(p + 1, 2) || p[3] != ':' ||
	    !digits(p + 4, 2) || p[6] != ':' || !digits(p + 7, 2) ||
	    num(p + 1, 2) > 23 || num(p + 4, 2) > 59 || num(p + 7, 2) > 59)
		return DATE_NONE;
	p += 9;
	if (*p == 'Z' && p[1] == '\0')
		return DATE_TIME;
	if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' &&
	    digits(p + 4, 2) && p[6] == '\0' && num(p + 1, 2) <= 23 &&
	    num(p + 4, 2) <= 59)
		return DATE_TIME;
	return DATE_NONE;
}

/* -1, 0, 1 as a is before, at, after b (same form; a day vs a time
 * compares the days as written). */
static int
date_cmp(const char *a, const char *b)
{
	int64_t ta, tb;

	if (date_form(a) == DATE_TIME && date_form(b) == DATE_TIME &&
	    date_parse_rfc3339(a, &ta) == 0 && date_parse_rfc3339(b, &tb) == 0)
		return ta < tb ? -1 : ta > tb;
	return strncmp(a, b, 10) < 0 ? -1 : strncmp(a, b, 10) > 0;
}

static int
check_url(const char *s)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok;

	ok = strlen(s) <= SUBMISSION_URL_MAX &&
	    curl_url_set(u, CURLUPART_URL, s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	    host[0] != '\0';
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/* --- one checker per field ---------------------------------------------- */

typedef int (*field_check)(const char *field, const json_t *v,
    struct submission_error *);

static int
string_of(const char *field, const json_t *v, size_t max_chars,
    struct submission_error *err)
{
	const char *s;

	if (!json_is_string(v))
		return fail(err, field, "expected a string");
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return fail(err, field, "contains a NUL character");
	if (strspn(s, " \t\r\n") == strlen(s))
		return fail(err, field, "empty");
	if (chars(s) > max_chars)
		return fail(err, field, "longer than %zu characters",
		    max_chars);
	return 0;
}

static int
check_title(const char *f, const json_t *v, struct submission_error *err)
{
	return string_of(f, v, SUBMISSION_TITLE_MAX, err);
}

static int
check_summary(const char *f, const json_t *v, struct submission_error *err)
{
	return string_of(f, v, SUBMISSION_SUMMARY_MAX, err);
}

static int
check_content(const char *f, const json_t *v, struct submission_error *err)
{
	if (json_is_string(v) && json_string_length(v) > SUBMISSION_CONTENT_MAX)
		return fail(err, f, "larger than %d bytes",
		    SUBMISSION_CONTENT_MAX);
	return string_of(f, v, SUBMISSION_CONTENT_MAX, err);
}

static int
check_text(const char *f, const json_t *v, struct submission_error *err)
{
	return string_of(f, v, SUBMISSION_TEXT_MAX, err);
}

static int
check_fee(const char *f, const json_t *v, struct submission_error *err)
{
	return string_of(f, v, SUBMISSION_FEE_MAX, err);
}

static int
check_link(const char *f, const json_t *v, struct submission_error *err)
{
	if (string_of(f, v, SUBMISSION_URL_MAX, err) == -1)
		return -1;
	if (!check_url(json_string_value(v)))
		return fail(err, f, "expected an http or https URL");
	return 0;
}

static int
check_date(const char *f, const json_t *v, struct submission_error *err)
{
	if (!json_is_string(v))
		return fail(err, f, "expected a date (YYYY-MM-DD) or an RFC "
		    "3339 time with seconds and offset");
	if (date_form(json_string_value(v)) == DATE_NONE)
		return fail(err, f, "'%s' is not a date (YYYY-MM-DD) or an "
		    "RFC 3339 time with seconds and offset "
		    "(2026-03-01T10:00:00+09:00)", json_string_value(v));
	return 0;
}

static int
check_bool(const char *f, const json_t *v, struct submission_error *err)
{
	return json_is_boolean(v) ? 0 : fail(err, f, "expected true or false");
}

static int
check_area(const char *f, const json_t *v, struct submission_error *err)
{
	char code[7];
	const char *s;

	if (!json_is_string(v))
		return fail(err, f, "expected a string of 6 digits");
	s = json_string_value(v);
	if (strlen(s) != 6 || !digits(s, 6) || area_normalize(s, code) == -1 ||
	    strcmp(s, code) != 0)
		return fail(err, f, "'%s' is not a 全国地方公共団体コード: 6 "
		    "digits with a valid check digit (Kariya is 232106)", s);
	return 0;
}

static int
check_lat(const char *f, const json_t *v, struct submission_error *err)
{
	if (!json_is_number(v) || json_number_value(v) < -90 ||
	    json_number_value(v) > 90)
		return fail(err, f, "expected a number from -90 to 90");
	return 0;
}

static int
check_lon(const char *f, const json_t *v, struct submission_error *err)
{
	if (!json_is_number(v) || json_number_value(v) < -180 ||
	    json_number_value(v) > 180)
		return fail(err, f, "expected a number from -180 to 180");
	return 0;
}

static int
check_categories(const char *f, const json_t *v, struct submission_error *err)
{
	char field[32];
	json_t *c;
	size_t i, j;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail(err, f, "expected an array of one or more "
		    "category codes");
	json_array_foreach(v, i, c) {
		snprintf(field, sizeof(field), "%s[%zu]", f, i);
		if (!json_is_string(c) ||
		    !category_is_code(json_string_value(c)))
			return fail(err, field, "not a category code (welfare, "
			    "children, elderly, disability, environment, "
			    "disaster, community, education, culture, sports, "
			    "international, health, other)");
		for (j = 0; j < i; j++)
			if (json_equal(c, json_array_get(v, j)))
				return fail(err, field, "'%s' is given twice",
				    json_string_value(c));
	}
	return 0;
}

static int
check_capacity(const char *f, const json_t *v, struct submission_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > SUBMISSION_CAPACITY_MAX)
		return fail(err, f, "expected a whole number from 0 to %d",
		    SUBMISSION_CAPACITY_MAX);
	return 0;
}

/* An RRULE names its FREQ as one of its ';'-separated parts. */
static int
check_rrule(const char *f, const json_t *v, struct submission_error *err)
{
	static const char *const freqs[] = { "SECONDLY", "MINUTELY", "HOURLY",
	    "DAILY", "WEEKLY", "MONTHLY", "YEARLY", NULL };
	const char *p, *const *q;
	size_t n;

	if (string_of(f, v, SUBMISSION_RRULE_MAX, err) == -1)
		return -1;
	for (p = json_string_value(v); *p; p += n + (p[n] == ';')) {
		n = strcspn(p, ";");
		if (strncmp(p, "FREQ=", 5) != 0)
			continue;
		for (q = freqs; *q; q++)
			if (n == 5 + strlen(*q) && strncmp(p + 5, *q,
			    strlen(*q)) == 0)
				return 0;
	}
	return fail(err, f, "expected an iCalendar RRULE value with a FREQ, "
	    "such as FREQ=MONTHLY;COUNT=3");
}

static int
check_status(const char *f, const json_t *v, struct submission_error *err)
{
	const char *s = json_string_value(v);

	if (s == NULL || (strcmp(s, "open") != 0 &&
	    strcmp(s, "cancelled") != 0))
		return fail(err, f, "expected \"open\" or \"cancelled\" "
		    "(withdraw a posting with its withdraw route)");
	return 0;
}

/* An object of string members, each checked with max characters. */
static int
check_members(const char *f, const json_t *v, const char *const *keys,
    struct submission_error *err)
{
	const char *key, *const *k;
	char field[64];
	json_t *m;

	if (!json_is_object(v))
		return fail(err, f, "expected an object");
	json_object_foreach((json_t *)v, key, m) {
		snprintf(field, sizeof(field), "%s.%s", f, key);
		for (k = keys; *k; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k == NULL)
			return fail(err, field, "unknown field");
		if (json_is_null(m))
			continue;
		if (string_of(field, m, SUBMISSION_TEXT_MAX, err) == -1)
			return -1;
	}
	return 0;
}

static int
check_contact(const char *f, const json_t *v, struct submission_error *err)
{
	static const char *const keys[] = { "name", "phone", "email", NULL };
	const char *email;

	if (check_members(f, v, keys, err) == -1)
		return -1;
	email = json_string_value(json_object_get(v, "email"));
	if (email != NULL && (strchr(email, '@') == NULL || *email == '@' ||
	    strchr(email, '@')[1] == '\0' || strchr(email, ' ') != NULL))
		return fail(err, "contact.email", "'%s' is not an e-mail "
		    "address", email);
	return 0;
}

static int
check_organizer(const char *f, const json_t *v, struct submission_error *err)
{
	static const char *const keys[] = { "name", "kind", NULL };

	return check_members(f, v, keys, err);
}

static const struct field_rule {
	const char	*fr_name;
	field_check	 fr_check;
	int		 fr_required;
} field_rules[] = {
	{ "title", check_title, 1 },
	{ "start", check_date, 1 },
	{ "end", check_date, 0 },
	{ "all_day", check_bool, 0 },
	{ "deadline", check_date, 0 },
	{ "url", check_link, 0 },
	{ "summary", check_summary, 0 },
	{ "content_html", check_content, 0 },
	{ "area", check_area, 0 },
	{ "place", check_text, 0 },
	{ "address", check_text, 0 },
	{ "lat", check_lat, 0 },
	{ "lon", check_lon, 0 },
	{ "category", check_categories, 0 },
	{ "capacity", check_capacity, 0 },
	{ "fee", check_fee, 0 },
	{ "contact", check_contact, 0 },
	{ "organizer", check_organizer, 0 },
	{ "recurrence", check_rrule, 0 },
	{ "status", check_status, 0 },
	{ NULL, NULL, 0 }
};

/* What a posting carries that only the server sets. */
static const char *const server_fields[] = { "id", "revision", "kind",
    "duplicate_of", "sources", "origin", "guid", "date_published",
    "date_modified", NULL };

static const struct field_rule *
rule_of(const char *name)
{
	const struct field_rule *fr;

	for (fr = field_rules; fr->fr_name; fr++)
		if (strcmp(fr->fr_name, name) == 0)
			return fr;
	return NULL;
}

/* Every member of doc known and well formed; required ones present. */
static int
check_fields(const json_t *doc, int edit, struct submission_error *err)
{
	const struct field_rule *fr;
	const char *key, *const *s;
	json_t *v;

	if (!json_is_object(doc))
		return fail(err, "(body)", "expected a JSON object");
	json_object_foreach((json_t *)doc, key, v) {
		for (s = server_fields; *s; s++)
			if (strcmp(*s, key) == 0)
				return fail(err, key, "set by the server, not "
				    "by a submission");
		if ((fr = rule_of(key)) == NULL)
			return fail(err, key, "unknown field");
		if (json_is_null(v)) {
			if (fr->fr_required)
				return fail(err, key, edit ? "cannot be "
				    "removed" : "required");
			continue;
		}
		if (fr->fr_check(key, v, err) == -1)
			return -1;
	}
	if (!edit)
		for (fr = field_rules; fr->fr_name; fr++) {
			v = json_object_get(doc, fr->fr_name);
			if (fr->fr_required && (v == NULL || json_is_null(v)))
				return fail(err, fr->fr_name, "required");
		}
	/* One coordinate alone locates nothing. */
	if ((json_object_get(doc, "lat") == NULL) !=
	    (json_object_get(doc, "lon") == NULL))
		return fail(err, json_object_get(doc, "lat") ? "lon" : "lat",
		    "lat and lon go together");
	return 0;
}

/* The rules across fields, on the posting as it would be stored. */
static int
check_across(const struct posting *p, int all_day_given,
    struct submission_error *err)
{
	enum date_form start;

	if (p->pst_start == NULL)
		return fail(err, "start", "required");
	start = date_form(p->pst_start);
	if (start == DATE_NONE)
		return fail(err, "start", "'%s' is not a date or an RFC 3339 "
		    "time", p->pst_start);
	if (all_day_given && p->pst_all_day != (start == DATE_DAY))
		return fail(err, "start", p->pst_all_day ?
		    "an all-day posting starts on a date (YYYY-MM-DD)" :
		    "a posting that is not all-day starts at a time (RFC "
		    "3339)");
	if (p->pst_end != NULL) {
		if (date_form(p->pst_end) != start)
			return fail(err, "end", "must have the form of start "
			    "(%s)", start == DATE_DAY ? "a date" : "a time");
		if (date_cmp(p->pst_end, p->pst_start) < 0)
			return fail(err, "end", "%s is before start %s",
			    p->pst_end, p->pst_start);
	}
	if (p->pst_deadline != NULL &&
	    date_cmp(p->pst_deadline, p->pst_start) > 0)
		return fail(err, "deadline", "%s is after start %s: "
		    "applications close before the event", p->pst_deadline,
		    p->pst_start);
	return 0;
}

struct posting *
submission_parse(const json_t *doc, struct submission_error *err)
{
	struct posting *p;
	char perr[160];

	memset(err, 0, sizeof(*err));
	if (check_fields(doc, 0, err) == -1)
		return NULL;
	/* The storage form reads url, summary and content_html too. */
	if ((p = posting_from_storage_json(doc, perr, sizeof(perr))) == NULL) {
		fail(err, "(body)", "%s", perr);
		return NULL;
	}
	if (json_object_get(doc, "all_day") == NULL)
		p->pst_all_day = date_form(p->pst_start) == DATE_DAY;
	if (check_across(p, 1, err) == -1) {
		posting_free(p);
		return NULL;
	}
	return p;
}

int
submission_check_edit(const json_t *patch, const struct posting *current,
    struct submission_error *err)
{
	struct posting *p;
	json_t *doc, *v;
	const char *key;
	char perr[160];
	int rc;

	memset(err, 0, sizeof(*err));
	if (!json_is_object(patch) || json_object_size(patch) == 0)
		return fail(err, "(body)", "expected an object with the "
		    "fields to change");
	if (check_fields(patch, 1, err) == -1)
		return -1;
	if ((doc = posting_to_storage_json(current)) == NULL)
		return fail(err, "(posting)", "the stored posting cannot be "
		    "edited");
	json_object_foreach((json_t *)patch, key, v) {
		if (json_is_null(v))
			json_object_del(doc, key);
		else
			json_object_set(doc, key, v);
	}
	p = posting_from_storage_json(doc, perr, sizeof(perr));
	json_decref(doc);
	if (p == NULL)
		return fail(err, "(body)", "%s", perr);
	/* A source's posting may break rules it never had to follow; only
	 * what this edit touches is held to them. */
	rc = 0;
	if (json_object_get(patch, "start") || json_object_get(patch, "end") ||
	    json_object_get(patch, "deadline") ||
	    json_object_get(patch, "all_day"))
		rc = check_across(p,
		    json_object_get(patch, "all_day") != NULL ||
		    json_object_get(patch, "start") != NULL, err);
	posting_free(p);
	return rc;
}
