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

/* New reference; unknown fields are left out. */
json_t		*posting_to_json(const struct posting *);
/* NULL with a reason in err when a field has the wrong type. */
struct posting	*posting_from_json(const json_t *, char *err, size_t errlen);

#endif
