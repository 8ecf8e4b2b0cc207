/*
 * dedup_merge.c — the fields of a merged posting, by source-kind priority
 * (dedup_merge.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dedup_merge.h"
#include "posting.h"
#include "xmalloc.h"

const char *const dedup_default_priority[] = { "city", "shakyo",
    "corporate", "civic", "federation" };
const size_t dedup_default_npriority = sizeof(dedup_default_priority) /
    sizeof(dedup_default_priority[0]);

size_t
dedup_kind_rank(const char *kind, const char *const *priority,
    size_t npriority)
{
	size_t i;

	if (priority == NULL) {
		priority = dedup_default_priority;
		npriority = dedup_default_npriority;
	}
	for (i = 0; kind != NULL && i < npriority; i++)
		if (strcmp(priority[i], kind) == 0)
			return i;
	return npriority;
}

struct ranked {
	const struct merge_record	*r_rec;
	size_t				 r_rank;
};

static int
ranked_cmp(const void *a, const void *b)
{
	const struct merge_record *x = ((const struct ranked *)a)->r_rec;
	const struct merge_record *y = ((const struct ranked *)b)->r_rec;
	size_t rx = ((const struct ranked *)a)->r_rank;
	size_t ry = ((const struct ranked *)b)->r_rank;
	int c;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->mg_first_seen != y->mg_first_seen)
		return x->mg_first_seen < y->mg_first_seen ? -1 : 1;
	if ((c = strcmp(x->mg_source ? x->mg_source : "",
	    y->mg_source ? y->mg_source : "")) != 0)
		return c;
	return strcmp(x->mg_key ? x->mg_key : "", y->mg_key ? y->mg_key : "");
}

/* The first record's value of a string field, by its offset. */
static void
take_str(struct posting *out, size_t off, const struct ranked *r, size_t n)
{
	size_t i;
	char *const *v;

	for (i = 0; i < n; i++) {
		v = (char *const *)(const void *)((const char *)
		    r[i].r_rec->mg_posting + off);
		if (*v != NULL && **v != '\0') {
			posting_set((char **)(void *)((char *)out + off), *v);
			return;
		}
	}
}

#define TAKE(out, field, r, n) \
	take_str(out, offsetof(struct posting, field), r, n)

/* Same day: "2026-03-01" and "2026-03-01T10:00:00+09:00". */
static int
same_day(const char *a, const char *b)
{
	return a != NULL && b != NULL && strlen(a) >= 10 && strlen(b) >= 10 &&
	    strncmp(a, b, 10) == 0;
}

static void
take_dates(struct posting *out, const struct ranked *r, size_t n)
{
	const struct posting *best = NULL, *p;
	size_t i;

	for (i = 0; i < n && best == NULL; i++)
		if (r[i].r_rec->mg_posting->pst_start != NULL)
			best = r[i].r_rec->mg_posting;
	if (best == NULL)
		return;
	if (best->pst_all_day)
		for (i = 0; i < n; i++) {
			p = r[i].r_rec->mg_posting;
			if (p->pst_start != NULL && !p->pst_all_day &&
			    same_day(p->pst_start, best->pst_start)) {
				best = p;
				break;
			}
		}
	posting_set(&out->pst_start, best->pst_start);
	posting_set(&out->pst_end, best->pst_end);
	out->pst_all_day = best->pst_all_day;
}

static void
take_groups(struct posting *out, const struct ranked *r, size_t n)
{
	const struct posting *p;
	size_t i;
	int org = 0, contact = 0, geo = 0, origin = 0;

	for (i = 0; i < n; i++) {
		p = r[i].r_rec->mg_posting;
		if (!org && p->pst_organizer_name != NULL) {
			posting_set(&out->pst_organizer_name,
			    p->pst_organizer_name);
			posting_set(&out->pst_organizer_kind,
			    p->pst_organizer_kind);
			org = 1;
		}
		if (!contact && (p->pst_contact_name != NULL ||
		    p->pst_contact_phone != NULL ||
		    p->pst_contact_email != NULL)) {
			posting_set(&out->pst_contact_name,
			    p->pst_contact_name);
			posting_set(&out->pst_contact_phone,
			    p->pst_contact_phone);
			posting_set(&out->pst_contact_email,
			    p->pst_contact_email);
			contact = 1;
		}
		if (!geo && p->pst_has_geo) {
			out->pst_has_geo = 1;
			out->pst_lat = p->pst_lat;
			out->pst_lon = p->pst_lon;
			geo = 1;
		}
		if (!origin && p->pst_origin_instance != NULL) {
			posting_set(&out->pst_origin_instance,
			    p->pst_origin_instance);
			posting_set(&out->pst_origin_id, p->pst_origin_id);
			out->pst_origin_revision = p->pst_origin_revision;
			origin = 1;
		}
	}
}

