/*
 * test_http.c — the HTTP layer in-process: the route table, auth, errors,
 * feeds with ETag / 304 / gzip, metrics, and the hits feed_fast.c answers
 * before evhttp (byte for byte evhttp's reply).  The server runs on
 * 127.0.0.1 port 0 in a forked child over a real store; the parent is the
 * client (libcurl, blocking; raw sockets where the bytes matter).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "netguard.h"
#include "store.h"
#include "xmalloc.h"

#define TOKEN	"test-admin-token-0123456789"
/* The send buffer of the server's sockets: replies larger than this are
 * written in pieces (the kernel's own, autotuned, holds megabytes). */
#define SERVER_SNDBUF	4096

static struct {
	char	dir[64];
	int	port;
	pid_t	server;
} fx;

struct reply {
	long		status;
	struct buf	headers;
	struct buf	body;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

/* One blocking request; extra is a NULL-terminated list of headers. */
static void
request(const char *method, const char *path, const char *const *extra,
    struct reply *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char url[512];

	buf_init(&r->headers, 1 << 20);
	buf_init(&r->body, 16 << 20);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", fx.port, path);
	for (; extra && *extra; extra++)
		hdrs = curl_slist_append(hdrs, *extra);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (strcmp(method, "POST") == 0)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (curl_easy_perform(h) != CURLE_OK)
		fail_msg("%s %s: no answer", method, path);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
}

static void
reply_free(struct reply *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

/* The value of a response header (case-insensitive name), or "". */
static const char *
header(struct reply *r, const char *name, char *out, size_t outlen)
{
	const char *p = r->headers.data ? r->headers.data : "";
	size_t n = strlen(name);

	out[0] = '\0';
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			snprintf(out, outlen, "%.*s", (int)strcspn(p, "\r\n"),
			    p);
			break;
		}
	return out;
}

static void
seed_postings(struct store *st)
{
	struct posting_list entries;
	struct fetch_outcome fo = {
		.fo_source = "city", .fo_attempt = 1800000000,
		.fo_http_status = 200, .fo_next_poll = 1800000300,
		.fo_entries = &entries,
	};
	struct apply_stats stats;
	char title[64], link[64];
	int i;

	posting_list_init(&entries);
	for (i = 0; i < 30; i++) {
		struct posting *p = posting_new();

		snprintf(title, sizeof(title), "清掃ボランティア 第%d回", i);
		snprintf(link, sizeof(link), "https://example.org/e/%d", i);
		posting_set(&p->pst_title, title);
		posting_set(&p->pst_link, link);
		posting_set(&p->pst_content_html,
		    "<p>刈谷市総合運動公園の清掃活動です。軍手を持参してください。"
		    "集合は正面ゲート前、雨天中止。</p>");
		posting_list_push(&entries, p);
	}
	assert_int_equal(store_record_fetch(st, &fo, &stats), 0);
	assert_int_equal(stats.as_added, 30);
	posting_list_clear(&entries);
}

/* The listening socket on port, whose settings accepted sockets take. */
static void
small_send_buffers(int port)
{
	struct sockaddr_in sin;
	socklen_t len;
	int fd, size = SERVER_SNDBUF;

	for (fd = 3; fd < 1024; fd++) {
		len = sizeof(sin);
		if (getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
		    sin.sin_family == AF_INET && ntohs(sin.sin_port) == port &&
		    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size,
		    sizeof(size)) == 0)
			return;
	}
	_exit(1);
}

