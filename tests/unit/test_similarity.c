/*
 * test_similarity.c — character bigram similarity, the rules that keep
 * events apart, choosing a cluster (dedup_match.h), merging the fields of
 * a cluster (dedup_merge.h) and when an event is over (lifecycle.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "dedup_key.h"
#include "dedup_match.h"
#include "dedup_merge.h"
#include "lifecycle.h"
#include "posting.h"
#include "similarity.h"

#define EPS	1e-9

static void
test_bigrams(void **state)
{
	struct sim_grams g;

	(void)state;
	assert_true(sim_dice("清掃活動", "清掃活動") > 1 - EPS);
	/* ^清 清掃 掃$ against ^清 清掃 掃活 活動 動$: 2 of 3 and 5. */
	assert_true(sim_dice("清掃", "清掃活動") > 0.5 - EPS &&
	    sim_dice("清掃", "清掃活動") < 0.5 + EPS);
	assert_true(sim_overlap("清掃", "清掃活動") > 2.0 / 3 - EPS);
	assert_true(sim_dice("", "a") < EPS);
	assert_true(sim_dice(NULL, "a") < EPS);
	/* One character still has two bigrams. */
	assert_true(sim_dice("a", "a") > 1 - EPS);
	assert_true(sim_dice("a", "b") < EPS);
	/* Symmetric; repeated bigrams count once. */
	assert_true(sim_dice("ああああ", "ああ") > 1 - EPS);
	assert_true(sim_dice("子ども食堂", "こども食堂") ==
	    sim_dice("こども食堂", "子ども食堂"));
	/* Invalid UTF-8 is compared byte for byte, not skipped. */
	assert_true(sim_dice("\xff\xfe", "\xff\xfe") > 1 - EPS);
	/* Longer than the stack buffers. */
	assert_true(sim_dice("ボランティアセンター設置訓練と災害時の"
	    "受け入れ体制の確認と避難所運営の手順の見直しについての説明会",
	    "ボランティアセンター設置訓練と災害時の受け入れ体制の確認と"
	    "避難所運営の手順の見直しについての説明会") > 1 - EPS);
	sim_grams_of("清掃活動", &g);
	assert_int_equal(g.sg_n, 5);
	sim_grams_free(&g);
	sim_grams_of("", &g);
	assert_int_equal(g.sg_n, 0);
	sim_grams_free(&g);
}

static void
test_lcs(void **state)
{
	(void)state;
	/* 市民体育大会受付 in both: 2 * 8 / (10 + 9). */
	assert_true(sim_lcs("刈谷市民体育大会受付", "市民体育大会の受付") >
	    16.0 / 19 - EPS);
	assert_true(sim_lcs("abc", "abc") > 1 - EPS);
	assert_true(sim_lcs("abc", "xyz") < EPS);
	assert_true(sim_lcs(NULL, "x") < EPS);
}

static void
test_place(void **state)
{
	(void)state;
	/* One contains the other. */
	assert_true(sim_place("総合文化センター",
	    "刈谷市総合文化センター小ホール") > 1 - EPS);
	/* What differs between two community centres tells them apart. */
	assert_true(sim_place("東刈谷市民センター", "富士松市民センター") < 0.3);
	assert_true(sim_place("刈谷市中央図書館", "城町図書館") < 0.3);
	assert_true(sim_place("中町公民館", "北町公民館") < 0.3);
	/* Words put in the middle of one place. */
	assert_true(sim_place("刈谷市役所1階市民ホール", "市役所市民ホール") >
	    1 - EPS);
	assert_true(sim_place("a", NULL) < EPS);
}

static struct sim_record
rec(const char *source, const char *title, const char *place,
    const char *area, const char *start)
{
	struct sim_record r;

	memset(&r, 0, sizeof(r));
	r.sr_source = source;
	r.sr_title = title;
	r.sr_place = place;
	r.sr_area = area;
	dedup_when_of(start, NULL, &r.sr_when);
	return r;
}

static void
expect(const struct sim_record *a, const struct sim_record *b,
    enum sim_rule want, const char *why)
{
	struct sim_verdict v;

	sim_compare(a, b, &sim_default_params, &v);
	if (v.sv_rule != want)
		fail_msg("%s vs %s: got %s (%s, %.3f), want %s", a->sr_title,
		    b->sr_title, sim_rule_name(v.sv_rule), v.sv_why,
		    v.sv_score, sim_rule_name(want));
	if (why != NULL && strcmp(v.sv_why, why) != 0)
		fail_msg("%s vs %s: got '%s', want '%s'", a->sr_title,
		    b->sr_title, v.sv_why, why);
	/* The verdict does not depend on the order. */
	sim_compare(b, a, &sim_default_params, &v);
	assert_int_equal(v.sv_rule, want);
}