static int
has_category(const struct posting *p, const char *c)
{
	size_t i;

	for (i = 0; i < p->pst_ncategories; i++)
		if (strcmp(p->pst_categories[i], c) == 0)
			return 1;
	return 0;
}

/*
 * A copy of a federated posting that a newer copy of the same origin
 * posting supersedes: the two came along different paths, and the one
 * with the lower revision at the origin is stale (it would otherwise keep
 * a posting open that its origin withdrew, as two neighbours hold each
 * other's old copy).
 */
static int
superseded(const struct merge_record *recs, size_t n, size_t i)
{
	const struct posting *p = recs[i].mg_posting, *q;
	size_t j;

	if (p->pst_origin_instance == NULL || p->pst_origin_id == NULL)
		return 0;
	for (j = 0; j < n; j++) {
		q = recs[j].mg_posting;
		if (j != i && q->pst_origin_instance != NULL &&
		    q->pst_origin_id != NULL &&
		    q->pst_origin_revision > p->pst_origin_revision &&
		    strcmp(q->pst_origin_instance,
		    p->pst_origin_instance) == 0 &&
		    strcmp(q->pst_origin_id, p->pst_origin_id) == 0)
			return 1;
	}
	return 0;
}

struct posting *
dedup_merge(const struct merge_record *recs, size_t n,
    const char *const *priority, size_t npriority)
{
	struct posting *out;
	const struct posting *p;
	struct ranked *r;
	size_t i, j, live = 0;
	int closed = 0;
	char *current;

	r = xcalloc(n, sizeof(*r));
	current = xcalloc(n, sizeof(*current));
	for (i = 0; i < n; i++) {
		current[i] = !superseded(recs, n, i);
		live += current[i] &&
		    recs[i].mg_posting->pst_status != POSTING_WITHDRAWN;
	}
	/* A record its source withdrew (a federated tombstone) carries
	 * nothing while another still does. */
	for (i = j = 0; i < n; i++) {
		if (!current[i] || (live > 0 &&
		    recs[i].mg_posting->pst_status == POSTING_WITHDRAWN))
			continue;
		r[j].r_rec = &recs[i];
		r[j++].r_rank = dedup_kind_rank(recs[i].mg_kind, priority,
		    npriority);
	}
	n = j;
	qsort(r, n, sizeof(*r), ranked_cmp);

	out = posting_new();
	TAKE(out, pst_guid, r, n);
	TAKE(out, pst_title, r, n);
	TAKE(out, pst_link, r, n);
	TAKE(out, pst_content_html, r, n);
	TAKE(out, pst_summary, r, n);
	TAKE(out, pst_kind, r, n);
	TAKE(out, pst_deadline, r, n);
	TAKE(out, pst_area, r, n);
	TAKE(out, pst_place, r, n);
	TAKE(out, pst_address, r, n);
	TAKE(out, pst_fee, r, n);
	TAKE(out, pst_recurrence, r, n);
	take_dates(out, r, n);
	take_groups(out, r, n);
	out->pst_capacity = -1;
	out->pst_status = POSTING_OPEN;
	for (i = 0; i < n; i++) {
		p = r[i].r_rec->mg_posting;
		if (out->pst_capacity < 0 && p->pst_capacity >= 0)
			out->pst_capacity = p->pst_capacity;
		if (p->pst_published != 0 && (out->pst_published == 0 ||
		    p->pst_published < out->pst_published))
			out->pst_published = p->pst_published;
		if (p->pst_status == POSTING_CANCELLED)
			out->pst_status = POSTING_CANCELLED;
		closed |= p->pst_status == POSTING_CLOSED;
		for (j = 0; j < p->pst_ncategories; j++)
			if (!has_category(out, p->pst_categories[j]))
				posting_add_category(out,
				    p->pst_categories[j]);
		for (j = 0; j < p->pst_nrefs; j++)
			posting_add_ref(out, p->pst_refs[j].ref_source,
			    p->pst_refs[j].ref_kind, p->pst_refs[j].ref_url,
			    p->pst_refs[j].ref_fetched);
	}
	if (live == 0)
		out->pst_status = POSTING_WITHDRAWN;
	else if (closed && out->pst_status == POSTING_OPEN)
		out->pst_status = POSTING_CLOSED;
	free(r);
	free(current);
	return out;
}
