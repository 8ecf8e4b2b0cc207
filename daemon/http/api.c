/* api.c — JSON shapes shared by the /api/v1 resources. */
#include <jansson.h>

#include "../../feeds/date.h"
#include "api.h"
#include "store.h"

json_t *
api_time(int64_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	return json_string(buf);
}

json_t *
api_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
api_source_json(const struct source_health *sh)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:o,s:o,s:o,s:I,"
	    "s:o,s:o,s:i,s:I,s:I,s:I}",
	    "name", sh->sh_name,
	    "url", sh->sh_url,
	    "kind", sh->sh_kind,
	    "format", sh->sh_format,
	    "origin", sh->sh_origin,
	    "interval", (json_int_t)sh->sh_interval,
	    "paused", sh->sh_paused,
	    "last_attempt", api_time(sh->sh_last_attempt),
	    "last_success", api_time(sh->sh_last_success),
	    "next_poll", api_time(sh->sh_next_poll),
	    "http_status", (json_int_t)sh->sh_http_status,
	    "error", api_string(sh->sh_error),
	    "error_code", api_string(sh->sh_error_code),
	    "failures", sh->sh_failures,
	    "fetches", (json_int_t)sh->sh_fetches,
	    "errors", (json_int_t)sh->sh_errors,
	    "postings", (json_int_t)sh->sh_postings);
}
