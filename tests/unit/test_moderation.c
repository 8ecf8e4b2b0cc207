/*
 * test_moderation.c — the moderation queue in the store: the first
 * decision wins, a rejection keeps its reason, a resubmission waits
 * again, a source with moderation on holds its new postings, and every
 * decision lands in the audit trail in the same transaction.
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
};

static const struct store_actor center = {
	.sa_token_id = "tc", .sa_label = "支援センター", .sa_organization =
	    "kariya-center", .sa_role = "coordinator" };
static const struct store_actor shakyo = {
	.sa_token_id = "ts", .sa_label = NULL, .sa_organization =
	    "kariya-shakyo", .sa_role = "coordinator" };
static const struct store_actor group = {
	.sa_token_id = "tg", .sa_label = NULL, .sa_organization = "kariya-npo",
	.sa_role = "group" };

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct source_def city = { .sd_name = "city",
	    .sd_url = "https://city.example.jp/rss", .sd_kind = "city",
	    .sd_interval = 300, .sd_origin = "config" };
	struct source_def civic = { .sd_name = "civic",
	    .sd_url = "https://civic.example.jp/rss", .sd_kind = "civic",
	    .sd_interval = 300, .sd_origin = "config" };

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tsunagu-moderation-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	if (store_open(fx->path, &fx->st) == -1 ||
	    store_source_upsert(fx->st, &city) == -1 ||
	    store_source_upsert(fx->st, &civic) == -1)
		return -1;
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
	free(fx);
	return rc == 0 ? 0 : -1;
}

static void
submit(struct fixture *fx, const char *id, int64_t when)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, id);
	posting_set(&p->pst_title, "花壇の手入れ");
	posting_set(&p->pst_start, "2026-04-05");
	posting_set(&p->pst_kind, "civic");
	p->pst_all_day = 1;
	p->pst_revision = 1;
	p->pst_published = p->pst_modified = when;
	assert_int_equal(store_submission_insert(fx->st, p, "kariya-npo",
	    "tg", when), 0);
	posting_free(p);
}

static size_t
published(struct fixture *fx)
{
	struct posting_query pq = { 0 };
	struct posting_list list;
	size_t n;

	posting_list_init(&list);
	assert_int_equal(store_postings_query(fx->st, &pq, &list), 0);
	n = list.pl_len;
	posting_list_clear(&list);
	return n;
}

static const char *
state_of(struct fixture *fx, const char *id)
{
	static char buf[16];
	struct posting_admin pa;

	assert_int_equal(store_posting_admin(fx->st, id, &pa), 0);
	snprintf(buf, sizeof(buf), "%s", pa.pa_moderation);
	posting_admin_free(&pa);
	return buf;
}

static void
test_first_decision_wins(void **state)
{
	struct fixture *fx = *state;
	struct moderation_decision md;
	struct posting *p;
	int64_t gen;

	submit(fx, "p1", T0);
	assert_int_equal(published(fx), 0);
	gen = store_generation(fx->st);
	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_PUBLISHED, NULL, &center, T0 + 10, &md), 0);
	assert_true(store_generation(fx->st) > gen);
	moderation_decision_free(&md);
	assert_int_equal(published(fx), 1);
	assert_int_equal(store_posting_get(fx->st, "p1", &p), 0);
	assert_int_equal(p->pst_revision, 2);
	assert_int_equal(p->pst_modified, T0 + 10);
	posting_free(p);

	/* The second decision changes nothing and learns the first. */
	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_REJECTED, "重複", &shakyo, T0 + 11, &md), 2);
	assert_string_equal(md.md_decision, MODERATION_PUBLISHED);
	assert_string_equal(md.md_organization, "kariya-center");
	assert_string_equal(md.md_token_id, "tc");
	assert_int_equal(md.md_decided, T0 + 10);
	moderation_decision_free(&md);
	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_PUBLISHED, NULL, &shakyo, T0 + 12, NULL), 2);
	assert_string_equal(state_of(fx, "p1"), MODERATION_PUBLISHED);
	assert_int_equal(store_posting_get(fx->st, "p1", &p), 0);
	assert_int_equal(p->pst_revision, 2);
	posting_free(p);

	assert_int_equal(store_moderation_decide(fx->st, "pnope",
	    MODERATION_PUBLISHED, NULL, &center, T0, &md), 1);
	moderation_decision_free(&md);
	/* A rejection without a reason is refused, and changes nothing. */
	submit(fx, "p2", T0 + 20);
	assert_int_equal(store_moderation_decide(fx->st, "p2",
	    MODERATION_REJECTED, NULL, &center, T0 + 21, NULL), -1);
	assert_string_equal(state_of(fx, "p2"), MODERATION_PENDING);
}