static int
setup(void **state)
{
	struct daemon d = { 0 };
	struct config *cf;
	char path[128], text[512];
	int pipefd[2];
	FILE *f;

	strcpy(fx.dir, "/tmp/tsunagu-http-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	snprintf(path, sizeof(path), "%s/admin.token", fx.dir);
	f = fopen(path, "w");
	fputs(TOKEN "\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/t.conf", fx.dir);
	snprintf(text, sizeof(text), "[daemon]\nlisten = 127.0.0.1:0\n"
	    "instance = test\nadmin_token_file = admin.token\n"
	    "[source city]\nurl = http://127.0.0.1:9/x\nkind = city\n");
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	assert_non_null(cf = config_load(path));

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	if ((fx.server = fork()) == 0) {
		/* The server: serve until SIGTERM, or give up after 60 s. */
		struct timeval limit = { 60, 0 };

		close(pipefd[0]);
		d.d_base = event_base_new();
		d.d_clock = clock_manual_new(1800000000000LL);
		d.d_started = 1800000000;
		if (store_open(cf->cf_database, &d.d_store) == -1)
			_exit(1);
		d.d_guard = netguard_new();
		if (daemon_apply_config(&d, cf) == -1)
			_exit(1);
		seed_postings(d.d_store);
		d.d_http = http_server_new(&d, "127.0.0.1", 0, &fx.port);
		if (d.d_http == NULL)
			_exit(1);
		small_send_buffers(fx.port);
		xasprintf(&d.d_base_url, "http://127.0.0.1:%d", fx.port);
		if (write(pipefd[1], &fx.port, sizeof(fx.port)) !=
		    sizeof(fx.port))
			_exit(1);
		close(pipefd[1]);
		event_base_loopexit(d.d_base, &limit);
		signal(SIGTERM, SIG_DFL);
		event_base_dispatch(d.d_base);
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &fx.port, sizeof(fx.port)),
	    sizeof(fx.port));
	close(pipefd[0]);
	config_free(cf);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];
	int status;

	kill(fx.server, SIGTERM);
	waitpid(fx.server, &status, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_routing_errors(void **state)
{
	struct reply r;
	json_t *doc;

	request("GET", "/nope", NULL, &r);
	assert_int_equal(r.status, 404);
	doc = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(doc);
	json_decref(doc);
	reply_free(&r);
	request("DELETE", "/healthz", NULL, &r);
	assert_int_equal(r.status, 405);
	reply_free(&r);
	request("GET", "/feeds%00/all.atom", NULL, &r);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	request("GET", "/feeds/all.pdf", NULL, &r);
	assert_int_equal(r.status, 404);
	reply_free(&r);
	request("GET", "/feeds/all.atom?colour=red", NULL, &r);
	assert_int_equal(r.status, 400);
	reply_free(&r);
	request("GET", "/feeds/all.atom?limit=0", NULL, &r);
	assert_int_equal(r.status, 400);
	reply_free(&r);
}

static void
test_auth(void **state)
{
	static const char *const good[] = { "Authorization: Bearer " TOKEN,
	    NULL };
	static const char *const bad[] = { "Authorization: Bearer nope-nope",
	    NULL };
	char value[256];
	struct reply r;

	request("GET", "/api/v1/sources", NULL, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(header(&r, "WWW-Authenticate", value,
	    sizeof(value)), "Bearer realm=\"tsunagu\"");
	reply_free(&r);
	request("GET", "/api/v1/sources", bad, &r);
	assert_int_equal(r.status, 401);
	reply_free(&r);
	request("GET", "/api/v1/sources", good, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.data, "\"city\""));
	reply_free(&r);
	request("GET", "/api/v1/sources/nope", good, &r);
	assert_int_equal(r.status, 404);
	reply_free(&r);
}

static void
test_feed_caching(void **state)
{
	char etag[128], lm[128], hdr[256], value[256];
	const char *inm[] = { hdr, NULL };
	const char *gz[] = { "Accept-Encoding: gzip", NULL };
	struct reply r, z;
	unsigned char plain[1 << 20];
	uLongf plainlen = sizeof(plain);
	z_stream zs = { 0 };

	request("GET", "/feeds/all.atom", NULL, &r);
	assert_int_equal(r.status, 200);
	header(&r, "ETag", etag, sizeof(etag));
	header(&r, "Last-Modified", lm, sizeof(lm));
	assert_true(strlen(etag) > 10);
	assert_string_equal(lm, "Fri, 15 Jan 2027 08:00:00 GMT");
	assert_string_equal(header(&r, "Content-Type", value, sizeof(value)),
	    "application/atom+xml; charset=utf-8");

	snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
	request("GET", "/feeds/all.atom", inm, &z);
	assert_int_equal(z.status, 304);
	assert_int_equal(z.body.len, 0);
	reply_free(&z);
	snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s", lm);
	request("GET", "/feeds/all.atom", inm, &z);
	assert_int_equal(z.status, 304);
	reply_free(&z);
	snprintf(hdr, sizeof(hdr), "If-None-Match: \"other\"");
	request("GET", "/feeds/all.atom", inm, &z);
	assert_int_equal(z.status, 200);
	reply_free(&z);

	/* gzip: its own tag, and the same bytes once inflated. */
	request("GET", "/feeds/all.atom", gz, &z);
	assert_int_equal(z.status, 200);
	assert_string_equal(header(&z, "Content-Encoding", value,
	    sizeof(value)), "gzip");
	assert_string_not_equal(header(&z, "ETag", value, sizeof(value)),
	    etag);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)z.body.data;
	zs.avail_in = z.body.len;
	zs.next_out = plain;
	zs.avail_out = plainlen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, r.body.len);
	assert_memory_equal(plain, r.body.data, r.body.len);
	inflateEnd(&zs);
	reply_free(&z);
	reply_free(&r);

	request("HEAD", "/feeds/all.json", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	reply_free(&r);
}

