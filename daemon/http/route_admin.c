/*
 * route_admin.c — /admin/: the pages of coordinators and groups, served
 * from the files embedded at build time (admin_files.h).
 *
 * The pages talk to /api/v1 with the token in an Authorization header,
 * never a cookie, so no other site can make a signed-in request (no
 * CSRF).  A strict Content-Security-Policy allows this origin's script
 * and style files only: no inline script, no eval, no framing.
 */
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "admin_files.h"
#include "http.h"
#include "reply.h"

#define ADMIN_CSP	"default-src 'self'; script-src 'self'; "	\
			"style-src 'self'; object-src 'none'; "		\
			"base-uri 'none'; frame-ancestors 'none'; "	\
			"form-action 'self'"

static void
security_headers(struct http_request *hr)
{
	reply_header(hr, "Content-Security-Policy", ADMIN_CSP);
	reply_header(hr, "X-Content-Type-Options", "nosniff");
	reply_header(hr, "Referrer-Policy", "no-referrer");
	reply_header(hr, "X-Frame-Options", "DENY");
	reply_header(hr, "Cross-Origin-Opener-Policy", "same-origin");
	reply_header(hr, "Cross-Origin-Resource-Policy", "same-origin");
}

static const struct admin_file *
find(const char *name)
{
	const struct admin_file *af;

	for (af = admin_files; af->af_name; af++)
		if (strcmp(af->af_name, name) == 0)
			return af;
	return NULL;
}

static void
serve(struct http_request *hr, const char *name)
{
	const struct admin_file *af;
	const char *inm;

	security_headers(hr);
	if ((af = find(name)) == NULL) {
		reply_error(hr, 404, "no such page: /admin/%s", name);
		return;
	}
	/* Revalidated at every load: a new daemon brings new pages. */
	reply_header(hr, "Cache-Control", "no-cache");
	reply_header(hr, "ETag", af->af_etag);
	inm = evhttp_find_header(evhttp_request_get_input_headers(hr->hr_req),
	    "If-None-Match");
	if (inm != NULL && strstr(inm, af->af_etag) != NULL) {
		evhttp_send_reply(hr->hr_req, 304, NULL, NULL);
		return;
	}
	reply_send(hr, 200, af->af_content_type, af->af_data, af->af_len);
}

static void
admin_redirect(struct http_request *hr)
{
	security_headers(hr);
	reply_header(hr, "Location", "/admin/");
	reply_send(hr, 301, "text/plain; charset=utf-8", "/admin/\n", 8);
}

static void
admin_index(struct http_request *hr)
{
	serve(hr, "index.html");
}

static void
admin_file(struct http_request *hr)
{
	serve(hr, hr->hr_args[0]);
}

const struct route route_admin = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/admin",
	.rt_handler = admin_redirect,
};

const struct route route_admin_index = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/admin/",
	.rt_handler = admin_index,
};

const struct route route_admin_file = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/admin/{file}",
	.rt_handler = admin_file,
};
