/*
 * posting_json.c — a posting as the "_tsunagu" object of DESIGN.md (and
 * the store's superset of it), and back.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "posting.h"
#include "posting_json.h"
#include "xmalloc.h"

/* --- writing -------------------------------------------------------- */

/* json_object_set_new() takes a NULL value as a failure and frees nothing,
 * so a json_string() refused for bad UTF-8 lands here as -1. */
static void
put(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (json_object_set_new(obj, key, value) == -1)
		*failed = 1;
}

static void
put_str(json_t *obj, const char *key, const char *value, int *failed)
{
	if (value != NULL)
		put(obj, key, json_string(value), failed);
}

/* An object of the non-NULL strings among pairs; left out when empty. */
static void
put_group(json_t *obj, const char *key, int *failed, const char *k1,
    const char *v1, const char *k2, const char *v2, const char *k3,
    const char *v3)
{
	json_t *g;

	if (v1 == NULL && v2 == NULL && v3 == NULL)
		return;
	if ((g = json_object()) == NULL) {
		*failed = 1;
		return;
	}
	put_str(g, k1, v1, failed);
	put_str(g, k2, v2, failed);
	if (k3 != NULL)
		put_str(g, k3, v3, failed);
	put(obj, key, g, failed);
}

static json_t *
refs_to_json(const struct posting *p, int *failed)
{
	const struct posting_ref *r;
	json_t *arr, *o;
	char when[32];
	size_t i;

	if ((arr = json_array()) == NULL) {
		*failed = 1;
		return NULL;
	}
	for (i = 0; i < p->pst_nrefs; i++) {
		r = &p->pst_refs[i];
		if ((o = json_object()) == NULL) {
			*failed = 1;
			break;
		}
		put_str(o, "source", r->ref_source, failed);
		put_str(o, "kind", r->ref_kind, failed);
		put_str(o, "url", r->ref_url, failed);
		if (r->ref_fetched != 0) {
			date_format_rfc3339(r->ref_fetched, DATE_JST_OFFSET,
			    when);
			put_str(o, "fetched", when, failed);
		}
		if (json_array_append_new(arr, o) == -1)
			*failed = 1;
	}
	return arr;
}

