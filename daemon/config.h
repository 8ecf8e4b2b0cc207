/*
 * config.h — the INI configuration (tsunagu.conf(5)).
 *
 * config_load() parses and validates a whole file; on any error it prints
 * "file:line: message" lines to stderr and returns NULL, so a reload can
 * keep the old configuration.  Paths are resolved relative to the
 * directory of the configuration file.  The configuration is the one
 * global the daemon has, but it is passed around explicitly anyway.
 */
#ifndef TSUNAGU_CONFIG_H
#define TSUNAGU_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct area_table;
struct category_map;

struct source_conf {
	char			*src_name;
	char			*src_url;
	char			*src_format;	/* auto|rss|rdf|atom|jsonfeed|csv|ical */
	char			*src_kind;	/* city|shakyo|corporate|civic|federation */
	int64_t			 src_interval;	/* seconds */
	int			 src_moderation;
	char			*src_encoding;
	char			*src_area;
	struct category_map	*src_categories;	/* label=code overrides */
	int64_t			 src_withdraw_after;	/* 0: store default */
	int			 src_websub;	/* subscribe to its hub */
	int64_t			 src_max_pages;	/* 0: by kind (poller.c) */
	int			 src_line;	/* where it was declared */
	TAILQ_ENTRY(source_conf) src_entry;
};
TAILQ_HEAD(source_conf_list, source_conf);

struct subscriber_conf {
	char			*sub_name;
	char			*sub_webhook;
	char			*sub_secret;
	char			*sub_filter;
	char			*sub_feed_token_file;	/* NULL: public feed */
	/* Delivery limits of this endpoint; 0: the [daemon] webhook_*. */
	int64_t			 sub_rate;
	int64_t			 sub_burst;
	int64_t			 sub_concurrency;
	/* The feed token's SHA-256, read at first use (subscriber_feed.c):
	 * state 0 unread, 1 read, -1 unreadable. */
	unsigned char		 sub_feed_token[32];
	int			 sub_feed_token_state;
	int			 sub_line;
	TAILQ_ENTRY(subscriber_conf) sub_entry;
};
TAILQ_HEAD(subscriber_conf_list, subscriber_conf);

struct config {
	char			*cf_path;		/* as given */
	char			*cf_listen_host;
	int			 cf_listen_port;	/* 0: ephemeral */
	char			*cf_database;		/* resolved path */
	char			*cf_base_url;		/* NULL: http://HOST:PORT */
	char			*cf_instance;
	char			*cf_region;
	char			*cf_municipalities;	/* resolved path */
	struct area_table	*cf_areas;	/* loaded from it, or NULL */
	char			**cf_allow_networks;
	size_t			 cf_nallow_networks;
	char			*cf_admin_token_file;	/* resolved path */
	char			*cf_user_agent;
	size_t			 cf_max_body;		/* bytes, decoded */
	int64_t			 cf_connect_timeout;	/* seconds */
	int64_t			 cf_fetch_timeout;	/* seconds */
	int64_t			 cf_max_redirects;
	int64_t			 cf_max_fetches;	/* concurrent */
	int64_t			 cf_max_connections;	/* HTTP (connlimit.h) */
	int64_t			 cf_feed_limit;		/* default page size */
	size_t			 cf_feed_cache_size;	/* bytes, 0: no cache */
	int64_t			 cf_api_rate;		/* API requests/s */
	int64_t			 cf_api_burst;		/* per token and IP */
	char			**cf_kind_priority;	/* merge order, all kinds */
	size_t			 cf_nkind_priority;	/* 0: the default */
	char			**cf_trusted_proxies;	/* numeric addresses */
	size_t			 cf_ntrusted_proxies;
	char			*cf_proxy;	/* http://HOST:PORT, or NULL */
	char			**cf_no_proxy;	/* noproxy.h rules */
	size_t			 cf_nno_proxy;
	int64_t			 cf_purge_contacts_after;	/* days */
	int			 cf_log_format;	/* enum log_format */
	/* Webhook delivery (webhook.h) and the WebSub hub (hub.h). */
	int64_t			 cf_webhook_timeout;	/* seconds */
	int64_t			 cf_webhook_max_in_flight;	/* in all */
	int64_t			 cf_webhook_concurrency;	/* per endpoint */
	int64_t			 cf_webhook_rate;	/* per endpoint, /s */
	int64_t			 cf_webhook_burst;
	int64_t			 cf_webhook_disable_after;	/* seconds */
	int64_t			 cf_webhook_retention;	/* seconds */
	int64_t			 cf_secret_overlap;	/* seconds */
	int			 cf_hub;		/* serve POST /hub */
	int64_t			 cf_hub_lease_min;	/* seconds */
	int64_t			 cf_hub_lease_default;
	int64_t			 cf_hub_lease_max;
	int64_t			 cf_hub_max_subscriptions;
	int64_t			 cf_hub_max_per_host;
	struct source_conf_list	 cf_sources;
	struct subscriber_conf_list cf_subscribers;
};

struct config		*config_load(const char *path);
void			 config_free(struct config *);
struct source_conf	*config_source(const struct config *, const char *name);

#endif