static void
test_where(void **state)
{
	struct sim_record a, b;
	struct sim_verdict v;
	char *ka, *kb;

	(void)state;
	/* A city's row names only an address; another source the gym. */
	a = rec("city", "ふれあいスポーツ成人バドミントン", NULL, "131229",
	    "2022-01-28T09:00:00+09:00");
	a.sr_address = "お花茶屋356";
	b = rec("civic", "ふれあいスポーツ成人バドミントン",
	    "西新小岩スポーツセンター", NULL, "2022-01-28T09:00:00+09:00");
	sim_compare(&a, &b, &sim_default_params, &v);
	assert_int_equal(v.sv_rule, SIM_SIMILAR);
	assert_true(v.sv_place < 0);		/* nothing said */
	b.sr_place = "お花茶屋スポーツセンター";
	sim_compare(&a, &b, &sim_default_params, &v);
	assert_int_equal(v.sv_rule, SIM_SIMILAR);
	assert_true(v.sv_place > 1 - EPS);	/* its town in the venue */
	/* Two addresses: one place, or two towns. */
	b.sr_place = NULL;
	b.sr_address = "お花茶屋356";
	sim_compare(&a, &b, &sim_default_params, &v);
	assert_true(v.sv_place > 1 - EPS);
	b.sr_address = "西新小岩43310";
	expect(&a, &b, SIM_CONFLICT, "addresses in different towns");
	/* One town, another number: said to be nothing either way. */
	b.sr_address = "お花茶屋357";
	sim_compare(&a, &b, &sim_default_params, &v);
	assert_int_equal(v.sv_rule, SIM_SIMILAR);
	assert_true(v.sv_place < 0);

	/* A task at an event, at one venue and hour: the threshold is
	 * lower when the place is sure... */
	ka = dedup_compare_title("子ども服・ベビー服&マタニティ服交換会");
	kb = dedup_compare_title("子ども服の交換会 受付ボランティアやります!");
	a = rec("shakyo", ka, "立石地区センター", NULL,
	    "2022-01-29T10:00:00+09:00");
	b = rec("civic", kb, "立石地区センター", NULL,
	    "2022-01-29T10:00:00+09:00");
	expect(&a, &b, SIM_SIMILAR, NULL);
	b.sr_place = NULL;
	expect(&a, &b, SIM_NONE, NULL);
	free(ka);
	free(kb);
	/* ... but not for two subjects under one heading. */
	a = rec("city", "福祉実践教室車いす体験", "小垣江小学校", NULL,
	    "2026-06-25T13:30:00+09:00");
	b = rec("shakyo", "福祉実践教室手話体験", "小垣江小学校", NULL,
	    "2026-06-25T13:30:00+09:00");
	expect(&a, &b, SIM_NONE, NULL);
}

static void
test_rivals(void **state)
{
	struct sim_record x, r1, r2;
	const struct sim_record *xm[] = { &x }, *rivals[2];
	struct match_cluster c[1];
	struct match_result mr;

	(void)state;
	/* A civic group's posting of the badminton at 西新小岩. */
	x = rec("civic", "ふれあいスポーツ成人バドミントン",
	    "西新小岩スポーツセンター", NULL, "2022-01-28T09:00:00+09:00");
	c[0] = (struct match_cluster){ "px", 1, xm, 1 };
	/* The city's two rows of that title and hour, by address. */
	r1 = rec("city", "ふれあいスポーツ成人バドミントン", NULL, NULL,
	    "2022-01-28T09:00:00+09:00");
	r1.sr_address = "お花茶屋356";
	r2 = r1;
	r2.sr_address = "西新小岩43310";
	rivals[0] = &r1;
	rivals[1] = &r2;
	/* Alone, the お花茶屋 row would take it... */
	dedup_match(&r1, c, 1, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 0);
	match_result_free(&mr);
	/* ... but its sibling of 西新小岩 takes it more strongly: it waits. */
	dedup_match_rivals(&r1, c, 1, rivals, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, -1);
	assert_true(mr.mr_wait);
	match_result_free(&mr);
	/* The 西新小岩 row goes first. */
	dedup_match_rivals(&r2, c, 1, rivals, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 0);
	assert_false(mr.mr_wait);
	assert_true(mr.mr_verdict.sv_place > 1 - EPS);
	match_result_free(&mr);
	/* A rival of another day is none. */
	dedup_when_of("2022-01-29T09:00:00+09:00", NULL, &r2.sr_when);
	dedup_match_rivals(&r1, c, 1, rivals, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 0);
	match_result_free(&mr);
}

