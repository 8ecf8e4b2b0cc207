/* test_posting.c — the posting model and its JSON forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "posting.h"
#include "posting_json.h"

/* 2026-03-01T10:00:00+09:00 */
#define T_FETCHED	INT64_C(1772326800)

static struct posting *
full_posting(void)
{
	struct posting *p;

	p = posting_new();
	posting_set(&p->pst_id, "p0123456789abcdef0123");
	p->pst_revision = 3;
	posting_set(&p->pst_guid, "tag:example.org,2026:ev/42");
	posting_set(&p->pst_title, "公園清掃ボランティア募集「亀城公園」");
	posting_set(&p->pst_link, "https://example.org/ev/42");
	posting_set(&p->pst_content_html,
	    "<p>軍手をお持ちください。&amp; \"quotes\" \\ </p>");
	posting_set(&p->pst_summary, "軍手をお持ちください。");
	p->pst_published = T_FETCHED - 86400;
	p->pst_modified = T_FETCHED;
	posting_add_category(p, "welfare");
	posting_add_category(p, "環境");
	posting_set(&p->pst_kind, "city");
	posting_set(&p->pst_organizer_name, "刈谷市社会福祉協議会");
	posting_set(&p->pst_organizer_kind, "shakyo");
	posting_set(&p->pst_start, "2026-03-01T10:00:00+09:00");
	posting_set(&p->pst_end, "2026-03-01T12:00:00+09:00");
	posting_set(&p->pst_deadline, "2026-02-20T17:00:00+09:00");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_place, "亀城公園");
	posting_set(&p->pst_address, "愛知県刈谷市城町1丁目");
	p->pst_lat = 34.98765432101234;
	p->pst_lon = 137.0012345678901;
	p->pst_has_geo = 1;
	p->pst_capacity = 20;
	posting_set(&p->pst_fee, "無料");
	posting_set(&p->pst_contact_name, "ボランティアセンター");
	posting_set(&p->pst_contact_phone, "0566-00-0000");
	posting_set(&p->pst_contact_email, "vc@example.org");
	posting_set(&p->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	p->pst_status = POSTING_CANCELLED;
	posting_set(&p->pst_duplicate_of, "p99999999999999999999");
	posting_add_ref(p, "kariya-city", "city", "https://example.org/ev/42",
	    T_FETCHED);
	posting_add_ref(p, "neighbour", "federation",
	    "https://neighbour.example.jp/p/7", T_FETCHED + 60);
	posting_set(&p->pst_origin_instance, "kariya");
	posting_set(&p->pst_origin_id, "p0123456789abcdef0123");
	return p;
}

