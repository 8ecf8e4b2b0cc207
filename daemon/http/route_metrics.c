/* route_metrics.c — GET /metrics (Prometheus text). */
#include <event2/http.h>

#include "../../feeds/buf.h"
#include "http.h"
#include "metrics.h"
#include "reply.h"

static void
metrics_get(struct http_request *hr)
{
	struct buf b;

	buf_init(&b, 64 * 1024 * 1024);
	if (metrics_render(hr->hr_daemon, &b) == -1)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		reply_header(hr, "Cache-Control", "no-store");
		reply_send(hr, 200, "text/plain; version=0.0.4; charset=utf-8",
		    b.data, b.len);
	}
	buf_free(&b);
}

const struct route route_metrics = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/metrics",
	.rt_handler = metrics_get,
	.rt_role = AUTH_NONE,
};
