/* api_dedup.c — where a posting's records come from, and why (issue 4). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../../feeds/posting.h"
#include "../../feeds/similarity.h"
#include "api.h"
#include "api_dedup.h"
#include "daemon.h"
#include "http.h"
#include "store.h"

static json_t *
score_or_null(double v)
{
	return v < 0 ? json_null() : json_real(v);
}

static void
say(json_t *words, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(json_t *words, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	json_array_append_new(words, json_string(line));
}

/* Why one record is in the posting, in words. */
static void
record_words(json_t *words, const struct posting_record *r)
{
	const char *rule = r->pr_rule ? r->pr_rule : "legacy";

	if (strcmp(rule, "first") == 0)
		say(words, "record %s of %s made this posting", r->pr_key,
		    r->pr_source);
	else if (strcmp(rule, "similar") == 0)
		say(words, "record %s of %s joined it: alike to record %s of "
		    "%s on the same day (score %.3f: title %.3f, place %s; "
		    "one event from %.2f on)", r->pr_key, r->pr_source,
		    r->pr_match_key ? r->pr_match_key : "?",
		    r->pr_match_source ? r->pr_match_source : "?",
		    r->pr_score, r->pr_title_sim, r->pr_place_sim < 0 ?
		    "unknown" : r->pr_place_sim == 1 ? "the same" : "alike",
		    sim_default_params.sp_threshold);
	else if (strcmp(rule, "url") == 0)
		say(words, "record %s of %s joined it: the same page as record "
		    "%s of %s, on the same day", r->pr_key, r->pr_source,
		    r->pr_match_key ? r->pr_match_key : "?",
		    r->pr_match_source ? r->pr_match_source : "?");
	else if (strcmp(rule, "origin") == 0)
		say(words, "record %s of %s joined it: the same federated "
		    "origin%s%s", r->pr_key, r->pr_source,
		    r->pr_match_source ? " as a record of " : " (a posting of "
		    "this instance coming back)", r->pr_match_source ?
		    r->pr_match_source : "");
	else
		say(words, "record %s of %s was stored before deduplication",
		    r->pr_key, r->pr_source);
	if (r->pr_gone)
		say(words, "record %s of %s is gone: its source left it out "
		    "of %lld fetches in a row", r->pr_key, r->pr_source,
		    (long long)r->pr_missing);
}

int
api_dedup_explain(struct http_request *hr, const struct posting *p,
    json_t *merge)
{
	struct store *st = hr->hr_daemon->d_store;
	struct posting_record *pr = NULL;
	struct posting_merge *pm = NULL;
	size_t npr = 0, npm = 0, i;
	json_t *records, *merged, *words, *matched;

	if (store_posting_records(st, p->pst_id, &pr, &npr) == -1 ||
	    store_posting_merges(st, p->pst_id, &pm, &npm) == -1) {
		store_posting_records_free(pr, npr);
		return -1;
	}
	if ((words = json_object_get(merge, "explanation")) == NULL ||
	    !json_is_array(words)) {
		words = json_array();
		json_object_set_new(merge, "explanation", words);
	}
	records = json_array();
	merged = json_array();
	for (i = 0; i < npr; i++) {
		matched = pr[i].pr_match_source == NULL ? json_null() :
		    json_pack("{s:s,s:o}", "source", pr[i].pr_match_source,
		    "key", api_string(pr[i].pr_match_key));
		json_array_append_new(records, json_pack("{s:s,s:o,s:s,s:o,"
		    "s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:b}",
		    "source", pr[i].pr_source,
		    "kind", api_string(pr[i].pr_kind),
		    "key", pr[i].pr_key,
		    "identity", api_string(pr[i].pr_identity),
		    "url", api_string(pr[i].pr_url),
		    "title", api_string(pr[i].pr_title),
		    "rule", pr[i].pr_rule ? pr[i].pr_rule : "legacy",
		    "score", score_or_null(pr[i].pr_score),
		    "title_similarity", score_or_null(pr[i].pr_title_sim),
		    "place_similarity", score_or_null(pr[i].pr_place_sim),
		    "matched", matched,
		    "first_seen", api_time(pr[i].pr_first_seen),
		    "last_seen", api_time(pr[i].pr_last_seen),
		    "missing", (json_int_t)pr[i].pr_missing,
		    "gone", pr[i].pr_gone));
		record_words(words, &pr[i]);
	}
	for (i = 0; i < npm; i++) {
		json_array_append_new(merged, json_pack("{s:s,s:o,s:{s:s,s:s},"
		    "s:s,s:o}", "posting", pm[i].pm_merged,
		    "at", api_time(pm[i].pm_at),
		    "by", "source", pm[i].pm_source, "key", pm[i].pm_key,
		    "rule", pm[i].pm_rule,
		    "score", score_or_null(pm[i].pm_score)));
		say(words, "posting %s was merged into this one (and withdrawn "
		    "as its duplicate) when record %s of %s matched both "
		    "(%s)", pm[i].pm_merged, pm[i].pm_key, pm[i].pm_source,
		    pm[i].pm_rule);
	}
	if (p->pst_duplicate_of != NULL)
		say(words, "this posting was merged into %s and is withdrawn "
		    "as its duplicate", p->pst_duplicate_of);
	json_object_set_new(merge, "records", records);
	json_object_set_new(merge, "merged", merged);
	json_object_set_new(merge, "duplicate_of",
	    api_string(p->pst_duplicate_of));
	store_posting_records_free(pr, npr);
	store_posting_merges_free(pm, npm);
	return 0;
}

int
api_dedup_source_identity(struct http_request *hr, const char *source,
    json_t *health)
{
	struct source_identity si;

	if (store_source_identity_mode(hr->hr_daemon->d_store, source,
	    &si) == -1)
		return -1;
	json_object_set_new(health, "identity_mode", json_pack("{s:s,s:o,"
	    "s:o,s:I}", "mode", si.si_mode, "reason", api_string(si.si_reason),
	    "since", si.si_since ? api_time(si.si_since) : json_null(),
	    "rekeyed", (json_int_t)si.si_rekeyed));
	source_identity_free(&si);
	return 0;
}
