/*
 * route_websub.c — BASE/websub/SOURCE, the callback this instance gives
 * the hubs of its sources (websub.h): GET answers a verification, POST
 * takes pushed content in.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "daemon.h"
#include "http.h"
#include "reply.h"
#include "websub.h"

static void
websub_callback(struct http_request *hr)
{
	struct websub *ws = hr->hr_daemon->d_websub;
	struct evhttp_request *req = hr->hr_req;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *echo = "";
	size_t len;
	char *body;
	int status;

	if (ws == NULL) {
		reply_send(hr, 404, "text/plain", "", 0);
		return;
	}
	if (hr->hr_method == EVHTTP_REQ_GET) {
		status = websub_verify(ws, hr->hr_args[0],
		    http_query(hr, "hub.mode"), http_query(hr, "hub.topic"),
		    http_query(hr, "hub.challenge"),
		    http_query(hr, "hub.lease_seconds"),
		    http_query(hr, "hub.reason"), &echo);
		reply_send(hr, status, "text/plain", echo, strlen(echo));
		return;
	}
	len = evbuffer_get_length(in);
	if ((body = malloc(len + 1)) == NULL) {
		reply_send(hr, 500, "text/plain", "", 0);
		return;
	}
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	status = websub_push(ws, hr->hr_args[0],
	    evhttp_find_header(h, "X-Hub-Signature"),
	    evhttp_find_header(h, "Content-Type"), body, len);
	free(body);
	reply_send(hr, status, "text/plain", "", 0);
}

const struct route route_websub = {
	.rt_methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST,
	.rt_pattern = "/websub/{source}",
	.rt_handler = websub_callback,
	.rt_role = AUTH_NONE,
};
