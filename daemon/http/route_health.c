/* route_health.c — GET /healthz: liveness, with a summary. */
#include <stdlib.h>

#include <event2/http.h>
#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "reply.h"
#include "store.h"
#include "store_io.h"

static void
healthz_get(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	struct store_io_status sio;
	struct source_health *list;
	size_t n, i, failing = 0;

	/* The store answering, and taking writes, is part of being alive. */
	store_io_status(d->d_store, &sio);
	if (sio.sio_failing) {
		reply_json(hr, 503, json_pack("{s:s,s:s+}", "status", "error",
		    "error", "the store cannot write: ", sio.sio_error));
		return;
	}
	if (store_source_list(d->d_store, &list, &n) == -1) {
		reply_json(hr, 503, json_pack("{s:s,s:s}", "status", "error",
		    "error", "the store does not answer"));
		return;
	}
	for (i = 0; i < n; i++)
		failing += list[i].sh_error != NULL;
	store_source_list_free(list, n);
	reply_json(hr, 200, json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I}",
	    "status", "ok",
	    "version", TSUNAGU_VERSION,
	    "instance", d->d_conf->cf_instance,
	    "uptime", (json_int_t)(clock_now(d->d_clock) - d->d_started),
	    "sources", (json_int_t)n,
	    "sources_failing", (json_int_t)failing,
	    "postings", (json_int_t)store_postings_count(d->d_store)));
}

const struct route route_healthz = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/healthz",
	.rt_handler = healthz_get,
	.rt_role = AUTH_NONE,
};
