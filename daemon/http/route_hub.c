/*
 * route_hub.c — POST /hub: a WebSub subscription request, as a form
 * (application/x-www-form-urlencoded), handed to the hub (hub.h).
 * Answers 202 when the request is taken (the intent is verified next),
 * else 4xx or 5xx with the reason as text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "daemon.h"
#include "http.h"
#include "hub.h"
#include "reply.h"

#define HUB_FORM_MAX	(16 * 1024)

static void
text(struct http_request *hr, int status, const char *msg)
{
	char line[600];

	snprintf(line, sizeof(line), "%s\n", msg);
	reply_send(hr, status, "text/plain; charset=utf-8", line,
	    strlen(line));
}

static void
hub_post(struct http_request *hr)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(hr->hr_req);
	const char *ctype = evhttp_find_header(
	    evhttp_request_get_input_headers(hr->hr_req), "Content-Type");
	struct evkeyvalq form;
	struct hub_request hq;
	size_t len = evbuffer_get_length(in);
	char why[512], *body;
	int status;

	if (hr->hr_daemon->d_hub == NULL) {
		text(hr, 404, "this instance runs no hub");
		return;
	}
	if (ctype == NULL || strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) != 0) {
		text(hr, 415, "a WebSub request is a form: "
		    "application/x-www-form-urlencoded");
		return;
	}
	if (len > HUB_FORM_MAX) {
		text(hr, 413, "the request is too large");
		return;
	}
	body = calloc(1, len + 1);
	if (body == NULL) {
		text(hr, 500, "out of memory");
		return;
	}
	evbuffer_copyout(in, body, len);
	TAILQ_INIT(&form);
	if (strlen(body) != len || evhttp_parse_query_str(body, &form) == -1) {
		free(body);
		text(hr, 400, "the form does not parse");
		return;
	}
	/* Parameters the hub does not know are ignored (WebSub 5.1). */
	memset(&hq, 0, sizeof(hq));
	hq.hq_mode = evhttp_find_header(&form, "hub.mode");
	hq.hq_topic = evhttp_find_header(&form, "hub.topic");
	hq.hq_callback = evhttp_find_header(&form, "hub.callback");
	hq.hq_secret = evhttp_find_header(&form, "hub.secret");
	hq.hq_algorithm = evhttp_find_header(&form,
	    "hub.signature_algorithm");
	hq.hq_lease = evhttp_find_header(&form, "hub.lease_seconds");
	hq.hq_client = hr->hr_client;
	status = hub_request(hr->hr_daemon->d_hub, &hq, why, sizeof(why));
	if (status == 202)
		text(hr, 202, "accepted: the callback's intent is verified "
		    "next");
	else {
		if (status == 429)
			reply_header(hr, "Retry-After", "1");
		text(hr, status, why);
	}
	evhttp_clear_headers(&form);
	free(body);
}

const struct route route_hub = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/hub",
	.rt_handler = hub_post,
	.rt_role = AUTH_NONE,
};
