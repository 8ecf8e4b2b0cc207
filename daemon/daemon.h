/*
 * daemon.h — the one struct everything hangs off (no globals but the
 * configuration, and that is passed explicitly too).
 */
#ifndef TSUNAGU_DAEMON_H
#define TSUNAGU_DAEMON_H

#include <stdint.h>

struct area_table;
struct auth;
struct clock;
struct config;
struct event;
struct event_base;
struct feed_cache;
struct fetcher;
struct http_server;
struct hub;
struct outbox;
struct webhook;
struct websub;
struct netguard;
struct poller;
struct store;
struct purge;
struct backup_job;
struct sweep;

struct daemon {
	struct event_base	*d_base;
	struct clock		*d_clock;
	struct config		*d_conf;	/* swapped whole on reload */
	uint64_t		 d_conf_generation;	/* counts the swaps */
	/* [daemon] municipalities, or NULL: borrowed from d_conf, which
	 * loaded it, and swapped with it. */
	const struct area_table	*d_areas;
	struct store		*d_store;
	struct fetcher		*d_fetcher;
	struct netguard		*d_guard;	/* from allow_networks */
	struct poller		*d_poller;
	struct http_server	*d_http;
	struct auth		*d_auth;
	char			*d_base_url;	/* base_url, or d_bound_url */
	char			*d_bound_url;	/* http://HOST:PORT actually bound */
	int64_t			 d_started;	/* unix seconds */
	/* Rendered feed pages (feed_cache.h), made at the first feed
	 * request; freed by daemon_stop(). */
	struct feed_cache	*d_feed_cache;
	/* 1 when the daemon serves a WebSub hub at BASE/hub: feeds then
	 * name it (Link rel="hub", atom:link, JSON Feed hubs).  Set with
	 * d_hub ([daemon] hub). */
	int			 d_hub_enabled;
	/* Real-time push (issue 6): the webhook outbox's dispatcher and
	 * delivery, the WebSub hub and this instance's subscriptions to
	 * its sources' hubs.  NULL until made (unit tests make the ones
	 * they need). */
	struct outbox		*d_outbox;
	struct webhook		*d_webhook;
	struct hub		*d_hub;
	struct websub		*d_websub;
	/* The retention sweep of contact data (purge.h), and the backup
	 * being made (api_backup.c), or NULL. */
	struct purge		*d_purge;
	struct backup_job	*d_backup;
	/* Ended postings closed on a timer, and the store's dedup policy
	 * from the configuration (sweep.h). */
	struct sweep		*d_sweep;
};

/*
 * Applies a configuration to a running daemon: sources are written to the
 * store (config-file sources no longer in the file are removed), the
 * netguard and admin token are rebuilt, and the poller is re-armed.  On
 * failure nothing changes and -1 is returned.  Takes ownership of conf on
 * success.  Used at start and on SIGHUP (reload.c).
 */
int	daemon_apply_config(struct daemon *, struct config *conf);
/* SIGHUP: parse the file again; keep the old configuration on error. */
void	daemon_reload(struct daemon *);

#endif
