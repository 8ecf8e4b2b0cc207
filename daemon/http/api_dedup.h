/*
 * api_dedup.h — the deduplication part of GET /api/v1/postings/ID's
 * "merge" object (issue 4): which source records make the posting, and
 * why each is in it.
 */
#ifndef TSUNAGU_API_DEDUP_H
#define TSUNAGU_API_DEDUP_H

#include <jansson.h>

struct http_request;
struct posting;

/*
 * Adds to merge: "records" (each source record: source, kind, key,
 * identity, url, title, rule, score, title_similarity,
 * place_similarity, matched, first_seen, last_seen, missing, gone),
 * "merged" (postings withdrawn into this one: posting, at, by, rule,
 * score) and "duplicate_of", and appends the same in words to its
 * "explanation" array.  -1 when the store fails.
 */
int	api_dedup_explain(struct http_request *, const struct posting *,
	    json_t *merge);
/*
 * Adds "identity_mode" to a source's health object: {"mode": "guid" |
 * "link" | "content", "reason": words or null, "since": time or null,
 * "rekeyed": records carried to a new key}.  -1 when the store fails.
 */
int	api_dedup_source_identity(struct http_request *, const char *source,
	    json_t *health);

#endif
