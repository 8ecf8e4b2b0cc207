/*
 * cmd_postings.c — postings, post FILE, posting show|edit|withdraw|approve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

static const struct cli_column posting_columns[] = {
	{ "ID", "id", 22 },
	{ "MODERATION", "moderation", 10 },
	{ "STATUS", "status", 9 },
	{ "START", "start", 25 },
	{ "TITLE", "title", 40 },
	{ "SUBMITTED BY", "submitted_by", 24 },
	{ NULL, NULL, 0 }
};

static void
query_add(struct buf *path, const char *key, const char *value)
{
	char *escaped;

	if (value == NULL)
		return;
	escaped = curl_easy_escape(NULL, value, 0);
	buf_printf(path, "%c%s=%s", strchr(path->data, '?') ? '&' : '?', key,
	    escaped ? escaped : "");
	curl_free(escaped);
}

static int
run_list(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	/* Each is a query parameter of the same name. */
	struct cli_opt opts[] = { { "moderation", 0, NULL },
	    { "limit", 0, NULL }, { "after", 0, NULL }, { "kind", 0, NULL },
	    { "status", 0, NULL }, { "source", 0, NULL },
	    { "category", 0, NULL }, { "area", 0, NULL }, { "q", 0, NULL },
	    { "from", 0, NULL }, { "to", 0, NULL }, { NULL, 0, NULL } };
	struct buf path;
	const char *next;
	json_t *doc;
	int rc, npos, i;

	if ((rc = cli_parse(cmd, argc, argv, opts, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	buf_init(&path, 16 * 1024);
	buf_puts(&path, "/api/v1/postings");
	for (i = 0; opts[i].co_name; i++)
		query_add(&path, opts[i].co_name, opts[i].co_value);
	rc = cli_call(c, "GET", path.data, NULL, &doc);
	buf_free(&path);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		cli_print_table(json_object_get(doc, "postings"),
		    posting_columns);
		if ((next = json_string_value(json_object_get(doc, "next"))))
			fprintf(stderr, "tsunagu: more: tsunagu postings "
			    "--after %s\n", next);
	}
	json_decref(doc);
	return rc;
}

static int
run_post(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	char *pos[1];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	if ((body = cli_read_json_file(pos[0])) == NULL)
		return CLI_USAGE;
	rc = cli_show(c, "POST", cli_path("postings", NULL), body);
	json_decref(body);
	return rc;
}

static int
run_edit(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	char *pos[2];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, pos, 2, 2, &npos)) !=
	    CLI_OK)
		return rc;
	if ((body = cli_read_json_file(pos[1])) == NULL)
		return CLI_USAGE;
	rc = cli_show(c, "PATCH", cli_path("postings", pos[0], NULL), body);
	json_decref(body);
	return rc;
}

const struct cli_command cli_posting_commands[] = {
	{ "postings", "[--moderation STATE] [--limit N] [--after CURSOR] "
	    "[--kind K] [--status S] [--source NAME] [--category C] "
	    "[--area CODE] [--q TEXT] [--from DATE] [--to DATE]",
	    "postings, newest first; the feed filters search published ones",
	    run_list, NULL, NULL, NULL },
	{ "post", "FILE", "submit the posting in FILE (JSON; - for standard "
	    "input)", run_post, NULL, NULL, NULL },
	{ "posting show", "ID", "one posting, where it comes from, its edits",
	    cli_run_named, "GET", "postings", NULL },
	{ "posting edit", "ID FILE", "change the fields given in FILE (JSON)",
	    run_edit, NULL, NULL, NULL },
	{ "posting withdraw", "ID", "withdraw a posting", cli_run_named,
	    "POST", "postings", "withdraw" },
	{ "posting approve", "ID", "publish a pending submission",
	    cli_run_named, "POST", "postings", "approve" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
