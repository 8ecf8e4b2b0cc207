/* reply.c — sending replies: JSON, errors, cacheable representations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/sha.h>
#include <zlib.h>

#include "../../feeds/date.h"
#include "log.h"
#include "reply.h"

#define GZIP_MIN_SIZE	512	/* smaller bodies are not worth it */

void
reply_header(struct http_request *hr, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(hr->hr_req), name,
	    value);
}

void
reply_send(struct http_request *hr, int status, const char *content_type,
    const void *body, size_t len)
{
	struct evbuffer *out = evbuffer_new();

	if (content_type)
		reply_header(hr, "Content-Type", content_type);
	if (out == NULL) {
		evhttp_send_error(hr->hr_req, 500, NULL);
		return;
	}
	if (len && hr->hr_method != EVHTTP_REQ_HEAD)
		evbuffer_add(out, body, len);
	evhttp_send_reply(hr->hr_req, status, NULL, out);
	evbuffer_free(out);
}

void
reply_json(struct http_request *hr, int status, json_t *doc)
{
	static const char failed[] =
	    "{\"error\":\"internal error\",\"field\":null,\"status\":500}\n";
	char *text = json_dumps(doc, JSON_INDENT(2));

	json_decref(doc);
	if (text == NULL) {
		log_warnx("%s: cannot serialize a reply", __func__);
		reply_send(hr, 500, "application/json", failed,
		    sizeof(failed) - 1);
		return;
	}
	reply_header(hr, "Cache-Control", "no-store");
	reply_send(hr, status, "application/json; charset=utf-8", text,
	    strlen(text));
	free(text);
}

static void
reply_error_v(struct http_request *hr, int status, const char *field,
    const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	reply_json(hr, status, json_pack("{s:s,s:o,s:i}", "error", msg,
	    "field", field ? json_string(field) : json_null(),
	    "status", status));
}

void
reply_error(struct http_request *hr, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reply_error_v(hr, status, NULL, fmt, ap);
	va_end(ap);
}

void
reply_error_field(struct http_request *hr, int status, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	reply_error_v(hr, status, field, fmt, ap);
	va_end(ap);
}

/* Does the client take gzip?  "gzip;q=0" says no. */
static int
accepts_gzip(struct http_request *hr)
{
	const char *ae = evhttp_find_header(
	    evhttp_request_get_input_headers(hr->hr_req), "Accept-Encoding");
	const char *p, *q;

	if (ae == NULL)
		return 0;
	for (p = ae; (p = strcasestr(p, "gzip")) != NULL; p += 4) {
		q = p + 4;
		while (*q == ' ')
			q++;
		if (*q == ';') {
			const char *qv = strstr(q, "q=");

			if (qv && strtod(qv + 2, NULL) == 0.0 &&
			    (strchr(q, ',') == NULL || qv < strchr(q, ',')))
				return 0;
		}
		return 1;
	}
	return 0;
}

static int
gzip_buf(const char *data, size_t len, struct buf *out)
{
	z_stream zs = { 0 };
	unsigned char chunk[16384];
	int rc;

	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)data;
	zs.avail_in = len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = deflate(&zs, Z_FINISH);
		if (rc == Z_STREAM_ERROR ||
		    buf_append(out, chunk, sizeof(chunk) - zs.avail_out) == -1) {
			deflateEnd(&zs);
			return -1;
		}
	} while (rc != Z_STREAM_END);
	deflateEnd(&zs);
	return 0;
}

/* Is tag one of the entity tags of an If-None-Match list? */
static int
etag_listed(const char *inm, const char *tag)
{
	size_t n = strlen(tag);
	const char *p;

	if (strcmp(inm, "*") == 0)
		return 1;
	for (p = inm; (p = strstr(p, tag)) != NULL; p += n) {
		const char *end = p + n;

		if ((p == inm || p[-1] == ' ' || p[-1] == ',' ||
		    (p - inm >= 2 && p[-2] == 'W' && p[-1] == '/')) &&
		    (*end == '\0' || *end == ',' || *end == ' '))
			return 1;
	}
	return 0;
}

void
reply_representation(struct http_request *hr, const char *content_type,
    struct buf *body, int64_t last_modified)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(hr->hr_req);
	const char *inm = evhttp_find_header(in, "If-None-Match");
	const char *ims = evhttp_find_header(in, "If-Modified-Since");
	unsigned char digest[SHA256_DIGEST_LENGTH];
	char etag[48], lm[32];
	int gz = accepts_gzip(hr) && body->len >= GZIP_MIN_SIZE;
	int64_t since;
	struct buf zipped;
	int i;

	SHA256((unsigned char *)body->data, body->len, digest);
	etag[0] = '"';
	for (i = 0; i < 16; i++)
		snprintf(etag + 1 + 2 * i, 3, "%02x", digest[i]);
	/* Each encoding is its own representation: its own strong tag. */
	snprintf(etag + 33, sizeof(etag) - 33, "%s\"", gz ? "-gz" : "");
	reply_header(hr, "ETag", etag);
	reply_header(hr, "Vary", "Accept-Encoding");
	reply_header(hr, "Cache-Control", "public, max-age=60");
	if (last_modified > 0) {
		date_format_http(last_modified, lm);
		reply_header(hr, "Last-Modified", lm);
	}
	if ((inm && etag_listed(inm, etag)) || (inm == NULL && ims &&
	    last_modified > 0 && date_parse_rfc822(ims, &since) == 0 &&
	    last_modified <= since)) {
		buf_free(body);
		evhttp_send_reply(hr->hr_req, 304, NULL, NULL);
		return;
	}
	if (gz) {
		buf_init(&zipped, body->len + 1024);
		if (gzip_buf(body->data, body->len, &zipped) == 0) {
			reply_header(hr, "Content-Encoding", "gzip");
			reply_send(hr, 200, content_type, zipped.data,
			    zipped.len);
			buf_free(&zipped);
			buf_free(body);
			return;
		}
		buf_free(&zipped);
		/* Fall back to identity; its tag differs, so fix it. */
		evhttp_remove_header(evhttp_request_get_output_headers(
		    hr->hr_req), "ETag");
		snprintf(etag + 33, sizeof(etag) - 33, "\"");
		reply_header(hr, "ETag", etag);
	}
	reply_send(hr, 200, content_type, body->data, body->len);
	buf_free(body);
}
