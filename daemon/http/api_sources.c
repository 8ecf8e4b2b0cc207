/*
 * api_sources.c — /api/v1/sources: sources with their health.
 *
 * Sources made here are stored with origin "api" and survive reloads;
 * sources of the configuration file (origin "config") can be paused,
 * resumed and fetched but not changed or deleted here.
 */
#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "api.h"
#include "api_dedup.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "poller.h"
#include "reply.h"
#include "store.h"
#include "websub.h"

#define SOURCE_MAX_INTERVAL	(30 * 86400)

static const char *const kinds[] = { "city", "shakyo", "corporate", "civic",
    "federation", NULL };
static const char *const formats[] = { "auto", "rss", "rdf", "atom",
    "jsonfeed", "csv", "ical", NULL };
static const char *const source_keys[] = { "name", "url", "kind", "format",
    "interval", NULL };

/* The poller follows the store; tests may run without one. */
static void
resync(struct http_request *hr)
{
	if (hr->hr_daemon->d_poller != NULL)
		poller_sync(hr->hr_daemon->d_poller);
}

static int
check_choice(struct http_request *hr, const char *field, const char *value,
    const char *const *choices)
{
	const char *const *c;
	char list[128] = "";
	size_t n;

	if (value == NULL)
		return 0;
	for (c = choices; *c; c++) {
		if (strcmp(*c, value) == 0)
			return 0;
		n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", *c);
	}
	reply_error_field(hr, 400, field, "%s: '%s' is not one of %s", field,
	    value, list);
	return -1;
}

/* The fields of a definition; 0 with *interval -1 when it is absent. */
static int
read_definition(struct http_request *hr, const json_t *body,
    struct source_def *sd, int64_t *interval)
{
	json_t *iv;

	*interval = -1;
	if (api_only_keys(hr, body, source_keys) == -1 ||
	    api_get_string(hr, body, "url", 0, 2048, &sd->sd_url) == -1 ||
	    api_get_string(hr, body, "kind", 0, 32, &sd->sd_kind) == -1 ||
	    api_get_string(hr, body, "format", 0, 32, &sd->sd_format) == -1 ||
	    (sd->sd_url && api_check_url(hr, "url", sd->sd_url) == -1) ||
	    check_choice(hr, "kind", sd->sd_kind, kinds) == -1 ||
	    check_choice(hr, "format", sd->sd_format, formats) == -1)
		return -1;
	if ((iv = json_object_get(body, "interval")) != NULL &&
	    !json_is_null(iv)) {
		if (!json_is_integer(iv) || json_integer_value(iv) < 1 ||
		    json_integer_value(iv) > SOURCE_MAX_INTERVAL) {
			reply_error_field(hr, 400, "interval", "interval: "
			    "expected seconds from 1 to %d",
			    SOURCE_MAX_INTERVAL);
			return -1;
		}
		*interval = json_integer_value(iv);
	}
	return 0;
}

