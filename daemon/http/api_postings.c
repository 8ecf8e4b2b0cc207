/*
 * api_postings.c — /api/v1/postings: listing postings in every moderation
 * state, group submissions, edits by coordinators, withdrawal.  Approval
 * and rejection are in api_moderation.c.
 *
 * Who may touch what: admins and coordinators every posting; a group only
 * the postings its organization submitted.  A submission is stored as
 * pending and never appears in a feed until it is approved.  Submissions
 * and edits leave a row in the audit trail (api_audit.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/rand.h>

#include "../../feeds/date.h"
#include "../../feeds/posting.h"
#include "../../feeds/sanitize.h"
#include "../../feeds/xmalloc.h"
#include "api.h"
#include "api_dedup.h"
#include "daemon.h"
#include "feed_filter.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"
#include "submission.h"

#define LIST_DEFAULT_LIMIT	100
#define LIST_MAX_LIMIT		1000

static const char *const list_params[] = { "limit", "after", "moderation",
    NULL };

/* A group acts on the postings of its own organization only. */
static int
may_touch(struct http_request *hr, const struct posting_admin *pa)
{
	const char *org = hr->hr_principal.ap_organization;

	if (hr->hr_role != AUTH_GROUP)
		return 0;
	if (pa->pa_organization != NULL && org != NULL &&
	    strcmp(pa->pa_organization, org) == 0)
		return 0;
	reply_error(hr, 403, "a group token acts on its own group's "
	    "submissions only");
	return -1;
}

/* The posting of the path with its admin state, when the token may. */
static int
load_posting(struct http_request *hr, struct posting **p,
    struct posting_admin *pa)
{
	struct store *st = hr->hr_daemon->d_store;
	int rc;

	*p = NULL;
	memset(pa, 0, sizeof(*pa));
	if ((rc = store_posting_admin(st, hr->hr_args[0], pa)) == 0)
		rc = store_posting_get(st, hr->hr_args[0], p);
	if (rc == 1)
		reply_error(hr, 404, "no posting '%s'", hr->hr_args[0]);
	else if (rc == -1)
		reply_error(hr, 500, "the store failed; see the log");
	else if (may_touch(hr, pa) == 0)
		return 0;
	posting_free(*p);
	*p = NULL;
	posting_admin_free(pa);
	return -1;
}