static void
test_reject_then_resubmit(void **state)
{
	struct fixture *fx = *state;
	struct moderation_decision md;
	struct moderation_item *queue;
	size_t n;
	int64_t total;

	submit(fx, "p1", T0);
	submit(fx, "p2", T0 + 5);
	assert_int_equal(store_moderation_queue(fx->st, 10, &queue, &n,
	    &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	/* The longest waiting first. */
	assert_string_equal(queue[0].mi_posting->pst_id, "p1");
	assert_string_equal(queue[0].mi_organization, "kariya-npo");
	assert_int_equal(queue[0].mi_waiting_since, T0);
	store_moderation_queue_free(queue, n);

	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_REJECTED, "日付が違います", &shakyo, T0 + 10, NULL), 0);
	assert_string_equal(state_of(fx, "p1"), MODERATION_REJECTED);
	assert_int_equal(store_moderation_decision(fx->st, "p1", &md), 0);
	assert_string_equal(md.md_reason, "日付が違います");
	assert_string_equal(md.md_role, "coordinator");
	moderation_decision_free(&md);
	assert_int_equal(published(fx), 0);
	assert_int_equal(store_moderation_queue(fx->st, 1, &queue, &n,
	    &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	store_moderation_queue_free(queue, n);

	/* Only a rejected posting goes back; then it waits, undecided. */
	assert_int_equal(store_moderation_resubmit(fx->st, "p2", &group,
	    T0 + 20), 2);
	assert_int_equal(store_moderation_resubmit(fx->st, "pnope", &group,
	    T0 + 20), 1);
	assert_int_equal(store_moderation_resubmit(fx->st, "p1", &group,
	    T0 + 20), 0);
	assert_string_equal(state_of(fx, "p1"), MODERATION_PENDING);
	assert_int_equal(store_moderation_decision(fx->st, "p1", &md), 1);
	moderation_decision_free(&md);
	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_PUBLISHED, "確認しました", &center, T0 + 30, NULL), 0);
	assert_int_equal(published(fx), 1);
}

static void
test_a_moderated_source_holds_new_postings(void **state)
{
	struct fixture *fx = *state;
	struct posting_list entries;
	struct posting *p;
	struct fetch_outcome fo = {
		.fo_source = "civic", .fo_attempt = T0,
		.fo_http_status = 200, .fo_next_poll = T0 + 300,
		.fo_entries = &entries,
	};
	struct moderation_item *queue;
	size_t n;
	int64_t total;

	assert_string_equal(store_moderation_initial(fx->st, "civic"),
	    MODERATION_PUBLISHED);
	assert_int_equal(store_source_set_moderation(fx->st, "civic", 1), 0);
	assert_int_equal(store_source_set_moderation(fx->st, "nope", 1), 1);
	assert_string_equal(store_moderation_initial(fx->st, "civic"),
	    MODERATION_PENDING);
	assert_string_equal(store_moderation_initial(fx->st, "city"),
	    MODERATION_PUBLISHED);

	posting_list_init(&entries);
	p = posting_new();
	posting_set(&p->pst_guid, "urn:civic:1");
	posting_set(&p->pst_title, "子ども食堂");
	posting_set(&p->pst_link, "https://civic.example.jp/1");
	posting_list_push(&entries, p);
	assert_int_equal(store_record_fetch(fx->st, &fo, NULL), 0);
	assert_int_equal(published(fx), 0);
	assert_int_equal(store_moderation_queue(fx->st, 0, &queue, &n,
	    &total), 0);
	assert_int_equal(n, 1);
	assert_null(queue[0].mi_organization);
	assert_string_equal(queue[0].mi_posting->pst_title, "子ども食堂");
	store_moderation_queue_free(queue, n);

	/* A change at the source leaves it waiting. */
	posting_set(&entries.pl_items[0]->pst_title, "子ども食堂（満員）");
	fo.fo_attempt = T0 + 300;
	assert_int_equal(store_record_fetch(fx->st, &fo, NULL), 0);
	assert_int_equal(published(fx), 0);
	posting_list_clear(&entries);
}

static void
test_audit_trail(void **state)
{
	struct fixture *fx = *state;
	struct audit_query q = { 0 };
	struct audit_entry *list;
	json_t *changes;
	size_t n;

	submit(fx, "p1", T0);
	submit(fx, "p2", T0);
	assert_int_equal(store_audit_append(fx->st, &group, "submit", "p1",
	    NULL, NULL, T0), 0);
	assert_int_equal(store_moderation_decide(fx->st, "p1",
	    MODERATION_PUBLISHED, NULL, &center, T0 + 10, NULL), 0);
	assert_int_equal(store_moderation_decide(fx->st, "p2",
	    MODERATION_REJECTED, "写真の許可", &shakyo, T0 + 20, NULL), 0);
	/* A refused decision leaves no row. */
	assert_int_equal(store_moderation_decide(fx->st, "p2",
	    MODERATION_PUBLISHED, NULL, &center, T0 + 30, NULL), 2);

	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].ae_action, "reject");
	assert_string_equal(list[0].ae_reason, "写真の許可");
	assert_string_equal(list[0].ae_organization, "kariya-shakyo");
	assert_null(list[0].ae_token_label);
	assert_string_equal(list[1].ae_action, "approve");
	assert_string_equal(list[1].ae_token_label, "支援センター");
	assert_int_equal(list[1].ae_at, T0 + 10);
	changes = json_loads(list[1].ae_changes, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    changes, "moderation"), "to")), "published");
	json_decref(changes);
	assert_string_equal(list[2].ae_changes, "{}");
	assert_true(list[0].ae_id > list[1].ae_id);
	store_audit_list_free(list, n);

	q.aq_actor = "kariya-center";
	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	store_audit_list_free(list, n);
	q.aq_actor = "ts";
	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	store_audit_list_free(list, n);
	q.aq_actor = NULL;
	q.aq_posting = "p1";
	q.aq_since = T0 + 5;
	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].ae_action, "approve");
	store_audit_list_free(list, n);
	memset(&q, 0, sizeof(q));
	q.aq_limit = 1;
	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	q.aq_before_id = list[0].ae_id;
	store_audit_list_free(list, n);
	q.aq_limit = 0;
	assert_int_equal(store_audit_list(fx->st, &q, &list, &n), 0);
	assert_int_equal(n, 2);
	store_audit_list_free(list, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_decision_wins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_then_resubmit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_moderated_source_holds_new_postings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_trail, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
