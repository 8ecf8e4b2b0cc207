/*
 * test_submission.c — the rules of submitted and edited postings, over
 * the cases of tests/data/submissions/cases.json (which
 * tests/e2e/test_api_submission_schema.py also runs through the JSON
 * Schema and the API).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "posting.h"
#include "posting_json.h"
#include "submission.h"

static json_t *
load_cases(void)
{
	const char *dir = getenv("TSUNAGU_TEST_DATA");
	char path[512];
	json_error_t jerr;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/submissions/cases.json",
	    dir ? dir : "tests/data");
	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL)
		fail_msg("%s: %s", path, jerr.text);
	return doc;
}

static void
test_cases(void **state)
{
	json_t *doc = load_cases(), *c;
	struct submission_error err;
	struct posting *p;
	const char *name, *field;
	size_t i, good = 0, bad = 0;

	json_array_foreach(json_object_get(doc, "cases"), i, c) {
		name = json_string_value(json_object_get(c, "name"));
		p = submission_parse(json_object_get(c, "posting"), &err);
		if (json_is_true(json_object_get(c, "ok"))) {
			if (p == NULL)
				fail_msg("%s: refused: %s", name,
				    err.se_message);
			assert_non_null(p->pst_title);
			assert_non_null(p->pst_start);
			good++;
		} else {
			field = json_string_value(json_object_get(c, "field"));
			if (p != NULL)
				fail_msg("%s: accepted", name);
			if (strcmp(err.se_field, field) != 0)
				fail_msg("%s: field '%s', not '%s' (%s)", name,
				    err.se_field, field, err.se_message);
			/* The message starts with the field it is about. */
			assert_int_equal(strncmp(err.se_message, field,
			    strlen(field)), 0);
			bad++;
		}
		posting_free(p);
	}
	assert_true(good >= 5);
	assert_true(bad >= 20);
	json_decref(doc);
}

static void
test_parsed_fields(void **state)
{
	struct submission_error err;
	struct posting *p;
	json_t *doc;

	doc = json_pack("{s:s,s:s}", "title", "花壇の手入れ", "start",
	    "2026-04-05");
	p = submission_parse(doc, &err);
	assert_non_null(p);
	assert_true(p->pst_all_day);
	assert_string_equal(p->pst_start, "2026-04-05");
	assert_int_equal(p->pst_status, POSTING_OPEN);
	posting_free(p);
	json_decref(doc);

	/* Not an object at all. */
	doc = json_pack("[s]", "title");
	assert_null(submission_parse(doc, &err));
	assert_string_equal(err.se_field, "(body)");
	json_decref(doc);
}

static struct posting *
current(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p0");
	posting_set(&p->pst_title, "清掃");
	posting_set(&p->pst_start, "2026-03-01T10:00:00+09:00");
	posting_set(&p->pst_end, "2026-03-01T12:00:00+09:00");
	return p;
}

static void
check_edit(const char *patch_text, const char *field)
{
	struct submission_error err;
	struct posting *p = current();
	json_t *patch = json_loads(patch_text, 0, NULL);
	int rc;

	assert_non_null(patch);
	rc = submission_check_edit(patch, p, &err);
	if (field == NULL && rc != 0)
		fail_msg("%s: refused: %s", patch_text, err.se_message);
	if (field != NULL) {
		if (rc == 0)
			fail_msg("%s: accepted", patch_text);
		if (strcmp(err.se_field, field) != 0)
			fail_msg("%s: field '%s', not '%s'", patch_text,
			    err.se_field, field);
	}
	json_decref(patch);
	posting_free(p);
}

static void
test_edits(void **state)
{
	check_edit("{\"title\": \"清掃（雨天決行）\"}", NULL);
	check_edit("{\"status\": \"cancelled\"}", NULL);
	check_edit("{\"place\": null}", NULL);
	check_edit("{\"end\": \"2026-03-01T13:00:00+09:00\"}", NULL);
	/* The merged posting is checked across fields. */
	check_edit("{\"end\": \"2026-03-01T09:00:00+09:00\"}", "end");
	check_edit("{\"start\": \"2026-03-01T13:00:00+09:00\"}", "end");
	check_edit("{\"deadline\": \"2026-03-02T00:00:00+09:00\"}",
	    "deadline");
	check_edit("{\"start\": \"2026-03-01\"}", "start");
	check_edit("{\"start\": \"2026-03-01\", \"end\": \"2026-03-01\", "
	    "\"all_day\": true}", NULL);
	check_edit("{\"title\": null}", "title");
	check_edit("{\"start\": null}", "start");
	check_edit("{\"area\": \"232107\"}", "area");
	check_edit("{\"revision\": 9}", "revision");
	check_edit("{}", "(body)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_parsed_fields),
		cmocka_unit_test(test_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
