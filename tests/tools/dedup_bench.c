/*
 * dedup_bench.c — the cost of deduplication as the store grows: N records
 * of synthetic events from four sources of different kinds, each event at
 * one to four sources in that source's words, ingested through
 * store_record_fetch() in fetches of 1,000 records, the sources taking
 * turns.  Prints the time of every 10,000 records (near-linear: each
 * record is compared with the postings of its day only), the total, the
 * peak memory of the process and of SQLite, the database's size, and the
 * pairwise precision and recall against the events the records came
 * from.  Not run by meson test: tests/bench/dedup_100k.sh runs it.
 *
 *   dedup_bench [-n records] [-d directory]
 *
 * Records are made from a seeded generator, never held all at once, so
 * the memory measured is the store's.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "posting.h"
#include "store.h"
#include "xmalloc.h"

#define NSOURCES	4
#define FETCH_SIZE	1000
#define REPORT_EVERY	10000
#define DAYS		730		/* two years of events */
#define T0		INT64_C(1772326800)	/* 2026-03-01 10:00 JST */

static const char *const src_name[NSOURCES] = { "city", "shakyo", "aisin",
    "npo" };
static const char *const src_kind[NSOURCES] = { "city", "shakyo",
    "corporate", "civic" };
static const char *const towns[] = { "東刈谷", "富士松", "依佐美", "小垣江",
    "双葉", "日高", "井ヶ谷", "重原", "一ツ木", "野田", "高須", "半城土",
    "小山", "今川", "泉田", "銀座", "元町", "桜町", "司町", "御幸町", "神田",
    "築地", "池田", "中島", "住吉", "若松", "原崎", "恩田", "大手", "宝町" };
static const char *const acts[] = { "清掃活動", "子ども食堂", "高齢者サロン",
    "防災訓練", "花壇の手入れ", "見守り活動", "学習支援", "読み聞かせ",
    "手話講座", "点字講習会", "フードドライブ", "献血キャンペーン",
    "夏まつり運営", "敬老会", "運動会補助", "交通安全啓発", "植樹祭",
    "竹林整備", "河川清掃", "外来植物駆除", "傾聴講座", "日本語教室",
    "スマホ相談会", "将棋教室", "工作教室", "料理教室", "音楽会", "映画会",
    "防犯パトロール", "募金活動", "配食サービス", "車いす体験",
    "福祉実践教室", "環境学習", "自然観察会", "農業体験", "古本市", "バザー",
    "国際交流会", "子育てサロン" };
static const char *const facilities[] = { "市民センター", "公民館",
    "児童館", "公園", "小学校" };
