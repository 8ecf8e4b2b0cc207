/* api_sources.c — /api/v1/sources: sources with their health. */
#include <event2/http.h>
#include <jansson.h>

#include "api.h"
#include "daemon.h"
#include "http.h"
#include "poller.h"
#include "reply.h"
#include "store.h"

static void
sources_list(struct http_request *hr)
{
	struct source_health *list;
	json_t *arr;
	size_t n, i;

	if (store_source_list(hr->hr_daemon->d_store, &list, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, api_source_json(&list[i]));
	store_source_list_free(list, n);
	reply_json(hr, 200, json_pack("{s:o}", "sources", arr));
}

static void
source_show(struct http_request *hr)
{
	struct source_health sh;

	switch (store_source_get(hr->hr_daemon->d_store, hr->hr_args[0], &sh)) {
	case 0:
		reply_json(hr, 200, api_source_json(&sh));
		source_health_free(&sh);
		break;
	case 1:
		reply_error(hr, 404, "no source '%s'", hr->hr_args[0]);
		break;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		break;
	}
}

static void
source_fetch(struct http_request *hr)
{
	if (poller_fetch_now(hr->hr_daemon->d_poller, hr->hr_args[0]) != 0) {
		reply_error(hr, 404, "no source '%s'", hr->hr_args[0]);
		return;
	}
	reply_json(hr, 202, json_pack("{s:s,s:b}", "source", hr->hr_args[0],
	    "queued", 1));
}

const struct route route_api_sources = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/sources",
	.rt_handler = sources_list,
	.rt_role = AUTH_ADMIN,
};

const struct route route_api_source = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/sources/*",
	.rt_handler = source_show,
	.rt_role = AUTH_ADMIN,
};

const struct route route_api_source_fetch = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/sources/*/fetch",
	.rt_handler = source_fetch,
	.rt_role = AUTH_ADMIN,
};