static void
assert_str_eq_opt(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Every field of _tsunagu; with standard set, the JSON Feed fields too. */
static void
assert_postings_equal(const struct posting *a, const struct posting *b,
    int standard)
{
	size_t i;

	assert_str_eq_opt(a->pst_id, b->pst_id);
	assert_int_equal(a->pst_revision, b->pst_revision);
	assert_str_eq_opt(a->pst_title, b->pst_title);
	assert_int_equal(a->pst_ncategories, b->pst_ncategories);
	for (i = 0; i < a->pst_ncategories; i++)
		assert_string_equal(a->pst_categories[i], b->pst_categories[i]);
	assert_str_eq_opt(a->pst_kind, b->pst_kind);
	assert_str_eq_opt(a->pst_organizer_name, b->pst_organizer_name);
	assert_str_eq_opt(a->pst_organizer_kind, b->pst_organizer_kind);
	assert_str_eq_opt(a->pst_start, b->pst_start);
	assert_str_eq_opt(a->pst_end, b->pst_end);
	assert_int_equal(a->pst_all_day, b->pst_all_day);
	assert_str_eq_opt(a->pst_deadline, b->pst_deadline);
	assert_str_eq_opt(a->pst_area, b->pst_area);
	assert_str_eq_opt(a->pst_place, b->pst_place);
	assert_str_eq_opt(a->pst_address, b->pst_address);
	assert_int_equal(a->pst_has_geo, b->pst_has_geo);
	if (a->pst_has_geo) {
		assert_true(a->pst_lat == b->pst_lat);
		assert_true(a->pst_lon == b->pst_lon);
	}
	assert_int_equal(a->pst_capacity, b->pst_capacity);
	assert_str_eq_opt(a->pst_fee, b->pst_fee);
	assert_str_eq_opt(a->pst_contact_name, b->pst_contact_name);
	assert_str_eq_opt(a->pst_contact_phone, b->pst_contact_phone);
	assert_str_eq_opt(a->pst_contact_email, b->pst_contact_email);
	assert_str_eq_opt(a->pst_recurrence, b->pst_recurrence);
	assert_int_equal(a->pst_status, b->pst_status);
	assert_str_eq_opt(a->pst_duplicate_of, b->pst_duplicate_of);
	assert_int_equal(a->pst_nrefs, b->pst_nrefs);
	for (i = 0; i < a->pst_nrefs; i++) {
		assert_str_eq_opt(a->pst_refs[i].ref_source,
		    b->pst_refs[i].ref_source);
		assert_str_eq_opt(a->pst_refs[i].ref_kind,
		    b->pst_refs[i].ref_kind);
		assert_str_eq_opt(a->pst_refs[i].ref_url,
		    b->pst_refs[i].ref_url);
		assert_int_equal(a->pst_refs[i].ref_fetched,
		    b->pst_refs[i].ref_fetched);
	}
	assert_str_eq_opt(a->pst_origin_instance, b->pst_origin_instance);
	assert_str_eq_opt(a->pst_origin_id, b->pst_origin_id);
	if (!standard)
		return;
	assert_str_eq_opt(a->pst_guid, b->pst_guid);
	assert_str_eq_opt(a->pst_link, b->pst_link);
	assert_str_eq_opt(a->pst_content_html, b->pst_content_html);
	assert_str_eq_opt(a->pst_summary, b->pst_summary);
	assert_int_equal(a->pst_published, b->pst_published);
	assert_int_equal(a->pst_modified, b->pst_modified);
}

static void
digest_of(const struct posting *p, char out[65])
{
	posting_content_digest(p, out);
	assert_int_equal(strlen(out), 64);
	assert_int_equal(strspn(out, "0123456789abcdef"), 64);
}

static void
test_new_and_free(void **state)
{
	struct posting *p;

	p = posting_new();
	assert_int_equal(p->pst_capacity, -1);
	assert_int_equal(p->pst_status, POSTING_OPEN);
	assert_null(p->pst_title);
	assert_int_equal(p->pst_nrefs, 0);
	posting_free(p);
	posting_free(NULL);
}

static void
test_status_names(void **state)
{
	static const char *const names[] = {
		"open", "closed", "cancelled", "withdrawn",
	};
	enum posting_status s;
	size_t i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(posting_status_parse(names[i], &s), 0);
		assert_int_equal(s, (enum posting_status)i);
		assert_string_equal(posting_status_name(s), names[i]);
	}
	assert_int_equal(posting_status_parse("deleted", &s), -1);
	assert_int_equal(posting_status_parse("Open", &s), -1);
	assert_int_equal(posting_status_parse("", &s), -1);
	assert_int_equal(posting_status_parse(NULL, &s), -1);
}

static void
test_set_aliasing(void **state)
{
	struct posting *p;

	p = posting_new();
	posting_set(&p->pst_title, "ボランティア");
	posting_set(&p->pst_title, p->pst_title);
	assert_string_equal(p->pst_title, "ボランティア");
	posting_set(&p->pst_title, NULL);
	assert_null(p->pst_title);
	posting_free(p);
}

