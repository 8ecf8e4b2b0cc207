/*
 * api_subscribers.c — /api/v1/subscribers: who receives postings, by
 * webhook or through a filtered (possibly private) feed.
 *
 * The webhook secret and the private-feed token are shown once, in the
 * answer that makes them, and never again; the secret is not logged.
 * Subscribers of the configuration file are changed there: here they can
 * only be disabled, enabled and given a feed token (and have their secret
 * rotated when the file does not set one).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "../../feeds/xmalloc.h"
#include "api.h"
#include "auth.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"

static const char *const create_keys[] = { "name", "webhook", "filter",
    "private", NULL };
static const char *const update_keys[] = { "webhook", "filter", NULL };

/* Why the delivery disabled it, and since when its endpoint fails. */
static void
webhook_health(struct http_request *hr, const char *name, json_t *o)
{
	struct webhook_target wt;

	if (store_webhook_target(hr->hr_daemon->d_store, name, &wt) != 0)
		return;
	json_object_set_new(o, "disabled_reason",
	    api_string(wt.wt_disabled_reason));
	json_object_set_new(o, "failing_since",
	    api_time(wt.wt_failing_since / 1000));
	webhook_target_free(&wt);
}

static json_t *
subscriber_json(struct http_request *hr, const struct subscriber_info *sb)
{
	char *feed = NULL;
	json_t *o;

	xasprintf(&feed, "%s/feeds/sub/%s.atom", hr->hr_daemon->d_base_url ?
	    hr->hr_daemon->d_base_url : "", sb->sb_name);
	o = json_pack("{s:s,s:s,s:o,s:s,s:b,s:b,s:s,s:o,s:o,s:o}",
	    "name", sb->sb_name,
	    "origin", sb->sb_origin,
	    "webhook", api_string(sb->sb_webhook),
	    "filter", sb->sb_filter ? sb->sb_filter : "",
	    "disabled", sb->sb_disabled,
	    "private", sb->sb_private,
	    "feed_url", feed,
	    "created", api_time(sb->sb_created),
	    "updated", api_time(sb->sb_updated),
	    "secret_rotated", api_time(sb->sb_secret_rotated));
	free(feed);
	webhook_health(hr, sb->sb_name, o);
	return o;
}

