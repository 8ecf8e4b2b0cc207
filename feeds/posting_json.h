/*
 * posting_json.h — a posting as the "_tsunagu" JSON object of DESIGN.md,
 * and back.  The store keeps postings in this form and the JSON Feed and
 * webhook writers publish it, so the round trip must be lossless.
 */
#ifndef TSUNAGU_POSTING_JSON_H
#define TSUNAGU_POSTING_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "posting.h"

/*
 * New reference; unknown fields are left out, except "duplicate_of", which
 * is always present and null when the posting is no duplicate, and
 * "status", "all_day" and "sources", which are always known.  Timestamps in
 * "sources" are RFC 3339 in +09:00.  NULL when a string is not valid UTF-8
 * (parsers hand over UTF-8, so that is a bug upstream).
 */
json_t		*posting_to_json(const struct posting *);
/*
 * NULL with a reason in err ("sources[1].url: expected a string") when a
 * field has the wrong type; unknown keys are ignored, null is "unknown".
 * The standard fields (url, content_html, ...) are not read here.
 */
struct posting	*posting_from_json(const json_t *, char *err, size_t errlen);

/*
 * The form the store keeps: the _tsunagu object plus the standard fields
 * "url", "content_html", "summary", "guid", and "date_published" /
 * "date_modified" as unix seconds.  from_storage_json also takes RFC 3339
 * strings for the two dates.  The round trip is lossless.
 */
json_t		*posting_to_storage_json(const struct posting *);
struct posting	*posting_from_storage_json(const json_t *, char *err,
		    size_t errlen);

#endif