static void
test_clone_is_deep(void **state)
{
	struct posting *a, *b;

	a = full_posting();
	b = posting_clone(a);
	assert_postings_equal(a, b, 1);
	assert_ptr_not_equal(a->pst_title, b->pst_title);
	assert_ptr_not_equal(a->pst_categories, b->pst_categories);
	assert_ptr_not_equal(a->pst_categories[0], b->pst_categories[0]);
	assert_ptr_not_equal(a->pst_refs, b->pst_refs);
	assert_ptr_not_equal(a->pst_refs[0].ref_url, b->pst_refs[0].ref_url);
	posting_set(&b->pst_title, "changed");
	b->pst_refs[0].ref_url[0] = 'X';
	assert_string_equal(a->pst_refs[0].ref_url,
	    "https://example.org/ev/42");
	posting_free(a);	/* b must not depend on a */
	assert_string_equal(b->pst_categories[1], "環境");
	posting_free(b);

	a = posting_new();	/* empty arrays clone to empty */
	b = posting_clone(a);
	assert_null(b->pst_categories);
	assert_null(b->pst_refs);
	posting_free(a);
	posting_free(b);
}

static void
test_digest_stable(void **state)
{
	struct posting *a, *b;
	char da[65], db[65];

	a = full_posting();
	b = posting_clone(a);
	digest_of(a, da);
	digest_of(b, db);
	assert_string_equal(da, db);

	/* Identity, revision, date_modified and fetch times do not count. */
	posting_set(&b->pst_id, "pother");
	b->pst_revision = 99;
	b->pst_modified += 3600;
	b->pst_refs[0].ref_fetched += 300;
	b->pst_refs[1].ref_fetched = 0;
	digest_of(b, db);
	assert_string_equal(da, db);

	/* -0.0 and 0.0 are the same coordinate. */
	a->pst_lat = 0.0;
	b->pst_lat = -0.0;
	digest_of(a, da);
	digest_of(b, db);
	assert_string_equal(da, db);
	posting_free(a);
	posting_free(b);
}

/* Each mutation must change the digest of full_posting(). */
static void
test_digest_sensitive(void **state)
{
	struct posting *base, *p;
	char d0[65], d[65];
	int i;

	base = full_posting();
	digest_of(base, d0);
	for (i = 0; i < 24; i++) {
		p = posting_clone(base);
		switch (i) {
		case 0: posting_set(&p->pst_title, "公園清掃"); break;
		case 1: posting_set(&p->pst_content_html, NULL); break;
		case 2: posting_set(&p->pst_summary, ""); break;
		case 3: p->pst_published++; break;
		case 4: posting_add_category(p, "x"); break;
		case 5: posting_set(&p->pst_categories[0], "welfar"); break;
		case 6: posting_set(&p->pst_kind, "shakyo"); break;
		case 7: posting_set(&p->pst_start,
		    "2026-03-01T10:00:01+09:00"); break;
		case 8: p->pst_all_day = 1; break;
		case 9: p->pst_lat += 1e-9; break;
		case 10: p->pst_has_geo = 0; break;
		case 11: p->pst_capacity = 21; break;
		case 12: p->pst_capacity = -1; break;
		case 13: posting_set(&p->pst_fee, "100円"); break;
		case 14: posting_set(&p->pst_contact_email, NULL); break;
		case 15: p->pst_status = POSTING_OPEN; break;
		case 16: posting_set(&p->pst_duplicate_of, NULL); break;
		case 17: posting_set(&p->pst_refs[1].ref_url,
		    "https://neighbour.example.jp/p/8"); break;
		case 18: posting_clear_refs(p);
			posting_add_ref(p, "kariya-city", "city",
			    "https://example.org/ev/42", T_FETCHED); break;
		case 19: posting_set(&p->pst_origin_id, "other"); break;
		case 20: posting_set(&p->pst_guid, "tag:x"); break;
		case 21: posting_set(&p->pst_link, "https://example.org/"); break;
		case 22: posting_set(&p->pst_area, "232114"); break;
		case 23: posting_set(&p->pst_recurrence, NULL); break;
		}
		digest_of(p, d);
		if (strcmp(d, d0) == 0)
			fail_msg("mutation %d left the digest unchanged", i);
		posting_free(p);
	}
	posting_free(base);
}