static void
test_paging(void **state)
{
	char path[256];
	struct reply r;
	json_t *doc, *items;
	const char *next;
	int pages = 0, total = 0;

	snprintf(path, sizeof(path), "/feeds/all.json?limit=7");
	for (;;) {
		request("GET", path, NULL, &r);
		assert_int_equal(r.status, 200);
		doc = json_loadb(r.body.data, r.body.len, 0, NULL);
		assert_non_null(doc);
		items = json_object_get(doc, "items");
		total += json_array_size(items);
		pages++;
		next = json_string_value(json_object_get(doc, "next_url"));
		if (next == NULL) {
			json_decref(doc);
			reply_free(&r);
			break;
		}
		assert_int_equal(json_array_size(items), 7);
		assert_non_null(strstr(next, "127.0.0.1"));
		snprintf(path, sizeof(path), "%s", strstr(next, "/feeds/"));
		json_decref(doc);
		reply_free(&r);
		assert_true(pages < 10);
	}
	assert_int_equal(total, 30);
	assert_int_equal(pages, 5);
}

static void
test_health_and_metrics(void **state)
{
	struct reply r;

	request("GET", "/healthz", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.data, "\"postings\": 30"));
	reply_free(&r);
	request("GET", "/metrics", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.data, "tsunagu_postings_total 30\n"));
	assert_non_null(strstr(r.body.data,
	    "tsunagu_source_fetches_total{source=\"city\"} 1\n"));
	assert_non_null(strstr(r.body.data,
	    "# TYPE tsunagu_source_errors_total counter\n"));
	reply_free(&r);
}

/* --- raw connections ------------------------------------------------ */

