/*
 * cmd_subscribers.c — subs, sub add|set|rm|show|rotate|disable|enable|
 * feed-token|ping (deliveries: cmd_deliveries.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const struct cli_column sub_columns[] = {
	{ "NAME", "name", 24 },
	{ "ORIGIN", "origin", 6 },
	{ "STATE", "state", 8 },
	{ "FEED", "feed", 7 },
	{ "WEBHOOK", "webhook", 50 },
	{ "FILTER", "filter", 40 },
	{ NULL, NULL, 0 }
};

static int
run_list(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	json_t *doc, *sub;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	rc = cli_call(c, "GET", "/api/v1/subscribers", NULL, &doc);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(doc, "subscribers"), i,
		    sub) {
			json_object_set_new(sub, "state", json_string(
			    json_is_true(json_object_get(sub, "disabled")) ?
			    "disabled" : "enabled"));
			json_object_set_new(sub, "feed", json_string(
			    json_is_true(json_object_get(sub, "private")) ?
			    "private" : "public"));
		}
		cli_print_table(json_object_get(doc, "subscribers"),
		    sub_columns);
	}
	json_decref(doc);
	return rc;
}

/* After a secret or token is shown: it is never shown again. */
static void
shown_once(const struct cli *c, int rc)
{
	if (rc == CLI_OK && !c->cl_json)
		fprintf(stderr, "tsunagu: the secret above is shown once; "
		    "store it now\n");
}

/* The options of add and set, by index: set has no --private. */
enum { OPT_WEBHOOK, OPT_FILTER, OPT_PRIVATE, OPT_NO_WEBHOOK = OPT_PRIVATE };

static int
run_add(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "webhook", 0, NULL },
	    { "filter", 0, NULL }, { "private", 1, NULL },
	    { NULL, 0, NULL } };
	char *pos[1];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	body = json_pack("{s:s}", "name", pos[0]);
	if (opts[OPT_WEBHOOK].co_value)
		json_object_set_new(body, "webhook",
		    json_string(opts[OPT_WEBHOOK].co_value));
	if (opts[OPT_FILTER].co_value)
		json_object_set_new(body, "filter",
		    json_string(opts[OPT_FILTER].co_value));
	if (opts[OPT_PRIVATE].co_value)
		json_object_set_new(body, "private", json_true());
	rc = cli_show(c, "POST", cli_path("subscribers", NULL), body);
	shown_once(c, rc);
	json_decref(body);
	return rc;
}

static int
run_set(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "webhook", 0, NULL },
	    { "filter", 0, NULL }, { "no-webhook", 1, NULL },
	    { NULL, 0, NULL } };
	char *pos[1];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	if (opts[OPT_WEBHOOK].co_value && opts[OPT_NO_WEBHOOK].co_value)
		return cli_usage(cmd, "--webhook or --no-webhook, not both");
	body = json_object();
	if (opts[OPT_WEBHOOK].co_value)
		json_object_set_new(body, "webhook",
		    json_string(opts[OPT_WEBHOOK].co_value));
	if (opts[OPT_NO_WEBHOOK].co_value)
		json_object_set_new(body, "webhook", json_null());
	if (opts[OPT_FILTER].co_value)
		json_object_set_new(body, "filter",
		    json_string(opts[OPT_FILTER].co_value));
	if (json_object_size(body) == 0)
		rc = cli_usage(cmd, "nothing to change");
	else
		rc = cli_show(c, "PATCH", cli_path("subscribers", pos[0],
		    NULL), body);
	json_decref(body);
	return rc;
}

/* A NAME command whose answer holds a secret or token shown once. */
static int
run_secret(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	int rc = cli_run_named(c, cmd, argc, argv);

	shown_once(c, rc);
	return rc;
}

static int
run_feed_token(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct cli_opt opts[] = { { "remove", 1, NULL }, { NULL, 0, NULL } };
	char *pos[1];
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	if (opts[0].co_value)
		return cli_show(c, "DELETE", cli_path("subscribers", pos[0],
		    "feed-token", NULL), NULL);
	rc = cli_show(c, "POST", cli_path("subscribers", pos[0],
	    "feed-token", NULL), NULL);
	shown_once(c, rc);
	return rc;
}

const struct cli_command cli_subscriber_commands[] = {
	{ "subs", "", "every subscriber", run_list, NULL, NULL, NULL },
	{ "sub show", "NAME", "one subscriber", cli_run_named,
	    "GET", "subscribers", NULL },
	{ "sub add", "NAME [--webhook URL] [--filter FILTER] [--private]",
	    "add a subscriber; prints its secret once", run_add,
	    NULL, NULL, NULL },
	{ "sub set", "NAME [--webhook URL | --no-webhook] [--filter FILTER]",
	    "change a subscriber made through the API", run_set,
	    NULL, NULL, NULL },
	{ "sub rm", "NAME", "delete a subscriber made through the API",
	    cli_run_named, "DELETE", "subscribers", NULL },
	{ "sub rotate", "NAME", "a new webhook secret, printed once",
	    run_secret, "POST", "subscribers", "rotate" },
	{ "sub disable", "NAME", "stop deliveries", cli_run_named,
	    "POST", "subscribers", "disable" },
	{ "sub enable", "NAME", "resume deliveries", cli_run_named,
	    "POST", "subscribers", "enable" },
	{ "sub feed-token", "NAME [--remove]", "make the feed private with a "
	    "new token (printed once), or public again", run_feed_token,
	    NULL, NULL, NULL },
	{ "sub ping", "NAME", "send a ping webhook", cli_run_named,
	    "POST", "subscribers", "ping" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