static const char *const areas[] = { "232106", "232122", "232254",
    "232271", "232025", "232114", "232131", "232017", "232033", "232041" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* splitmix64: the same event from the same seed, every time. */
static uint64_t
mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

struct event {
	unsigned	ev_town, ev_act, ev_fac, ev_area, ev_day, ev_minute;
	unsigned	ev_sources;	/* bit per source */
};

static void
event_of(uint64_t i, struct event *e)
{
	uint64_t r = mix(i * 7 + 1), s = mix(r);
	int k;

	e->ev_town = (unsigned)(r % NELEM(towns));
	e->ev_act = (unsigned)((r >> 8) % NELEM(acts));
	e->ev_fac = (unsigned)((r >> 16) % NELEM(facilities));
	e->ev_area = (unsigned)((r >> 24) % NELEM(areas));
	e->ev_day = (unsigned)((r >> 32) % DAYS);
	e->ev_minute = 9 * 60 + 30 * (unsigned)((r >> 44) % 21);
	/* Each source carries it with probability 5/8: 2.5 on average. */
	do {
		e->ev_sources = 0;
		for (k = 0; k < NSOURCES; k++)
			if (((s >> (3 * k)) & 7) < 5)
				e->ev_sources |= 1u << k;
		s = mix(s);
	} while (e->ev_sources == 0);
}

static void
date_of(unsigned day, char buf[64])
{
	/* days after 2026-04-01 */
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y = 2026, m = 3, d = 1 + (int)day, len;

	for (;;) {
		len = mdays[m] + (m == 1 && y % 4 == 0);
		if (d <= len)
			break;
		d -= len;
		if (++m == 12) {
			m = 0;
			y++;
		}
	}
	snprintf(buf, 64, "%04d-%02d-%02d", y, m + 1, d);
}

/* The record of event i at source s, in that source's words. */
static struct posting *
record_of(uint64_t i, const struct event *e, int s)
{
	struct posting *p = posting_new();
	char title[256], start[96], place[128], buf[512], date[64];
	uint64_t v = mix(i * 13 + (uint64_t)s);

	snprintf(title, sizeof(title), "%s %s", towns[e->ev_town],
	    acts[e->ev_act]);
	switch (s) {
	case 0:
		snprintf(buf, sizeof(buf), v & 1 ? "【募集】%s" : "%s 参加者募集",
		    title);
		break;
	case 1:
		snprintf(buf, sizeof(buf), "%s ボランティア募集のお知らせ", title);
		break;
	case 2:
		snprintf(buf, sizeof(buf), "[社外] %s", title);
		break;
	default:
		snprintf(buf, sizeof(buf), v & 1 ? "★%s★" : "%sやります!",
		    title);
		break;
	}
	posting_set(&p->pst_title, buf);
	date_of(e->ev_day, date);
	if (s == 1 && (v >> 8) % 3 == 0) {
		posting_set(&p->pst_start, date);
		p->pst_all_day = 1;
	} else {
		snprintf(start, sizeof(start), "%sT%02u:%02u:00+09:00", date,
		    e->ev_minute / 60, e->ev_minute % 60);
		posting_set(&p->pst_start, start);
	}
	if (s != 3 || (v >> 12) & 1) {
		snprintf(place, sizeof(place), "%s%s%s", s == 0 ? "刈谷市" : "",
		    towns[e->ev_town], facilities[e->ev_fac]);
		posting_set(&p->pst_place, place);
	}
	posting_set(&p->pst_area, areas[e->ev_area]);
	snprintf(buf, sizeof(buf), "https://%s.example/%llu", src_name[s],
	    (unsigned long long)i);
	posting_set(&p->pst_link, buf);
	snprintf(buf, sizeof(buf), "%s:%llu", src_name[s],
	    (unsigned long long)i);
	posting_set(&p->pst_guid, buf);
	posting_set(&p->pst_summary, title);
	posting_add_category(p, "welfare");
	return p;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Pairs in the groups of a sorted key list. */
static double
pairs_of(uint64_t *v, size_t n)
{
	double pairs = 0;
	size_t i, j;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		pairs += (double)(j - i) * (double)(j - i - 1) / 2;
	}
	return pairs;
}

/* Pairwise precision and recall: records of one event vs one posting. */
static int
score(const char *path, size_t n)
{
	uint64_t *ev = xcalloc(n + 1, sizeof(*ev)), *po = xcalloc(n + 1,
	    sizeof(*po)), *both = xcalloc(n + 1, sizeof(*both)), h;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	const char *key, *pid;
	size_t k = 0;
	double tp, pred, truth;
	char hex[65];

	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_prepare_v2(db,
	    "SELECT entry_key, posting_id FROM entries", -1, &stmt, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
		return -1;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW && k < n) {
		key = (const char *)sqlite3_column_text(stmt, 0);
		pid = (const char *)sqlite3_column_text(stmt, 1);
		ev[k] = strtoull(strchr(key, ':') + 1, NULL, 10);
		posting_sha256_hex(pid, strlen(pid), hex);
		h = strtoull(hex + 48, NULL, 16);
		po[k] = h;
		both[k] = mix(ev[k]) ^ h;
		k++;
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	truth = pairs_of(ev, k);
	pred = pairs_of(po, k);
	tp = pairs_of(both, k);
	printf("dedup: %zu records, pairwise precision %.4f recall %.4f\n", k,
	    pred > 0 ? tp / pred : 1, truth > 0 ? tp / truth : 1);
	free(ev);
	free(po);
	free(both);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct store *st;
	struct posting_list pl;
	struct apply_stats as;
	struct rusage ru;
	struct event e;
	struct stat sb;
	const char *dir = "/tmp";
	char path[4096];
	uint64_t next[NSOURCES] = { 0 };
	size_t total = 100000, done = 0, added = 0, mark = REPORT_EVERY;
	double t0, tmark, t;
	int64_t clock_s = T0;
	int ch, s, more = 1, i;

	while ((ch = getopt(argc, argv, "d:n:")) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			total = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: dedup_bench [-n records] "
			    "[-d directory]\n");
			return 2;
		}
	}
	snprintf(path, sizeof(path), "%s/dedup-bench.db", dir);
	unlink(path);
	if (store_open(path, &st) != 0)
		return 1;
	for (s = 0; s < NSOURCES; s++) {
		struct source_def sd = {
			.sd_name = src_name[s], .sd_kind = src_kind[s],
			.sd_url = "https://example.org/", .sd_format = "rss",
			.sd_interval = 300, .sd_origin = "config",
		};

		if (store_source_upsert(st, &sd) == -1)
			return 1;
	}
	printf("dedup_bench: %zu records of 4 sources, fetches of %d\n",
	    total, FETCH_SIZE);
	t0 = tmark = now_s();
	while (more && done < total) {
		more = 0;
		for (s = 0; s < NSOURCES && done < total; s++) {
			struct fetch_outcome fo = {
				.fo_source = src_name[s],
				.fo_http_status = 200, .fo_entries = &pl,
			};

			posting_list_init(&pl);
			/* The source's next records, its events in order. */
			for (i = 0; i < FETCH_SIZE && done + pl.pl_len < total;
			    next[s]++) {
				event_of(next[s], &e);
				if (!(e.ev_sources & (1u << s)))
					continue;
				posting_list_push(&pl, record_of(next[s], &e,
				    s));
				i++;
			}
			fo.fo_attempt = clock_s += 60;
			fo.fo_next_poll = clock_s + 300;
			if (store_record_fetch(st, &fo, &as) == -1) {
				fprintf(stderr, "the fetch failed\n");
				return 1;
			}
			done += pl.pl_len;
			added += (size_t)as.as_added;
			more |= pl.pl_len > 0;
			posting_list_clear(&pl);
			if (done >= mark) {
				t = now_s();
				printf("  %7zu records: %6.2f s for the last "
				    "%d (%.0f us/record), %zu postings\n", done,
				    t - tmark, REPORT_EVERY, (t - tmark) * 1e6 /
				    REPORT_EVERY, added);
				tmark = t;
				mark += REPORT_EVERY;
			}
		}
	}
	t = now_s() - t0;
	store_close(st);
	getrusage(RUSAGE_SELF, &ru);
	printf("total: %zu records in %.1f s (%.0f records/s), %zu postings\n",
	    done, t, (double)done / t, added);
	printf("memory: peak RSS %.1f MiB, SQLite high-water %.1f MiB\n",
	    ru.ru_maxrss / 1024.0, sqlite3_memory_highwater(0) / 1048576.0);
	if (stat(path, &sb) == 0)
		printf("database: %.1f MiB\n", (double)sb.st_size / 1048576.0);
	if (score(path, done) == -1)
		return 1;
	unlink(path);
	return 0;
}