/* The subscriber of the path, when the token may act on it. */
static int
load_subscriber(struct http_request *hr, struct subscriber_info *sb)
{
	memset(sb, 0, sizeof(*sb));
	if (api_own_subscriber(hr, hr->hr_args[0]) == -1)
		return -1;
	switch (store_subscriber_get(hr->hr_daemon->d_store, hr->hr_args[0],
	    sb)) {
	case 0:
		return 0;
	case 1:
		reply_error(hr, 404, "no subscriber '%s'", hr->hr_args[0]);
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
}

static int
api_made(struct http_request *hr, const struct subscriber_info *sb)
{
	if (strcmp(sb->sb_origin, "api") == 0)
		return 0;
	reply_error(hr, 409, "subscriber '%s' is defined in the "
	    "configuration file; change it there", sb->sb_name);
	return -1;
}

/* Answers with the subscriber as stored now, plus extra members. */
static void
reply_subscriber(struct http_request *hr, int status, const char *name,
    json_t *extra)
{
	struct subscriber_info sb;
	json_t *o;

	if (store_subscriber_get(hr->hr_daemon->d_store, name, &sb) != 0) {
		json_decref(extra);
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	o = subscriber_json(hr, &sb);
	if (extra != NULL)
		json_object_update(o, extra);
	json_decref(extra);
	subscriber_info_free(&sb);
	reply_json(hr, status, o);
}

static void
log_change(struct http_request *hr, const char *name, const char *what)
{
	char actor[160];

	api_actor(hr, actor, sizeof(actor));
	log_info("subscriber %s: %s by %s", name, what, actor);
}

/* webhook and filter of a body; *set flags what the body named. */
static int
read_patch(struct http_request *hr, const json_t *body,
    struct subscriber_patch *sp)
{
	json_t *v;

	memset(sp, 0, sizeof(*sp));
	if ((v = json_object_get(body, "webhook")) != NULL) {
		sp->sbp_set_webhook = 1;
		if (!json_is_null(v) && (api_get_string(hr, body, "webhook", 1,
		    2048, &sp->sbp_webhook) == -1 ||
		    api_check_url(hr, "webhook", sp->sbp_webhook) == -1))
			return -1;
	}
	if ((v = json_object_get(body, "filter")) != NULL) {
		sp->sbp_set_filter = 1;
		if (!json_is_null(v) && !json_is_string(v)) {
			reply_error_field(hr, 400, "filter", "filter: "
			    "expected a string");
			return -1;
		}
		sp->sbp_filter = json_string_value(v);
		if (sp->sbp_filter != NULL &&
		    api_check_filter(hr, "filter", sp->sbp_filter) == -1)
			return -1;
	}
	return 0;
}

static void
subscribers_list(struct http_request *hr)
{
	struct subscriber_info *list;
	json_t *arr;
	size_t n, i;

	if (store_subscriber_list(hr->hr_daemon->d_store, &list, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, subscriber_json(hr, &list[i]));
	store_subscriber_list_free(list, n);
	reply_json(hr, 200, json_pack("{s:o}", "subscribers", arr));
}

static void
subscriber_create(struct http_request *hr)
{
	struct store *st = hr->hr_daemon->d_store;
	struct subscriber_def sd = { .sbd_origin = "api" };
	struct subscriber_patch sp;
	char secret[AUTH_SECRET_SIZE] = "", feed[AUTH_FEED_TOKEN_SIZE] = "";
	char digest[AUTH_DIGEST_SIZE];
	const char *name;
	json_t *body, *priv, *extra;
	int rc;

	if (api_read_object(hr, &body) == -1)
		return;
	if (api_only_keys(hr, body, create_keys) == -1 ||
	    api_get_string(hr, body, "name", 1, API_NAME_MAX, &name) == -1 ||
	    api_check_name(hr, "name", name) == -1 ||
	    read_patch(hr, body, &sp) == -1)
		goto done;
	priv = json_object_get(body, "private");
	if (priv != NULL && !json_is_boolean(priv)) {
		reply_error_field(hr, 400, "private", "private: expected true "
		    "or false");
		goto done;
	}
	auth_webhook_secret_new(secret);
	sd.sbd_name = name;
	sd.sbd_webhook = sp.sbp_webhook;
	sd.sbd_filter = sp.sbp_filter;
	sd.sbd_secret = secret;
	if ((rc = store_subscriber_create(st, &sd, api_now(hr))) != 0) {
		if (rc == 1)
			reply_error_field(hr, 409, "name", "name: subscriber "
			    "'%s' exists", name);
		else
			reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	extra = json_pack("{s:s}", "secret", secret);
	if (json_is_true(priv)) {
		auth_feed_token_new(feed, digest);
		if (store_subscriber_set_feed_token(st, name, digest,
		    api_now(hr)) != 0) {
			json_decref(extra);
			reply_error(hr, 500, "the store failed; see the log");
			goto done;
		}
		json_object_set_new(extra, "feed_token", json_string(feed));
	}
	log_change(hr, name, "created");
	reply_subscriber(hr, 201, name, extra);
 done:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(feed, sizeof(feed));
	json_decref(body);
}

static void
subscriber_show(struct http_request *hr)
{
	struct subscriber_info sb;

	if (load_subscriber(hr, &sb) == -1)
		return;
	reply_json(hr, 200, subscriber_json(hr, &sb));
	subscriber_info_free(&sb);
}

static void
subscriber_update(struct http_request *hr)
{
	struct subscriber_info sb;
	struct subscriber_patch sp;
	json_t *body = NULL;

	if (load_subscriber(hr, &sb) == -1)
		return;
	if (api_made(hr, &sb) == -1 || api_read_object(hr, &body) == -1 ||
	    api_only_keys(hr, body, update_keys) == -1 ||
	    read_patch(hr, body, &sp) == -1)
		goto done;
	if (store_subscriber_update(hr->hr_daemon->d_store, sb.sb_name, &sp,
	    api_now(hr)) != 0) {
		reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	log_change(hr, sb.sb_name, "changed");
	reply_subscriber(hr, 200, sb.sb_name, NULL);
 done:
	json_decref(body);
	subscriber_info_free(&sb);
}

static void
subscriber_delete(struct http_request *hr)
{
	struct subscriber_info sb;

	if (load_subscriber(hr, &sb) == -1)
		return;
	if (api_made(hr, &sb) == 0) {
		if (store_subscriber_delete(hr->hr_daemon->d_store,
		    sb.sb_name) == -1)
			reply_error(hr, 500, "the store failed; see the log");
		else {
			log_change(hr, sb.sb_name, "deleted with its tokens");
			reply_json(hr, 200, json_pack("{s:s,s:b}",
			    "subscriber", sb.sb_name, "deleted", 1));
		}
	}
	subscriber_info_free(&sb);
}

/* Does the configuration file set this subscriber's secret? */
static int
secret_in_file(struct http_request *hr, const char *name)
{
	const struct config *cf = hr->hr_daemon->d_conf;
	const struct subscriber_conf *sc;

	if (cf == NULL)
		return 0;
	TAILQ_FOREACH(sc, &cf->cf_subscribers, sub_entry)
		if (strcmp(sc->sub_name, name) == 0)
			return sc->sub_secret != NULL;
	return 0;
}

static void
subscriber_rotate(struct http_request *hr)
{
	struct subscriber_info sb;
	char secret[AUTH_SECRET_SIZE];

	if (load_subscriber(hr, &sb) == -1)
		return;
	if (strcmp(sb.sb_origin, "config") == 0 &&
	    secret_in_file(hr, sb.sb_name)) {
		reply_error(hr, 409, "the secret of subscriber '%s' is set in "
		    "the configuration file; change it there", sb.sb_name);
		subscriber_info_free(&sb);
		return;
	}
	auth_webhook_secret_new(secret);
	if (store_subscriber_set_secret(hr->hr_daemon->d_store, sb.sb_name,
	    secret, api_now(hr)) != 0)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		log_change(hr, sb.sb_name, "webhook secret rotated");
		reply_subscriber(hr, 200, sb.sb_name, json_pack("{s:s}",
		    "secret", secret));
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	subscriber_info_free(&sb);
}

static void
set_disabled(struct http_request *hr, int disabled)
{
	struct subscriber_info sb;

	if (load_subscriber(hr, &sb) == -1)
		return;
	if (store_subscriber_set_disabled(hr->hr_daemon->d_store, sb.sb_name,
	    disabled, api_now(hr)) != 0)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		log_change(hr, sb.sb_name, disabled ? "disabled" : "enabled");
		reply_subscriber(hr, 200, sb.sb_name, NULL);
	}
	subscriber_info_free(&sb);
}

static void
subscriber_disable(struct http_request *hr)
{
	set_disabled(hr, 1);
}

static void
subscriber_enable(struct http_request *hr)
{
	set_disabled(hr, 0);
}

static void
feed_token_set(struct http_request *hr)
{
	struct subscriber_info sb;
	char token[AUTH_FEED_TOKEN_SIZE], digest[AUTH_DIGEST_SIZE];

	if (load_subscriber(hr, &sb) == -1)
		return;
	auth_feed_token_new(token, digest);
	if (store_subscriber_set_feed_token(hr->hr_daemon->d_store,
	    sb.sb_name, digest, api_now(hr)) != 0)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		log_change(hr, sb.sb_name, "given a new feed token");
		reply_subscriber(hr, 200, sb.sb_name, json_pack("{s:s}",
		    "feed_token", token));
	}
	OPENSSL_cleanse(token, sizeof(token));
	subscriber_info_free(&sb);
}

static void
feed_token_remove(struct http_request *hr)
{
	struct subscriber_info sb;

	if (load_subscriber(hr, &sb) == -1)
		return;
	if (store_subscriber_set_feed_token(hr->hr_daemon->d_store,
	    sb.sb_name, NULL, api_now(hr)) != 0)
		reply_error(hr, 500, "the store failed; see the log");
	else {
		log_change(hr, sb.sb_name, "made public (no feed token)");
		reply_subscriber(hr, 200, sb.sb_name, NULL);
	}
	subscriber_info_free(&sb);
}

#define ADMIN	AUTH_ROLE_BIT(AUTH_ADMIN)
#define OWNER	(AUTH_ROLE_BIT(AUTH_ADMIN) | AUTH_ROLE_BIT(AUTH_SUBSCRIBER))

const struct route route_api_subscribers = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/subscribers",
	.rt_handler = subscribers_list,
	.rt_roles = ADMIN,
	.rt_summary = "every subscriber (never its secret)",
};

const struct route route_api_subscriber_create = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers",
	.rt_handler = subscriber_create,
	.rt_roles = ADMIN,
	.rt_summary = "add a subscriber: name, webhook, filter, private; its "
	    "secret (and feed token) are shown once",
};

const struct route route_api_subscriber = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/subscribers/{name}",
	.rt_handler = subscriber_show,
	.rt_roles = OWNER,
	.rt_summary = "one subscriber",
};

