/*
 * test_overrides.c — edits of postings through the store: an edit wins
 * over its source until the source changes that field; submissions and
 * their moderation state; where a posting comes from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "posting.h"
#include "store.h"

#define T0	INT64_C(1800000000)

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*st;
	char		*id;		/* the source's posting */
};

/* One fetch of source "city" with one entry. */
static void
fetch(struct store *st, int64_t when, const char *title, const char *summary)
{
	struct posting_list entries;
	struct posting *p = posting_new();
	struct fetch_outcome fo = {
		.fo_source = "city", .fo_attempt = when,
		.fo_http_status = 200, .fo_next_poll = when + 300,
		.fo_entries = &entries,
	};

	posting_list_init(&entries);
	posting_set(&p->pst_guid, "urn:entry:1");
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_summary, summary);
	posting_set(&p->pst_link, "https://city.example.jp/e/1");
	posting_list_push(&entries, p);
	assert_int_equal(store_record_fetch(st, &fo, NULL), 0);
	posting_list_clear(&entries);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct source_def sd = { .sd_name = "city",
	    .sd_url = "https://city.example.jp/rss", .sd_kind = "city",
	    .sd_interval = 300, .sd_origin = "config" };
	struct posting_list list;
	struct posting_query pq = { 0 };

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tsunagu-overrides-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	if (store_open(fx->path, &fx->st) == -1 ||
	    store_source_upsert(fx->st, &sd) == -1)
		return -1;
	fetch(fx->st, T0, "公園清掃", "軍手持参");
	posting_list_init(&list);
	if (store_postings_query(fx->st, &pq, &list) == -1 || list.pl_len != 1)
		return -1;
	fx->id = strdup(list.pl_items[0]->pst_id);
	posting_list_clear(&list);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	int rc;

	store_close(fx->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	rc = system(cmd);
	free(fx->id);
	free(fx);
	return rc == 0 ? 0 : -1;
}

static void
edit(struct fixture *fx, const char *patch_text, int64_t when)
{
	json_t *patch = json_loads(patch_text, 0, NULL);

	assert_non_null(patch);
	assert_int_equal(store_posting_edit(fx->st, fx->id, patch,
	    "coordinator:kariya-shakyo:t1", when, NULL), 0);
	json_decref(patch);
}

/* What the source says now, as the fetch path would hand it over. */
static struct posting *
from_source(struct fixture *fx, const char *title, const char *summary)
{
	struct posting *p;

	assert_int_equal(store_posting_get(fx->st, fx->id, &p), 0);
	posting_set(&p->pst_title, title);
	posting_set(&p->pst_summary, summary);
	return p;
}