static void
test_rules(void **state)
{
	struct sim_record a, b;

	(void)state;
	a = rec("city", "子ども食堂配膳", "刈谷市社会福祉会館", "232106",
	    "2026-04-25T16:00:00+09:00");
	b = rec("civic", "子ども食堂配膳", "社会福祉会館", "232106",
	    "2026-04-25T16:00:00+09:00");
	expect(&a, &b, SIM_SIMILAR, NULL);
	/* Hard negatives. */
	b.sr_source = "city";
	expect(&a, &b, SIM_CONFLICT, "records of one source are two items by "
	    "its own word");
	b.sr_source = "civic";
	dedup_when_of("2026-05-25T16:00:00+09:00", NULL, &b.sr_when);
	expect(&a, &b, SIM_CONFLICT, "different days");
	dedup_when_of("2026-04-25T17:00:00+09:00", NULL, &b.sr_when);
	expect(&a, &b, SIM_CONFLICT, "different start times");
	dedup_when_of("2026-04-25", NULL, &b.sr_when);
	expect(&a, &b, SIM_SIMILAR, NULL);	/* all day: compatible */
	b.sr_area = "232254";
	expect(&a, &b, SIM_CONFLICT, "different municipalities");
	b.sr_area = "23";				/* its prefecture */
	expect(&a, &b, SIM_SIMILAR, NULL);
	b.sr_area = "230006";		/* the same, as normalize writes it */
	expect(&a, &b, SIM_SIMILAR, NULL);
	b.sr_area = "130001";		/* another prefecture */
	expect(&a, &b, SIM_CONFLICT, "different municipalities");
	b.sr_area = NULL;
	expect(&a, &b, SIM_SIMILAR, NULL);
	b.sr_place = "富士松市民センター";
	expect(&a, &b, SIM_CONFLICT, "different places");
	b.sr_place = NULL;
	b.sr_title = "災害講座基礎編";
	expect(&a, &b, SIM_NONE, NULL);
	/* The same page, the same day. */
	a.sr_url = b.sr_url = "https://example.jp/ev/1";
	b.sr_title = "子ども食堂";
	expect(&a, &b, SIM_URL, "same page, same day");
	/* ... unless the titles have nothing in common (a listing). */
	b.sr_title = "雪かき";
	expect(&a, &b, SIM_NONE, NULL);
	/* ... or the times differ: sessions on one page. */
	b.sr_title = "子ども食堂配膳";
	dedup_when_of("2026-04-25T18:00:00+09:00", NULL, &b.sr_when);
	expect(&a, &b, SIM_CONFLICT, "different start times");
	/* The same origin wins over everything but the same source. */
	a.sr_origin = b.sr_origin = "chiryu/p1";
	expect(&a, &b, SIM_ORIGIN, "same federated origin");
	/* Without a date, only a page of its own. */
	a = rec("city", "講演会", NULL, NULL, NULL);
	b = rec("civic", "講演会", NULL, NULL, NULL);
	expect(&a, &b, SIM_NONE, "not dated");
	a.sr_url = b.sr_url = "https://example.jp/ev/2";
	expect(&a, &b, SIM_URL, "same page, neither dated");
	b = rec("civic", "講演会", NULL, NULL, "2026-04-25");
	b.sr_url = a.sr_url;
	expect(&a, &b, SIM_NONE, NULL);
	assert_string_equal(sim_rule_name(SIM_CONFLICT), "conflict");
	assert_string_equal(sim_rule_name((enum sim_rule)42), "none");
}

