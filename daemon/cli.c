/*
 * cli.c — tsunagu, the command-line client of the admin API.  It uses only
 * the public HTTP API, like any other script would.
 *
 *   tsunagu [--url URL] [--token TOKEN] [--json] COMMAND [ARG]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../feeds/buf.h"

#define CLI_MAX_REPLY	(64 * 1024 * 1024)

struct cli {
	const char	*url;
	const char	*token;
	int		 json;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

/* Performs one request; the parsed JSON reply or NULL (reported). */
static json_t *
cli_request(const struct cli *c, const char *method, const char *path,
    long *status)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *auth = NULL, errbuf[CURL_ERROR_SIZE] = "";
	struct buf body;
	json_t *doc = NULL;
	json_error_t jerr;
	CURLcode rc;

	buf_init(&body, CLI_MAX_REPLY);
	if (asprintf(&url, "%s%s", c->url, path) < 0 ||
	    asprintf(&auth, "Authorization: Bearer %s", c->token ? c->token :
	    "") < 0)
		goto done;
	hdrs = curl_slist_append(hdrs, auth);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "POST") == 0)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		fprintf(stderr, "tsunagu: %s: %s\n", url, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	doc = json_loadb(body.data ? body.data : "", body.len, 0, &jerr);
	if (doc == NULL)
		fprintf(stderr, "tsunagu: %s: HTTP %ld, not JSON: %s\n", url,
		    *status, jerr.text);
done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	buf_free(&body);
	free(url);
	free(auth);
	return doc;
}

static void
print_json(const json_t *doc)
{
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
}

static const char *
str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static int
print_sources(const json_t *doc)
{
	const json_t *src;
	size_t i;

	printf("%-24s %-10s %-6s %-25s %-25s %s\n", "NAME", "KIND", "HTTP",
	    "LAST SUCCESS", "NEXT POLL", "ERROR");
	json_array_foreach(json_object_get(doc, "sources"), i, src)
		printf("%-24s %-10s %-6lld %-25s %-25s %s\n", str(src, "name"),
		    str(src, "kind"), (long long)json_integer_value(
		    json_object_get(src, "http_status")),
		    str(src, "last_success"), str(src, "next_poll"),
		    str(src, "error"));
	return 0;
}

struct command {
	const char	*cmd_name;
	const char	*cmd_usage;
	const char	*cmd_method;
	const char	*cmd_path;	/* the argument follows it, */
	const char	*cmd_suffix;	/* then this */
	int		 cmd_nargs;
	int		(*cmd_print)(const json_t *);
};

static const struct command commands[] = {
	{ "sources", "sources", "GET", "/api/v1/sources", "", 0,
	    print_sources },
	{ "source", "source NAME", "GET", "/api/v1/sources/", "", 1, NULL },
	{ "fetch", "fetch NAME", "POST", "/api/v1/sources/", "/fetch", 1,
	    NULL },
	{ "health", "health", "GET", "/healthz", "", 0, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

static __attribute__((noreturn)) void
usage(void)
{
	const struct command *cmd;

	fprintf(stderr, "usage: tsunagu [--url URL] [--token TOKEN] [--json] "
	    "COMMAND\ncommands:\n");
	for (cmd = commands; cmd->cmd_name; cmd++)
		fprintf(stderr, "  %s\n", cmd->cmd_usage);
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli c = { getenv("TSUNAGU_URL"), getenv("TSUNAGU_TOKEN"), 0 };
	const struct command *cmd;
	char path[1024], base[1024], *escaped = NULL;
	json_t *doc;
	long status = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "u:t:j", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			c.url = optarg;
			break;
		case 't':
			c.token = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (c.url == NULL)
		c.url = "http://127.0.0.1:8080";
	/* "http://host/" + "/api/v1" would be "//api/v1". */
	snprintf(base, sizeof(base), "%s", c.url);
	while (*base && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	c.url = base;
	for (cmd = commands; cmd->cmd_name; cmd++)
		if (strcmp(cmd->cmd_name, argv[0]) == 0)
			break;
	if (cmd->cmd_name == NULL || argc - 1 != cmd->cmd_nargs)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cmd->cmd_nargs) {
		escaped = curl_easy_escape(NULL, argv[1], 0);
		snprintf(path, sizeof(path), "%s%s%s", cmd->cmd_path, escaped,
		    cmd->cmd_suffix);
		curl_free(escaped);
	} else
		snprintf(path, sizeof(path), "%s", cmd->cmd_path);
	if ((doc = cli_request(&c, cmd->cmd_method, path, &status)) == NULL) {
		curl_global_cleanup();
		return 1;
	}
	rc = status >= 200 && status < 300 ? 0 : 1;
	if (rc != 0) {
		const char *msg = json_string_value(json_object_get(
		    json_object_get(doc, "error"), "message"));

		fprintf(stderr, "tsunagu: HTTP %ld: %s\n", status,
		    msg ? msg : "no message");
	}
	else if (c.json || cmd->cmd_print == NULL)
		print_json(doc);
	else
		cmd->cmd_print(doc);
	json_decref(doc);
	curl_global_cleanup();
	return rc;
}
