/*
 * test_purge.c — the retention sweep of contact data, driven by the manual
 * clock: nothing sleeps, time moves by clock_manual_advance().
 *
 * Postings go in through the store's fetch path, as the poller writes
 * them; the test then reads the database file with SQLite directly, to see
 * what the store keeps in every table and what is left in the file's bytes.
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
#include <sqlite3.h>

#include "../../feeds/date.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "posting.h"
#include "purge.h"
#include "store.h"

#define DAY	INT64_C(86400)
#define T0	INT64_C(1800000000)	/* 2027-01-15T17:00:00+09:00 */

struct fixture {
	char		 dir[64];
	char		 db[96];
	struct daemon	 d;
};

static void
write_conf(struct fixture *fx, int days)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.conf", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[daemon]\ndatabase = t.db\ninstance = test\n"
	    "purge_contacts_after = %d\n", days);
	fclose(f);
	config_free(fx->d.d_conf);
	fx->d.d_conf = config_load(path);
	assert_non_null(fx->d.d_conf);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct source_def sd = {
		.sd_name = "city",
		.sd_url = "https://example.org/feed.json",
		.sd_kind = "city",
		.sd_format = "jsonfeed",
		.sd_interval = 300,
		.sd_origin = "config",
	};

	strcpy(fx->dir, "/tmp/tsunagu-purge-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->db, sizeof(fx->db), "%s/t.db", fx->dir);
	write_conf(fx, 90);
	fx->d.d_clock = clock_manual_new((T0 - 60) * 1000);
	assert_int_equal(store_open(fx->db, &fx->d.d_store), 0);
	assert_int_equal(store_source_upsert(fx->d.d_store, &sd), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	purge_free(fx->d.d_purge);
	store_close(fx->d.d_store);
	config_free(fx->d.d_conf);
	clock_free(fx->d.d_clock);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void
stamp(int64_t t, int date_only, char out[32])
{
	date_format_rfc3339(t, DATE_JST_OFFSET, out);
	if (date_only)
		out[10] = '\0';
}

/* One entry with a contact; start/end 0: none. */
static struct posting *
entry(const char *guid, int64_t start, int64_t end, const char *who)
{
	struct posting *p = posting_new();
	char link[128], buf[32], mail[64], title[128];

	/* Nothing alike: deduplication must keep them apart. */
	snprintf(link, sizeof(link), "https://example.org/ev/%s", guid);
	snprintf(title, sizeof(title), "河川敷の清掃活動 %s %08x", guid,
	    (unsigned)(strlen(guid) * 2654435761u + (unsigned char)guid[0]));
	posting_set(&p->pst_guid, guid);
	posting_set(&p->pst_link, link);
	posting_set(&p->pst_title, title);
	if (start) {
		stamp(start, 0, buf);
		posting_set(&p->pst_start, buf);
	}
	if (end) {
		stamp(end, 0, buf);
		posting_set(&p->pst_end, buf);
	}
	snprintf(mail, sizeof(mail), "%s@example.jp", who);
	posting_set(&p->pst_contact_name, who);
	posting_set(&p->pst_contact_phone, "0566-00-1234");
	posting_set(&p->pst_contact_email, mail);
	return p;
}

/* A successful fetch at time `when` that brings these entries. */
static void
fetch(struct fixture *fx, int64_t when, struct posting **ps, size_t n)
{
	struct posting_list pl = { 0 };
	struct fetch_outcome fo = {
		.fo_source = "city",
		.fo_attempt = when,
		.fo_http_status = 200,
		.fo_next_poll = when + 300,
		.fo_entries = &pl,
	};
	size_t i;

	for (i = 0; i < n; i++)
		posting_list_push(&pl, ps[i]);
	assert_int_equal(store_record_fetch(fx->d.d_store, &fo, NULL), 0);
	posting_list_clear(&pl);
}

/* The stored posting of an entry (the store's id for it). */
static struct posting *
stored(struct fixture *fx, const char *guid)
{
	struct posting_list pl = { 0 };
	struct posting_query q = { 0 };
	struct posting *p = NULL;
	size_t i;

	assert_int_equal(store_postings_query(fx->d.d_store, &q, &pl), 0);
	for (i = 0; i < pl.pl_len; i++)
		if (strcmp(pl.pl_items[i]->pst_guid, guid) == 0) {
			p = posting_clone(pl.pl_items[i]);
			break;
		}
	posting_list_clear(&pl);
	assert_non_null(p);
	return p;
}

static int
has_contact(struct fixture *fx, const char *guid)
{
	struct posting *p = stored(fx, guid);
	int has = p->pst_contact_name != NULL || p->pst_contact_phone != NULL ||
	    p->pst_contact_email != NULL;

	posting_free(p);
	return has;
}

/* Moves the clock to unix time t, firing the sweep's timers. */
static void
advance_to(struct fixture *fx, int64_t t)
{
	clock_manual_advance(fx->d.d_clock,
	    t * 1000 - clock_now_ms(fx->d.d_clock));
}

/* Does the string occur anywhere in the database files' bytes? */
static int
in_files(struct fixture *fx, const char *needle)
{
	const char *suffix[] = { "", "-wal" };
	char path[128], *data;
	size_t i, len, nlen = strlen(needle), j;
	FILE *f;
	int found = 0;

	for (i = 0; i < 2 && !found; i++) {
		snprintf(path, sizeof(path), "%s%s", fx->db, suffix[i]);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		len = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		data = malloc(len + 1);
		assert_int_equal(fread(data, 1, len, f), len);
		fclose(f);
		for (j = 0; j + nlen <= len && !found; j++)
			found = memcmp(data + j, needle, nlen) == 0;
		free(data);
	}
	return found;
}

static void
test_what_ended_when(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[6], *p;
	int64_t gen, rev;

	/* Fetched 200 days before T0, so date_modified is that old. */
	ps[0] = entry("ended", T0 - 120 * DAY, T0 - 100 * DAY, "ended");
	ps[1] = entry("recent", T0 - 12 * DAY, T0 - 10 * DAY, "recent");
	ps[2] = entry("start-only", T0 - 100 * DAY, 0, "startonly");
	ps[3] = entry("undated", 0, 0, "undated");
	ps[4] = entry("future", T0 + 30 * DAY, T0 + 31 * DAY, "future");
	ps[5] = entry("monthly", T0 - 100 * DAY, T0 - 100 * DAY + 7200,
	    "monthly");
	posting_set(&ps[5]->pst_recurrence, "FREQ=MONTHLY;COUNT=12");
	fetch(fx, T0 - 200 * DAY, ps, 6);
	assert_int_equal(store_postings_count(fx->d.d_store), 6);
	p = stored(fx, "ended");
	rev = p->pst_revision;
	posting_free(p);
	gen = store_generation(fx->d.d_store);

	fx->d.d_purge = purge_new(&fx->d);
	advance_to(fx, T0);
	assert_false(has_contact(fx, "ended"));
	assert_false(has_contact(fx, "start-only"));
	assert_false(has_contact(fx, "undated"));
	assert_true(has_contact(fx, "recent"));
	assert_true(has_contact(fx, "future"));
	assert_true(has_contact(fx, "monthly"));	/* still recurring */
	assert_true(store_generation(fx->d.d_store) > gen);

	/* No news for subscribers: revision and date_modified stay, and
	 * everything but the contact is as it was. */
	p = stored(fx, "ended");
	assert_int_equal(p->pst_revision, rev);
	assert_int_equal(p->pst_modified, T0 - 200 * DAY);
	assert_true(strncmp(p->pst_title, "河川敷の清掃活動 ended",
	    strlen("河川敷の清掃活動 ended")) == 0);
	assert_non_null(p->pst_start);
	posting_free(p);

	/* 90 days after its end, at the next hourly sweep. */
	advance_to(fx, T0 + 79 * DAY);
	assert_true(has_contact(fx, "recent"));
	advance_to(fx, T0 + 80 * DAY + PURGE_INTERVAL + 1);
	assert_false(has_contact(fx, "recent"));
	assert_true(has_contact(fx, "future"));
	assert_false(in_files(fx, "ended@example.jp"));
	assert_false(in_files(fx, "recent@example.jp"));
	assert_true(in_files(fx, "future@example.jp"));
}

/* A source that sends the posting again unchanged does not bring the
 * contact back: the entry's digest is of what the source said. */
static void
test_unchanged_source_stays_purged(void **state)
{
	struct fixture *fx = *state;
	struct posting *p;

	p = entry("old", T0 - 120 * DAY, T0 - 100 * DAY, "old");
	fetch(fx, T0 - 200 * DAY, &p, 1);
	fx->d.d_purge = purge_new(&fx->d);
	advance_to(fx, T0);
	assert_false(has_contact(fx, "old"));
	p = entry("old", T0 - 120 * DAY, T0 - 100 * DAY, "old");
	fetch(fx, T0 + 60, &p, 1);
	assert_false(has_contact(fx, "old"));
}

static int
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Edits, the audit trail and the webhook outbox lose the contact too. */
static void
test_every_copy(void **state)
{
	struct fixture *fx = *state;
	struct posting *p, *edited = NULL;
	json_t *patch;
	sqlite3 *db;
	char *id;
	int records;

	p = entry("edited", T0 - 120 * DAY, T0 - 100 * DAY, "src");
	fetch(fx, T0 - 200 * DAY, &p, 1);
	p = stored(fx, "edited");
	id = strdup(p->pst_id);
	posting_free(p);
	patch = json_pack("{s:{s:s,s:s}}", "contact", "name", "edited-name",
	    "email", "edited@example.jp");
	assert_int_equal(store_posting_edit(fx->d.d_store, id, patch,
	    "coordinator:x", T0 - 150 * DAY, &edited), 0);
	json_decref(patch);
	posting_free(edited);

	assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 1000);
	/* What the outbox and the audit trail hold of it (when this schema
	 * has them): a rendered payload, and an edit's record. */
	sqlite3_exec(db, "UPDATE posting_events SET payload = json_object("
	    "'type', type, 'data', json_object('_tsunagu', json(doc)))",
	    NULL, NULL, NULL);
	sqlite3_exec(db, "INSERT INTO audit (at, token_id, role, action, "
	    "posting_id, changes) SELECT 1, 't', 'coordinator', 'edit', id, "
	    "json_object('contact', json_object('from', "
	    "json_extract(doc, '$.contact'), 'to', 'x'), 'title', "
	    "json_object('from', 'a', 'to', 'b')) FROM postings",
	    NULL, NULL, NULL);

	records = count_rows(db, "SELECT count(*) FROM "
	    "pragma_table_info('entries') WHERE name = 'doc'") == 1;
	if (records)
		assert_int_equal(count_rows(db, "SELECT count(*) FROM entries "
		    "WHERE json_type(doc, '$.contact') IS NOT NULL"), 1);
	fx->d.d_purge = purge_new(&fx->d);
	advance_to(fx, T0);
	assert_false(has_contact(fx, "edited"));
	assert_int_equal(count_rows(db, "SELECT count(*) FROM "
	    "posting_overrides WHERE field = 'contact'"), 0);
	if (records)
		assert_int_equal(count_rows(db, "SELECT count(*) FROM entries "
		    "WHERE json_type(doc, '$.contact') IS NOT NULL"), 0);
	if (count_rows(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'posting_events'") == 1) {
		assert_true(count_rows(db, "SELECT count(*) FROM "
		    "posting_events") > 0);
		assert_int_equal(count_rows(db, "SELECT count(*) FROM "
		    "posting_events WHERE instr(coalesce(doc, '') || "
		    "coalesce(old_doc, '') || coalesce(payload, ''), "
		    "'example.jp') > 0"), 0);
	}
	if (count_rows(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'audit'") == 1) {
		assert_int_equal(count_rows(db, "SELECT count(*) FROM audit "
		    "WHERE changes ->> '$.contact' = 'purged' AND "
		    "changes ->> '$.title.to' = 'b'"), 1);
	}
	sqlite3_close(db);
	assert_false(in_files(fx, "src@example.jp"));
	assert_false(in_files(fx, "edited@example.jp"));
	free(id);
}

/* More than a batch: each batch is a transaction, all in one sweep. */
static void
test_batches(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[2 * PURGE_BATCH + 17];
	char guid[32], who[32];
	size_t i, n = sizeof(ps) / sizeof(ps[0]);

	for (i = 0; i < n; i++) {
		snprintf(guid, sizeof(guid), "g%zu", i);
		snprintf(who, sizeof(who), "w%zu", i);
		ps[i] = entry(guid, T0 - 120 * DAY, T0 - 100 * DAY, who);
	}
	fetch(fx, T0 - 200 * DAY, ps, n);
	assert_int_equal(store_postings_count(fx->d.d_store), (int64_t)n);
	fx->d.d_purge = purge_new(&fx->d);
	advance_to(fx, T0);
	assert_false(has_contact(fx, "g0"));
	for (i = 0; i < n; i += 50) {
		snprintf(guid, sizeof(guid), "g%zu", i);
		assert_false(has_contact(fx, guid));
	}
	snprintf(guid, sizeof(guid), "g%zu", n - 1);
	assert_false(has_contact(fx, guid));
}

/* purge_contacts_after = 0: as soon as the event is over; a reload's
 * purge_soon() sweeps with the new limit at once. */
static void
test_zero_days_and_reload(void **state)
{
	struct fixture *fx = *state;
	struct posting *ps[2];

	ps[0] = entry("yesterday", T0 - 2 * DAY, T0 - DAY, "yesterday");
	ps[1] = entry("tomorrow", T0 + DAY, T0 + 2 * DAY, "tomorrow");
	fetch(fx, T0 - 3 * DAY, ps, 2);
	fx->d.d_purge = purge_new(&fx->d);
	advance_to(fx, T0);
	assert_true(has_contact(fx, "yesterday"));
	write_conf(fx, 0);
	purge_soon(fx->d.d_purge);
	advance_to(fx, T0 + 1);
	assert_false(has_contact(fx, "yesterday"));
	assert_true(has_contact(fx, "tomorrow"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_what_ended_when, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_unchanged_source_stays_purged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_copy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_days_and_reload,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
