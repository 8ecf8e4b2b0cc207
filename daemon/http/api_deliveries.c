/*
 * api_deliveries.c — webhook deliveries in the admin API: ping a
 * subscriber, list deliveries with their attempts, send one again (the
 * same webhook-id), recover everything since a time.
 *
 * The admin sees every delivery; a subscriber token sees and acts on its
 * own subscriber's only.  A delivery is named "dN" (its number).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "../../feeds/date.h"
#include "api.h"
#include "auth.h"
#include "clock.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "reply.h"
#include "store.h"
#include "webhook.h"

#define DELIVERIES_LIMIT	100
#define DELIVERIES_MAX		1000

static json_t *
ms_time(int64_t ms)
{
	return api_time(ms > 0 ? ms / 1000 : 0);
}

static json_t *
delivery_json(const struct delivery *dl)
{
	char id[32];
	json_t *o;

	snprintf(id, sizeof(id), "d%lld", (long long)dl->dl_id);
	o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:i,s:i,s:o}",
	    "id", id,
	    "webhook_id", dl->dl_webhook_id,
	    "subscriber", dl->dl_subscriber,
	    "type", dl->dl_type ? dl->dl_type : "",
	    "posting", api_string(dl->dl_posting_id),
	    "revision", dl->dl_posting_id ? json_integer(dl->dl_revision) :
	    json_null(),
	    "status", dl->dl_status,
	    "attempts", dl->dl_attempts,
	    "tries", dl->dl_tries,
	    "created", ms_time(dl->dl_created));
	json_object_set_new(o, "next_attempt",
	    strcmp(dl->dl_status, DELIVERY_PENDING) == 0 ?
	    ms_time(dl->dl_next_attempt) : json_null());
	json_object_set_new(o, "last_attempt", ms_time(dl->dl_last_attempt));
	json_object_set_new(o, "last_status", dl->dl_last_status ?
	    json_integer(dl->dl_last_status) : json_null());
	json_object_set_new(o, "last_error", api_string(dl->dl_last_error));
	json_object_set_new(o, "delivered", ms_time(dl->dl_delivered));
	return o;
}

static json_t *
attempts_json(struct http_request *hr, int64_t id)
{
	struct delivery_attempt *da;
	json_t *arr = json_array();
	char when[32];
	size_t n, i;

	if (store_delivery_attempts(hr->hr_daemon->d_store, id, &da,
	    &n) == -1)
		return arr;
	for (i = 0; i < n; i++) {
		date_format_rfc3339(da[i].da_started / 1000, DATE_JST_OFFSET,
		    when);
		json_array_append_new(arr, json_pack("{s:i,s:s,s:I,s:o,s:o}",
		    "attempt", da[i].da_attempt, "started", when,
		    "latency_ms", (json_int_t)da[i].da_latency_ms,
		    "http_status", da[i].da_http_status ?
		    json_integer(da[i].da_http_status) : json_null(),
		    "error", api_string(da[i].da_error)));
	}
	store_delivery_attempts_free(da, n);
	return arr;
}

static int64_t
now_ms(struct http_request *hr)
{
	return clock_now_ms(hr->hr_daemon->d_clock);
}

/* "d42" or "42". */
static int
parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (*s == 'd')
		s++;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v <= 0)
		return -1;
	*id = v;
	return 0;
}

/* "since": RFC 3339 or YYYY-MM-DD (a Japan day); ms. */
static int
parse_since(struct http_request *hr, const char *v, int64_t *ms)
{
	int64_t t;

	if (date_parse_any(v, &t) == -1) {
		reply_error_field(hr, 400, "since", "since: '%s' is not a time "
		    "(RFC 3339 or YYYY-MM-DD)", v);
		return -1;
	}
	*ms = t * 1000;
	return 0;
}

/*
 * The delivery of the path (its last argument), when the token may act on
 * it: 404 when there is none, or when it is not the subscriber's named
 * in the path (sub, may be NULL).
 */
static int
load_delivery(struct http_request *hr, const char *arg, const char *sub,
    struct delivery *dl)
{
	int64_t id;

