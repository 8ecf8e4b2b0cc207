/*
 * cmd_sources.c — sources, source add|set|rm|show|health|pause|resume|
 * fetch, fetch, health.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const struct cli_column source_columns[] = {
	{ "NAME", "name", 24 },
	{ "KIND", "kind", 10 },
	{ "ORIGIN", "origin", 6 },
	{ "STATE", "state", 7 },
	{ "HTTP", "http_status", 4 },
	{ "LAST SUCCESS", "last_success", 25 },
	{ "NEXT POLL", "next_poll", 25 },
	{ "ERROR", "error", 50 },
	{ NULL, NULL, 0 }
};

static int
run_list(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	json_t *doc, *src;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	rc = cli_call(c, "GET", "/api/v1/sources", NULL, &doc);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(doc, "sources"), i, src)
			json_object_set_new(src, "state", json_string(
			    json_is_true(json_object_get(src, "paused")) ?
			    "paused" : json_is_string(json_object_get(src,
			    "error")) ? "failing" : "ok"));
		cli_print_table(json_object_get(doc, "sources"),
		    source_columns);
	}
	json_decref(doc);
	return rc;
}

enum { OPT_URL, OPT_KIND, OPT_FORMAT, OPT_INTERVAL };

/* --url, --kind, --format, --interval into a JSON object. */
static int
definition(const struct cli_command *cmd, const struct cli_opt *opts,
    json_t *body)
{
	static const char *const keys[] = { "url", "kind", "format" };
	const char *iv = opts[OPT_INTERVAL].co_value;
	char *end;
	long n;
	int i;

	for (i = OPT_URL; i <= OPT_FORMAT; i++)
		if (opts[i].co_value)
			json_object_set_new(body, keys[i],
			    json_string(opts[i].co_value));
	if (iv != NULL) {
		n = strtol(iv, &end, 10);
		if (*iv == '\0' || *end != '\0' || n < 1)
			return cli_usage(cmd, "--interval: seconds, 1 or "
			    "more");
		json_object_set_new(body, "interval", json_integer(n));
	}
	return CLI_OK;
}

static int
run_add(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "url", 0, NULL }, { "kind", 0, NULL },
	    { "format", 0, NULL }, { "interval", 0, NULL },
	    { NULL, 0, NULL } };
	char *pos[2];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 2, 2, &npos)) !=
	    CLI_OK)
		return rc;
	if (opts[OPT_KIND].co_value == NULL)
		return cli_usage(cmd, "--kind is required (city, shakyo, "
		    "corporate, civic or federation)");
	opts[OPT_URL].co_value = pos[1];
	body = json_pack("{s:s}", "name", pos[0]);
	if ((rc = definition(cmd, opts, body)) == CLI_OK)
		rc = cli_show(c, "POST", cli_path("sources", NULL), body);
	json_decref(body);
	return rc;
}

static int
run_set(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "url", 0, NULL }, { "kind", 0, NULL },
	    { "format", 0, NULL }, { "interval", 0, NULL },
	    { NULL, 0, NULL } };
	char *pos[1];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	body = json_object();
	if ((rc = definition(cmd, opts, body)) == CLI_OK) {
		if (json_object_size(body) == 0)
			rc = cli_usage(cmd, "nothing to change");
		else
			rc = cli_show(c, "PATCH", cli_path("sources", pos[0],
			    NULL), body);
	}
	json_decref(body);
	return rc;
}

static int
run_daemon_health(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	return cli_show(c, "GET", strdup("/healthz"), NULL);
}

const struct cli_command cli_source_commands[] = {
	{ "sources", "", "every source with its health", run_list,
	    NULL, NULL, NULL },
	{ "source show", "NAME", "one source", cli_run_named,
	    "GET", "sources", NULL },
	{ "source add", "NAME URL --kind KIND [--format FORMAT] "
	    "[--interval SECONDS]", "add a source", run_add,
	    NULL, NULL, NULL },
	{ "source set", "NAME [--url URL] [--kind KIND] [--format FORMAT] "
	    "[--interval SECONDS]", "change a source made through the API",
	    run_set, NULL, NULL, NULL },
	{ "source rm", "NAME", "delete a source made through the API",
	    cli_run_named, "DELETE", "sources", NULL },
	{ "source health", "NAME", "a source's health and identity fallback",
	    cli_run_named, "GET", "sources", "health" },
	{ "source pause", "NAME", "stop polling a source", cli_run_named,
	    "POST", "sources", "pause" },
	{ "source resume", "NAME", "poll a paused source again",
	    cli_run_named, "POST", "sources", "resume" },
	{ "source fetch", "NAME", "poll a source now", cli_run_named,
	    "POST", "sources", "fetch" },
	{ "fetch", "NAME", "the same as source fetch", cli_run_named,
	    "POST", "sources", "fetch" },
	{ "health", "", "the daemon's /healthz (needs no token)",
	    run_daemon_health, NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
