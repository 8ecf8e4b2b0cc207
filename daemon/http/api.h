/*
 * api.h — shared pieces of the /api/v1 resources (JSON through jansson).
 */
#ifndef TSUNAGU_API_H
#define TSUNAGU_API_H

#include <stdint.h>

#include <jansson.h>

struct source_health;

/* RFC 3339 in Japan time, or JSON null for 0 ("never"). */
json_t	*api_time(int64_t);
/* A string, or JSON null. */
json_t	*api_string(const char *);
/* The admin view of a source with its health. */
json_t	*api_source_json(const struct source_health *);

#endif
