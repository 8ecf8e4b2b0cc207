/*
 * api_moderation.c — the queue coordinators share: GET /api/v1/moderation
 * (pending postings, each with the JSON Feed item it will be published
 * as), approve and reject (with a reason).
 *
 * Coordinators of every organization have the same authority (the
 * support center and the shakyo share the approval in Kariya): any of
 * them decides, and the first decision wins; a later, conflicting one is
 * answered 409 with the decision that was made.  A rejected posting shows
 * its reason to the group that submitted it; when the group changes it,
 * it waits again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "../../feeds/posting.h"
#include "../../feeds/writer.h"
#include "api.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"

#define QUEUE_DEFAULT_LIMIT	100
#define QUEUE_MAX_LIMIT		1000
#define REASON_MAX		2000	/* bytes of UTF-8 */

static json_t *
decision_json(const struct moderation_decision *md)
{
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}",
	    "state", md->md_decision,
	    "reason", api_string(md->md_reason),
	    "at", api_time(md->md_decided),
	    "token", api_string(md->md_token_id),
	    "organization", api_string(md->md_organization),
	    "role", api_string(md->md_role));
}

void
api_moderation_annotate(struct http_request *hr, json_t *o, const char *id)
{
	struct moderation_decision md;

	if (store_moderation_decision(hr->hr_daemon->d_store, id, &md) == 0)
		json_object_set_new(o, "decision", decision_json(&md));
	else
		json_object_set_new(o, "decision", json_null());
	moderation_decision_free(&md);
}

const char *
api_moderation_after_edit(struct http_request *hr, const char *action,
    const struct posting *before, const struct posting *after,
    const char *moderation)
{
	struct store_actor sa;
	struct token_info tk;
	int rc;

	api_audit_edit(hr, action, before, after);
	/* A group that changes what was rejected asks again (withdrawing
	 * it is no request to publish it). */
	if (hr->hr_role != AUTH_GROUP || strcmp(action, "edit") != 0 ||
	    moderation == NULL || strcmp(moderation, MODERATION_REJECTED) != 0)
		return moderation;
	api_store_actor(hr, &sa, &tk);
	rc = store_moderation_resubmit(hr->hr_daemon->d_store, after->pst_id,
	    &sa, api_now(hr));
	token_info_free(&tk);
	if (rc != 0)
		return moderation;
	log_info("posting %s: changed by its group, waits again",
	    after->pst_id);
	return MODERATION_PENDING;
}

/* The JSON Feed item a pending posting will be published as. */
static json_t *
preview(struct http_request *hr, const struct posting *p)
{
	struct daemon *d = hr->hr_daemon;
	struct feed_meta fm;
	struct posting *q;
	json_t *item;

	memset(&fm, 0, sizeof(fm));
	fm.fm_home_url = d->d_base_url;
	fm.fm_instance = d->d_conf ? d->d_conf->cf_instance : NULL;
	q = posting_clone(p);
	/* What approval does to it (store_moderation_decide()). */
	q->pst_revision++;
	q->pst_modified = api_now(hr);
	posting_fill_origin(q, fm.fm_instance);
	item = jsonfeed_item(&fm, q);
	posting_free(q);
	return item;
}

static void
queue_list(struct http_request *hr)
{
	struct moderation_item *list;
	const char *v;
	char *end;
	size_t n, i, limit = QUEUE_DEFAULT_LIMIT;
	int64_t total;
	json_t *arr, *o;
	long l;

	if ((v = http_query(hr, "limit")) != NULL) {
		l = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || l < 1) {
			reply_error_field(hr, 400, "limit", "limit must be a "
			    "number from 1 to %d", QUEUE_MAX_LIMIT);
			return;
		}
		limit = l > QUEUE_MAX_LIMIT ? QUEUE_MAX_LIMIT : (size_t)l;
	}
	if (store_moderation_queue(hr->hr_daemon->d_store, limit, &list, &n,
	    &total) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		o = api_posting_json(hr, list[i].mi_posting, MODERATION_PENDING,
		    list[i].mi_organization);
		json_object_set_new(o, "waiting_since",
		    api_time(list[i].mi_waiting_since));
		json_object_set_new(o, "feed_item", preview(hr,
		    list[i].mi_posting));
		json_array_append_new(arr, o);
	}
	store_moderation_queue_free(list, n);
	reply_json(hr, 200, json_pack("{s:o,s:I}", "queue", arr, "total",
	    (json_int_t)total));
}

/*
 * The reason of a decision: required to reject, optional to approve (an
 * empty body then is fine).  -1 when the request was answered.
 */
