/* api.c — JSON shapes and request checks shared by the /api/v1 resources. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "../../feeds/date.h"
#include "../../feeds/posting_json.h"
#include "api.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_filter.h"
#include "netguard.h"
#include "reply.h"
#include "store.h"

json_t *
api_time(int64_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	return json_string(buf);
}

json_t *
api_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
api_source_json(const struct source_health *sh)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:o,s:o,s:o,s:I,"
	    "s:o,s:o,s:i,s:I,s:I,s:I}",
	    "name", sh->sh_name,
	    "url", sh->sh_url,
	    "kind", sh->sh_kind,
	    "format", sh->sh_format,
	    "origin", sh->sh_origin,
	    "interval", (json_int_t)sh->sh_interval,
	    "paused", sh->sh_paused,
	    "last_attempt", api_time(sh->sh_last_attempt),
	    "last_success", api_time(sh->sh_last_success),
	    "next_poll", api_time(sh->sh_next_poll),
	    "http_status", (json_int_t)sh->sh_http_status,
	    "error", api_string(sh->sh_error),
	    "error_code", api_string(sh->sh_error_code),
	    "failures", sh->sh_failures,
	    "fetches", (json_int_t)sh->sh_fetches,
	    "errors", (json_int_t)sh->sh_errors,
	    "postings", (json_int_t)sh->sh_postings);
}

json_t *
api_posting_json(struct http_request *hr, const struct posting *p,
    const char *moderation, const char *organization)
{
	const struct config *cf = hr->hr_daemon->d_conf;
	json_t *o;

	if ((o = posting_to_storage_json(p)) == NULL)
		return json_pack("{s:s,s:s}", "id", p->pst_id ? p->pst_id : "",
		    "error", "this posting cannot be shown as JSON");
	json_object_set_new(o, "date_published", api_time(p->pst_published));
	json_object_set_new(o, "date_modified", api_time(p->pst_modified));
	json_object_set_new(o, "moderation", json_string(moderation ?
	    moderation : MODERATION_PUBLISHED));
	json_object_set_new(o, "submitted_by", api_string(organization));
	if (json_object_get(o, "origin") == NULL && cf != NULL && p->pst_id)
		json_object_set_new(o, "origin", json_pack("{s:s,s:s}",
		    "instance", cf->cf_instance, "id", p->pst_id));
	return o;
}

int64_t
api_now(struct http_request *hr)
{
	return clock_now(hr->hr_daemon->d_clock);
}

int
api_read_object(struct http_request *hr, json_t **out)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(hr->hr_req);
	size_t len = in ? evbuffer_get_length(in) : 0;
	json_error_t jerr;
	json_t *doc;

	*out = NULL;
	if (len > API_MAX_BODY) {
		reply_error(hr, 413, "the request body is larger than %d bytes",
		    API_MAX_BODY);
		return -1;
	}
	if (len == 0) {
		reply_error(hr, 400, "a JSON object is needed in the body");
		return -1;
	}
	doc = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		reply_error(hr, 400, "the body is not JSON: %s (line %d, "
		    "column %d)", jerr.text, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		reply_error(hr, 400, "the body must be a JSON object");
		return -1;
	}
	*out = doc;
	return 0;
}

int
api_only_keys(struct http_request *hr, const json_t *obj,
    const char *const *allowed)
{
	const char *key, *const *a;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL) {
			reply_error_field(hr, 400, key, "%s: unknown field",
			    key);
			return -1;
		}
	}
	return 0;
}

int
api_get_string(struct http_request *hr, const json_t *obj, const char *key,
    int required, size_t max, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		reply_error_field(hr, 400, key, "%s: required", key);
		return -1;
	}
	if (!json_is_string(v)) {
		reply_error_field(hr, 400, key, "%s: expected a string", key);
		return -1;
	}
	if (json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		reply_error_field(hr, 400, key, "%s: expected 1 to %zu "
		    "characters (bytes of UTF-8), without NUL", key, max);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int
api_check_name(struct http_request *hr, const char *field, const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > API_NAME_MAX || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != len) {
		reply_error_field(hr, 400, field, "%s: use 1 to %d letters, "
		    "digits, '.', '_' or '-'", field, API_NAME_MAX);
		return -1;
	}
	return 0;
}

/* When host is an address (or localhost), is it one we may reach? */
static int
host_allowed(struct http_request *hr, const char *host, char *why,
    size_t whylen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char addr[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(host), alen;

	memset(&ss, 0, sizeof(ss));
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' &&
	    len - 2 < sizeof(addr)) {
		memcpy(addr, host + 1, len - 2);
		addr[len - 2] = '\0';
	} else
		snprintf(addr, sizeof(addr), "%s", host);
	/* A name is checked where it resolves, at every connection; this
	 * one never resolves anywhere but here. */
	alen = strlen(addr);
	if (strcasecmp(addr, "localhost") == 0 ||
	    (alen > 10 && strcasecmp(addr + alen - 10, ".localhost") == 0))
		snprintf(addr, sizeof(addr), "127.0.0.1");
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	else
		return 0;
	return netguard_check(hr->hr_daemon->d_guard,
	    (struct sockaddr *)&ss, why, whylen);
}

int
api_check_url(struct http_request *hr, const char *field, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
	char why[256];
	int rc = -1;

	if (strlen(url) > 2048 || curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		reply_error_field(hr, 400, field, "%s: not a URL", field);
		goto done;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_PASSWORD, &password, 0);
	if (scheme == NULL || (strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0))
		reply_error_field(hr, 400, field, "%s: only http and https "
		    "URLs are allowed", field);
	else if (host == NULL || *host == '\0')
		reply_error_field(hr, 400, field, "%s: the URL has no host",
		    field);
	else if (user != NULL || password != NULL)
		reply_error_field(hr, 400, field, "%s: no user name or "
		    "password in the URL", field);
	else if (host_allowed(hr, host, why, sizeof(why)) == -1)
		reply_error_field(hr, 400, field, "%s: %s", field, why);
	else
		rc = 0;
 done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return rc;
}

int
api_check_filter(struct http_request *hr, const char *field,
    const char *filter)
{
	struct posting_filter pf = { 0 };
	char err[256];
	int rc;

	/* The feeds read the filter with the same parser. */
	rc = feed_filter_parse_line(&pf, filter, err, sizeof(err));
	if (rc == 0)
		rc = feed_filter_finish(&pf, err, sizeof(err));
	feed_filter_clear(&pf);
	if (rc == -1) {
		reply_error_field(hr, 400, field, "%s: %s", field, err);
		return -1;
	}
	return 0;
}

int
api_own_subscriber(struct http_request *hr, const char *name)
{
	const struct auth_principal *ap = &hr->hr_principal;

	if (hr->hr_role != AUTH_SUBSCRIBER)
		return 0;
	if (ap->ap_subscriber != NULL && strcmp(ap->ap_subscriber, name) == 0)
		return 0;
	reply_error(hr, 403, "a subscriber token acts for its own subscriber "
	    "only");
	return -1;
}

void
api_actor(struct http_request *hr, char *buf, size_t len)
{
	const struct auth_principal *ap = &hr->hr_principal;

	if (ap->ap_organization)
		snprintf(buf, len, "%s:%s:%s", auth_role_name(ap->ap_role),
		    ap->ap_organization, ap->ap_token_id);
	else
		snprintf(buf, len, "%s:%s", auth_role_name(ap->ap_role),
		    ap->ap_token_id);
}