/* Field boundaries matter: ("ab", "c") is not ("a", "bc"). */
static void
test_digest_boundaries(void **state)
{
	struct posting *a, *b;
	char da[65], db[65];

	a = posting_new();
	b = posting_new();
	posting_set(&a->pst_title, "ab");
	posting_set(&a->pst_link, "c");
	posting_set(&b->pst_title, "a");
	posting_set(&b->pst_link, "bc");
	digest_of(a, da);
	digest_of(b, db);
	assert_string_not_equal(da, db);
	posting_free(a);
	posting_free(b);

	a = posting_new();
	b = posting_new();
	posting_add_category(a, "ab");
	posting_add_category(a, "c");
	posting_add_category(b, "a");
	posting_add_category(b, "bc");
	digest_of(a, da);
	digest_of(b, db);
	assert_string_not_equal(da, db);

	/* Unknown is not the same as empty. */
	posting_free(b);
	b = posting_clone(a);
	posting_set(&a->pst_fee, "");
	digest_of(a, da);
	digest_of(b, db);
	assert_string_not_equal(da, db);
	posting_free(a);
	posting_free(b);
}

static void
test_entry_key(void **state)
{
	struct posting *p, *q;
	char *k, *k2;

	p = posting_new();
	posting_set(&p->pst_guid, "urn:uuid:1");
	posting_set(&p->pst_link, "https://example.org/a");
	posting_set(&p->pst_title, "清掃ボランティア");
	posting_set(&p->pst_content_html, "<p>公園</p>");
	k = posting_entry_key(p);
	assert_string_equal(k, "urn:uuid:1");
	free(k);

	posting_set(&p->pst_guid, "");	/* empty guid falls back */
	k = posting_entry_key(p);
	assert_string_equal(k, "https://example.org/a");
	free(k);

	posting_set(&p->pst_guid, NULL);
	posting_set(&p->pst_link, "");
	k = posting_entry_key(p);
	/* sha256("清掃ボランティア" NUL "<p>公園</p>"), first 32 hex */
	assert_string_equal(k, "h:673188dd8f0bd1f718e0d60837ec15a3");

	q = posting_new();
	posting_set(&q->pst_title, "清掃ボランティア<p>");
	posting_set(&q->pst_content_html, "公園</p>");
	k2 = posting_entry_key(q);
	assert_int_equal(strlen(k2), 34);
	assert_string_not_equal(k, k2);
	free(k2);
	posting_free(q);
	free(k);

	posting_set(&p->pst_title, NULL);	/* NULLs hash as empty */
	posting_set(&p->pst_content_html, NULL);
	k = posting_entry_key(p);
	q = posting_new();
	posting_set(&q->pst_title, "");
	posting_set(&q->pst_content_html, "");
	k2 = posting_entry_key(q);
	assert_string_equal(k, k2);
	free(k);
	free(k2);
	posting_free(q);
	posting_free(p);
}

static void
test_list(void **state)
{
	struct posting_list pl;
	size_t i;

	posting_list_init(&pl);
	assert_int_equal(pl.pl_len, 0);
	for (i = 0; i < 20; i++)
		posting_list_push(&pl, full_posting());
	assert_int_equal(pl.pl_len, 20);
	assert_true(pl.pl_cap >= 20);
	posting_list_clear(&pl);
	assert_int_equal(pl.pl_len, 0);
	assert_null(pl.pl_items);
	posting_list_clear(&pl);	/* clearing an empty list is fine */
}

