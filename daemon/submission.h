/*
 * submission.h — checking a posting that a group submits (POST
 * /api/v1/postings) or that an edit changes (PATCH), field by field, with
 * an error that names the field.
 *
 * The rules are those of schemas/posting.schema.json for the fields a
 * submitter may set, plus what a JSON Schema cannot say: end not before
 * start, deadline not after start, the check digit of an area code, and
 * the all-day form of the dates.  tests/e2e/test_api_submission_schema.py
 * runs the same cases through both.
 */
#ifndef TSUNAGU_SUBMISSION_H
#define TSUNAGU_SUBMISSION_H

#include <jansson.h>

#include "../feeds/posting.h"

#define SUBMISSION_TITLE_MAX	200	/* characters */
#define SUBMISSION_SUMMARY_MAX	2000	/* characters */
#define SUBMISSION_CONTENT_MAX	32768	/* bytes of content_html */
#define SUBMISSION_TEXT_MAX	200	/* place, address, names */
#define SUBMISSION_FEE_MAX	100	/* characters */
#define SUBMISSION_URL_MAX	2048	/* bytes */
#define SUBMISSION_RRULE_MAX	500	/* bytes */
#define SUBMISSION_CAPACITY_MAX	1000000

struct submission_error {
	char	se_field[64];		/* "title", "contact.email", ... */
	char	se_message[256];	/* "title: required" */
};

/*
 * A submitted posting: every field checked, title and start required.
 * A new posting (no id, revision or dates yet), or NULL with the first
 * problem in err.
 */
struct posting	*submission_parse(const json_t *doc,
		    struct submission_error *err);

/*
 * An edit of current: the fields of patch are checked as in a submission
 * (none is required; null clears a field, but not title or start), then
 * the posting they make is checked across fields (end, deadline, dates'
 * form).  0, or -1 with the problem in err.
 */
int		 submission_check_edit(const json_t *patch,
		    const struct posting *current,
		    struct submission_error *err);

#endif
