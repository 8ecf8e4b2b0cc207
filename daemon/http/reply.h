/*
 * reply.h — the ways a handler answers.  Each sends the reply and releases
 * what it was given (a json_t reference, a buffer's contents).
 */
#ifndef TSUNAGU_REPLY_H
#define TSUNAGU_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../../feeds/buf.h"
#include "http.h"

void	reply_send(struct http_request *, int status, const char *content_type,
	    const void *body, size_t len);
/* Steals the reference. */
void	reply_json(struct http_request *, int status, json_t *);
/* {"error": "message", "field": null, "status": 404} */
void	reply_error(struct http_request *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The same, naming the field of the request that is wrong (or NULL). */
void	reply_error_field(struct http_request *, int status, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * A cacheable representation (feeds): strong ETag over the body,
 * Last-Modified (0: none), 304 for a matching If-None-Match or a
 * satisfied If-Modified-Since, gzip when the client accepts it.
 * Frees the buffer's data.
 */
void	reply_representation(struct http_request *, const char *content_type,
	    struct buf *body, int64_t last_modified);
/* Adds a response header (before the reply). */
void	reply_header(struct http_request *, const char *name,
	    const char *value);

#endif