static void
test_match(void **state)
{
	struct sim_record r, x1, y1, y2, z1;
	const struct sim_record *xm[] = { &x1 }, *ym[] = { &y1, &y2 };
	const struct sim_record *zm[] = { &z1 };
	struct match_cluster c[3];
	struct match_result mr;

	(void)state;
	/* Two sessions of one course, and a record that gives no time. */
	x1 = rec("city", "離乳食教室", "保健センター", "232106",
	    "2026-07-21T09:30:00+09:00");
	y1 = rec("city", "離乳食教室", "保健センター", "232106",
	    "2026-07-21T11:00:00+09:00");
	y2 = rec("civic", "離乳食教室", "保健センター", "232106",
	    "2026-07-21T11:00:00+09:00");
	r = rec("shakyo", "離乳食教室", "保健センター", "232106",
	    "2026-07-21");
	c[0] = (struct match_cluster){ "pb", 10, xm, 1 };
	c[1] = (struct match_cluster){ "pa", 10, ym, 2 };
	dedup_match(&r, c, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, -1);
	assert_true(mr.mr_ambiguous);
	match_result_free(&mr);
	/* Once its sibling took one session, the record goes to the other. */
	y2.sr_source = "shakyo";
	dedup_match(&r, c, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 0);
	assert_false(mr.mr_ambiguous);
	assert_int_equal(mr.mr_verdict.sv_rule, SIM_SIMILAR);
	match_result_free(&mr);

	/* A record that matches two compatible clusters bridges them; the
	 * one seen first survives, then the smaller id. */
	x1 = rec("city", "防災キャンプ", "防災センター", "232106",
	    "2026-08-22T13:00:00+09:00");
	y1 = rec("civic", "親子防災キャンプ", NULL, "232106", "2026-08-22");
	y2 = rec("corp", "親子防災キャンプ", NULL, "232106", "2026-08-22");
	r = rec("shakyo", "防災キャンプ", "防災センター", "232106",
	    "2026-08-22T13:00:00+09:00");
	c[0] = (struct match_cluster){ "pz", 20, xm, 1 };
	c[1] = (struct match_cluster){ "py", 5, ym, 2 };
	dedup_match(&r, c, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 1);
	assert_int_equal(mr.mr_nmerged, 1);
	assert_int_equal(mr.mr_merged[0], 0);
	assert_int_equal(mr.mr_cluster, 0);	/* the best: one place too */
	match_result_free(&mr);
	c[1].mc_first_seen = 20;
	dedup_match(&r, c, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 1);	/* "py" < "pz" */
	match_result_free(&mr);
	/* A cluster holding a record of the same source is never joined. */
	y2.sr_source = "shakyo";
	dedup_match(&r, c, 2, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, 0);
	assert_int_equal(mr.mr_nmerged, 0);
	match_result_free(&mr);
	/* Nothing alike: a posting of its own. */
	z1 = rec("corp", "献血", NULL, "232106", "2026-08-22");
	c[2] = (struct match_cluster){ "px", 1, zm, 1 };
	dedup_match(&r, &c[2], 1, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, -1);
	assert_false(mr.mr_ambiguous);
	match_result_free(&mr);
	dedup_match(&r, NULL, 0, &sim_default_params, &mr);
	assert_int_equal(mr.mr_join, -1);
	match_result_free(&mr);
	match_result_free(NULL);
}

static struct posting *
post(const char *title, const char *link, const char *start,
    const char *place)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_title, title);
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_start, start);
	posting_set(&p->pst_place, place);
	p->pst_all_day = start != NULL && strlen(start) == 10;
	return p;
}