	memset(dl, 0, sizeof(*dl));
	if (parse_id(arg, &id) == -1) {
		reply_error(hr, 404, "no delivery '%s'", arg);
		return -1;
	}
	switch (store_delivery_get(hr->hr_daemon->d_store, id, dl)) {
	case 0:
		break;
	case 1:
		reply_error(hr, 404, "no delivery '%s'", arg);
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
	if (sub != NULL && strcmp(sub, dl->dl_subscriber) != 0) {
		reply_error(hr, 404, "no delivery '%s' for subscriber '%s'",
		    arg, sub);
		delivery_free(dl);
		return -1;
	}
	if (api_own_subscriber(hr, dl->dl_subscriber) == -1) {
		delivery_free(dl);
		return -1;
	}
	return 0;
}

/* The subscriber of the path, as the delivery sees it. */
static int
load_target(struct http_request *hr, struct webhook_target *wt)
{
	memset(wt, 0, sizeof(*wt));
	if (api_own_subscriber(hr, hr->hr_args[0]) == -1)
		return -1;
	switch (store_webhook_target(hr->hr_daemon->d_store, hr->hr_args[0],
	    wt)) {
	case 0:
		return 0;
	case 1:
		reply_error(hr, 404, "no subscriber '%s'", hr->hr_args[0]);
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
}

static void
reply_delivery(struct http_request *hr, int status, int64_t id, int attempts)
{
	struct delivery dl;
	json_t *o;

	if (store_delivery_get(hr->hr_daemon->d_store, id, &dl) != 0) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	o = delivery_json(&dl);
	if (attempts)
		json_object_set_new(o, "attempt_log", attempts_json(hr, id));
	delivery_free(&dl);
	reply_json(hr, status, o);
}

/* GET .../deliveries: subscriber (forced for a subscriber token), status,
 * since, limit, before (a delivery id: the next page). */
static void
list(struct http_request *hr, const char *sub)
{
	struct delivery_query dq = { .dq_limit = DELIVERIES_LIMIT };
	struct delivery *dl;
	const char *v;
	char *end, next[32];
	json_t *arr;
	size_t n, i;
	long lim;

	dq.dq_subscriber = sub ? sub : http_query(hr, "subscriber");
	if (hr->hr_role == AUTH_SUBSCRIBER) {
		if (dq.dq_subscriber == NULL)
			dq.dq_subscriber = hr->hr_principal.ap_subscriber;
		if (api_own_subscriber(hr, dq.dq_subscriber) == -1)
			return;
	}
	if ((v = http_query(hr, "status")) != NULL) {
		if (strcmp(v, DELIVERY_PENDING) && strcmp(v, DELIVERY_DELIVERED) &&
		    strcmp(v, DELIVERY_FAILED)) {
			reply_error_field(hr, 400, "status", "status: pending, "
			    "delivered or failed");
			return;
		}
		dq.dq_status = v;
	}
	if ((v = http_query(hr, "since")) != NULL &&
	    parse_since(hr, v, &dq.dq_since_ms) == -1)
		return;
	if ((v = http_query(hr, "limit")) != NULL) {
		lim = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || lim < 1 ||
		    lim > DELIVERIES_MAX) {
			reply_error_field(hr, 400, "limit", "limit: 1 to %d",
			    DELIVERIES_MAX);
			return;
		}
		dq.dq_limit = (size_t)lim;
	}
	if ((v = http_query(hr, "before")) != NULL &&
	    parse_id(v, &dq.dq_before_id) == -1) {
		reply_error_field(hr, 400, "before", "before: a delivery id");
		return;
	}
	if (store_deliveries_list(hr->hr_daemon->d_store, &dq, &dl,
	    &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, delivery_json(&dl[i]));
	if (n == dq.dq_limit && n > 0)
		snprintf(next, sizeof(next), "d%lld",
		    (long long)dl[n - 1].dl_id);
	else
		next[0] = '\0';
	store_deliveries_free(dl, n);
	reply_json(hr, 200, json_pack("{s:o,s:o}", "deliveries", arr,
	    "next_before", next[0] ? json_string(next) : json_null()));
}

static void
deliveries_all(struct http_request *hr)
{
	list(hr, NULL);
}

static void
deliveries_of(struct http_request *hr)
{
	struct webhook_target wt;

	if (load_target(hr, &wt) == -1)
		return;
	list(hr, hr->hr_args[0]);
	webhook_target_free(&wt);
}

static void
delivery_show(struct http_request *hr)
{
	struct delivery dl;

	if (load_delivery(hr, hr->hr_args[0], NULL, &dl) == -1)
		return;
	reply_delivery(hr, 200, dl.dl_id, 1);
	delivery_free(&dl);
}

static void
redeliver(struct http_request *hr, const char *arg, const char *sub)
{
	struct delivery dl;
	char actor[160];

	if (load_delivery(hr, arg, sub, &dl) == -1)
		return;
	/* An outcome of this delivery waiting to be written goes first. */
	webhook_flush(hr->hr_daemon->d_webhook);
	if (store_delivery_redeliver(hr->hr_daemon->d_store, dl.dl_id,
	    now_ms(hr)) != 0)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		api_actor(hr, actor, sizeof(actor));
		log_info("subscriber %s: delivery d%lld (%s) sent again by %s",
		    dl.dl_subscriber, (long long)dl.dl_id, dl.dl_webhook_id,
		    actor);
		webhook_kick(hr->hr_daemon->d_webhook);
		reply_delivery(hr, 202, dl.dl_id, 0);
	}
	delivery_free(&dl);
}

static void
redeliver_any(struct http_request *hr)
{
	redeliver(hr, hr->hr_args[0], NULL);
}

static void
redeliver_of(struct http_request *hr)
{
	redeliver(hr, hr->hr_args[1], hr->hr_args[0]);
}

/* 409 unless the subscriber has a webhook and is enabled. */
static int
can_receive(struct http_request *hr, const struct webhook_target *wt)
{
	if (wt->wt_webhook == NULL) {
		reply_error(hr, 409, "subscriber '%s' has no webhook",
		    wt->wt_name);
		return -1;
	}
	if (wt->wt_disabled) {
		reply_error(hr, 409, "subscriber '%s' is disabled%s%s; enable "
		    "it first", wt->wt_name, wt->wt_disabled_reason ?
		    ": " : "", wt->wt_disabled_reason ?
		    wt->wt_disabled_reason : "");
		return -1;
	}
	return 0;
}

static void
ping(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	struct webhook_target wt;
	int64_t id = 0, now = now_ms(hr);
	char *payload;

	if (load_target(hr, &wt) == -1)
		return;
	if (can_receive(hr, &wt) == -1)
		goto done;
	if ((payload = outbox_payload(d, "ping", now, NULL)) == NULL ||
	    store_outbox_ping(d->d_store, wt.wt_name, payload, now,
	    &id) != 0) {
		free(payload);
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	free(payload);
	webhook_kick(d->d_webhook);
	reply_delivery(hr, 202, id, 0);
 done:
	webhook_target_free(&wt);
}

static const char *const recover_keys[] = { "since", NULL };

static void
recover(struct http_request *hr)
{
	struct webhook_target wt;
	const char *since = http_query(hr, "since");
	char actor[160];
	int64_t since_ms, queued;
	json_t *body = NULL;

	if (load_target(hr, &wt) == -1)
		return;
	/* ?since=TIME, or {"since": TIME} in the body. */
	if (since == NULL && evbuffer_get_length(
	    evhttp_request_get_input_buffer(hr->hr_req)) > 0 &&
	    (api_read_object(hr, &body) == -1 ||
	    api_only_keys(hr, body, recover_keys) == -1 ||
	    api_get_string(hr, body, "since", 1, 64, &since) == -1))
		goto done;
	if (since == NULL) {
		reply_error_field(hr, 400, "since", "since: required (RFC "
		    "3339 or YYYY-MM-DD)");
		goto done;
	}
	if (parse_since(hr, since, &since_ms) == -1 ||
	    can_receive(hr, &wt) == -1)
		goto done;
	if (outbox_recover(hr->hr_daemon, wt.wt_name, since_ms,
	    &queued) != 0) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("subscriber %s: %lld deliveries since %s queued again by %s",
	    wt.wt_name, (long long)queued, since, actor);
	reply_json(hr, 202, json_pack("{s:s,s:o,s:I}", "subscriber",
	    wt.wt_name, "since", ms_time(since_ms), "queued",
	    (json_int_t)queued));
 done:
	json_decref(body);
	webhook_target_free(&wt);
}

#define OWNER	(AUTH_ROLE_BIT(AUTH_ADMIN) | AUTH_ROLE_BIT(AUTH_SUBSCRIBER))

const struct route route_api_subscriber_ping = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/ping",
	.rt_handler = ping,
	.rt_roles = OWNER,
	.rt_summary = "send a ping webhook now; the delivery to follow",
};

const struct route route_api_subscriber_deliveries = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/subscribers/{name}/deliveries",
	.rt_handler = deliveries_of,
	.rt_roles = OWNER,
	.rt_summary = "the subscriber's webhook deliveries, newest first "
	    "(status, since, limit, before)",
};

const struct route route_api_subscriber_redeliver = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/deliveries/{id}/redeliver",
	.rt_handler = redeliver_of,
	.rt_roles = OWNER,
	.rt_summary = "send a delivery again, with the same webhook-id",
};

const struct route route_api_subscriber_recover = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/recover",
	.rt_handler = recover,
	.rt_roles = OWNER,
	.rt_summary = "send again every failed or missing delivery since "
	    "a time (?since=TIME or {\"since\": TIME})",
};

const struct route route_api_deliveries = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/deliveries",
	.rt_handler = deliveries_all,
	.rt_roles = OWNER,
	.rt_summary = "webhook deliveries, newest first (subscriber, status, "
	    "since, limit, before)",
};

const struct route route_api_delivery = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/deliveries/{id}",
	.rt_handler = delivery_show,
	.rt_roles = OWNER,
	.rt_summary = "one delivery with every attempt",
};

const struct route route_api_delivery_redeliver = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/deliveries/{id}/redeliver",
	.rt_handler = redeliver_any,
	.rt_roles = OWNER,
	.rt_summary = "send a delivery again, with the same webhook-id",
};
