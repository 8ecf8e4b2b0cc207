/* reload.c — applying a configuration at start and on SIGHUP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../feeds/area_table.h"
#include "../feeds/xmalloc.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "netguard.h"
#include "noproxy.h"
#include "poller.h"
#include "purge.h"
#include "store.h"
#include "websub.h"

static int
config_has_subscriber(const struct config *cf, const char *name)
{
	const struct subscriber_conf *sc;

	TAILQ_FOREACH(sc, &cf->cf_subscribers, sub_entry)
		if (strcmp(sc->sub_name, name) == 0)
			return 1;
	return 0;
}

/* Writes the file's sources to the store; drops the ones it no longer has. */
static int
sync_sources(struct daemon *d, const struct config *cf)
{
	struct source_conf *src;
	struct source_health *list;
	size_t n, i;
	int rc = 0;

	TAILQ_FOREACH(src, &cf->cf_sources, src_entry) {
		struct source_def sd = {
			.sd_name = src->src_name,
			.sd_url = src->src_url,
			.sd_kind = src->src_kind,
			.sd_format = src->src_format,
			.sd_interval = src->src_interval,
			.sd_origin = "config",
		};

		if (store_source_upsert(d->d_store, &sd) == -1 ||
		    store_source_set_moderation(d->d_store, src->src_name,
		    src->src_moderation) == -1)
			rc = -1;
	}
	if (store_source_list(d->d_store, &list, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].sh_origin, "config") != 0 ||
		    config_source(cf, list[i].sh_name) != NULL)
			continue;
		log_info("source %s: no longer in the configuration, removed",
		    list[i].sh_name);
		websub_forget(d->d_websub, list[i].sh_name,
		    "the source was removed");
		if (store_source_delete(d->d_store, list[i].sh_name) == -1)
			rc = -1;
	}
	store_source_list_free(list, n);
	return rc;
}

/* The same for subscribers; a new one without a secret gets one made. */
static int
sync_subscribers(struct daemon *d, const struct config *cf)
{
	struct subscriber_conf *sc;
	struct subscriber_info *list;
	char secret[AUTH_SECRET_SIZE];
	int64_t now = clock_now(d->d_clock);
	size_t n, i;
	int rc = 0;

	TAILQ_FOREACH(sc, &cf->cf_subscribers, sub_entry) {
		struct subscriber_def sd = {
			.sbd_name = sc->sub_name,
			.sbd_origin = "config",
			.sbd_webhook = sc->sub_webhook,
			.sbd_filter = sc->sub_filter,
			.sbd_secret = sc->sub_secret,
		};

		auth_webhook_secret_new(secret);
		if (store_subscriber_sync(d->d_store, &sd, secret, now) == -1)
			rc = -1;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	if (store_subscriber_list(d->d_store, &list, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].sb_origin, "config") != 0 ||
		    config_has_subscriber(cf, list[i].sb_name))
			continue;
		log_info("subscriber %s: no longer in the configuration, "
		    "removed", list[i].sb_name);
		if (store_subscriber_delete(d->d_store, list[i].sb_name) == -1)
			rc = -1;
	}
	store_subscriber_list_free(list, n);
	return rc;
}

int
daemon_apply_config(struct daemon *d, struct config *cf)
{
	struct auth *au = auth_new();
	struct noproxy *np;
	char err[512];
	size_t i;

	if (auth_load_admin(au, cf->cf_admin_token_file, err,
	    sizeof(err)) == -1) {
		log_warnx("%s", err);
		auth_free(au);
		return -1;
	}
	if (cf->cf_admin_token_file == NULL)
		log_info("no admin_token_file: the admin API accepts only "
		    "tokens made through it before");
	if (sync_sources(d, cf) == -1 || sync_subscribers(d, cf) == -1) {
		auth_free(au);
		return -1;
	}
	auth_free(d->d_auth);
	d->d_auth = au;
	/* In-flight fetches borrow the guard: change it in place. */
	netguard_reset(d->d_guard);
	for (i = 0; i < cf->cf_nallow_networks; i++)
		netguard_allow(d->d_guard, cf->cf_allow_networks[i]);
	/* The proxy goes with the rules, to every fetcher (the next hop of
	 * a fetch or delivery in flight takes the new one). */
	np = noproxy_new();
	for (i = 0; i < cf->cf_nno_proxy; i++)
		noproxy_add(np, cf->cf_no_proxy[i]);	/* config checked it */
	netguard_set_proxy(d->d_guard, cf->cf_proxy, np);
	log_set_format((enum log_format)cf->cf_log_format);
	/* purge_contacts_after may have changed. */
	purge_soon(d->d_purge);
	if (d->d_conf) {
		if (strcmp(d->d_conf->cf_listen_host, cf->cf_listen_host) ||
		    d->d_conf->cf_listen_port != cf->cf_listen_port)
			log_warnx("listen changed: it takes effect at the next "
			    "restart");
		if (strcmp(d->d_conf->cf_database, cf->cf_database))
			log_warnx("database changed: it takes effect at the "
			    "next restart");
		if (d->d_conf->cf_max_fetches != cf->cf_max_fetches)
			log_warnx("max_fetches changed: it takes effect at the "
			    "next restart");
	}
	if (d->d_bound_url) {
		free(d->d_base_url);
		d->d_base_url = xstrdup(cf->cf_base_url ? cf->cf_base_url :
		    d->d_bound_url);
	}
	config_free(d->d_conf);
	d->d_conf = cf;
	d->d_conf_generation++;
	d->d_areas = cf->cf_areas;
	if (cf->cf_areas != NULL)
		log_info("municipalities: %zu from %s",
		    area_table_count(cf->cf_areas), cf->cf_municipalities);
	if (d->d_poller)
		poller_sync(d->d_poller);
	/* websub = off, or a paused source: its hub is told. */
	websub_sync(d->d_websub);
	return 0;
}

void
daemon_reload(struct daemon *d)
{
	struct config *cf;

	log_info("reloading %s", d->d_conf->cf_path);
	/* config_load prints each problem as file:line: message. */
	if ((cf = config_load(d->d_conf->cf_path)) == NULL) {
		log_warnx("reload failed: the configuration has errors (see "
		    "above); still running on the previous one");
		return;
	}
	if (daemon_apply_config(d, cf) == -1) {
		log_warnx("reload failed; still running on the previous "
		    "configuration");
		config_free(cf);
		return;
	}
	log_info("configuration reloaded");
}