static int
read_reason(struct http_request *hr, int required, json_t **body,
    const char **reason)
{
	static const char *const keys[] = { "reason", NULL };
	struct evbuffer *in = evhttp_request_get_input_buffer(hr->hr_req);

	*body = NULL;
	*reason = NULL;
	if (!required && (in == NULL || evbuffer_get_length(in) == 0))
		return 0;
	if (api_read_object(hr, body) == -1 ||
	    api_only_keys(hr, *body, keys) == -1 ||
	    api_get_string(hr, *body, "reason", required, REASON_MAX,
	    reason) == -1)
		return -1;
	if (*reason != NULL && strspn(*reason, " \t\r\n") == strlen(*reason)) {
		reply_error_field(hr, 400, "reason", "reason: %s",
		    required ? "required: say why, for the group" : "empty");
		return -1;
	}
	return 0;
}

static void
reply_conflict(struct http_request *hr, const char *id,
    const struct moderation_decision *md)
{
	struct posting_admin pa;
	char msg[512];
	const char *state;
	json_t *o;

	memset(&pa, 0, sizeof(pa));
	store_posting_admin(hr->hr_daemon->d_store, id, &pa);
	state = pa.pa_moderation ? pa.pa_moderation : "unknown";
	if (md->md_decision != NULL)
		snprintf(msg, sizeof(msg), "posting '%s' is not pending: it "
		    "was %s by %s%s%s (%s)", id, strcmp(md->md_decision,
		    MODERATION_PUBLISHED) == 0 ? "approved" : "rejected",
		    md->md_role, md->md_organization ? " of " : "",
		    md->md_organization ? md->md_organization : "",
		    md->md_token_id);
	else
		snprintf(msg, sizeof(msg), "posting '%s' is not pending (it "
		    "is %s)", id, state);
	o = json_pack("{s:s,s:n,s:i,s:s}", "error", msg, "field", "status",
	    409, "moderation", state);
	json_object_set_new(o, "decision", md->md_decision ?
	    decision_json(md) : json_null());
	posting_admin_free(&pa);
	reply_json(hr, 409, o);
}

static void
decide(struct http_request *hr, const char *decision)
{
	struct store *st = hr->hr_daemon->d_store;
	struct moderation_decision md;
	struct posting_admin pa;
	struct store_actor sa;
	struct token_info tk;
	struct posting *p = NULL;
	const char *id = hr->hr_args[0], *reason;
	char actor[160];
	json_t *body, *o;
	int reject = strcmp(decision, MODERATION_REJECTED) == 0;

	if (read_reason(hr, reject, &body, &reason) == -1) {
		json_decref(body);
		return;
	}
	api_store_actor(hr, &sa, &tk);
	switch (store_moderation_decide(st, id, decision, reason, &sa,
	    api_now(hr), &md)) {
	case 0:
		api_actor(hr, actor, sizeof(actor));
		log_info("posting %s: %s by %s", id, reject ? "rejected" :
		    "approved and published", actor);
		memset(&pa, 0, sizeof(pa));
		if (store_posting_admin(st, id, &pa) != 0 ||
		    store_posting_get(st, id, &p) != 0) {
			reply_error(hr, 500, "the store failed; see the log");
			posting_admin_free(&pa);
			break;
		}
		o = api_posting_json(hr, p, pa.pa_moderation,
		    pa.pa_organization);
		api_moderation_annotate(hr, o, id);
		reply_json(hr, 200, o);
		posting_free(p);
		posting_admin_free(&pa);
		break;
	case 1:
		reply_error(hr, 404, "no posting '%s'", id);
		break;
	case 2:
		reply_conflict(hr, id, &md);
		break;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		break;
	}
	moderation_decision_free(&md);
	token_info_free(&tk);
	json_decref(body);
}

static void
posting_approve(struct http_request *hr)
{
	decide(hr, MODERATION_PUBLISHED);
}

static void
posting_reject(struct http_request *hr)
{
	decide(hr, MODERATION_REJECTED);
}

#define MODERATORS	(AUTH_ROLE_BIT(AUTH_ADMIN) |			\
			 AUTH_ROLE_BIT(AUTH_COORDINATOR))

const struct route route_api_moderation = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/moderation",
	.rt_handler = queue_list,
	.rt_roles = MODERATORS,
	.rt_summary = "the queue: pending postings, the longest waiting "
	    "first, each with the JSON Feed item it will be published as; "
	    "limit",
};

const struct route route_api_posting_approve = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/postings/{id}/approve",
	.rt_handler = posting_approve,
	.rt_roles = MODERATORS,
	.rt_summary = "publish a pending posting (first decision wins; 409 "
	    "after another); optional {\"reason\"}",
};

const struct route route_api_posting_reject = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/postings/{id}/reject",
	.rt_handler = posting_reject,
	.rt_roles = MODERATORS,
	.rt_summary = "reject a pending posting with {\"reason\"}, shown to "
	    "its group (first decision wins; 409 after another)",
};