static void
test_edit_wins_until_the_source_changes(void **state)
{
	struct fixture *fx = *state;
	struct posting_override *po;
	struct posting *p;
	size_t n;

	edit(fx, "{\"title\": \"公園清掃（雨天決行）\"}", T0 + 10);
	assert_int_equal(store_posting_get(fx->st, fx->id, &p), 0);
	assert_string_equal(p->pst_title, "公園清掃（雨天決行）");
	assert_int_equal(p->pst_revision, 2);
	assert_int_equal(p->pst_modified, T0 + 10);
	posting_free(p);
	assert_int_equal(store_overrides_list(fx->st, fx->id, &po, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(po[0].po_field, "title");
	assert_string_equal(po[0].po_source_value, "\"公園清掃\"");
	assert_string_equal(po[0].po_editor, "coordinator:kariya-shakyo:t1");
	store_overrides_list_free(po, n);

	/* An unchanged entry is not rewritten: the edit stays. */
	fetch(fx->st, T0 + 300, "公園清掃", "軍手持参");
	assert_int_equal(store_posting_get(fx->st, fx->id, &p), 0);
	assert_string_equal(p->pst_title, "公園清掃（雨天決行）");
	posting_free(p);

	/* The source changes another field: the edit is applied again. */
	p = from_source(fx, "公園清掃", "軍手と帽子を持参");
	assert_int_equal(store_overrides_apply(fx->st, fx->id, p), 0);
	assert_string_equal(p->pst_title, "公園清掃（雨天決行）");
	assert_string_equal(p->pst_summary, "軍手と帽子を持参");
	posting_free(p);
	assert_int_equal(store_overrides_list(fx->st, fx->id, &po, &n), 0);
	assert_int_equal(n, 1);
	store_overrides_list_free(po, n);

	/* The source changes the edited field: the source wins. */
	p = from_source(fx, "公園清掃（中止）", "軍手持参");
	assert_int_equal(store_overrides_apply(fx->st, fx->id, p), 0);
	assert_string_equal(p->pst_title, "公園清掃（中止）");
	posting_free(p);
	assert_int_equal(store_overrides_list(fx->st, fx->id, &po, &n), 0);
	assert_int_equal(n, 0);
	store_overrides_list_free(po, n);
}

static void
test_edit_back_and_clear(void **state)
{
	struct fixture *fx = *state;
	struct posting_override *po;
	struct posting *p;
	json_t *patch;
	size_t n;

	/* Cleared fields and fields the source never had. */
	edit(fx, "{\"summary\": null, \"place\": \"正面ゲート\"}", T0 + 10);
	assert_int_equal(store_posting_get(fx->st, fx->id, &p), 0);
	assert_null(p->pst_summary);
	assert_string_equal(p->pst_place, "正面ゲート");
	posting_free(p);
	assert_int_equal(store_overrides_list(fx->st, fx->id, &po, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(po[0].po_field, "place");
	assert_string_equal(po[0].po_source_value, "null");
	assert_string_equal(po[1].po_field, "summary");
	assert_string_equal(po[1].po_value, "null");
	store_overrides_list_free(po, n);
	p = from_source(fx, "公園清掃", "軍手持参");
	posting_set(&p->pst_place, NULL);
	assert_int_equal(store_overrides_apply(fx->st, fx->id, p), 0);
	assert_null(p->pst_summary);
	assert_string_equal(p->pst_place, "正面ゲート");
	posting_free(p);

	/* Set back to what the source says: no override is left. */
	edit(fx, "{\"summary\": \"軍手持参\", \"place\": null}", T0 + 20);
	assert_int_equal(store_overrides_list(fx->st, fx->id, &po, &n), 0);
	assert_int_equal(n, 0);
	store_overrides_list_free(po, n);
	patch = json_object();
	assert_int_equal(store_posting_edit(fx->st, "pnope", patch, "x", T0,
	    NULL), 1);
	json_decref(patch);
}

static void
test_submission_moderation(void **state)
{
	struct fixture *fx = *state;
	struct posting *p = posting_new(), *got;
	struct posting_list feed;
	struct posting_query pq = { 0 };
	struct admin_posting_query aq = { 0 };
	struct admin_posting *list;
	struct posting_admin pa;
	struct posting_override *po;
	size_t n;
	json_t *patch;

	posting_set(&p->pst_id, "p00000000000000000001");
	posting_set(&p->pst_title, "花壇の手入れ");
	posting_set(&p->pst_start, "2026-04-05");
	posting_set(&p->pst_kind, "civic");
	p->pst_all_day = 1;
	p->pst_revision = 1;
	p->pst_published = p->pst_modified = T0 + 50;
	assert_int_equal(store_submission_insert(fx->st, p, "kariya-npo",
	    "tg", T0 + 50), 0);
	assert_int_equal(store_submission_insert(fx->st, p, "kariya-npo",
	    "tg", T0 + 50), 1);

	/* Pending: not in the feeds' query, in the admin's. */
	posting_list_init(&feed);
	assert_int_equal(store_postings_query(fx->st, &pq, &feed), 0);
	assert_int_equal(feed.pl_len, 1);
	posting_list_clear(&feed);
	aq.apq_moderation = MODERATION_PENDING;
	assert_int_equal(store_admin_postings(fx->st, &aq, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].ap_organization, "kariya-npo");
	store_admin_postings_free(list, n);
	aq.apq_moderation = NULL;
	aq.apq_organization = "another-group";
	assert_int_equal(store_admin_postings(fx->st, &aq, &list, &n), 0);
	assert_int_equal(n, 0);
	store_admin_postings_free(list, n);

	/* A submission has no source: an edit leaves no override. */
	patch = json_pack("{s:s}", "place", "中央公園");
	assert_int_equal(store_posting_edit(fx->st, p->pst_id, patch, "g",
	    T0 + 60, NULL), 0);
	json_decref(patch);
	assert_int_equal(store_overrides_list(fx->st, p->pst_id, &po, &n), 0);
	assert_int_equal(n, 0);
	store_overrides_list_free(po, n);

	assert_int_equal(store_submission_approve(fx->st, p->pst_id, "admin",
	    T0 + 70), 0);
	assert_int_equal(store_submission_approve(fx->st, p->pst_id, "admin",
	    T0 + 71), 2);
	assert_int_equal(store_submission_approve(fx->st, "pnope", "admin",
	    T0 + 71), 1);
	assert_int_equal(store_posting_admin(fx->st, p->pst_id, &pa), 0);
	assert_string_equal(pa.pa_moderation, MODERATION_PUBLISHED);
	assert_string_equal(pa.pa_decided_by, "admin");
	assert_int_equal(pa.pa_decided, T0 + 70);
	posting_admin_free(&pa);
	assert_int_equal(store_posting_get(fx->st, p->pst_id, &got), 0);
	assert_int_equal(got->pst_revision, 3);
	assert_int_equal(got->pst_modified, T0 + 70);
	assert_string_equal(got->pst_place, "中央公園");
	posting_free(got);
	posting_list_init(&feed);
	assert_int_equal(store_postings_query(fx->st, &pq, &feed), 0);
	assert_int_equal(feed.pl_len, 2);
	posting_list_clear(&feed);
	posting_free(p);
}

static void
test_provenance(void **state)
{
	struct fixture *fx = *state;
	struct posting_entry *pe;
	int64_t guid, link, hash;
	size_t n;

	assert_int_equal(store_posting_entries(fx->st, fx->id, &pe, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pe[0].pe_source, "city");
	assert_string_equal(pe[0].pe_key, "urn:entry:1");
	assert_string_equal(pe[0].pe_identity, "guid");
	assert_int_equal(pe[0].pe_first_seen, T0);
	store_posting_entries_free(pe, n);
	assert_int_equal(store_source_identity(fx->st, "city", &guid, &link,
	    &hash), 0);
	assert_int_equal(guid, 1);
	assert_int_equal(link + hash, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_edit_wins_until_the_source_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_back_and_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_submission_moderation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_provenance, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
