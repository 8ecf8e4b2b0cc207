/*
 * test_poller.c — the poll loop in-process: a manual clock drives the
 * schedule (no sleeping), a real origin server on 127.0.0.1 answers, a real
 * SQLite file records the outcome.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "fetch.h"
#include "netguard.h"
#include "poller.h"
#include "store.h"

#define T0	1800000000000LL		/* ms: 2027-01-15 */

static const char rss[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\"><channel><title>刈谷市</title>"
    "<link>http://127.0.0.1/</link>"
    "<item><title>高齢者サロンの運営補助</title>"
    "<link>http://127.0.0.1/e/1</link><guid>e1</guid>"
    "<description>お茶出しと会場準備</description></item>"
    "<item><title>フードドライブ受付</title>"
    "<link>http://127.0.0.1/e/2</link><guid>e2</guid></item>"
    "</channel></rss>\n";

struct origin {
	int		 status;	/* what the next request gets */
	int		 requests;
	char		 inm[128];	/* If-None-Match of the last request */
	char		 uri[128];	/* and its URI */
};

struct fixture {
	struct event_base	*base;
	struct evhttp		*http;
	int			 port;
	struct origin		 origin;
	struct daemon		 d;
	char			 dir[64];
};

static void
origin_cb(struct evhttp_request *req, void *arg)
{
	struct origin *o = arg;
	const char *inm = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "If-None-Match");
	struct evbuffer *body = evbuffer_new();

	o->requests++;
	snprintf(o->inm, sizeof(o->inm), "%s", inm ? inm : "");
	snprintf(o->uri, sizeof(o->uri), "%s", evhttp_request_get_uri(req));
	if (o->status == 200 && inm && strcmp(inm, "\"v1\"") == 0) {
		evhttp_send_reply(req, 304, "Not Modified", NULL);
	} else if (o->status == 200) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "ETag", "\"v1\"");
		evbuffer_add(body, rss, sizeof(rss) - 1);
		evhttp_send_reply(req, 200, "OK", body);
	} else
		evhttp_send_reply(req, o->status, "Broken", NULL);
	evbuffer_free(body);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct evhttp_bound_socket *sock;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char path[128], text[512];
	struct config *cf;
	FILE *f;

	fx->base = event_base_new();
	fx->http = evhttp_new(fx->base);
	fx->origin.status = 200;
	evhttp_set_gencb(fx->http, origin_cb, &fx->origin);
	sock = evhttp_bind_socket_with_handle(fx->http, "127.0.0.1", 0);
	getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&sin,
	    &len);
	fx->port = ntohs(sin.sin_port);

	strcpy(fx->dir, "/tmp/tsunagu-poller-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof(path), "%s/t.conf", fx->dir);
	snprintf(text, sizeof(text),
	    "[daemon]\ninstance = test\nallow_networks = 127.0.0.0/8\n"
	    "[source city]\nurl = http://127.0.0.1:%d/rss.xml\nkind = city\n"
	    "interval = 60\n", fx->port);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cf = config_load(path);
	assert_non_null(cf);

	fx->d.d_base = fx->base;
	fx->d.d_clock = clock_manual_new(T0);
	assert_int_equal(store_open(cf->cf_database, &fx->d.d_store), 0);
	fx->d.d_guard = netguard_new();
	fx->d.d_fetcher = fetcher_new(fx->base, 4);
	assert_int_equal(daemon_apply_config(&fx->d, cf), 0);
	fx->d.d_poller = poller_new(&fx->d);
	assert_int_equal(poller_sync(fx->d.d_poller), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	fetcher_free(fx->d.d_fetcher);
	poller_free(fx->d.d_poller);
	store_close(fx->d.d_store);
	netguard_free(fx->d.d_guard);
	auth_free(fx->d.d_auth);
	config_free(fx->d.d_conf);
	clock_free(fx->d.d_clock);
	evhttp_free(fx->http);
	event_base_free(fx->base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void
source(struct fixture *fx, struct source_health *sh)
{
	assert_int_equal(store_source_get(fx->d.d_store, "city", sh), 0);
}

/* Moves the manual clock, then runs the loop until the fetches it started
 * are recorded (bounded: a stuck fetch fails the test, never hangs it). */
static void
advance(struct fixture *fx, int64_t seconds)
{
	struct source_health before, after;
	int i;

	source(fx, &before);
	clock_manual_advance(fx->d.d_clock, seconds * 1000);
	for (i = 0; i < 2000 && fetcher_in_flight(fx->d.d_fetcher); i++)
		event_base_loop(fx->base, EVLOOP_ONCE);
	assert_int_equal(fetcher_in_flight(fx->d.d_fetcher), 0);
	source(fx, &after);
	assert_true(after.sh_fetches >= before.sh_fetches);
	source_health_free(&before);
	source_health_free(&after);
}

static void
test_schedule_and_conditional_get(void **state)
{
	struct fixture *fx = *state;
	struct source_health sh;

	advance(fx, 0);			/* a new source is polled at once */
	assert_int_equal(fx->origin.requests, 1);
	source(fx, &sh);
	assert_int_equal(sh.sh_fetches, 1);
	assert_null(sh.sh_error);
	assert_int_equal(sh.sh_last_success, T0 / 1000);
	assert_int_equal(sh.sh_next_poll, T0 / 1000 + 60);
	assert_int_equal(store_postings_count(fx->d.d_store), 2);
	source_health_free(&sh);

	advance(fx, 59);		/* not yet due */
	assert_int_equal(fx->origin.requests, 1);
	advance(fx, 1);			/* due: a conditional GET, 304 */
	assert_int_equal(fx->origin.requests, 2);
	assert_string_equal(fx->origin.inm, "\"v1\"");
	source(fx, &sh);
	assert_int_equal(sh.sh_http_status, 304);
	assert_int_equal(sh.sh_next_poll, T0 / 1000 + 120);
	source_health_free(&sh);
	assert_int_equal(store_postings_count(fx->d.d_store), 2);
}

static void
test_backoff_and_recovery(void **state)
{
	struct fixture *fx = *state;
	struct source_health sh;
	int64_t t = T0 / 1000;

	fx->origin.status = 500;
	advance(fx, 0);			/* failure 1: retry after 2 × 60 s */
	source(fx, &sh);
	assert_int_equal(sh.sh_failures, 1);
	assert_string_equal(sh.sh_error_code, "http_500");
	assert_non_null(strstr(sh.sh_error, "500"));
	assert_int_equal(sh.sh_next_poll, t + 120);
	source_health_free(&sh);

	advance(fx, 119);
	assert_int_equal(fx->origin.requests, 1);
	advance(fx, 1);			/* failure 2: retry after 4 × 60 s */
	assert_int_equal(fx->origin.requests, 2);
	source(fx, &sh);
	assert_int_equal(sh.sh_failures, 2);
	assert_int_equal(sh.sh_errors, 2);
	assert_int_equal(sh.sh_next_poll, t + 120 + 240);
	source_health_free(&sh);

	fx->origin.status = 200;
	advance(fx, 240);		/* recovered: back to the interval */
	assert_int_equal(fx->origin.requests, 3);
	source(fx, &sh);
	assert_int_equal(sh.sh_failures, 0);
	assert_null(sh.sh_error);
	assert_int_equal(sh.sh_next_poll, t + 360 + 60);
	source_health_free(&sh);
	assert_int_equal(store_postings_count(fx->d.d_store), 2);
}

static void
test_fetch_now(void **state)
{
	struct fixture *fx = *state;

	advance(fx, 0);
	assert_int_equal(fx->origin.requests, 1);
	assert_int_equal(poller_fetch_now(fx->d.d_poller, "city"), 0);
	assert_int_equal(poller_fetch_now(fx->d.d_poller, "nope"), 1);
	advance(fx, 0);
	assert_int_equal(fx->origin.requests, 2);
}

/* A reload that moves a source to a new URL polls it at once, without the
 * old URL's validators; one that changes nothing keeps the schedule. */
static void
test_reload_new_url(void **state)
{
	struct fixture *fx = *state;
	char path[128];
	struct config *cf;
	FILE *f;

	advance(fx, 0);
	assert_int_equal(fx->origin.requests, 1);
	snprintf(path, sizeof(path), "%s/t.conf", fx->dir);
	assert_non_null(cf = config_load(path));
	assert_int_equal(daemon_apply_config(&fx->d, cf), 0);
	advance(fx, 10);
	assert_int_equal(fx->origin.requests, 1);

	f = fopen(path, "w");
	fprintf(f, "[daemon]\nallow_networks = 127.0.0.0/8\n"
	    "[source city]\nurl = http://127.0.0.1:%d/new.xml\nkind = city\n"
	    "interval = 60\n", fx->port);
	fclose(f);
	assert_non_null(cf = config_load(path));
	assert_int_equal(daemon_apply_config(&fx->d, cf), 0);
	advance(fx, 0);
	assert_int_equal(fx->origin.requests, 2);
	assert_string_equal(fx->origin.uri, "/new.xml");
	assert_string_equal(fx->origin.inm, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_schedule_and_conditional_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_and_recovery,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_now, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_new_url, setup,
		    teardown),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
