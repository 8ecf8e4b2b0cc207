/* posting_match.c — the feed filters applied to one posting in memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../feeds/date.h"
#include "../feeds/xmalloc.h"
#include "posting_match.h"

static int
one_of(const struct filter_values *fv, const char *v)
{
	size_t i;

	if (v == NULL)
		return 0;
	for (i = 0; i < fv->fv_n; i++)
		if (strcmp(fv->fv_values[i], v) == 0)
			return 1;
	return 0;
}

static int
area_match(const struct filter_values *fv, const char *area)
{
	const char *a;
	size_t i;

	if (area == NULL)
		return 0;
	for (i = 0; i < fv->fv_n; i++) {
		a = fv->fv_values[i];
		/* A prefecture is every code that starts with it. */
		if (strlen(a) == 2 ? strncmp(area, a, 2) == 0 :
		    strcmp(area, a) == 0)
			return 1;
	}
	return 0;
}

static int
source_match(const struct filter_values *fv, const struct posting *p)
{
	size_t i;

	for (i = 0; i < p->pst_nrefs; i++)
		if (one_of(fv, p->pst_refs[i].ref_source))
			return 1;
	return 0;
}

static int
category_match(const struct filter_values *fv, const struct posting *p)
{
	size_t i;

	for (i = 0; i < p->pst_ncategories; i++)
		if (one_of(fv, p->pst_categories[i]))
			return 1;
	return 0;
}

static void
put_field(char **text, size_t *len, const char *v)
{
	size_t n = v ? strlen(v) : 0;

	*text = xreallocarray(*text, *len + n + 2, 1);
	if (n > 0)
		memcpy(*text + *len, v, n);
	(*text)[*len + n] = '\n';
	*len += n + 1;
	(*text)[*len] = '\0';
}

/* The text the store searches (posting_text), lowercased as lower() does. */
static int
q_match(const char *q, const struct posting *p)
{
	char *text = NULL, *s;
	size_t len = 0;
	int found;

	put_field(&text, &len, p->pst_title);
	put_field(&text, &len, p->pst_summary);
	put_field(&text, &len, p->pst_place);
	put_field(&text, &len, p->pst_address);
	put_field(&text, &len, p->pst_organizer_name);
	put_field(&text, &len, p->pst_content_html);
	for (s = text; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
	found = strstr(text, q) != NULL;
	free(text);
	return found;
}

/* A Japan day for a date alone, else RFC 3339 (no zone: Japan). */
static int
point(const char *v, int64_t *t, int *date_only)
{
	*date_only = v != NULL && strlen(v) == 10;
	if (v == NULL || *v == '\0')
		return -1;
	if (*date_only)
		return date_parse_any(v, t);
	return date_parse_rfc3339(v, t);
}

int
posting_span(const struct posting *p, int64_t *start, int64_t *end)
{
	int64_t s, e;
	int sday, eday;

	if (point(p->pst_start, &s, &sday) == -1)
		return -1;
	if (point(p->pst_end, &e, &eday) == -1) {
		e = s;
		eday = sday;
	}
	if (eday)
		e += 86399;
	if (p->pst_recurrence != NULL && *p->pst_recurrence != '\0')
		e = INT64_MAX;
	*start = s;
	*end = e;
	return 0;
}

int
posting_match(const struct posting_filter *f, const struct posting *p)
{
	int64_t start, end;

	if (f == NULL)
		return 1;
	if (f->pf_kind.fv_n > 0 && !one_of(&f->pf_kind, p->pst_kind))
		return 0;
	if (f->pf_status.fv_n > 0 && !one_of(&f->pf_status,
	    posting_status_name(p->pst_status)))
		return 0;
	if (f->pf_source.fv_n > 0 && !source_match(&f->pf_source, p))
		return 0;
	if (f->pf_category.fv_n > 0 && !category_match(&f->pf_category, p))
		return 0;
	if (f->pf_area.fv_n > 0 && !area_match(&f->pf_area, p->pst_area))
		return 0;
	if (f->pf_q != NULL && *f->pf_q != '\0' && !q_match(f->pf_q, p))
		return 0;
	if (f->pf_has_from || f->pf_has_to) {
		if (posting_span(p, &start, &end) == -1)
			return 0;
		if (f->pf_has_to && start > f->pf_to)
			return 0;
		if (f->pf_has_from && end < f->pf_from)
			return 0;
	}
	return 1;
}