/* "1767225600.4711", the cursor of the feeds (feed_query.c). */
static int
parse_cursor(const char *s, struct admin_posting_query *q)
{
	char *end, *end2;
	long long t, seq;

	errno = 0;
	t = strtoll(s, &end, 10);
	if (errno || end == s || *end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	seq = strtoll(end + 1, &end2, 10);
	if (errno || *end2 != '\0' || seq < 1)
		return -1;
	q->apq_after_modified = t;
	q->apq_after_seq = seq;
	return 0;
}

static int
parse_list_query(struct http_request *hr, struct admin_posting_query *q,
    struct posting_filter *pf)
{
	struct evkeyval *kv;
	const char *const *p, *v, *mod;
	char *end, err[256];
	long n;

	TAILQ_FOREACH(kv, &hr->hr_query, next) {
		if (feed_filter_is_key(kv->key)) {
			if (feed_filter_add(pf, kv->key, kv->value, err,
			    sizeof(err)) == -1) {
				reply_error_field(hr, 400, kv->key, "%s", err);
				return -1;
			}
			continue;
		}
		for (p = list_params; *p; p++)
			if (strcmp(*p, kv->key) == 0)
				break;
		if (*p == NULL) {
			reply_error_field(hr, 400, kv->key, "unknown query "
			    "parameter '%s'", kv->key);
			return -1;
		}
	}
	if (feed_filter_finish(pf, err, sizeof(err)) == -1) {
		reply_error_field(hr, 400, "to", "%s", err);
		return -1;
	}
	q->apq_limit = LIST_DEFAULT_LIMIT;
	if ((v = http_query(hr, "limit")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *v == '\0' || *end != '\0' || n < 1) {
			reply_error_field(hr, 400, "limit", "limit must be a "
			    "number from 1 to %d", LIST_MAX_LIMIT);
			return -1;
		}
		q->apq_limit = n > LIST_MAX_LIMIT ? LIST_MAX_LIMIT : n;
	}
	if ((v = http_query(hr, "after")) != NULL && parse_cursor(v, q) == -1) {
		reply_error_field(hr, 400, "after", "after: not a cursor from "
		    "a next link");
		return -1;
	}
	if ((mod = http_query(hr, "moderation")) != NULL &&
	    strcmp(mod, "any") != 0) {
		if (strcmp(mod, MODERATION_PUBLISHED) != 0 &&
		    strcmp(mod, MODERATION_PENDING) != 0 &&
		    strcmp(mod, MODERATION_REJECTED) != 0) {
			reply_error_field(hr, 400, "moderation", "moderation: "
			    "published, pending, rejected or any");
			return -1;
		}
		q->apq_moderation = mod;
	}
	if (hr->hr_role == AUTH_GROUP)
		q->apq_organization = hr->hr_principal.ap_organization;
	/* The feed filters search what the feeds publish. */
	if (!feed_filter_is_empty(pf) && (q->apq_organization != NULL ||
	    (mod != NULL && strcmp(mod, MODERATION_PUBLISHED) != 0))) {
		reply_error_field(hr, 400, "moderation", "the feed filters "
		    "apply to published postings only%s",
		    q->apq_organization ? "; a group lists its own "
		    "submissions" : "");
		return -1;
	}
	return 0;
}

/* The feed filters through the feeds' query: published postings. */
static int
filtered_postings(struct http_request *hr,
    const struct admin_posting_query *q, const struct posting_filter *pf,
    struct admin_posting **out, size_t *n)
{
	struct store *st = hr->hr_daemon->d_store;
	struct posting_query pq = { 0 };
	struct posting_list list;
	struct posting_admin pa;
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	posting_list_init(&list);
	pq.pq_limit = q->apq_limit;
	pq.pq_after_modified = q->apq_after_modified;
	pq.pq_after_seq = q->apq_after_seq;
	pq.pq_filter = pf;
	if (store_postings_query(st, &pq, &list) == -1)
		return -1;
	*out = xcalloc(list.pl_len + 1, sizeof(**out));
	for (i = 0; i < list.pl_len; i++) {
		(*out)[i].ap_posting = list.pl_items[i];
		list.pl_items[i] = NULL;
		(*out)[i].ap_moderation = xstrdup(MODERATION_PUBLISHED);
		if (rc == 0 && (rc = store_posting_admin(st,
		    (*out)[i].ap_posting->pst_id, &pa)) == 0) {
			(*out)[i].ap_organization = pa.pa_organization;
			pa.pa_organization = NULL;
			posting_admin_free(&pa);
		}
	}
	*n = list.pl_len;
	posting_list_clear(&list);
	if (rc == -1) {
		store_admin_postings_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static void
postings_list(struct http_request *hr)
{
	struct admin_posting_query q = { 0 };
	struct posting_filter pf = { 0 };
	struct admin_posting *list;
	struct posting *last;
	char *cursor = NULL;
	json_t *arr, *o;
	size_t n, shown, i;
	int rc;

	if (parse_list_query(hr, &q, &pf) == -1) {
		feed_filter_clear(&pf);
		return;
	}
	/* One more than asked tells whether a next page exists. */
	q.apq_limit++;
	if (!feed_filter_is_empty(&pf))
		rc = filtered_postings(hr, &q, &pf, &list, &n);
	else
		rc = store_admin_postings(hr->hr_daemon->d_store, &q, &list,
		    &n);
	feed_filter_clear(&pf);
	if (rc == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	q.apq_limit--;
	shown = n;
	if (n > q.apq_limit) {
		shown = q.apq_limit;
		last = list[shown - 1].ap_posting;
		xasprintf(&cursor, "%" PRId64 ".%" PRId64, last->pst_modified,
		    last->pst_seq);
	}
	arr = json_array();
	for (i = 0; i < shown; i++) {
		o = api_posting_json(hr, list[i].ap_posting,
		    list[i].ap_moderation, list[i].ap_organization);
		api_moderation_annotate(hr, o, list[i].ap_posting->pst_id);
		json_array_append_new(arr, o);
	}
	store_admin_postings_free(list, n);
	reply_json(hr, 200, json_pack("{s:o,s:o}", "postings", arr, "next",
	    api_string(cursor)));
	free(cursor);
}

/* A posting id like the store's: "p" and 20 hex digits, random. */
static void
new_posting_id(char out[22])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[10];
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		fatalx("%s: the random generator failed", __func__);
	out[0] = 'p';
	for (i = 0; i < sizeof(raw); i++) {
		out[1 + 2 * i] = digits[raw[i] >> 4];
		out[2 + 2 * i] = digits[raw[i] & 0xf];
	}
	out[21] = '\0';
}

/* Submitted HTML is republished: only what the sanitizer keeps. */
static void
sanitize_content(struct posting *p)
{
	char *clean;

	if (p->pst_content_html == NULL)
		return;
	clean = sanitize_html(p->pst_content_html, p->pst_link);
	free(p->pst_content_html);
	p->pst_content_html = clean;
}

static void
reply_bad(struct http_request *hr, const struct submission_error *err)
{
	reply_error_field(hr, 400, err->se_field, "%s", err->se_message);
}

static void
posting_submit(struct http_request *hr)
{
	const struct auth_principal *ap = &hr->hr_principal;
	struct submission_error err;
	struct posting *p = NULL;
	const char *org;
	char id[22], actor[160], location[64];
	int64_t now = api_now(hr);
	json_t *body;
	int rc = 1, tries;

	if (api_read_object(hr, &body) == -1)
		return;
	if ((p = submission_parse(body, &err)) == NULL) {
		reply_bad(hr, &err);
		goto done;
	}
	/* An admin submits on behalf of the organizer it names. */
	org = ap->ap_organization ? ap->ap_organization :
	    p->pst_organizer_name ? p->pst_organizer_name : "admin";
	if (p->pst_organizer_name == NULL)
		posting_set(&p->pst_organizer_name, org);
	if (p->pst_organizer_kind == NULL)
		posting_set(&p->pst_organizer_kind, "civic");
	posting_set(&p->pst_kind, "civic");
	sanitize_content(p);
	p->pst_revision = 1;
	p->pst_published = now;
	p->pst_modified = now;
	for (tries = 0; tries < 3 && rc == 1; tries++) {
		new_posting_id(id);
		posting_set(&p->pst_id, id);
		rc = store_submission_insert(hr->hr_daemon->d_store, p, org,
		    ap->ap_token_id, now);
	}
	if (rc != 0) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("posting %s: submitted by %s, pending moderation", id, actor);
	api_audit_submit(hr, p);
	snprintf(location, sizeof(location), "/api/v1/postings/%s", id);
	reply_header(hr, "Location", location);
	reply_json(hr, 201, api_posting_json(hr, p, MODERATION_PENDING,
	    org));
 done:
	posting_free(p);
	json_decref(body);
}

static const char *
identity_words(const char *identity)
{
	if (strcmp(identity, "guid") == 0)
		return "its guid";
	if (strcmp(identity, "link") == 0)
		return "its link (the source gives no guid)";
	return "a hash of its title and content (no guid, no link)";
}

/* A JSON text the store kept; null when it does not parse. */
static json_t *
stored_json(const char *text)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

	return v ? v : json_null();
}

/* Where the posting comes from and who changed what, in words too. */
static json_t *
merge_json(struct http_request *hr, const char *id,
    const struct posting_admin *pa)
{
	struct store *st = hr->hr_daemon->d_store;
	struct posting_entry *pe = NULL;
	struct posting_override *po = NULL;
	size_t npe = 0, npo = 0, i;
	json_t *entries, *overrides, *words;
	char line[512], when[32];

	if (store_posting_entries(st, id, &pe, &npe) == -1 ||
	    store_overrides_list(st, id, &po, &npo) == -1) {
		store_posting_entries_free(pe, npe);
		return NULL;
	}
	entries = json_array();
	overrides = json_array();
	words = json_array();
	if (pa->pa_submitted != 0) {
		date_format_rfc3339(pa->pa_submitted, DATE_JST_OFFSET, when);
		snprintf(line, sizeof(line), "submitted through the API by "
		    "%s at %s; moderation: %s", pa->pa_organization, when,
		    pa->pa_moderation);
		json_array_append_new(words, json_string(line));
	}
	if (npe > 1) {
		snprintf(line, sizeof(line), "merged from %zu entries of its "
		    "sources", npe);
		json_array_append_new(words, json_string(line));
	}
	for (i = 0; i < npe; i++) {
		json_array_append_new(entries, json_pack("{s:s,s:s,s:s,s:o,"
		    "s:o}", "source", pe[i].pe_source, "key", pe[i].pe_key,
		    "identity", pe[i].pe_identity, "first_seen",
		    api_time(pe[i].pe_first_seen), "last_seen",
		    api_time(pe[i].pe_last_seen)));
		snprintf(line, sizeof(line), "entry of source %s, known by "
		    "%s", pe[i].pe_source, identity_words(pe[i].pe_identity));
		json_array_append_new(words, json_string(line));
	}
	for (i = 0; i < npo; i++) {
		json_array_append_new(overrides, json_pack("{s:s,s:o,s:o,s:s,"
		    "s:o}", "field", po[i].po_field,
		    "value", stored_json(po[i].po_value),
		    "source_value", stored_json(po[i].po_source_value),
		    "editor", po[i].po_editor,
		    "edited", api_time(po[i].po_edited)));
		snprintf(line, sizeof(line), "%s was edited by %s; the edit "
		    "holds until the source changes %s", po[i].po_field,
		    po[i].po_editor, po[i].po_field);
		json_array_append_new(words, json_string(line));
	}
	store_posting_entries_free(pe, npe);
	store_overrides_list_free(po, npo);
	return json_pack("{s:o,s:o,s:o}", "entries", entries, "overrides",
	    overrides, "explanation", words);
}

static void
posting_show(struct http_request *hr)
{
	struct posting_admin pa;
	struct posting *p;
	json_t *o, *merge;

	if (load_posting(hr, &p, &pa) == -1)
		return;
	if ((merge = merge_json(hr, p->pst_id, &pa)) == NULL ||
	    api_dedup_explain(hr, p, merge) == -1) {
		json_decref(merge);
		reply_error(hr, 500, "the store failed; see the log");
	} else {
		o = api_posting_json(hr, p, pa.pa_moderation,
		    pa.pa_organization);
		json_object_set_new(o, "merge", merge);
		api_moderation_annotate(hr, o, p->pst_id);
		reply_json(hr, 200, o);
	}
	posting_free(p);
	posting_admin_free(&pa);
}

/*
 * Applies patch (checked) to before and answers with the posting as
 * stored; action names it in the audit trail.
 */
static void
apply_edit(struct http_request *hr, const struct posting *before,
    json_t *patch, const struct posting_admin *pa, const char *action)
{
	const char *id = before->pst_id, *moderation;
	struct posting *p = NULL;
	char actor[160], *clean;
	json_t *html, *o;

	if ((html = json_object_get(patch, "content_html")) != NULL &&
	    json_is_string(html)) {
		clean = sanitize_html(json_string_value(html),
		    json_string_value(json_object_get(patch, "url")));
		json_object_set_new(patch, "content_html", json_string(clean));
		free(clean);
	}
	api_actor(hr, actor, sizeof(actor));
	switch (store_posting_edit(hr->hr_daemon->d_store, id, patch, actor,
	    api_now(hr), &p)) {
	case 0:
		log_info("posting %s: edited by %s", id, actor);
		moderation = api_moderation_after_edit(hr, action, before, p,
		    pa->pa_moderation);
		o = api_posting_json(hr, p, moderation, pa->pa_organization);
		api_moderation_annotate(hr, o, id);
		reply_json(hr, 200, o);
		posting_free(p);
		break;
	case 1:
		reply_error(hr, 404, "no posting '%s'", id);
		break;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		break;
	}
}

static void
posting_edit(struct http_request *hr)
{
	struct submission_error err;
	struct posting_admin pa;
	struct posting *p;
	json_t *body = NULL;

	if (load_posting(hr, &p, &pa) == -1)
		return;
	if (api_read_object(hr, &body) == -1)
		goto done;
	if (submission_check_edit(body, p, &err) == -1)
		reply_bad(hr, &err);
	else
		apply_edit(hr, p, body, &pa, "edit");
 done:
	json_decref(body);
	posting_free(p);
	posting_admin_free(&pa);
}

static void
posting_withdraw(struct http_request *hr)
{
	struct posting_admin pa;
	struct posting *p;
	json_t *patch;

	if (load_posting(hr, &p, &pa) == -1)
		return;
	if (p->pst_status == POSTING_WITHDRAWN)
		reply_error(hr, 409, "posting '%s' is withdrawn already",
		    p->pst_id);
	else {
		patch = json_pack("{s:s}", "status", "withdrawn");
		apply_edit(hr, p, patch, &pa, "withdraw");
		json_decref(patch);
	}
	posting_free(p);
	posting_admin_free(&pa);
}

#define EDITORS		(AUTH_ROLE_BIT(AUTH_ADMIN) |			\
			 AUTH_ROLE_BIT(AUTH_COORDINATOR) |		\
			 AUTH_ROLE_BIT(AUTH_GROUP))
#define SUBMITTERS	(AUTH_ROLE_BIT(AUTH_ADMIN) | AUTH_ROLE_BIT(AUTH_GROUP))

const struct route route_api_postings = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/postings",
	.rt_handler = postings_list,
	.rt_roles = EDITORS,
	.rt_summary = "postings in every moderation state, newest first "
	    "(a group sees its own); limit, after, moderation, and the feed "
	    "filters (published postings)",
};

const struct route route_api_posting_submit = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/postings",
	.rt_handler = posting_submit,
	.rt_roles = SUBMITTERS,
	.rt_summary = "submit a posting (JSON); it waits as pending",
};

const struct route route_api_posting = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/postings/{id}",
	.rt_handler = posting_show,
	.rt_roles = EDITORS,
	.rt_summary = "one posting with where it comes from and who edited it",
};

const struct route route_api_posting_edit = {
	.rt_methods = EVHTTP_REQ_PATCH,
	.rt_pattern = "/api/v1/postings/{id}",
	.rt_handler = posting_edit,
	.rt_roles = EDITORS,
	.rt_summary = "edit fields; an edit wins until the source changes "
	    "that field",
};

const struct route route_api_posting_withdraw = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/postings/{id}/withdraw",
	.rt_handler = posting_withdraw,
	.rt_roles = EDITORS,
	.rt_summary = "withdraw a posting (a tombstone travels in the feeds)",
};