/* The source named by the path; -1 (answered) when there is none. */
static int
load_source(struct http_request *hr, struct source_health *sh)
{
	switch (store_source_get(hr->hr_daemon->d_store, hr->hr_args[0], sh)) {
	case 0:
		return 0;
	case 1:
		reply_error(hr, 404, "no source '%s'", hr->hr_args[0]);
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
}

/* A source of the configuration file is changed in the file. */
static int
api_made(struct http_request *hr, const struct source_health *sh)
{
	if (strcmp(sh->sh_origin, "api") == 0)
		return 0;
	reply_error(hr, 409, "source '%s' is defined in the configuration "
	    "file; change it there", sh->sh_name);
	return -1;
}

/* Answers with the source as stored now. */
/* A source with its health and the identity its entries are matched by. */
static json_t *
source_json(struct http_request *hr, const struct source_health *sh)
{
	json_t *doc = api_source_json(sh);

	if (api_dedup_source_identity(hr, sh->sh_name, doc) == -1) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void
reply_source(struct http_request *hr, int status, const char *name)
{
	struct source_health sh;

	if (store_source_get(hr->hr_daemon->d_store, name, &sh) != 0) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	reply_json(hr, status, api_source_json(&sh));
	source_health_free(&sh);
}

static void
sources_list(struct http_request *hr)
{
	struct source_health *list;
	json_t *arr;
	size_t n, i;

	if (store_source_list(hr->hr_daemon->d_store, &list, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		json_t *one = source_json(hr, &list[i]);

		if (one == NULL) {
			json_decref(arr);
			store_source_list_free(list, n);
			reply_error(hr, 500, "the store failed; see the log");
			return;
		}
		json_array_append_new(arr, one);
	}
	store_source_list_free(list, n);
	reply_json(hr, 200, json_pack("{s:o}", "sources", arr));
}

static void
source_create(struct http_request *hr)
{
	struct store *st = hr->hr_daemon->d_store;
	struct source_def sd = { .sd_origin = "api", .sd_format = NULL };
	struct source_health old;
	const char *name;
	char actor[160];
	json_t *body;
	int64_t interval;
	int rc;

	if (api_read_object(hr, &body) == -1)
		return;
	if (api_get_string(hr, body, "name", 1, API_NAME_MAX, &name) == -1 ||
	    api_check_name(hr, "name", name) == -1 ||
	    read_definition(hr, body, &sd, &interval) == -1)
		goto done;
	if (sd.sd_url == NULL || sd.sd_kind == NULL) {
		reply_error_field(hr, 400, sd.sd_url ? "kind" : "url",
		    "%s: required", sd.sd_url ? "kind" : "url");
		goto done;
	}
	if ((rc = store_source_get(st, name, &old)) != 1) {
		if (rc == 0)
			reply_error_field(hr, 409, "name", "name: source '%s' "
			    "exists", name);
		else
			reply_error(hr, 500, "the store failed; see the log");
		source_health_free(&old);
		goto done;
	}
	sd.sd_name = name;
	sd.sd_interval = interval > 0 ? interval : 900;
	if (store_source_upsert(st, &sd) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("source %s: created by %s", name, actor);
	resync(hr);
	reply_source(hr, 201, name);
 done:
	json_decref(body);
}

static void
source_show(struct http_request *hr)
{
	struct source_health sh;

	json_t *doc;

	if (load_source(hr, &sh) == -1)
		return;
	if ((doc = source_json(hr, &sh)) == NULL)
		reply_error(hr, 500, "the store failed; see the log");
	else
		reply_json(hr, 200, doc);
	source_health_free(&sh);
}

static void
source_update(struct http_request *hr)
{
	struct store *st = hr->hr_daemon->d_store;
	struct source_def sd = { 0 };
	struct source_health sh;
	char actor[160];
	json_t *body = NULL;
	int64_t interval;

	if (load_source(hr, &sh) == -1)
		return;
	if (api_made(hr, &sh) == -1 || api_read_object(hr, &body) == -1)
		goto done;
	if (json_object_get(body, "name") != NULL) {
		reply_error_field(hr, 400, "name", "name: a source cannot be "
		    "renamed; make a new one");
		goto done;
	}
	if (read_definition(hr, body, &sd, &interval) == -1)
		goto done;
	sd.sd_name = sh.sh_name;
	sd.sd_origin = "api";
	if (sd.sd_url == NULL)
		sd.sd_url = sh.sh_url;
	if (sd.sd_kind == NULL)
		sd.sd_kind = sh.sh_kind;
	if (sd.sd_format == NULL)
		sd.sd_format = sh.sh_format;
	sd.sd_interval = interval > 0 ? interval : sh.sh_interval;
	if (store_source_upsert(st, &sd) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("source %s: changed by %s", sh.sh_name, actor);
	resync(hr);
	reply_source(hr, 200, sh.sh_name);
 done:
	json_decref(body);
	source_health_free(&sh);
}

static void
source_delete(struct http_request *hr)
{
	struct source_health sh;
	char actor[160];

	if (load_source(hr, &sh) == -1)
		return;
	if (api_made(hr, &sh) == 0) {
		/* Its hub is told while the subscription is still known. */
		websub_forget(hr->hr_daemon->d_websub, sh.sh_name,
		    "the source was deleted");
		if (store_source_delete(hr->hr_daemon->d_store,
		    sh.sh_name) == -1)
			reply_error(hr, 500, "the store failed; see the log");
		else {
			api_actor(hr, actor, sizeof(actor));
			log_info("source %s: deleted by %s", sh.sh_name,
			    actor);
			resync(hr);
			reply_json(hr, 200, json_pack("{s:s,s:b}", "source",
			    sh.sh_name, "deleted", 1));
		}
	}
	source_health_free(&sh);
}

/* This instance's subscription at the source's hub, or null (never the
 * secret). */
static json_t *
websub_json(struct http_request *hr, const char *source)
{
	struct websub_sub row;
	json_t *j;

	if (store_websub_get(hr->hr_daemon->d_store, source, &row) != 0)
		return json_null();
	j = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:o}",
	    "state", row.ws_state,
	    "hub", row.ws_hub,
	    "topic", row.ws_topic,
	    "lease_expires", api_time(row.ws_lease_expires),
	    "requested", api_time(row.ws_requested),
	    "last_push", api_time(row.ws_last_push),
	    "pushes", (json_int_t)row.ws_pushes,
	    "error", api_string(row.ws_error));
	websub_sub_free(&row);
	return j;
}

static void
source_health(struct http_request *hr)
{
	struct source_health sh;
	int64_t guid, link, hash;

	if (load_source(hr, &sh) == -1)
		return;
	if (store_source_identity(hr->hr_daemon->d_store, sh.sh_name, &guid,
	    &link, &hash) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		source_health_free(&sh);
		return;
	}
	/* Entries without a guid are known by their link or a hash of
	 * their text: an edit at the source then looks like a new entry. */
	reply_json(hr, 200, json_pack("{s:s,s:b,s:o,s:o,s:I,s:o,s:o,s:i,"
	    "s:o,s:I,s:{s:I,s:I,s:I},s:b,s:o}",
	    "name", sh.sh_name,
	    "paused", sh.sh_paused,
	    "last_attempt", api_time(sh.sh_last_attempt),
	    "last_success", api_time(sh.sh_last_success),
	    "http_status", (json_int_t)sh.sh_http_status,
	    "error", api_string(sh.sh_error),
	    "error_code", api_string(sh.sh_error_code),
	    "failures", sh.sh_failures,
	    "next_poll", sh.sh_paused ? json_null() :
	    api_time(sh.sh_next_poll),
	    "postings", (json_int_t)sh.sh_postings,
	    "identity", "guid", (json_int_t)guid, "link", (json_int_t)link,
	    "hash", (json_int_t)hash,
	    "identity_fallback", link + hash > 0,
	    "websub", websub_json(hr, sh.sh_name)));
	source_health_free(&sh);
}

static void
set_paused(struct http_request *hr, int paused)
{
	char actor[160];

	switch (store_source_set_paused(hr->hr_daemon->d_store,
	    hr->hr_args[0], paused)) {
	case 0:
		api_actor(hr, actor, sizeof(actor));
		log_info("source %s: %s by %s", hr->hr_args[0], paused ?
		    "paused" : "resumed", actor);
		/* Its hub is told: unsubscribe, or subscribe again. */
		websub_sync(hr->hr_daemon->d_websub);
		resync(hr);
		reply_source(hr, 200, hr->hr_args[0]);
		break;
	case 1:
		reply_error(hr, 404, "no source '%s'", hr->hr_args[0]);
		break;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		break;
	}
}

static void
source_pause(struct http_request *hr)
{
	set_paused(hr, 1);
}

static void
source_resume(struct http_request *hr)
{
	set_paused(hr, 0);
}

static void
source_fetch(struct http_request *hr)
{
	struct source_health sh;

	if (load_source(hr, &sh) == -1)
		return;
	if (sh.sh_paused)
		reply_error(hr, 409, "source '%s' is paused; resume it first",
		    sh.sh_name);
	else if (hr->hr_daemon->d_poller == NULL ||
	    poller_fetch_now(hr->hr_daemon->d_poller, sh.sh_name) != 0)
		reply_error(hr, 404, "no source '%s'", sh.sh_name);
	else
		reply_json(hr, 202, json_pack("{s:s,s:b}", "source",
		    sh.sh_name, "queued", 1));
	source_health_free(&sh);
}

#define ADMIN	AUTH_ROLE_BIT(AUTH_ADMIN)

const struct route route_api_sources = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/sources",
	.rt_handler = sources_list,
	.rt_roles = ADMIN,
	.rt_summary = "every source with its health",
};

const struct route route_api_source_create = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/sources",
	.rt_handler = source_create,
	.rt_roles = ADMIN,
	.rt_summary = "add a source: name, url, kind, format, interval",
};

const struct route route_api_source = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/sources/{name}",
	.rt_handler = source_show,
	.rt_roles = ADMIN,
	.rt_summary = "one source with its health",
};