static void
test_merge(void **state)
{
	struct posting *civic, *city, *corp, *m;
	struct merge_record r[3];
	const char *prio[] = { "civic", "city" };

	(void)state;
	civic = post("★子ども食堂★", "https://civic.example/1",
	    "2026-04-25T16:00:00+09:00", NULL);
	posting_add_category(civic, "children");
	posting_set(&civic->pst_contact_phone, "0566-00-0000");
	posting_add_ref(civic, "npo", "civic", civic->pst_link, 10);
	civic->pst_published = 100;
	city = post("子ども食堂 配膳ボランティア", "https://city.example/1",
	    "2026-04-25", "刈谷市社会福祉会館");
	posting_add_category(city, "welfare");
	posting_add_category(city, "children");
	posting_set(&city->pst_contact_name, "社会福祉課");
	posting_add_ref(city, "kariya-city", "city", city->pst_link, 20);
	city->pst_published = 200;
	corp = post("子ども食堂", NULL, NULL, NULL);
	corp->pst_status = POSTING_CANCELLED;
	corp->pst_capacity = 10;
	posting_add_ref(corp, "aisin", "corporate", NULL, 30);
	r[0] = (struct merge_record){ civic, "npo", "civic", 1, "c1" };
	r[1] = (struct merge_record){ city, "kariya-city", "city", 2, "k1" };
	r[2] = (struct merge_record){ corp, "aisin", "corporate", 3, "a1" };

	/* Default: the city's fields first; a timed start of the same day
	 * beats its all-day one; contact taken whole from one record. */
	m = dedup_merge(r, 3, NULL, 0);
	assert_string_equal(m->pst_title, "子ども食堂 配膳ボランティア");
	assert_string_equal(m->pst_link, "https://city.example/1");
	assert_string_equal(m->pst_start, "2026-04-25T16:00:00+09:00");
	assert_false(m->pst_all_day);
	assert_string_equal(m->pst_place, "刈谷市社会福祉会館");
	assert_string_equal(m->pst_contact_name, "社会福祉課");
	assert_null(m->pst_contact_phone);
	assert_int_equal(m->pst_ncategories, 2);
	assert_string_equal(m->pst_categories[0], "welfare");
	assert_int_equal(m->pst_nrefs, 3);
	assert_string_equal(m->pst_refs[0].ref_source, "kariya-city");
	assert_string_equal(m->pst_refs[1].ref_source, "aisin");
	assert_string_equal(m->pst_refs[2].ref_source, "npo");
	assert_int_equal(m->pst_published, 100);
	assert_int_equal(m->pst_capacity, 10);
	assert_int_equal(m->pst_status, POSTING_CANCELLED);
	posting_free(m);

	/* The configuration's order; kinds it leaves out come last. */
	m = dedup_merge(r, 3, prio, 2);
	assert_string_equal(m->pst_title, "★子ども食堂★");
	assert_string_equal(m->pst_contact_phone, "0566-00-0000");
	assert_string_equal(m->pst_refs[2].ref_source, "aisin");
	posting_free(m);
	assert_int_equal(dedup_kind_rank("federation", NULL, 0), 4);
	assert_int_equal(dedup_kind_rank("other", NULL, 0), 5);
	assert_int_equal(dedup_kind_rank("city", prio, 2), 1);

	/* A withdrawn record counts only when all are. */
	corp->pst_status = POSTING_WITHDRAWN;
	city->pst_status = POSTING_CLOSED;
	m = dedup_merge(r, 3, NULL, 0);
	assert_int_equal(m->pst_status, POSTING_CLOSED);
	assert_int_equal(m->pst_nrefs, 2);
	posting_free(m);
	m = dedup_merge(&r[2], 1, NULL, 0);
	assert_int_equal(m->pst_status, POSTING_WITHDRAWN);
	posting_free(m);
	posting_free(civic);
	posting_free(city);
	posting_free(corp);
}

static int64_t
at(const char *s)
{
	int64_t t;

	assert_int_equal(date_parse_rfc3339(s, &t), 0);
	return t;
}

static void
test_lifecycle(void **state)
{
	(void)state;
	/* A timed event without an end: open to the end of its day. */
	assert_int_equal(lifecycle_close_time("2026-04-25T10:00:00+09:00",
	    NULL, NULL), at("2026-04-25T23:59:59+09:00"));
	assert_int_equal(lifecycle_close_time("2026-04-25T10:00:00+09:00",
	    "2026-04-26T02:00:00+09:00", NULL),
	    at("2026-04-26T02:00:00+09:00"));
	/* Dates: whole days, the end inclusive. */
	assert_int_equal(lifecycle_close_time("2026-10-17", "2026-10-18",
	    NULL), at("2026-10-18T23:59:59+09:00"));
	/* Recurrences: UNTIL's day (plus the event's length, as 002's
	 * span_end: a bound that may be late, never early), COUNT
	 * occurrences, or never. */
	assert_int_equal(lifecycle_close_time("2026-04-01", NULL,
	    "FREQ=WEEKLY;UNTIL=20260429"), at("2026-04-30T23:59:58+09:00"));
	assert_int_equal(lifecycle_close_time("2026-01-31T10:00:00+09:00",
	    "2026-01-31T11:00:00+09:00", "FREQ=MONTHLY;COUNT=2"),
	    at("2026-03-03T11:00:00+09:00"));	/* 02-31 is 03-03 */
	assert_int_equal(lifecycle_close_time("2026-04-01", NULL,
	    "FREQ=WEEKLY;INTERVAL=2;COUNT=3"), at("2026-04-29T23:59:59+09:00"));
	assert_int_equal(lifecycle_close_time("2026-04-01", NULL,
	    "FREQ=WEEKLY"), LIFECYCLE_NEVER);
	assert_int_equal(lifecycle_close_time(NULL, NULL, NULL),
	    LIFECYCLE_NEVER);
	assert_int_equal(lifecycle_close_time("someday", NULL, NULL),
	    LIFECYCLE_NEVER);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bigrams),
		cmocka_unit_test(test_lcs),
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_rivals),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
