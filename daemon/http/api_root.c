/*
 * api_root.c — GET /api/v1: the route list, from the table the server
 * dispatches through, so no route goes unlisted.
 */
#include <event2/http.h>
#include <jansson.h>

#include "api.h"
#include "daemon.h"
#include "http.h"
#include "reply.h"

const struct route *const api_routes[] = {
	&route_api_root,
	&route_api_backup,
	&route_api_sources,
	&route_api_source_create,
	&route_api_source,
	&route_api_source_update,
	&route_api_source_delete,
	&route_api_source_health,
	&route_api_source_pause,
	&route_api_source_resume,
	&route_api_source_fetch,
	&route_api_tokens,
	&route_api_token_create,
	&route_api_token_revoke,
	&route_api_subscribers,
	&route_api_subscriber_create,
	&route_api_subscriber,
	&route_api_subscriber_update,
	&route_api_subscriber_delete,
	&route_api_subscriber_rotate,
	&route_api_subscriber_disable,
	&route_api_subscriber_enable,
	&route_api_subscriber_feed_token,
	&route_api_subscriber_feed_public,
	&route_api_subscriber_ping,
	&route_api_subscriber_deliveries,
	&route_api_subscriber_redeliver,
	&route_api_subscriber_recover,
	&route_api_deliveries,
	&route_api_delivery,
	&route_api_delivery_redeliver,
	&route_api_hub_subscriptions,
	&route_api_postings,
	&route_api_posting_submit,
	&route_api_posting,
	&route_api_posting_edit,
	&route_api_posting_withdraw,
	&route_api_posting_approve,
	&route_api_posting_reject,
	&route_api_moderation,
	&route_api_audit,
	NULL
};

static const struct {
	int		 m_bit;
	const char	*m_name;
} methods[] = {
	{ EVHTTP_REQ_GET, "GET" },
	{ EVHTTP_REQ_POST, "POST" },
	{ EVHTTP_REQ_PUT, "PUT" },
	{ EVHTTP_REQ_PATCH, "PATCH" },
	{ EVHTTP_REQ_DELETE, "DELETE" },
};

static const enum auth_role roles[] = { AUTH_ADMIN, AUTH_COORDINATOR,
    AUTH_GROUP, AUTH_SUBSCRIBER };

static json_t *
route_json(const struct route *rt)
{
	json_t *m = json_array(), *r = json_array();
	unsigned mask = http_route_roles(rt);
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (rt->rt_methods & methods[i].m_bit)
			json_array_append_new(m,
			    json_string(methods[i].m_name));
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (mask & AUTH_ROLE_BIT(roles[i]))
			json_array_append_new(r, json_string(
			    auth_role_name(roles[i])));
	return json_pack("{s:o,s:s,s:o,s:s}", "methods", m, "path",
	    rt->rt_pattern, "roles", r, "summary",
	    rt->rt_summary ? rt->rt_summary : "");
}

static void
root_get(struct http_request *hr)
{
	const struct auth_principal *ap = &hr->hr_principal;
	const struct route *const *rp;
	json_t *list = json_array();

	for (rp = api_routes; *rp; rp++)
		json_array_append_new(list, route_json(*rp));
	reply_json(hr, 200, json_pack("{s:s,s:{s:s,s:s,s:o,s:o},s:o}",
	    "version", TSUNAGU_VERSION,
	    "token", "id", ap->ap_token_id, "role", auth_role_name(ap->ap_role),
	    "organization", api_string(ap->ap_organization),
	    "subscriber", api_string(ap->ap_subscriber),
	    "routes", list));
}

const struct route route_api_root = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1",
	.rt_handler = root_get,
	.rt_roles = AUTH_ANY_ROLE,
	.rt_summary = "this list of routes, and who the token is",
};
