/*
 * cmd_moderation.c — queue, posting reject, audit.
 *
 * The queue is what coordinators decide on; approval is "posting
 * approve" (cmd_postings.c).  The audit trail is shown as a table, as the
 * API's JSON (--json), or exported as the API's CSV (--csv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

#define CSV_MAX		(256 * 1024 * 1024)
#define CSV_TIMEOUT	300L	/* seconds, for a whole export */

static const struct cli_column queue_columns[] = {
	{ "ID", "id", 22 },
	{ "WAITING SINCE", "waiting_since", 25 },
	{ "FROM", "from", 24 },
	{ "START", "start", 25 },
	{ "TITLE", "title", 40 },
	{ NULL, NULL, 0 }
};

static const struct cli_column audit_columns[] = {
	{ "ID", "id", 8 },
	{ "AT", "at", 25 },
	{ "ACTION", "action", 8 },
	{ "POSTING", "posting", 22 },
	{ "WHO", "who", 36 },
	{ "CHANGED", "changed", 40 },
	{ "REASON", "reason", 40 },
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
run_queue(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct cli_opt opts[] = { { "limit", 0, NULL }, { NULL, 0, NULL } };
	struct buf path;
	json_t *doc, *item, *from, *src;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	buf_init(&path, 4096);
	buf_puts(&path, "/api/v1/moderation");
	query_add(&path, "limit", opts[0].co_value);
	rc = cli_call(c, "GET", path.data, NULL, &doc);
	buf_free(&path);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(doc, "queue"), i, item) {
			/* A submission names its group, else its source. */
			from = json_object_get(item, "submitted_by");
			src = json_array_get(json_object_get(item, "sources"), 0);
			if (!json_is_string(from))
				from = json_object_get(src, "source");
			if (json_is_string(from))
				json_object_set(item, "from", from);
		}
		cli_print_table(json_object_get(doc, "queue"), queue_columns);
		printf("%lld pending\n", (long long)json_integer_value(
		    json_object_get(doc, "total")));
	}
	json_decref(doc);
	return rc;
}

static int
run_reject(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct cli_opt opts[] = { { "reason", 0, NULL }, { NULL, 0, NULL } };
	char *pos[1];
	json_t *body;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	if (opts[0].co_value == NULL)
		return cli_usage(cmd, "--reason is required: the group reads "
		    "it");
	body = json_pack("{s:s}", "reason", opts[0].co_value);
	rc = cli_show(c, "POST", cli_path("postings", pos[0], "reject",
	    NULL), body);
	json_decref(body);
	return rc;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

/* The CSV export, written to standard output as the daemon sent it. */
static int
export_csv(struct cli *c, const char *path)
{
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *auth = NULL, errbuf[CURL_ERROR_SIZE] = "";
	struct buf reply;
	json_t *err;
	long status = 0;
	CURL *h;
	int rc = CLI_UNREACHABLE;

	if ((h = curl_easy_init()) == NULL)
		return CLI_UNREACHABLE;
	buf_init(&reply, CSV_MAX);
	if (asprintf(&url, "%s%s", c->cl_url, path) < 0)
		goto done;
	if (c->cl_token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    c->cl_token) < 0)
			goto done;
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CSV_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (curl_easy_perform(h) != CURLE_OK) {
		fprintf(stderr, "tsunagu: %s: %s\n", c->cl_url, errbuf[0] ?
		    errbuf : "the request failed");
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300) {
		if (reply.len > 0)
			fwrite(reply.data, 1, reply.len, stdout);
		rc = fflush(stdout) == 0 ? CLI_OK : CLI_UNREACHABLE;
		goto done;
	}
	err = json_loadb(reply.data ? reply.data : "", reply.len, 0, NULL);
	fprintf(stderr, "tsunagu: %s (HTTP %ld)\n",
	    json_string_value(json_object_get(err, "error")) ?
	    json_string_value(json_object_get(err, "error")) : "error",
	    status);
	json_decref(err);
	rc = err != NULL ? CLI_REFUSED : CLI_UNREACHABLE;
 done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	buf_free(&reply);
	free(url);
	if (auth != NULL) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	return rc;
}

/* "who" and "changed" columns for people. */
static void
describe(json_t *row)
{
	const char *key, *org, *label;
	json_t *v, *changes = json_object_get(row, "changes");
	struct buf b;

	buf_init(&b, 4096);
	json_object_foreach(changes, key, v) {
		if (b.len > 0)
			buf_puts(&b, ", ");
		if (strcmp(key, "moderation") == 0)
			buf_printf(&b, "%s→%s", json_string_value(
			    json_object_get(v, "from")) ? json_string_value(
			    json_object_get(v, "from")) : "-",
			    json_string_value(json_object_get(v, "to")) ?
			    json_string_value(json_object_get(v, "to")) : "-");
		else
			buf_puts(&b, key);
	}
	json_object_set_new(row, "changed", json_string(b.data ? b.data : ""));
	buf_reset(&b);
	org = json_string_value(json_object_get(row, "organization"));
	label = json_string_value(json_object_get(row, "label"));
	buf_printf(&b, "%s%s%s %s%s%s%s",
	    json_string_value(json_object_get(row, "role")) ?
	    json_string_value(json_object_get(row, "role")) : "-",
	    org ? ":" : "", org ? org : "",
	    json_string_value(json_object_get(row, "token")) ?
	    json_string_value(json_object_get(row, "token")) : "-",
	    label ? " (" : "", label ? label : "", label ? ")" : "");
	json_object_set_new(row, "who", json_string(b.data ? b.data : ""));
	buf_free(&b);
}

static int
run_audit(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	/* Each but csv is a query parameter of the same name. */
	struct cli_opt opts[] = { { "since", 0, NULL },
	    { "posting", 0, NULL }, { "actor", 0, NULL },
	    { "limit", 0, NULL }, { "before", 0, NULL },
	    { "csv", 1, NULL }, { NULL, 0, NULL } };
	struct buf path;
	const char *next;
	json_t *doc, *row;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, opts, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	buf_init(&path, 16 * 1024);
	buf_puts(&path, "/api/v1/audit");
	for (i = 0; opts[i].co_name && !opts[i].co_flag; i++)
		query_add(&path, opts[i].co_name, opts[i].co_value);
	if (opts[5].co_value != NULL) {
		query_add(&path, "format", "csv");
		rc = export_csv(c, path.data);
		buf_free(&path);
		return rc;
	}
	rc = cli_call(c, "GET", path.data, NULL, &doc);
	buf_free(&path);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(doc, "audit"), i, row)
			describe(row);
		cli_print_table(json_object_get(doc, "audit"), audit_columns);
		if ((next = json_string_value(json_object_get(doc, "next"))))
			fprintf(stderr, "tsunagu: more: tsunagu audit "
			    "--before %s\n", next);
	}
	json_decref(doc);
	return rc;
}

const struct cli_command cli_moderation_commands[] = {
	{ "queue", "[--limit N]", "pending postings, the longest waiting "
	    "first", run_queue, NULL, NULL, NULL },
	{ "posting reject", "ID --reason TEXT", "reject a pending posting; "
	    "its group reads the reason", run_reject, NULL, NULL, NULL },
	{ "audit", "[--since DATE] [--posting ID] [--actor TOKEN|ORG] "
	    "[--limit N] [--before CURSOR] [--csv]", "who decided and edited "
	    "what, newest first; --csv exports", run_audit, NULL, NULL,
	    NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
