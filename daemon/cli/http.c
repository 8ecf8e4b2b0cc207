/* http.c — one request to the admin API per call, through libcurl. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

#define CLI_MAX_REPLY		(64 * 1024 * 1024)
#define CLI_TIMEOUT		60L	/* seconds, for the whole request */
#define CLI_CONNECT_TIMEOUT	10L

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

char *
cli_path(const char *first, ...)
{
	struct buf path;
	const char *seg;
	char *escaped;
	va_list ap;

	buf_init(&path, 16 * 1024);
	buf_puts(&path, "/api/v1");
	va_start(ap, first);
	for (seg = first; seg != NULL; seg = va_arg(ap, const char *)) {
		escaped = curl_easy_escape(NULL, seg, 0);
		buf_printf(&path, "/%s", escaped ? escaped : "");
		curl_free(escaped);
	}
	va_end(ap);
	return buf_release(&path, NULL);
}

static void
report_error(long status, const json_t *doc)
{
	const json_t *e = json_object_get(doc, "error");
	const char *msg = json_string_value(e);

	/* The shape before 0.2: {"error": {"status": N, "message": "..."}}. */
	if (msg == NULL)
		msg = json_string_value(json_object_get(e, "message"));
	fprintf(stderr, "tsunagu: %s (HTTP %ld)\n", msg ? msg : "error",
	    status);
}

int
cli_call(struct cli *c, const char *method, const char *path,
    const json_t *body, json_t **doc)
{
	CURL *h;
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *auth = NULL, *text = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct buf reply;
	json_error_t jerr;
	long status = 0;
	CURLcode rc;
	int ret = CLI_UNREACHABLE;

	*doc = NULL;
	if ((h = curl_easy_init()) == NULL) {
		fprintf(stderr, "tsunagu: libcurl cannot start\n");
		return CLI_UNREACHABLE;
	}
	buf_init(&reply, CLI_MAX_REPLY);
	if (asprintf(&url, "%s%s", c->cl_url, path) < 0)
		goto done;
	if (c->cl_token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    c->cl_token) < 0)
			goto done;
		hdrs = curl_slist_append(hdrs, auth);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (body != NULL) {
		if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
			goto done;
		hdrs = curl_slist_append(hdrs,
		    "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	} else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CLI_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CLI_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		fprintf(stderr, "tsunagu: %s: %s\n", c->cl_url, errbuf[0] ?
		    errbuf : curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	*doc = json_loadb(reply.data ? reply.data : "", reply.len, 0, &jerr);
	if (*doc == NULL) {
		fprintf(stderr, "tsunagu: %s answered HTTP %ld without the "
		    "API's JSON (%s); is --url the daemon's address?\n",
		    c->cl_url, status, jerr.text);
		goto done;
	}
	if (status >= 200 && status < 300)
		ret = CLI_OK;
	else {
		report_error(status, *doc);
		ret = CLI_REFUSED;
	}
 done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	buf_free(&reply);
	free(url);
	if (auth != NULL) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	free(text);
	return ret;
}

int
cli_show(struct cli *c, const char *method, char *path, const json_t *body)
{
	json_t *doc;
	int rc;

	rc = cli_call(c, method, path, body, &doc);
	free(path);
	/* A script gets the error's JSON too: it names the field. */
	if (doc != NULL && (rc == CLI_OK || c->cl_json)) {
		if (c->cl_json)
			cli_print_json(doc);
		else
			cli_print_object(doc);
	}
	json_decref(doc);
	return rc;
}

int
cli_run_named(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	char *pos[1];
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	return cli_show(c, cmd->cc_method, cli_path(cmd->cc_resource, pos[0],
	    cmd->cc_action, NULL), NULL);
}
