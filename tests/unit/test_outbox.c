/*
 * test_outbox.c — the durable outbox: events written by triggers in the
 * transaction of the change (created, updated, withdrawn, published after
 * moderation; nothing for postings that wait), fan-out by filters on the
 * posting before and after the change, the body made once, a fan-out run
 * twice making nothing twice, pings, and recovery since a time.
 */
#include "push_testutil.h"

#include <jansson.h>
#include <sqlite3.h>

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char more[1024];

	/* acme: every posting; city-only: kind=city; tokyo: area=13;
	 * feedonly: no webhook; off: disabled below. */
	snprintf(more, sizeof(more),
	    "[subscriber city-only]\nwebhook = http://127.0.0.1:1/h\n"
	    "filter = kind=city\n"
	    "[subscriber tokyo]\nwebhook = http://127.0.0.1:1/h\n"
	    "filter = area=13\n"
	    "[subscriber feedonly]\nfilter = kind=city\n"
	    "[subscriber off]\nwebhook = http://127.0.0.1:1/h\n");
	fixture_setup(fx, NULL, NULL, more);
	assert_int_equal(store_subscriber_set_disabled(fx->d.d_store, "off", 1,
	    T0 / 1000), 0);
	/* Deliveries are looked at, not sent: no webhook delivery here. */
	webhook_free(fx->d.d_webhook);
	fx->d.d_webhook = NULL;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_teardown(fx);
	free(fx);
	return 0;
}

/* The deliveries made, oldest first, as "subscriber:type" lines. */
static char *
deliveries(struct fixture *fx)
{
	struct delivery_query dq = { .dq_limit = 0 };
	struct delivery *dl;
	size_t n, i;
	char *out = NULL, *next;

	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	out = strdup("");
	for (i = n; i > 0; i--) {
		assert_true(asprintf(&next, "%s%s:%s\n", out,
		    dl[i - 1].dl_subscriber, dl[i - 1].dl_type) > 0);
		free(out);
		out = next;
	}
	store_deliveries_free(dl, n);
	return out;
}

static void
dispatch(struct fixture *fx)
{
	pump(fx);
	assert_true(outbox_run(fx->d.d_outbox) >= 0);
}