static void
test_json_shape(void **state)
{
	struct posting *p;
	json_t *j, *v;

	p = full_posting();
	j = posting_to_json(p);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    "p0123456789abcdef0123");
	assert_int_equal(json_integer_value(json_object_get(j, "revision")),
	    3);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "cancelled");
	assert_true(json_is_false(json_object_get(j, "all_day")));
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")),
	    20);
	v = json_object_get(j, "organizer");
	assert_string_equal(json_string_value(json_object_get(v, "kind")),
	    "shakyo");
	v = json_array_get(json_object_get(j, "sources"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "fetched")),
	    "2026-03-01T10:00:00+09:00");
	assert_string_equal(json_string_value(json_object_get(v, "kind")),
	    "city");
	v = json_object_get(j, "origin");
	assert_string_equal(json_string_value(json_object_get(v, "instance")),
	    "kariya");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(j, "category"), 1)), "環境");
	/* The public object has no standard fields. */
	assert_null(json_object_get(j, "url"));
	assert_null(json_object_get(j, "guid"));
	assert_null(json_object_get(j, "content_html"));
	assert_null(json_object_get(j, "date_published"));
	json_decref(j);
	posting_free(p);

	/* Unknown fields are absent; duplicate_of is null. */
	p = posting_new();
	j = posting_to_json(p);
	assert_non_null(j);
	assert_null(json_object_get(j, "id"));
	assert_null(json_object_get(j, "revision"));
	assert_null(json_object_get(j, "capacity"));
	assert_null(json_object_get(j, "lat"));
	assert_null(json_object_get(j, "organizer"));
	assert_null(json_object_get(j, "contact"));
	assert_null(json_object_get(j, "origin"));
	assert_null(json_object_get(j, "category"));
	assert_true(json_is_null(json_object_get(j, "duplicate_of")));
	assert_int_equal(json_array_size(json_object_get(j, "sources")), 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "open");
	json_decref(j);

	/* Only the parts of a group that are known. */
	posting_set(&p->pst_contact_phone, "0566");
	j = posting_to_json(p);
	v = json_object_get(j, "contact");
	assert_int_equal(json_object_size(v), 1);
	json_decref(j);

	/* Text that is not UTF-8 cannot become JSON. */
	posting_set(&p->pst_title, "bad \xff byte");
	assert_null(posting_to_json(p));
	assert_null(posting_to_storage_json(p));
	posting_free(p);
}

static struct posting *
through_text(const struct posting *p, int storage)
{
	struct posting *back;
	json_t *j, *j2;
	char *text, *text2, err[128];

	j = storage ? posting_to_storage_json(p) : posting_to_json(p);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	back = storage ? posting_from_storage_json(j, err, sizeof(err)) :
	    posting_from_json(j, err, sizeof(err));
	if (back == NULL)
		fail_msg("from_json: %s", err);
	json_decref(j);

	/* Serializing again gives the same text. */
	j2 = storage ? posting_to_storage_json(back) : posting_to_json(back);
	text2 = json_dumps(j2, JSON_COMPACT);
	assert_string_equal(text, text2);
	json_decref(j2);
	free(text);
	free(text2);
	return back;
}

static void
test_json_round_trip(void **state)
{
	struct posting *p, *back;
	char d1[65], d2[65];

	p = full_posting();
	back = through_text(p, 0);
	assert_postings_equal(p, back, 0);
	assert_null(back->pst_guid);
	assert_null(back->pst_link);
	posting_free(back);

	back = through_text(p, 1);
	assert_postings_equal(p, back, 1);
	digest_of(p, d1);
	digest_of(back, d2);
	assert_string_equal(d1, d2);
	posting_free(back);

	/* All-day, no geo, unknown capacity, empty posting. */
	p->pst_all_day = 1;
	posting_set(&p->pst_start, "2026-03-01");
	posting_set(&p->pst_end, "2026-03-03");
	p->pst_has_geo = 0;
	p->pst_capacity = -1;
	back = through_text(p, 1);
	assert_postings_equal(p, back, 1);
	posting_free(back);
	posting_free(p);

	p = posting_new();
	back = through_text(p, 1);
	assert_postings_equal(p, back, 1);
	posting_free(back);
	posting_free(p);
}