/* A connection to the server; rcvbuf > 0 shrinks the client's window. */
static int
raw_connect(int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { 10, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	if (rcvbuf > 0)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	sin.sin_port = htons(fx.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void
raw_send(int fd, const char *text)
{
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/*
 * One reply from fd into r (its header, CRLFs kept, and body); a reply to
 * HEAD or a 304 has no body whatever its Content-Length says.
 */
static void
raw_reply(int fd, int head, struct reply *r)
{
	char chunk[4096], value[32];
	const char *end;
	size_t want, n;
	ssize_t got;

	buf_init(&r->headers, 1 << 16);
	buf_init(&r->body, 16 << 20);
	/* Byte by byte up to the blank line: the body stays in the socket. */
	while (r->headers.len < 4 || memcmp(r->headers.data +
	    r->headers.len - 4, "\r\n\r\n", 4) != 0) {
		if ((got = read(fd, chunk, 1)) != 1)
			fail_msg("no reply header (%zu bytes)", r->headers.len);
		assert_int_equal(buf_append(&r->headers, chunk, 1), 0);
	}
	assert_int_equal(buf_append(&r->headers, "", 1), 0);
	r->headers.len--;
	r->status = strtol(r->headers.data + 9, NULL, 10);
	end = header(r, "Content-Length", value, sizeof(value));
	want = head || r->status == 304 ? 0 : strtoul(end, NULL, 10);
	while (r->body.len < want) {
		n = want - r->body.len < sizeof(chunk) ? want - r->body.len :
		    sizeof(chunk);
		if ((got = read(fd, chunk, n)) <= 0)
			fail_msg("body cut at %zu of %zu", r->body.len, want);
		assert_int_equal(buf_append(&r->body, chunk, got), 0);
	}
}

/* The header without its Date line. */
static void
without_date(const struct reply *r, char *out, size_t outlen)
{
	const char *d = strstr(r->headers.data, "\r\nDate: "), *e;

	assert_non_null(d);
	e = strstr(d + 2, "\r\n");
	snprintf(out, outlen, "%.*s%s", (int)(d - r->headers.data),
	    r->headers.data, e);
}

/* template with its TAG, if any, replaced by tag. */
static void
with_tag(char *out, size_t outlen, const char *template, const char *tag)
{
	const char *at = strstr(template, "TAG");

	if (at == NULL)
		snprintf(out, outlen, "%s", template);
	else
		snprintf(out, outlen, "%.*s%s%s", (int)(at - template),
		    template, tag, at + 3);
}

/*
 * The same reply from feed_fast.c and from evhttp (a header outside
 * feed_fast.c's list sends a request to evhttp), but for the Date: 200s
 * and 304s, plain and gzip.
 */
static void
test_fast_hit_as_evhttp(void **state)
{
	static const char *const paths[] = { "/feeds/all.atom",
	    "/feeds/all.rss?limit=4", "/feeds/all.json?category=%E7%A6%8F"
	    "%E7%A5%89", NULL };
	static const char *const encodings[] = { "", "Accept-Encoding: gzip, "
	    "deflate\r\n", "Accept-Encoding: gzip;q=0\r\n",
	    "Accept-Encoding:\tGZIP;Q=0.5\t\r\n",
	    "Accept-Encoding: identity, *;q=0.000\r\n",
	    "Accept-Encoding: x-gzip, *\r\n", "Accept-Encoding:\r\n", NULL };
	/* TAG: the page's tag in this encoding; 304s first. */
	static const char *const conditions[] = { "If-None-Match: TAG\r\n",
	    "If-None-Match: \"nope\", W/TAG\r\n", "If-None-Match: *\r\n",
	    "If-None-Match:\tTAG\t\r\n", "If-None-Match: \"a\",TAG\r\n",
	    "", "If-None-Match: \"nope\"\r\n", "If-None-Match:\r\n",
	    "If-None-Match: TAGx\r\n", NULL };
	const size_t not_modified = 5;
	char text[1024], cond[256], etag[128], fast[8192], slow[8192];
	const char *const *p, *const *e, *const *c;
	struct reply first, r, ev;
	int fd = raw_connect(0), evfd = raw_connect(0);

	for (p = paths; *p; p++)
		for (e = encodings; *e; e++) {
			/* The first names the target. */
			snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\n"
			    "Host: 127.0.0.1\r\n%s\r\n", *p, *e);
			raw_send(fd, text);
			raw_reply(fd, 0, &first);
			assert_int_equal(first.status, 200);
			header(&first, "ETag", etag, sizeof(etag));
			for (c = conditions; *c; c++) {
				with_tag(cond, sizeof(cond), *c, etag);
				snprintf(text, sizeof(text), "GET %s HTTP/1.1"
				    "\r\nHost: 127.0.0.1\r\nUser-Agent: test"
				    "\r\n%s%s\r\n", *p, *e, cond);
				raw_send(fd, text);
				raw_reply(fd, 0, &r);
				snprintf(text, sizeof(text), "GET %s HTTP/1.1"
				    "\r\nHost: 127.0.0.1\r\nUser-Agent: test"
				    "\r\n%s%sX-Evhttp: please\r\n\r\n", *p, *e,
				    cond);
				raw_send(evfd, text);
				raw_reply(evfd, 0, &ev);
				assert_int_equal(r.status, (size_t)(c -
				    conditions) < not_modified ? 304 : 200);
				assert_non_null(strstr(r.headers.data,
				    "\r\nX-Tsunagu-Cache: hit\r\n"));
				without_date(&r, fast, sizeof(fast));
				without_date(&ev, slow, sizeof(slow));
				assert_string_equal(fast, slow);
				assert_int_equal(r.body.len, ev.body.len);
				assert_memory_equal(r.body.data, ev.body.data,
				    r.body.len);
				if (r.status == 200)
					assert_memory_equal(r.body.data,
					    first.body.data, r.body.len);
				reply_free(&r);
				reply_free(&ev);
			}
			reply_free(&first);
		}
	close(fd);
	close(evfd);
}

/*
 * A hit the socket does not take at once (the client's window is small
 * and it reads late): the rest follows, and evhttp then answers on the
 * same connection as before — a 304, HEAD, a hit again, two requests in
 * one write (evhttp's), and Connection: close.
 */
static void
test_fast_rest_and_after(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	char text[512], etag[128];
	struct reply ref, r, r2;
	int fd = raw_connect(0), slow = raw_connect(2048);
	ssize_t got;

	raw_send(fd, get);
	raw_reply(fd, 0, &ref);		/* names the target */
	assert_int_equal(ref.status, 200);
	header(&ref, "ETag", etag, sizeof(etag));
	/* More than the server's socket holds (setup()). */
	assert_true(ref.body.len > 2 * SERVER_SNDBUF);
	close(fd);

	raw_send(slow, get);
	usleep(200 * 1000);		/* the server writes what it can */
	raw_reply(slow, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, ref.body.len);
	assert_memory_equal(r.body.data, ref.body.data, r.body.len);
	reply_free(&r);

	snprintf(text, sizeof(text), "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nIf-None-Match: %s\r\n\r\n", etag);
	raw_send(slow, text);
	raw_reply(slow, 0, &r);
	assert_int_equal(r.status, 304);
	reply_free(&r);
	raw_send(slow, "HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_reply(slow, 1, &r);
	assert_int_equal(r.status, 200);
	header(&r, "Content-Length", text, sizeof(text));
	assert_int_equal(strtoul(text, NULL, 10), ref.body.len);
	reply_free(&r);
	raw_send(slow, get);
	raw_reply(slow, 0, &r);
	assert_int_equal(r.body.len, ref.body.len);
	reply_free(&r);

	snprintf(text, sizeof(text), "%s%s", get, get);
	raw_send(slow, text);
	raw_reply(slow, 0, &r);
	raw_reply(slow, 0, &r2);
	assert_int_equal(r.body.len, ref.body.len);
	assert_memory_equal(r2.body.data, ref.body.data, r2.body.len);
	reply_free(&r);
	reply_free(&r2);

	raw_send(slow, "GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n");
	raw_reply(slow, 0, &r);
	assert_non_null(strstr(r.headers.data, "\r\nConnection: close\r\n"));
	assert_int_equal(r.body.len, ref.body.len);
	reply_free(&r);
	got = read(slow, text, sizeof(text));
	assert_int_equal(got, 0);	/* closed */
	close(slow);
	reply_free(&ref);
}

/*
 * A feed GET that arrives while evhttp still writes a reply of its own
 * (the client reads late) is evhttp's: feed_fast.c must not take the
 * connection's callbacks then, or evhttp never learns its reply went out
 * and answers nothing more on the connection.
 */
static void
test_fast_not_while_evhttp_writes(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	struct reply ref, r, r2;
	int fd = raw_connect(0), slow = raw_connect(2048);

	raw_send(fd, get);
	raw_reply(fd, 0, &ref);		/* names the target */
	assert_true(ref.body.len > 2 * SERVER_SNDBUF);
	close(fd);

	/* evhttp's reply, more than the sockets hold, then a hit. */
	raw_send(slow, "GET /feeds/all.atom HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "X-Evhttp: please\r\n\r\n");
	usleep(200 * 1000);
	raw_send(slow, get);
	usleep(200 * 1000);
	raw_reply(slow, 0, &r);
	raw_reply(slow, 0, &r2);
	assert_int_equal(r.status, 200);
	assert_int_equal(r2.status, 200);
	assert_int_equal(r.body.len, ref.body.len);
	assert_memory_equal(r2.body.data, ref.body.data, r2.body.len);
	reply_free(&r);
	reply_free(&r2);
	/* evhttp answers again on the connection. */
	raw_send(slow, "HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_reply(slow, 1, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	close(slow);
	reply_free(&ref);
}

/*
 * A body that evhttp reads by a request's first Content-Length (or one
 * written "+N", which strtoll() takes, or folded onto a line of its own)
 * is never a request feed_fast.c answers, even when it arrives alone and
 * reads like a feed hit: one reply (evhttp's 405), then the next
 * request's.
 */
static void
test_fast_not_a_body(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	/* Before the body's length, after it. */
	static const char *const lengths[][2] = {
	    { "Content-Length: ", "\r\nContent-Length: 0\r\n" },
	    { "Content-Length: +", "\r\n" },
	    { "Content-Length:\r\n ", "\r\n" } };
	size_t l;
	char head[256], cl[64];
	struct reply r;
	int fd = raw_connect(0);

	raw_send(fd, get);
	raw_reply(fd, 0, &r);		/* names the target */
	assert_int_equal(r.status, 200);
	reply_free(&r);
	for (l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
		snprintf(cl, sizeof(cl), "%s%zu%s", lengths[l][0],
		    strlen(get), lengths[l][1]);
		snprintf(head, sizeof(head), "POST /feeds/all.atom HTTP/1.1\r\n"
		    "Host: 127.0.0.1\r\n%s\r\n", cl);
		raw_send(fd, head);
		usleep(100 * 1000);	/* the body in a read of its own */
		raw_send(fd, get);
		raw_reply(fd, 0, &r);
		assert_int_equal(r.status, 405);
		reply_free(&r);
		raw_send(fd, "HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
		raw_reply(fd, 1, &r);
		assert_int_equal(r.status, 200);
		assert_null(strstr(r.headers.data, "Content-Type: text/html"));
		reply_free(&r);
	}
	close(fd);
}

/*
 * The rest of a hit still queued when its page leaves the cache (a
 * posting on it withdrawn, the page rendered again for another client)
 * goes out whole, as it was: the queue holds the body, or the file it is
 * sent from, until it is out.  Last: it changes the postings.
 */
static void
test_fast_rest_outlives_its_page(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	static const char *const admin[] = { "Authorization: Bearer " TOKEN,
	    NULL };
	char path[256];
	struct reply ref, r, now;
	json_t *doc, *first;
	int fd = raw_connect(0), slow = raw_connect(2048);

	raw_send(fd, get);
	raw_reply(fd, 0, &ref);		/* names the target */
	assert_true(ref.body.len > 2 * SERVER_SNDBUF);
	raw_send(slow, get);
	usleep(200 * 1000);		/* the hit, mostly still queued */

	request("GET", "/api/v1/postings?limit=1", admin, &r);
	assert_int_equal(r.status, 200);
	doc = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(doc);
	first = json_array_get(json_object_get(doc, "postings"), 0);
	assert_non_null(first);
	snprintf(path, sizeof(path), "/api/v1/postings/%s/withdraw",
	    json_string_value(json_object_get(first, "id")));
	json_decref(doc);
	reply_free(&r);
	request("POST", path, admin, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);

	raw_send(fd, get);
	raw_reply(fd, 0, &now);
	assert_int_equal(now.status, 200);
	assert_non_null(strstr(now.headers.data, "\r\nX-Tsunagu-Cache: miss\r\n"));
	assert_false(now.body.len == ref.body.len &&
	    memcmp(now.body.data, ref.body.data, now.body.len) == 0);

	raw_reply(slow, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, ref.body.len);
	assert_memory_equal(r.body.data, ref.body.data, r.body.len);
	reply_free(&r);
	reply_free(&now);
	reply_free(&ref);
	close(fd);
	close(slow);
}

/*
 * A client that goes while the rest of a hit is queued (closed, or its
 * socket reset, the rest unsent): the server lets the connection go and
 * answers the next ones, fast or not.  (A client that only shuts down its
 * side is let go too, by evhttp as by feed_fast.c: libevent takes the end
 * of the input for the end of the connection.)
 */
static void
test_fast_client_gone(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	struct linger reset = { 1, 0 };
	struct reply r;
	int fd = raw_connect(0), slow, i;

	raw_send(fd, get);
	raw_reply(fd, 0, &r);		/* names the target */
	reply_free(&r);
	for (i = 0; i < 2; i++) {
		slow = raw_connect(2048);
		raw_send(slow, get);
		usleep(100 * 1000);	/* the hit, mostly still queued */
		if (i == 1)
			assert_int_equal(setsockopt(slow, SOL_SOCKET,
			    SO_LINGER, &reset, sizeof(reset)), 0);
		close(slow);
		raw_send(fd, get);
		raw_reply(fd, 0, &r);
		assert_int_equal(r.status, 200);
		reply_free(&r);
		raw_send(fd, "HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
		raw_reply(fd, 1, &r);
		assert_int_equal(r.status, 200);
		reply_free(&r);
	}
	close(fd);
}

/*
 * Requests feed_fast.c leaves to evhttp get evhttp's answer: one split
 * over two reads (whole, once), a lower-case method (not a GET), an
 * absolute-form target (evhttp closes the connection after it) and
 * HTTP/1.0 (its version back, the body up to the end of the connection).
 */
static void
test_fast_leaves_to_evhttp(void **state)
{
	static const char get[] = "GET /feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n";
	struct reply ref, r;
	char text[4096];
	size_t total;
	ssize_t got = -1;
	int fd = raw_connect(0), other, i;

	raw_send(fd, get);
	raw_reply(fd, 0, &ref);		/* names the target */
	raw_send(fd, "GET /feeds/all.atom HTTP/1.1\r\nHost: 127.");
	usleep(100 * 1000);
	raw_send(fd, "0.0.1\r\n\r\n");
	raw_reply(fd, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, ref.body.len);
	reply_free(&r);
	raw_send(fd, "HEAD /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_reply(fd, 1, &r);		/* nothing else came before it */
	assert_int_equal(r.status, 200);
	reply_free(&r);

	raw_send(fd, "get /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n");
	raw_reply(fd, 1, &r);
	assert_true(r.status == 405 || r.status == 501 || r.status == 400);
	reply_free(&r);
	close(fd);

	other = raw_connect(0);
	raw_send(other, "GET http://127.0.0.1/feeds/all.atom HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n");
	raw_reply(other, 0, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	close(other);

	/* HTTP/1.0: the body ends with the connection. */
	other = raw_connect(0);
	raw_send(other, "GET /feeds/all.atom HTTP/1.0\r\nHost: x\r\n\r\n");
	raw_reply(other, 1, &r);
	assert_int_equal(strncmp(r.headers.data, "HTTP/1.0 200 ", 13), 0);
	reply_free(&r);
	for (total = 0, i = 0; i < 100000 &&
	    (got = read(other, text, sizeof(text))) > 0; i++)
		total += (size_t)got;
	assert_int_equal(got, 0);
	assert_int_equal(total, ref.body.len);
	close(other);
	reply_free(&ref);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routing_errors),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_feed_caching),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_health_and_metrics),
		cmocka_unit_test(test_fast_hit_as_evhttp),
		cmocka_unit_test(test_fast_rest_and_after),
		cmocka_unit_test(test_fast_not_while_evhttp_writes),
		cmocka_unit_test(test_fast_not_a_body),
		cmocka_unit_test(test_fast_client_gone),
		cmocka_unit_test(test_fast_leaves_to_evhttp),
		cmocka_unit_test(test_fast_rest_outlives_its_page),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