static void
test_events_by_trigger(void **state)
{
	struct fixture *fx = *state;
	struct outbox_event *ev;
	struct posting *p;
	json_t *patch;
	size_t n;

	/* Nothing dispatched yet: look at the events as written. */
	outbox_free(fx->d.d_outbox);
	fx->d.d_outbox = NULL;
	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].oe_type, "posting.created");
	assert_int_equal(ev[0].oe_revision, 1);
	assert_non_null(ev[0].oe_doc);
	assert_null(ev[0].oe_old_doc);
	store_outbox_events_free(ev, n);

	/* Unchanged: no event.  Changed: updated, with the old document. */
	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 1);
	store_outbox_events_free(ev, n);
	p = make_entry("e1", "清掃（雨天中止）", "232106");
	fetch_entries(fx, &p, 1);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].oe_type, "posting.updated");
	assert_int_equal(ev[1].oe_revision, 2);
	assert_non_null(strstr(ev[1].oe_old_doc, "\"title\":\"清掃\""));
	assert_non_null(strstr(ev[1].oe_doc, "雨天中止"));

	/* Withdrawn through an edit. */
	patch = json_pack("{s:s}", "status", "withdrawn");
	assert_int_equal(store_posting_edit(fx->d.d_store,
	    ev[0].oe_posting_id, patch, "test", T0 / 1000, NULL), 0);
	json_decref(patch);
	store_outbox_events_free(ev, n);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[2].oe_type, "posting.withdrawn");
	assert_int_equal(ev[2].oe_revision, 3);
	store_outbox_events_free(ev, n);

	/* A submission waits: no event until it is published. */
	p = make_entry("g1", "グループの募集", "232106");
	posting_set(&p->pst_id, "pgroup1");
	p->pst_revision = 1;
	p->pst_modified = T0 / 1000;
	assert_int_equal(store_submission_insert(fx->d.d_store, p, "npo",
	    "t1", T0 / 1000), 0);
	posting_free(p);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 3);
	store_outbox_events_free(ev, n);
	assert_int_equal(store_submission_approve(fx->d.d_store, "pgroup1",
	    "admin", T0 / 1000 + 60), 0);
	assert_int_equal(store_outbox_pending(fx->d.d_store, 10, &ev, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(ev[3].oe_type, "posting.created");
	assert_string_equal(ev[3].oe_posting_id, "pgroup1");
	assert_int_equal(ev[3].oe_revision, 2);
	store_outbox_events_free(ev, n);
}

static void
test_fanout_by_filter(void **state)
{
	struct fixture *fx = *state;
	struct posting *p;
	char *got;

	/* A city posting in Kariya: acme (all) and city-only. */
	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	got = deliveries(fx);
	assert_string_equal(got, "acme:posting.created\n"
	    "city-only:posting.created\n");
	free(got);
	/* It moves to Tokyo: tokyo sees it arrive (new state), acme and
	 * city-only see the change too. */
	p = make_entry("e1", "清掃", "131016");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	got = deliveries(fx);
	assert_string_equal(got, "acme:posting.created\n"
	    "city-only:posting.created\n"
	    "acme:posting.updated\n"
	    "city-only:posting.updated\n"
	    "tokyo:posting.updated\n");
	free(got);
	/* And back: tokyo still hears it left (old state matched). */
	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	got = deliveries(fx);
	assert_non_null(strstr(got, "posting.updated\ntokyo:posting.updated\n"
	    "acme:posting.updated\ncity-only:posting.updated\n"
	    "tokyo:posting.updated\n"));
	free(got);
	/* Neither the feed-only subscriber nor the disabled one. */
	got = deliveries(fx);
	assert_null(strstr(got, "feedonly"));
	assert_null(strstr(got, "off:"));
	free(got);
}

/*
 * The dispatcher keeps the subscribers it read between runs: a subscriber
 * added, changed or deleted since is seen by the next event.
 */
static void
test_subscribers_change_seen(void **state)
{
	struct fixture *fx = *state;
	struct subscriber_def late = { .sbd_name = "late", .sbd_origin = "api",
	    .sbd_webhook = "http://127.0.0.1:1/late", .sbd_secret = KAT_SECRET };
	struct subscriber_patch patch = { .sbp_set_filter = 1 };
	struct subscriber_info tokyo;
	struct posting *p;
	char *got;

	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	got = deliveries(fx);
	assert_string_equal(got, "acme:posting.created\n"
	    "city-only:posting.created\n");
	free(got);
	/* One added, one filtered to Tokyo, one deleted (its deliveries
	 * with it). */
	assert_int_equal(store_subscriber_create(fx->d.d_store, &late,
	    T0 / 1000), 0);
	assert_int_equal(store_subscriber_get(fx->d.d_store, "tokyo", &tokyo),
	    0);
	patch.sbp_filter = tokyo.sb_filter;
	assert_int_equal(store_subscriber_update(fx->d.d_store, "city-only",
	    &patch, T0 / 1000), 0);
	subscriber_info_free(&tokyo);
	assert_int_equal(store_subscriber_delete(fx->d.d_store, "acme"), 0);
	p = make_entry("e2", "防災", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	got = deliveries(fx);
	assert_string_equal(got, "city-only:posting.created\n"
	    "late:posting.created\n");
	free(got);
}

static void
test_payload_once(void **state)
{
	struct fixture *fx = *state;
	struct delivery_query dq = { .dq_limit = 0 };
	struct delivery *dl;
	struct posting *p;
	json_error_t jerr;
	json_t *body, *data;
	char *a, *b;
	size_t n;

	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(dl[0].dl_event_seq, dl[1].dl_event_seq);
	assert_string_not_equal(dl[0].dl_webhook_id, dl[1].dl_webhook_id);
	assert_int_equal(strncmp(dl[0].dl_webhook_id, "msg_", 4), 0);
	assert_int_equal(strlen(dl[0].dl_webhook_id), WEBHOOK_ID_SIZE - 1);
	assert_int_equal(store_outbox_payload(fx->d.d_store,
	    dl[0].dl_event_seq, &a), 0);
	assert_int_equal(store_outbox_payload(fx->d.d_store,
	    dl[1].dl_event_seq, &b), 0);
	assert_string_equal(a, b);
	body = json_loads(a, 0, &jerr);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "type")),
	    "posting.created");
	assert_string_equal(json_string_value(json_object_get(body,
	    "timestamp")) + 19, "+09:00");
	data = json_object_get(body, "data");
	assert_string_equal(json_string_value(json_object_get(data, "id")),
	    dl[0].dl_posting_id);
	assert_string_equal(json_string_value(json_object_get(data, "title")),
	    "清掃");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    data, "_tsunagu"), "revision")), 1);
	/* The origin is this instance, as in the feeds. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(data, "_tsunagu"), "origin"), "instance")), "test");
	json_decref(body);
	free(a);
	free(b);
	store_deliveries_free(dl, n);
}

static void
test_dispatch_twice_is_once(void **state)
{
	struct fixture *fx = *state;
	const char *subs[] = { "acme" };
	struct outbox_fanout fo = { .of_payload = "{}", .of_subscribers = subs,
	    .of_nsubscribers = 1 };
	struct delivery_query dq = { .dq_limit = 0 };
	struct delivery *dl;
	struct posting *p;
	char id[WEBHOOK_ID_SIZE];
	size_t n;

	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	assert_int_equal(n, 2);
	/* A crash after the fan-out's commit, before anyone knew: the
	 * same fan-out again makes nothing new. */
	fo.of_seq = dl[0].dl_event_seq;
	assert_int_equal(store_outbox_dispatch(fx->d.d_store, &fo, 1, T0), 0);
	store_deliveries_free(dl, n);
	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	assert_int_equal(n, 2);
	/* The id is a function of the event and the subscriber. */
	assert_int_equal(store_webhook_id(fx->d.d_store, fo.of_seq, "acme",
	    id), 0);
	assert_string_equal(id, strcmp(dl[0].dl_subscriber, "acme") == 0 ?
	    dl[0].dl_webhook_id : dl[1].dl_webhook_id);
	store_deliveries_free(dl, n);
}

