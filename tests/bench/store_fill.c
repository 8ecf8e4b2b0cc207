/*
 * store_fill.c — fills a tsunagu database with N generated postings
 * through the store's own write path (store_record_fetch(): records,
 * deduplication, postings, the search index), as S sources of N/S
 * entries, one fetch each, for store_1m.sh.
 *
 *	store_fill DB N S
 *
 * Postings are distinct events (title, place, day and link differ), of
 * the five kinds, in 1,880 municipality codes of the 47 prefectures (the
 * check digit computed by normalization), with one to three categories,
 * over twenty years from 2026-04-01 (the kind of spread a federation of
 * many instances has; denser days make the deduplication's same-day
 * candidates, and so the fill, slower), each normalized as the poller
 * would.  Sources are named b0 ... b(S-1) with the URLs
 * http://127.0.0.1:9/bK.xml, due to be polled in ten years: the
 * configuration store_1m.sh writes names the same.  Prints progress on
 * stderr and the rate on stdout.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "normalize.h"
#include "posting.h"
#include "store.h"

static const char *const kinds[] = { "city", "shakyo", "corporate",
    "civic", "federation" };
static const char *const cats[] = { "welfare", "children", "elderly",
    "disability", "environment", "disaster", "community", "education",
    "culture", "sports", "international", "health" };
static const char *const what[] = { "清掃活動", "子ども食堂", "傾聴", "防災訓練",
    "手話講座", "フードバンク", "読み聞かせ", "高齢者サロン", "多文化共生",
    "河川清掃", "点訳", "里山整備", "献血会", "こども園行事", "学習支援" };
static const char *const where[] = { "総合文化センター", "社会福祉会館", "中央公園",
    "中央図書館", "総合運動公園", "市民交流センター", "公民館", "福祉センター" };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct posting *
generate(long i, const char *kind)
{
	static const int64_t base = INT64_C(1775001600);	/* 2026-04-01 */
	struct posting *p = posting_new();
	char buf[512], day[32], end[32];
	int64_t t = base + (i * 7919 % 7300) * 86400 + (9 + i % 9) * 3600;
	struct tm tm;
	time_t tt;
	long k;

	snprintf(buf, sizeof(buf), "bench-%ld", i);
	posting_set(&p->pst_guid, buf);
	snprintf(buf, sizeof(buf), "https://volunteer.example.jp/p/%ld", i);
	posting_set(&p->pst_link, buf);
	snprintf(buf, sizeof(buf), "%s ボランティア 第%ld回 %s%ld号室",
	    what[i % 15], i, where[i % 8], i % 997);
	posting_set(&p->pst_title, buf);
	snprintf(buf, sizeof(buf), "<p>%s のお手伝いをお願いします。会場は%s"
	    "です。</p><p>持ち物: 軍手、飲み物。定員 %ld 名。</p>",
	    what[i % 15], where[i % 8], 10 + i % 40);
	posting_set(&p->pst_content_html, buf);
	tt = (time_t)(t + 9 * 3600);
	gmtime_r(&tt, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S+09:00", &tm);
	tt += 2 * 3600;
	gmtime_r(&tt, &tm);
	strftime(end, sizeof(end), "%Y-%m-%dT%H:%M:%S+09:00", &tm);
	posting_set(&p->pst_start, day);
	posting_set(&p->pst_end, end);
	snprintf(buf, sizeof(buf), "%s%s", where[i % 8], "");
	posting_set(&p->pst_place, buf);
	snprintf(buf, sizeof(buf), "%02ld%03ld", 1 + i % 47, 201 + i / 47 % 40);
	posting_set(&p->pst_area, buf);
	posting_set(&p->pst_kind, kind);
	for (k = 0; k < 1 + i % 3; k++)
		posting_add_category(p, cats[(i + k * 5) % 12]);
	p->pst_published = t - 30 * 86400;
	p->pst_modified = t - 30 * 86400;
	return p;
}

int
main(int argc, char *argv[])
{
	static const struct normalize_ctx ctx = { .nc_region = "232106" };
	struct store *st;
	struct posting_list pl;
	struct fetch_outcome fo;
	struct apply_stats as;
	struct source_def sd;
	char name[32], url[64];
	long n, s, per, i, done = 0, added = 0;
	int64_t wall = (int64_t)time(NULL);
	double t0 = now();

	if (argc != 4 || (n = atol(argv[2])) < 1 || (s = atol(argv[3])) < 1) {
		fprintf(stderr, "usage: %s DB N SOURCES\n", argv[0]);
		return 2;
	}
	if (store_open(argv[1], &st) != 0) {
		fprintf(stderr, "%s: cannot open\n", argv[1]);
		return 1;
	}
	per = (n + s - 1) / s;
	for (long k = 0; k < s && done < n; k++) {
		snprintf(name, sizeof(name), "b%ld", k);
		snprintf(url, sizeof(url), "http://127.0.0.1:9/b%ld.xml", k);
		memset(&sd, 0, sizeof(sd));
		sd.sd_name = name;
		sd.sd_url = url;
		sd.sd_kind = kinds[k % 5];
		sd.sd_format = "rss";
		sd.sd_interval = 86400;
		sd.sd_origin = "config";
		if (store_source_upsert(st, &sd) != 0)
			return 1;
		posting_list_init(&pl);
		for (i = 0; i < per && done + i < n; i++) {
			struct posting *p = generate(done + i, kinds[k % 5]);

			normalize_posting(p, &ctx);
			posting_list_push(&pl, p);
		}
		memset(&fo, 0, sizeof(fo));
		fo.fo_source = name;
		fo.fo_attempt = wall;
		fo.fo_http_status = 200;
		fo.fo_next_poll = wall + 10LL * 365 * 86400;
		fo.fo_entries = &pl;
		if (store_record_fetch(st, &fo, &as) != 0) {
			fprintf(stderr, "store_record_fetch failed\n");
			return 1;
		}
		added += as.as_added;
		done += (long)pl.pl_len;
		posting_list_clear(&pl);
		fprintf(stderr, "\r%ld / %ld postings, %.0f/s", done, n,
		    done / (now() - t0));
	}
	fprintf(stderr, "\n");
	printf("%ld postings added in %.1f s (%.0f/s); %lld in the store\n",
	    added, now() - t0, added / (now() - t0),
	    (long long)store_postings_count(st));
	store_close(st);
	return 0;
}