static void
test_from_json_errors(void **state)
{
	static const struct {
		const char	*json;
		const char	*err;	/* prefix */
		int		 storage;
	} cases[] = {
		{ "[]", "expected an object", 0 },
		{ "{\"title\": 5}", "title: expected a string", 0 },
		{ "{\"id\": true}", "id: expected a string", 0 },
		{ "{\"revision\": 1.5}", "revision: expected", 0 },
		{ "{\"capacity\": \"20\"}", "capacity: expected", 0 },
		{ "{\"capacity\": -3}", "capacity: expected", 0 },
		{ "{\"all_day\": \"yes\"}", "all_day: expected a boolean", 0 },
		{ "{\"lat\": \"35\", \"lon\": 137}", "lat: expected a number",
		    0 },
		{ "{\"category\": \"welfare\"}", "category: expected an array",
		    0 },
		{ "{\"category\": [\"a\", 1]}", "category[1]: expected", 0 },
		{ "{\"organizer\": \"x\"}", "organizer: expected an object",
		    0 },
		{ "{\"contact\": {\"email\": []}}",
		    "contact.email: expected a string", 0 },
		{ "{\"origin\": {\"id\": 7}}", "origin.id: expected", 0 },
		{ "{\"status\": \"deleted\"}", "status: unknown status", 0 },
		{ "{\"status\": 1}", "status: expected a string", 0 },
		{ "{\"sources\": {}}", "sources: expected an array", 0 },
		{ "{\"sources\": [1]}", "sources[0]: expected an object", 0 },
		{ "{\"sources\": [{}, {\"url\": 3}]}",
		    "sources[1].url: expected a string", 0 },
		{ "{\"sources\": [{\"fetched\": \"yesterday\"}]}",
		    "sources[0].fetched: not an RFC 3339 date", 0 },
		{ "{\"sources\": [{\"fetched\": []}]}",
		    "sources[0].fetched: expected a timestamp", 0 },
		{ "{\"duplicate_of\": 1}", "duplicate_of: expected", 0 },
		{ "{\"date_published\": true}", "date_published: expected", 1 },
		{ "{\"url\": {}}", "url: expected a string", 1 },
		{ "{\"title\": 5}", "title: expected a string", 1 },
	};
	struct posting *p;
	json_t *j;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		err[0] = '\0';
		p = cases[i].storage ? posting_from_storage_json(j, err,
		    sizeof(err)) : posting_from_json(j, err, sizeof(err));
		json_decref(j);
		if (p != NULL)
			fail_msg("accepted %s", cases[i].json);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].json,
			    err, cases[i].err);
	}

	/* null is "unknown"; unknown keys are ignored; NULL err is fine. */
	j = json_loads("{\"title\": null, \"capacity\": null, \"x\": [1],"
	    " \"date_published\": \"2026-03-01T10:00:00+09:00\"}", 0, NULL);
	p = posting_from_storage_json(j, NULL, 0);
	assert_non_null(p);
	assert_null(p->pst_title);
	assert_int_equal(p->pst_capacity, -1);
	assert_int_equal(p->pst_published, T_FETCHED);
	posting_free(p);
	json_decref(j);
	j = json_loads("{\"title\": 1}", 0, NULL);
	assert_null(posting_from_json(j, NULL, 0));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_free),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_set_aliasing),
		cmocka_unit_test(test_clone_is_deep),
		cmocka_unit_test(test_digest_stable),
		cmocka_unit_test(test_digest_sensitive),
		cmocka_unit_test(test_digest_boundaries),
		cmocka_unit_test(test_entry_key),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_from_json_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