static void
test_ping_and_recover(void **state)
{
	struct fixture *fx = *state;
	struct delivery_query dq = { .dq_subscriber = "off" };
	struct delivery *dl;
	struct delivery d1;
	int64_t id = 0, queued = -1;
	char *payload;
	size_t n;

	payload = outbox_payload(&fx->d, "ping", T0, NULL);
	assert_non_null(strstr(payload, "\"type\":\"ping\""));
	assert_int_equal(store_outbox_ping(fx->d.d_store, "acme", payload, T0,
	    &id), 0);
	assert_int_equal(store_outbox_ping(fx->d.d_store, "nobody", payload,
	    T0, NULL), 1);
	free(payload);
	delivery_n(fx, id, &d1);
	assert_string_equal(d1.dl_type, "ping");
	assert_null(d1.dl_posting_id);
	delivery_free(&d1);

	/* Two postings while "off" is disabled: none for it. */
	new_posting(fx, "232106");	/* e1 */
	dispatch(fx);
	new_posting(fx, "232106");	/* e1 unchanged, e2 */
	dispatch(fx);
	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	assert_int_equal(n, 0);
	free(dl);
	/* Enabled and recovered since T0: both, pings left out. */
	assert_int_equal(store_subscriber_set_disabled(fx->d.d_store, "off", 0,
	    T0 / 1000), 0);
	assert_int_equal(outbox_recover(&fx->d, "off", 0, &queued), 0);
	assert_int_equal(queued, 2);
	assert_int_equal(store_deliveries_list(fx->d.d_store, &dq, &dl, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dl[0].dl_status, DELIVERY_PENDING);
	store_deliveries_free(dl, n);
	/* Again: they are pending already, nothing more. */
	assert_int_equal(outbox_recover(&fx->d, "off", 0, &queued), 0);
	assert_int_equal(queued, 0);
	/* Since a time after them: nothing. */
	assert_int_equal(outbox_recover(&fx->d, "off",
	    (int64_t)9e15, &queued), 0);
	assert_int_equal(queued, 0);
	assert_int_equal(outbox_recover(&fx->d, "nobody", 0, &queued), 1);
}

static void
test_recover_failed_keeps_id(void **state)
{
	struct fixture *fx = *state;
	struct delivery_result dr = { .dr_id = 1, .dr_started = T0,
	    .dr_error = "x", .dr_status = DELIVERY_FAILED, .dr_tries = 8,
	    .dr_attempt = 1 };
	struct delivery before, after;
	struct posting *p;
	int64_t queued;

	p = make_entry("e1", "清掃", "232106");
	fetch_entries(fx, &p, 1);
	dispatch(fx);
	assert_int_equal(store_deliveries_record(fx->d.d_store, &dr, 1), 0);
	delivery_n(fx, 1, &before);
	assert_string_equal(before.dl_status, DELIVERY_FAILED);
	assert_int_equal(outbox_recover(&fx->d, before.dl_subscriber, 0,
	    &queued), 0);
	assert_int_equal(queued, 1);
	delivery_n(fx, 1, &after);
	assert_string_equal(after.dl_status, DELIVERY_PENDING);
	assert_int_equal(after.dl_tries, 0);
	assert_int_equal(after.dl_attempts, 1);
	assert_string_equal(after.dl_webhook_id, before.dl_webhook_id);
	delivery_free(&before);
	delivery_free(&after);
}

/* A timer of the test: what the outbox stats said when it fired. */
static void
probe_fired(evutil_socket_t fd, short what, void *arg)
{
	struct fixture *fx = arg;

	fx->entries = -1 - (int)outbox_stats(fx->d.d_outbox)->obs_events;
}

/*
 * A backlog (events made while the daemon was down, a restore) is worked
 * off a run at a time, and the loop gets its turn in between: a timer
 * that falls due meanwhile runs before the backlog is done.  The run used
 * to re-activate itself with event_active(), which libevent runs in the
 * same pass: 541,184 pending events kept tsunagud from answering a
 * request for 82 s (tests/bench/store_1m.sh).
 */
static void
test_backlog_yields_to_the_loop(void **state)
{
	struct fixture *fx = *state;
	struct timeval ms = { 0, 1000 };
	struct event *probe;
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t before;
	int i, n = 2 * 16 * OUTBOX_BATCH + 1, at;

	new_posting(fx, "232106");
	dispatch(fx);
	before = outbox_stats(fx->d.d_outbox)->obs_events;
	/* The same event n times more, as a backlog. */
	assert_int_equal(sqlite3_open(fx->d.d_conf->cf_database, &db),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO posting_events "
	    "(type, posting_id, revision, doc, created_ms) SELECT type, "
	    "posting_id, revision, doc, created_ms FROM posting_events "
	    "ORDER BY seq LIMIT 1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	fx->entries = 0;
	probe = evtimer_new(fx->base, probe_fired, fx);
	outbox_poke(fx->d.d_outbox);
	evtimer_add(probe, &ms);
	for (i = 0; i < 1000 && fx->entries == 0; i++)
		event_base_loop(fx->base, EVLOOP_ONCE);
	at = -1 - fx->entries;
	event_free(probe);
	fx->entries = 1;
	/* The probe ran after a run or two, not after all of them. */
	assert_true((uint64_t)at >= before);
	if ((uint64_t)at >= before + (uint64_t)n)
		fail_msg("the timer waited for all %d events", n);
	pump(fx);
	assert_true(outbox_run(fx->d.d_outbox) >= 0);
	assert_int_equal(outbox_stats(fx->d.d_outbox)->obs_events,
	    before + (uint64_t)n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_by_trigger, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fanout_by_filter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_subscribers_change_seen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dispatch_twice_is_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping_and_recover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backlog_yields_to_the_loop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_failed_keeps_id,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