const struct route route_api_source_update = {
	.rt_methods = EVHTTP_REQ_PATCH,
	.rt_pattern = "/api/v1/sources/{name}",
	.rt_handler = source_update,
	.rt_roles = ADMIN,
	.rt_summary = "change url, kind, format or interval of an API source",
};

const struct route route_api_source_delete = {
	.rt_methods = EVHTTP_REQ_DELETE,
	.rt_pattern = "/api/v1/sources/{name}",
	.rt_handler = source_delete,
	.rt_roles = ADMIN,
	.rt_summary = "delete an API source and the postings only it carries",
};

const struct route route_api_source_health = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/sources/{name}/health",
	.rt_handler = source_health,
	.rt_roles = ADMIN,
	.rt_summary = "poll outcome, schedule and how entries are identified",
};

const struct route route_api_source_pause = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/sources/{name}/pause",
	.rt_handler = source_pause,
	.rt_roles = ADMIN,
	.rt_summary = "stop polling a source",
};

const struct route route_api_source_resume = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/sources/{name}/resume",
	.rt_handler = source_resume,
	.rt_roles = ADMIN,
	.rt_summary = "poll a paused source again",
};

const struct route route_api_source_fetch = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/sources/{name}/fetch",
	.rt_handler = source_fetch,
	.rt_roles = ADMIN,
	.rt_summary = "poll a source now (202)",
};
