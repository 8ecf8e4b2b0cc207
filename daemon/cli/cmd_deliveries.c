/*
 * cmd_deliveries.c — deliveries [NAME], delivery ID, redeliver NAME ID,
 * recover NAME --since TIME: the webhook deliveries of the admin API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

static const struct cli_column delivery_columns[] = {
	{ "ID", "id", 10 },
	{ "SUBSCRIBER", "subscriber", 20 },
	{ "TYPE", "type", 17 },
	{ "POSTING", "posting", 22 },
	{ "REV", "revision", 4 },
	{ "STATUS", "status", 9 },
	{ "TRIES", "attempts", 5 },
	{ "LAST", "last_attempt", 25 },
	{ "ERROR", "last_error", 40 },
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
	struct cli_opt opts[] = { { "status", 0, NULL },
	    { "since", 0, NULL }, { "limit", 0, NULL }, { "before", 0, NULL },
	    { NULL, 0, NULL } };
	struct buf path;
	const char *next;
	char *pos[1] = { NULL }, *base;
	json_t *doc;
	int rc, npos, i;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 0, 1, &npos)) !=
	    CLI_OK)
		return rc;
	base = npos ? cli_path("subscribers", pos[0], "deliveries", NULL) :
	    cli_path("deliveries", NULL);
	buf_init(&path, 16 * 1024);
	buf_puts(&path, base);
	free(base);
	for (i = 0; opts[i].co_name; i++)
		query_add(&path, opts[i].co_name, opts[i].co_value);
	rc = cli_call(c, "GET", path.data, NULL, &doc);
	buf_free(&path);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		cli_print_table(json_object_get(doc, "deliveries"),
		    delivery_columns);
		if ((next = json_string_value(json_object_get(doc,
		    "next_before"))))
			fprintf(stderr, "tsunagu: more: add --before %s\n",
			    next);
	}
	json_decref(doc);
	return rc;
}

static int
run_redeliver(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	char *pos[2];
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, pos, 2, 2, &npos)) !=
	    CLI_OK)
		return rc;
	return cli_show(c, "POST", cli_path("subscribers", pos[0],
	    "deliveries", pos[1], "redeliver", NULL), NULL);
}

static int
run_recover(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct cli_opt opts[] = { { "since", 0, NULL }, { NULL, 0, NULL } };
	struct buf path;
	char *pos[1], *base;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	if (opts[0].co_value == NULL)
		return cli_usage(cmd, "--since is required");
	base = cli_path("subscribers", pos[0], "recover", NULL);
	buf_init(&path, 16 * 1024);
	buf_puts(&path, base);
	free(base);
	query_add(&path, "since", opts[0].co_value);
	rc = cli_show(c, "POST", buf_release(&path, NULL), NULL);
	buf_free(&path);
	return rc;
}

const struct cli_command cli_delivery_commands[] = {
	{ "deliveries", "[NAME] [--status S] [--since TIME] [--limit N] "
	    "[--before ID]", "webhook deliveries, newest first (a "
	    "subscriber's, or every one)", run_list, NULL, NULL, NULL },
	{ "delivery", "ID", "one delivery with every attempt", cli_run_named,
	    "GET", "deliveries", NULL },
	{ "redeliver", "NAME DELIVERY", "send a delivery again (same "
	    "webhook-id)", run_redeliver, NULL, NULL, NULL },
	{ "recover", "NAME --since TIME", "send again every failed or missing "
	    "delivery since TIME", run_recover, NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
