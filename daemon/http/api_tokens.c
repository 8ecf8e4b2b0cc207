/*
 * api_tokens.c — /api/v1/tokens: making and revoking bearer tokens.
 *
 * A token is shown once, in the answer that makes it; the store keeps its
 * digest.  The token of admin_token_file is not listed here and is changed
 * in its file.
 */
#include <string.h>

#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "api.h"
#include "auth.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"

#define TOKEN_LABEL_MAX		200
#define TOKEN_ORG_MAX		128

static const char *const token_keys[] = { "role", "organization",
    "subscriber", "label", NULL };

static json_t *
token_json(const struct token_info *tk)
{
	return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}",
	    "id", tk->tk_id,
	    "role", tk->tk_role,
	    "organization", api_string(tk->tk_organization),
	    "subscriber", api_string(tk->tk_subscriber),
	    "label", api_string(tk->tk_label),
	    "created", api_time(tk->tk_created),
	    "revoked", api_time(tk->tk_revoked));
}

static void
tokens_list(struct http_request *hr)
{
	struct token_info *list;
	json_t *arr;
	size_t n, i;

	if (store_token_list(hr->hr_daemon->d_store, &list, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, token_json(&list[i]));
	store_token_list_free(list, n);
	reply_json(hr, 200, json_pack("{s:o}", "tokens", arr));
}

/* What a role needs: an organization, a subscriber, or neither. */
static int
check_binding(struct http_request *hr, enum auth_role role, const char *org,
    const char *sub)
{
	struct subscriber_info sb;
	int needs_org = role == AUTH_COORDINATOR || role == AUTH_GROUP;

	if (needs_org && org == NULL) {
		reply_error_field(hr, 400, "organization", "organization: "
		    "required for a %s token", auth_role_name(role));
		return -1;
	}
	if (!needs_org && org != NULL) {
		reply_error_field(hr, 400, "organization", "organization: "
		    "only coordinator and group tokens have one");
		return -1;
	}
	if (role == AUTH_SUBSCRIBER && sub == NULL) {
		reply_error_field(hr, 400, "subscriber", "subscriber: "
		    "required for a subscriber token");
		return -1;
	}
	if (role != AUTH_SUBSCRIBER && sub != NULL) {
		reply_error_field(hr, 400, "subscriber", "subscriber: only "
		    "subscriber tokens have one");
		return -1;
	}
	if (sub == NULL)
		return 0;
	switch (store_subscriber_get(hr->hr_daemon->d_store, sub, &sb)) {
	case 0:
		subscriber_info_free(&sb);
		return 0;
	case 1:
		reply_error_field(hr, 400, "subscriber", "subscriber: no "
		    "subscriber '%s'", sub);
		return -1;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return -1;
	}
}

static void
token_create(struct http_request *hr)
{
	struct token_info tk = { 0 };
	const char *role_name, *org, *sub, *label;
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE], digest[AUTH_DIGEST_SIZE];
	char actor[160];
	enum auth_role role;
	json_t *body, *answer;
	int rc;

	if (api_read_object(hr, &body) == -1)
		return;
	if (api_only_keys(hr, body, token_keys) == -1 ||
	    api_get_string(hr, body, "role", 1, 32, &role_name) == -1 ||
	    api_get_string(hr, body, "organization", 0, TOKEN_ORG_MAX,
	    &org) == -1 ||
	    api_get_string(hr, body, "subscriber", 0, API_NAME_MAX,
	    &sub) == -1 ||
	    api_get_string(hr, body, "label", 0, TOKEN_LABEL_MAX,
	    &label) == -1)
		goto done;
	if (auth_role_parse(role_name, &role) == -1) {
		reply_error_field(hr, 400, "role", "role: '%s' is not admin, "
		    "coordinator, group or subscriber", role_name);
		goto done;
	}
	if (check_binding(hr, role, org, sub) == -1)
		goto done;
	auth_token_new(token, id, digest);
	tk.tk_id = id;
	tk.tk_role = (char *)auth_role_name(role);
	tk.tk_organization = (char *)org;
	tk.tk_subscriber = (char *)sub;
	tk.tk_label = (char *)label;
	tk.tk_created = api_now(hr);
	rc = store_token_insert(hr->hr_daemon->d_store, &tk, digest);
	if (rc != 0) {
		if (rc == 1)
			reply_error(hr, 409, "the token could not be stored "
			    "(its subscriber is gone, or its id is taken); "
			    "try again");
		else
			reply_error(hr, 500, "the store failed; see the log");
		goto done;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("token %s (%s%s%s): made by %s", id, tk.tk_role,
	    org || sub ? " " : "", org ? org : sub ? sub : "", actor);
	answer = token_json(&tk);
	/* Shown once: only its digest is kept. */
	json_object_set_new(answer, "token", json_string(token));
	reply_json(hr, 201, answer);
 done:
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(body);
}

static void
token_revoke(struct http_request *hr)
{
	struct store *st = hr->hr_daemon->d_store;
	const char *id = hr->hr_args[0];
	struct token_info tk;
	char actor[160];
	int64_t now = api_now(hr);

	if (strcmp(id, AUTH_FILE_TOKEN_ID) == 0) {
		reply_error(hr, 409, "the token of admin_token_file is "
		    "changed in that file");
		return;
	}
	switch (store_token_get(st, id, &tk)) {
	case 0:
		break;
	case 1:
		reply_error(hr, 404, "no token '%s'", id);
		return;
	default:
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	if (tk.tk_revoked != 0) {
		reply_error(hr, 409, "token '%s' is already revoked", id);
		token_info_free(&tk);
		return;
	}
	if (store_token_revoke(st, id, now) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		token_info_free(&tk);
		return;
	}
	api_actor(hr, actor, sizeof(actor));
	log_info("token %s: revoked by %s", id, actor);
	tk.tk_revoked = now > 0 ? now : 1;
	reply_json(hr, 200, token_json(&tk));
	token_info_free(&tk);
}

#define ADMIN	AUTH_ROLE_BIT(AUTH_ADMIN)

const struct route route_api_tokens = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/tokens",
	.rt_handler = tokens_list,
	.rt_roles = ADMIN,
	.rt_summary = "every token made through the API (never its text)",
};

const struct route route_api_token_create = {
	.rt_methods = EVHTTP_REQ_POST,
	.rt_pattern = "/api/v1/tokens",
	.rt_handler = token_create,
	.rt_roles = ADMIN,
	.rt_summary = "make a token: role, organization, subscriber, label; "
	    "its text is shown once",
};

const struct route route_api_token_revoke = {
	.rt_methods = EVHTTP_REQ_DELETE,
	.rt_pattern = "/api/v1/tokens/{id}",
	.rt_handler = token_revoke,
	.rt_roles = ADMIN,
	.rt_summary = "revoke a token; it fails from the next request on",
};
