/*
 * main.c — tsunagud: options, log, configuration (-n stops here), store,
 * fetcher, HTTP, signals, then the event loop.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <libxml/parser.h>

#include "../feeds/xmalloc.h"
#include "api.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "feed_cache.h"
#include "fetch.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "netguard.h"
#include "outbox.h"
#include "poller.h"
#include "purge.h"
#include "sdnotify.h"
#include "store.h"
#include "webhook.h"
#include "websub.h"
#include "sweep.h"

#define DEFAULT_CONFIG	"/etc/tsunagu/tsunagu.conf"

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: tsunagud [-nvV] [-c file]\n");
	exit(1);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		sdnotify_reloading();
		daemon_reload(d);
		sdnotify("READY=1\nSTATUS=serving");
		break;
	case SIGTERM:
	case SIGINT:
		/* Writes are synchronous transactions on this one thread:
		 * none is half done when a signal callback runs. */
		log_info("received %s, shutting down",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		sdnotify("STOPPING=1");
		event_base_loopexit(d->d_base, NULL);
		break;
	}
}

static int
daemon_start(struct daemon *d, struct config *cf)
{
	int port;

	d->d_clock = clock_real_new(d->d_base);
	d->d_started = clock_now(d->d_clock);
	if (store_open(cf->cf_database, &d->d_store) == -1)
		return -1;
	d->d_guard = netguard_new();
	d->d_fetcher = fetcher_new(d->d_base, (int)cf->cf_max_fetches);
	if (d->d_fetcher == NULL)
		return -1;
	if (daemon_apply_config(d, cf) == -1)
		return -1;
	d->d_http = http_server_new(d, cf->cf_listen_host, cf->cf_listen_port,
	    &port);
	if (d->d_http == NULL)
		return -1;
	if (strchr(cf->cf_listen_host, ':'))
		xasprintf(&d->d_bound_url, "http://[%s]:%d", cf->cf_listen_host,
		    port);
	else
		xasprintf(&d->d_bound_url, "http://%s:%d", cf->cf_listen_host,
		    port);
	d->d_base_url = xstrdup(cf->cf_base_url ? cf->cf_base_url :
	    d->d_bound_url);
	/* Deliveries pending from before resume at once. */
	if ((d->d_webhook = webhook_new(d)) == NULL ||
	    (d->d_outbox = outbox_new(d)) == NULL)
		return -1;
	if (cf->cf_hub) {
		d->d_hub = hub_new(d);
		d->d_hub_enabled = d->d_hub != NULL;
	}
	d->d_websub = websub_new(d);
	d->d_sweep = sweep_new(d);
	d->d_poller = poller_new(d);
	if (poller_sync(d->d_poller) == -1)
		return -1;
	d->d_purge = purge_new(d);
	log_info("listening on %s%s%s:%d", strchr(cf->cf_listen_host, ':') ?
	    "[" : "", cf->cf_listen_host, strchr(cf->cf_listen_host, ':') ?
	    "]" : "", port);
	return 0;
}

static void
daemon_stop(struct daemon *d)
{
	/* In-flight fetches end first: their callbacks touch the poller. */
	fetcher_free(d->d_fetcher);
	poller_free(d->d_poller);
	purge_free(d->d_purge);
	sweep_free(d->d_sweep);
	api_backup_stop(d);
	hub_free(d->d_hub);
	websub_free(d->d_websub);
	outbox_free(d->d_outbox);
	webhook_free(d->d_webhook);
	http_server_free(d->d_http);
	feed_cache_free(d->d_feed_cache);
	store_close(d->d_store);
	netguard_free(d->d_guard);
	auth_free(d->d_auth);
	config_free(d->d_conf);
	free(d->d_base_url);
	free(d->d_bound_url);
	clock_free(d->d_clock);
}

/*
 * With the changelist, the epoll_ctl() calls made during one loop turn
 * are merged: evhttp enables and disables read and write interest around
 * every request, and the net change of a keep-alive request answered at
 * once (feed_reply.c) is nothing.  libevent's one caveat, descriptors
 * cloned by dup(), does not apply: nothing here duplicates a socket.
 */
static struct event_base *
loop_new(void)
{
	struct event_config *ecf;
	struct event_base *base;

	if ((ecf = event_config_new()) == NULL)
		return NULL;
	(void)event_config_set_flag(ecf, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(ecf);
	event_config_free(ecf);
	return base;
}

int
main(int argc, char *argv[])
{
	struct daemon d = { 0 };
	struct config *cf;
	const char *conffile = DEFAULT_CONFIG;
	struct event *sig[3] = { NULL, NULL, NULL };
	static const int signals[3] = { SIGHUP, SIGTERM, SIGINT };
	int ch, noaction = 0, verbose = 0, rc = 1, i;

	while ((ch = getopt(argc, argv, "c:nvV")) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("tsunagud %s\n", TSUNAGU_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("tsunagud", verbose);
	/* Before any library is used: SQLite takes its log hook only now. */
	log_route_libraries();
	store_global_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();

	if ((cf = config_load(conffile)) == NULL) {
		if (!noaction)
			log_warnx("%s: configuration has errors, not starting",
			    conffile);
		goto done;
	}
	log_set_format((enum log_format)cf->cf_log_format);
	if (noaction) {
		fprintf(stderr, "configuration OK\n");
		config_free(cf);
		rc = 0;
		goto done;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The database holds contact data: private to the daemon's user. */
	umask(077);
	if ((d.d_base = loop_new()) == NULL) {
		log_warnx("cannot create the event loop");
		config_free(cf);
		goto done;
	}
	if (daemon_start(&d, cf) == -1) {
		if (d.d_conf != cf)
			config_free(cf);
		goto stop;
	}
	for (i = 0; i < 3; i++) {
		sig[i] = evsignal_new(d.d_base, signals[i], on_signal, &d);
		evsignal_add(sig[i], NULL);
	}
	sdnotify("READY=1\nSTATUS=serving");
	if (event_base_dispatch(d.d_base) == -1)
		log_warnx("the event loop failed");
	else
		rc = 0;
	for (i = 0; i < 3; i++)
		if (sig[i])
			event_free(sig[i]);
stop:
	daemon_stop(&d);
	event_base_free(d.d_base);
done:
	xmlCleanupParser();
	curl_global_cleanup();
	return rc;
}