json_t *
posting_to_json(const struct posting *p)
{
	json_t *o, *cats, *v;
	int failed = 0;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	put_str(o, "id", p->pst_id, &failed);
	if (p->pst_revision > 0)
		put(o, "revision", json_integer(p->pst_revision), &failed);
	put_str(o, "kind", p->pst_kind, &failed);
	put_group(o, "organizer", &failed, "name", p->pst_organizer_name,
	    "kind", p->pst_organizer_kind, NULL, NULL);
	put_str(o, "title", p->pst_title, &failed);
	put_str(o, "start", p->pst_start, &failed);
	put_str(o, "end", p->pst_end, &failed);
	put(o, "all_day", json_boolean(p->pst_all_day), &failed);
	put_str(o, "deadline", p->pst_deadline, &failed);
	put_str(o, "area", p->pst_area, &failed);
	put_str(o, "place", p->pst_place, &failed);
	put_str(o, "address", p->pst_address, &failed);
	/* A non-finite coordinate has no JSON form and no meaning. */
	if (p->pst_has_geo && isfinite(p->pst_lat) && isfinite(p->pst_lon)) {
		put(o, "lat", json_real(p->pst_lat), &failed);
		put(o, "lon", json_real(p->pst_lon), &failed);
	}
	if (p->pst_ncategories > 0) {
		if ((cats = json_array()) == NULL)
			failed = 1;
		for (i = 0; cats != NULL && i < p->pst_ncategories; i++)
			if (json_array_append_new(cats,
			    json_string(p->pst_categories[i])) == -1)
				failed = 1;
		put(o, "category", cats, &failed);
	}
	if (p->pst_capacity >= 0)
		put(o, "capacity", json_integer(p->pst_capacity), &failed);
	put_str(o, "fee", p->pst_fee, &failed);
	put_group(o, "contact", &failed, "name", p->pst_contact_name,
	    "phone", p->pst_contact_phone, "email", p->pst_contact_email);
	put_str(o, "recurrence", p->pst_recurrence, &failed);
	put_str(o, "status", posting_status_name(p->pst_status), &failed);
	put(o, "duplicate_of", p->pst_duplicate_of ?
	    json_string(p->pst_duplicate_of) : json_null(), &failed);
	put(o, "sources", refs_to_json(p, &failed), &failed);
	put_group(o, "origin", &failed, "instance", p->pst_origin_instance,
	    "id", p->pst_origin_id, NULL, NULL);
	if (p->pst_origin_revision > 0 && (v = json_object_get(o,
	    "origin")) != NULL)
		put(v, "revision", json_integer(p->pst_origin_revision),
		    &failed);

	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
posting_to_storage_json(const struct posting *p)
{
	json_t *o;
	int failed = 0;

	if ((o = posting_to_json(p)) == NULL)
		return NULL;
	put_str(o, "guid", p->pst_guid, &failed);
	put_str(o, "url", p->pst_link, &failed);
	put_str(o, "content_html", p->pst_content_html, &failed);
	put_str(o, "summary", p->pst_summary, &failed);
	if (p->pst_published != 0)
		put(o, "date_published", json_integer(p->pst_published),
		    &failed);
	if (p->pst_modified != 0)
		put(o, "date_modified", json_integer(p->pst_modified),
		    &failed);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --- reading -------------------------------------------------------- */

struct jerr {
	char	*je_buf;
	size_t	 je_len;
};

static int
jfail(struct jerr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
jfail(struct jerr *e, const char *fmt, ...)
{
	va_list ap;

	if (e->je_buf != NULL && e->je_len > 0) {
		va_start(ap, fmt);
		vsnprintf(e->je_buf, e->je_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The value of key, or NULL when it is absent or null. */
static json_t *
get(const json_t *obj, const char *key)
{
	json_t *v;

	v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

static int
get_str(const json_t *obj, const char *path, const char *key, char **dst,
    struct jerr *e)
{
	json_t *v;

	if ((v = get(obj, key)) == NULL)
		return 0;
	if (!json_is_string(v))
		return jfail(e, "%s%s: expected a string", path, key);
	posting_set(dst, json_string_value(v));
	return 0;
}

static int
get_int(const json_t *obj, const char *key, int64_t *dst, struct jerr *e)
{
	json_t *v;

	if ((v = get(obj, key)) == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return jfail(e, "%s: expected a non-negative integer", key);
	*dst = json_integer_value(v);
	return 0;
}

static int
get_obj(const json_t *obj, const char *key, json_t **dst, struct jerr *e)
{
	*dst = get(obj, key);
	if (*dst != NULL && !json_is_object(*dst))
		return jfail(e, "%s: expected an object", key);
	return 0;
}

/* Unix seconds, or an RFC 3339 string. */
static int
get_time(const json_t *obj, const char *path, const char *key, int64_t *dst,
    struct jerr *e)
{
	json_t *v;

	if ((v = get(obj, key)) == NULL)
		return 0;
	if (json_is_integer(v)) {
		*dst = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return jfail(e, "%s%s: expected a timestamp", path, key);
	if (date_parse_rfc3339(json_string_value(v), dst) == -1)
		return jfail(e, "%s%s: not an RFC 3339 date: %s", path, key,
		    json_string_value(v));
	return 0;
}

static int
get_categories(const json_t *obj, struct posting *p, struct jerr *e)
{
	json_t *arr, *v;
	size_t i;

	if ((arr = get(obj, "category")) == NULL)
		return 0;
	if (!json_is_array(arr))
		return jfail(e, "category: expected an array");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return jfail(e, "category[%zu]: expected a string", i);
		posting_add_category(p, json_string_value(v));
	}
	return 0;
}

static int
get_refs(const json_t *obj, struct posting *p, struct jerr *e)
{
	struct posting_ref *r;
	json_t *arr, *v;
	char path[48];
	size_t i;

	if ((arr = get(obj, "sources")) == NULL)
		return 0;
	if (!json_is_array(arr))
		return jfail(e, "sources: expected an array");
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof(path), "sources[%zu].", i);
		if (!json_is_object(v))
			return jfail(e, "sources[%zu]: expected an object", i);
		posting_add_ref(p, NULL, NULL, NULL, 0);
		r = &p->pst_refs[p->pst_nrefs - 1];
		if (get_str(v, path, "source", &r->ref_source, e) == -1 ||
		    get_str(v, path, "kind", &r->ref_kind, e) == -1 ||
		    get_str(v, path, "url", &r->ref_url, e) == -1 ||
		    get_time(v, path, "fetched", &r->ref_fetched, e) == -1)
			return -1;
	}
	return 0;
}

static int
get_geo(const json_t *obj, struct posting *p, struct jerr *e)
{
	json_t *lat, *lon;

	lat = get(obj, "lat");
	lon = get(obj, "lon");
	if (lat != NULL && !json_is_number(lat))
		return jfail(e, "lat: expected a number");
	if (lon != NULL && !json_is_number(lon))
		return jfail(e, "lon: expected a number");
	/* One coordinate alone locates nothing. */
	if (lat != NULL && lon != NULL) {
		p->pst_lat = json_number_value(lat);
		p->pst_lon = json_number_value(lon);
		p->pst_has_geo = 1;
	}
	return 0;
}

static int
parse_tsunagu(const json_t *o, struct posting *p, struct jerr *e)
{
	json_t *v, *org = NULL, *contact = NULL, *origin = NULL;

	if (!json_is_object(o))
		return jfail(e, "expected an object");
	if (get_str(o, "", "id", &p->pst_id, e) == -1 ||
	    get_int(o, "revision", &p->pst_revision, e) == -1 ||
	    get_str(o, "", "kind", &p->pst_kind, e) == -1 ||
	    get_obj(o, "organizer", &org, e) == -1 ||
	    get_str(o, "", "title", &p->pst_title, e) == -1 ||
	    get_str(o, "", "start", &p->pst_start, e) == -1 ||
	    get_str(o, "", "end", &p->pst_end, e) == -1 ||
	    get_str(o, "", "deadline", &p->pst_deadline, e) == -1 ||
	    get_str(o, "", "area", &p->pst_area, e) == -1 ||
	    get_str(o, "", "place", &p->pst_place, e) == -1 ||
	    get_str(o, "", "address", &p->pst_address, e) == -1 ||
	    get_geo(o, p, e) == -1 ||
	    get_categories(o, p, e) == -1 ||
	    get_int(o, "capacity", &p->pst_capacity, e) == -1 ||
	    get_str(o, "", "fee", &p->pst_fee, e) == -1 ||
	    get_obj(o, "contact", &contact, e) == -1 ||
	    get_str(o, "", "recurrence", &p->pst_recurrence, e) == -1 ||
	    get_str(o, "", "duplicate_of", &p->pst_duplicate_of, e) == -1 ||
	    get_refs(o, p, e) == -1 ||
	    get_obj(o, "origin", &origin, e) == -1)
		return -1;

	if ((v = get(o, "all_day")) != NULL) {
		if (!json_is_boolean(v))
			return jfail(e, "all_day: expected a boolean");
		p->pst_all_day = json_is_true(v);
	}
	if ((v = get(o, "status")) != NULL) {
		if (!json_is_string(v))
			return jfail(e, "status: expected a string");
		if (posting_status_parse(json_string_value(v),
		    &p->pst_status) == -1)
			return jfail(e, "status: unknown status '%s'",
			    json_string_value(v));
	}
	if (org != NULL &&
	    (get_str(org, "organizer.", "name", &p->pst_organizer_name,
	    e) == -1 ||
	    get_str(org, "organizer.", "kind", &p->pst_organizer_kind,
	    e) == -1))
		return -1;
	if (contact != NULL &&
	    (get_str(contact, "contact.", "name", &p->pst_contact_name,
	    e) == -1 ||
	    get_str(contact, "contact.", "phone", &p->pst_contact_phone,
	    e) == -1 ||
	    get_str(contact, "contact.", "email", &p->pst_contact_email,
	    e) == -1))
		return -1;
	if (origin != NULL &&
	    (get_str(origin, "origin.", "instance", &p->pst_origin_instance,
	    e) == -1 ||
	    get_str(origin, "origin.", "id", &p->pst_origin_id, e) == -1 ||
	    get_int(origin, "revision", &p->pst_origin_revision, e) == -1))
		return -1;
	return 0;
}

struct posting *
posting_from_json(const json_t *o, char *err, size_t errlen)
{
	struct jerr e = { err, errlen };
	struct posting *p;

	p = posting_new();
	if (parse_tsunagu(o, p, &e) == -1) {
		posting_free(p);
		return NULL;
	}
	return p;
}

struct posting *
posting_from_storage_json(const json_t *o, char *err, size_t errlen)
{
	struct jerr e = { err, errlen };
	struct posting *p;

	p = posting_new();
	if (parse_tsunagu(o, p, &e) == -1 ||
	    get_str(o, "", "guid", &p->pst_guid, &e) == -1 ||
	    get_str(o, "", "url", &p->pst_link, &e) == -1 ||
	    get_str(o, "", "content_html", &p->pst_content_html, &e) == -1 ||
	    get_str(o, "", "summary", &p->pst_summary, &e) == -1 ||
	    get_time(o, "", "date_published", &p->pst_published, &e) == -1 ||
	    get_time(o, "", "date_modified", &p->pst_modified, &e) == -1) {
		posting_free(p);
		return NULL;
	}
	return p;
}
