/*
 * cmd_hub.c — hub [--topic URL] [--callback-host HOST]: the WebSub hub's
 * subscriptions (GET /api/v1/hub/subscriptions), live or lapsed; never a
 * secret, only whether there is one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

static const struct cli_column subscription_columns[] = {
	{ "CALLBACK", "callback", 40 },
	{ "TOPIC", "topic", 40 },
	{ "LIVE", "live", 4 },
	{ "EXPIRES", "expires", 25 },
	{ "SECRET", "secret", 6 },
	{ "PENDING", "pending", 7 },
	{ "ERROR", "last_error", 40 },
	{ NULL, NULL, 0 }
};

static int
run_subscriptions(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	/* Each is the query parameter of that name, '-' as '_'. */
	struct cli_opt opts[] = { { "topic", 0, NULL },
	    { "callback-host", 0, NULL }, { NULL, 0, NULL } };
	static const char *const keys[] = { "topic", "callback_host" };
	struct buf path;
	char *base, *escaped;
	json_t *doc;
	int rc, npos, i;

	if ((rc = cli_parse(cmd, argc, argv, opts, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	base = cli_path("hub", "subscriptions", NULL);
	buf_init(&path, 16 * 1024);
	buf_puts(&path, base);
	free(base);
	for (i = 0; opts[i].co_name; i++) {
		if (opts[i].co_value == NULL)
			continue;
		escaped = curl_easy_escape(NULL, opts[i].co_value, 0);
		buf_printf(&path, "%c%s=%s", strchr(path.data, '?') ? '&' : '?',
		    keys[i], escaped ? escaped : "");
		curl_free(escaped);
	}
	rc = cli_call(c, "GET", path.data, NULL, &doc);
	buf_free(&path);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		cli_print_table(json_object_get(doc, "subscriptions"),
		    subscription_columns);
		fprintf(stderr, "tsunagu: hub %s, %lld live of at most %lld\n",
		    json_is_true(json_object_get(doc, "enabled")) ? "on" :
		    "off", (long long)json_integer_value(json_object_get(doc,
		    "live")), (long long)json_integer_value(json_object_get(doc,
		    "max_subscriptions")));
	}
	json_decref(doc);
	return rc;
}

const struct cli_command cli_hub_commands[] = {
	{ "hub", "[--topic URL] [--callback-host HOST]", "the WebSub hub's "
	    "subscriptions, live or lapsed", run_subscriptions, NULL, NULL,
	    NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
