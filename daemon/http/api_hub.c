/*
 * api_hub.c — GET /api/v1/hub/subscriptions: the WebSub hub's
 * subscriptions (hub.h), live or lapsed, for the admin.  A secret is
 * never shown, only whether there is one.  The list is bounded by the
 * hub's own caps (hub_max_subscriptions); ?topic= and ?callback_host=
 * narrow it.
 */
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "api.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "reply.h"
#include "store.h"

static json_t *
subscription_json(const struct hub_subscription *hs, int64_t now)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:s,s:I,s:o,s:o,s:b,s:b,s:i,"
	    "s:o,s:o}",
	    "callback", hs->hs_callback,
	    "topic", hs->hs_topic,
	    "callback_host", hs->hs_callback_host,
	    "secret", hs->hs_secret != NULL,
	    "signature_algorithm", hs->hs_algorithm,
	    "lease_seconds", (json_int_t)hs->hs_lease_seconds,
	    "created", api_time(hs->hs_created),
	    "expires", api_time(hs->hs_expires),
	    "live", hs->hs_expires > now,
	    "pending", hs->hs_pending,
	    "attempts", hs->hs_attempts,
	    "next_attempt", hs->hs_pending ?
	    api_time(hs->hs_next_attempt) : json_null(),
	    "last_error", api_string(hs->hs_last_error));
}

static int
wanted(const char *filter, const char *value)
{
	return filter == NULL || strcmp(filter, value) == 0;
}

static void
subscriptions_list(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	struct hub_subscription *hs;
	const char *topic = http_query(hr, "topic");
	const char *host = http_query(hr, "callback_host");
	int64_t now = api_now(hr), live = 0;
	json_t *list;
	size_t n, i;

	if (store_hub_list(d->d_store, &hs, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	list = json_array();
	for (i = 0; i < n; i++) {
		if (!wanted(topic, hs[i].hs_topic) ||
		    !wanted(host, hs[i].hs_callback_host))
			continue;
		if (hs[i].hs_expires > now)
			live++;
		json_array_append_new(list, subscription_json(&hs[i], now));
	}
	store_hub_subscriptions_free(hs, n);
	reply_json(hr, 200, json_pack("{s:b,s:I,s:I,s:I,s:o}",
	    "enabled", d->d_hub_enabled,
	    "max_subscriptions", (json_int_t)d->d_conf->cf_hub_max_subscriptions,
	    "count", (json_int_t)json_array_size(list),
	    "live", (json_int_t)live,
	    "subscriptions", list));
}

const struct route route_api_hub_subscriptions = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/hub/subscriptions",
	.rt_handler = subscriptions_list,
	.rt_roles = AUTH_ROLE_BIT(AUTH_ADMIN),
	.rt_summary = "the WebSub hub's subscriptions, by topic and callback "
	    "(topic, callback_host)",
};