const struct route route_api_subscriber_update = {
	.rt_methods = EVHTTP_REQ_PATCH,
	.rt_pattern = "/api/v1/subscribers/{name}",
	.rt_handler = subscriber_update,
	.rt_roles = OWNER,
	.rt_summary = "change webhook or filter of an API subscriber",
};

const struct route route_api_subscriber_delete = {
	.rt_methods = EVHTTP_REQ_DELETE,
	.rt_pattern = "/api/v1/subscribers/{name}",
	.rt_handler = subscriber_delete,
	.rt_roles = ADMIN,
	.rt_summary = "delete an API subscriber and its tokens",
};

const struct route route_api_subscriber_rotate = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/rotate",
	.rt_handler = subscriber_rotate,
	.rt_roles = OWNER,
	.rt_summary = "a new webhook secret, shown once",
};

const struct route route_api_subscriber_disable = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/disable",
	.rt_handler = subscriber_disable,
	.rt_roles = ADMIN,
	.rt_summary = "stop deliveries to a subscriber",
};

const struct route route_api_subscriber_enable = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/enable",
	.rt_handler = subscriber_enable,
	.rt_roles = ADMIN,
	.rt_summary = "resume deliveries to a subscriber",
};

const struct route route_api_subscriber_feed_token = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/subscribers/{name}/feed-token",
	.rt_handler = feed_token_set,
	.rt_roles = OWNER,
	.rt_summary = "make the subscriber's feed private with a new token, "
	    "shown once",
};

const struct route route_api_subscriber_feed_public = {
	.rt_methods = EVHTTP_REQ_DELETE,
	.rt_pattern = "/api/v1/subscribers/{name}/feed-token",
	.rt_handler = feed_token_remove,
	.rt_roles = OWNER,
	.rt_summary = "drop the feed token: the feed is public again",
};
