/* config.c — tsunagu.conf: key tables, value parsers, validation. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "../feeds/area.h"
#include "../feeds/charset.h"
#include "../feeds/area_table.h"
#include "../feeds/category.h"
#include "../feeds/xmalloc.h"
#include "config.h"
#include "feed_filter.h"
#include "ini.h"
#include "log.h"
#include "netguard.h"
#include "noproxy.h"

#define DEFAULT_LISTEN_HOST	"127.0.0.1"
#define DEFAULT_LISTEN_PORT	8080
#define DEFAULT_INTERVAL	900
#define DEFAULT_PURGE_CONTACTS_AFTER	90	/* days */

struct config_key;
typedef int (*key_parser)(const struct config_key *, const char *value,
    void *field, const char *confdir, char *err, size_t errlen);

struct config_key {
	const char		*ck_name;
	key_parser		 ck_parse;
	size_t			 ck_offset;
	int64_t			 ck_min, ck_max;
	const char *const	*ck_choices;
};

static const char *const formats[] = { "auto", "rss", "rdf", "atom",
    "jsonfeed", "csv", "ical", NULL };
static const char *const kinds[] = { "city", "shakyo", "corporate", "civic",
    "federation", NULL };

/* --- value parsers ---------------------------------------------------- */

static int
parse_string(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	char **dst = field;

	if (*v == '\0') {
		snprintf(err, errlen, "%s: empty value", k->ck_name);
		return -1;
	}
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int
parse_path(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	char **dst = field;

	if (*v == '\0') {
		snprintf(err, errlen, "%s: empty path", k->ck_name);
		return -1;
	}
	free(*dst);
	if (*v == '/')
		*dst = xstrdup(v);
	else
		xasprintf(dst, "%s/%s", confdir, v);
	return 0;
}

static int
parse_choice(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	const char *const *c;

	for (c = k->ck_choices; *c; c++)
		if (strcmp(*c, v) == 0)
			return parse_string(k, v, field, confdir, err, errlen);
	snprintf(err, errlen, "%s: '%s' is not one of", k->ck_name, v);
	for (c = k->ck_choices; *c; c++) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, "%s %s", c == k->ck_choices ?
		    "" : ",", *c);
	}
	return -1;
}

/* A charset label the decoder knows, or "auto". */
static int
parse_encoding(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	if (strcmp(v, "auto") != 0 && charset_lookup(v) == NULL) {
		snprintf(err, errlen, "%s: unknown character set '%s' (try "
		    "Shift_JIS, EUC-JP, ISO-2022-JP, UTF-8 or auto)",
		    k->ck_name, v);
		return -1;
	}
	return parse_string(k, v, field, confdir, err, errlen);
}

/* A name for tag: URIs and federation: [a-z0-9._-], at most 64. */
static int
parse_name(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	size_t len = strlen(v);

	if (len == 0 || len > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.") != len) {
		snprintf(err, errlen, "%s: use lowercase letters, digits, '-', "
		    "'_' or '.' (at most 64)", k->ck_name);
		return -1;
	}
	return parse_string(k, v, field, confdir, err, errlen);
}

static int
parse_int_value(const struct config_key *k, const char *v, int64_t *out,
    char *err, size_t errlen)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno == ERANGE) {
		snprintf(err, errlen, "%s: '%s' is not a number", k->ck_name, v);
		return -1;
	}
	if (n < k->ck_min || n > k->ck_max) {
		snprintf(err, errlen, "%s: %lld is out of range %" PRId64
		    "..%" PRId64, k->ck_name, n, k->ck_min, k->ck_max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
parse_int(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	return parse_int_value(k, v, field, err, errlen);
}

/* "10485760", "512k", "10M": bytes. */
static int
parse_size(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	char digits[32], unit;
	size_t len = strlen(v);
	int64_t n, mult = 1;

	if (len == 0 || len >= sizeof(digits)) {
		snprintf(err, errlen, "%s: '%s' is not a size", k->ck_name, v);
		return -1;
	}
	memcpy(digits, v, len + 1);
	unit = digits[len - 1];
	if (unit == 'k' || unit == 'K')
		mult = 1024;
	else if (unit == 'M' || unit == 'm')
		mult = 1024 * 1024;
	else if (unit == 'G' || unit == 'g')
		mult = 1024 * 1024 * 1024;
	if (mult != 1)
		digits[len - 1] = '\0';
	{
		struct config_key scaled = *k;

		scaled.ck_min = (k->ck_min + mult - 1) / mult;
		scaled.ck_max = k->ck_max / mult;
		if (parse_int_value(&scaled, digits, &n, err, errlen) == -1)
			return -1;
	}
	*(size_t *)field = (size_t)(n * mult);
	return 0;
}

static int
parse_bool(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	static const char *const yes[] = { "on", "yes", "true", "1", NULL };
	static const char *const no[] = { "off", "no", "false", "0", NULL };
	int i;

	for (i = 0; yes[i]; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*(int *)field = 1;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*(int *)field = 0;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: '%s' is not on or off", k->ck_name, v);
	return -1;
}

static int
check_url(const char *v, char *err, size_t errlen, const char *what)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK) {
		snprintf(err, errlen, "%s: '%s' is not a URL", what, v);
		goto fail;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (scheme == NULL || (strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0)) {
		snprintf(err, errlen, "%s: only http and https URLs are "
		    "allowed", what);
		goto fail;
	}
	if (host == NULL || *host == '\0') {
		snprintf(err, errlen, "%s: URL without a host", what);
		goto fail;
	}
	rc = 0;
fail:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

static int
parse_url(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	if (check_url(v, err, errlen, k->ck_name) == -1)
		return -1;
	return parse_string(k, v, field, confdir, err, errlen);
}

/* base_url: an http(s) URL; stored without a trailing slash. */
static int
parse_base_url(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	char **dst = field;
	size_t len;

	if (parse_url(k, v, field, confdir, err, errlen) == -1)
		return -1;
	len = strlen(*dst);
	while (len > 0 && (*dst)[len - 1] == '/')
		(*dst)[--len] = '\0';
	return 0;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:0". */
static int
parse_listen(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	const char *colon, *host = v;
	size_t hostlen;
	struct config_key port = { "listen", NULL, 0, 0, 65535, NULL };
	int64_t n;

	if (*v == '[') {
		const char *close = strchr(v, ']');

		if (close == NULL || close[1] != ':')
			goto bad;
		host = v + 1;
		hostlen = close - host;
		colon = close + 1;
	} else {
		colon = strrchr(v, ':');
		if (colon == NULL || memchr(v, ':', colon - v) != NULL)
			goto bad;
		hostlen = colon - v;
	}
	if (hostlen == 0)
		goto bad;
	if (parse_int_value(&port, colon + 1, &n, err, errlen) == -1)
		return -1;
	free(cf->cf_listen_host);
	cf->cf_listen_host = xstrndup(host, hostlen);
	cf->cf_listen_port = (int)n;
	return 0;
bad:
	snprintf(err, errlen, "%s: expected HOST:PORT or [ADDRESS]:PORT, "
	    "not '%s'", k->ck_name, v);
	return -1;
}

static void
list_free(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int
parse_networks(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	struct netguard *check = netguard_new();
	char *copy = xstrdup(v), *tok, *save = NULL;
	char **list = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, ", \t", &save); tok;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (netguard_allow(check, tok) == -1) {
			snprintf(err, errlen, "%s: '%s' is not a network "
			    "(ADDRESS/PREFIX)", k->ck_name, tok);
			list_free(list, n);
			free(copy);
			netguard_free(check);
			return -1;
		}
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = xstrdup(tok);
	}
	free(copy);
	netguard_free(check);
	list_free(cf->cf_allow_networks, cf->cf_nallow_networks);
	cf->cf_allow_networks = list;
	cf->cf_nallow_networks = n;
	return 0;
}

/* "127.0.0.1, ::1": addresses, kept in the form peers are reported in. */
static int
parse_proxies(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	unsigned char raw[sizeof(struct in6_addr)];
	char *copy = xstrdup(v), *tok, *save = NULL, text[INET6_ADDRSTRLEN];
	char **list = NULL;
	size_t n = 0;
	int af;

	for (tok = strtok_r(copy, ", \t", &save); tok;
	    tok = strtok_r(NULL, ", \t", &save)) {
		af = strchr(tok, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(af, tok, raw) != 1 ||
		    inet_ntop(af, raw, text, sizeof(text)) == NULL) {
			snprintf(err, errlen, "%s: '%s' is not an IP address",
			    k->ck_name, tok);
			list_free(list, n);
			free(copy);
			return -1;
		}
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = xstrdup(text);
	}
	free(copy);
	list_free(cf->cf_trusted_proxies, cf->cf_ntrusted_proxies);
	cf->cf_trusted_proxies = list;
	cf->cf_ntrusted_proxies = n;
	return 0;
}

/* proxy: http://[USER:PASSWORD@]HOST:PORT, with nothing after the port. */
static int
parse_proxy(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *query = NULL, *fragment = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, v, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK) {
		snprintf(err, errlen, "%s: not a URL (http://HOST:PORT)",
		    k->ck_name);
		goto done;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
	if (scheme == NULL || strcmp(scheme, "http") != 0)
		snprintf(err, errlen, "%s: only http:// proxies are supported "
		    "(http://HOST:PORT)", k->ck_name);
	else if (host == NULL || *host == '\0')
		snprintf(err, errlen, "%s: no host (http://HOST:PORT)",
		    k->ck_name);
	else if (port == NULL)
		snprintf(err, errlen, "%s: give the port (http://HOST:PORT)",
		    k->ck_name);
	else if ((path != NULL && strcmp(path, "/") != 0) || query != NULL ||
	    fragment != NULL)
		snprintf(err, errlen, "%s: nothing may follow the port "
		    "(http://HOST:PORT)", k->ck_name);
	else
		rc = parse_string(k, v, field, confdir, err, errlen);
 done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_free(fragment);
	curl_url_cleanup(u);
	return rc;
}

/* no_proxy: "host, .domain, 10.0.0.0/8" (noproxy.h). */
static int
parse_no_proxy(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	struct noproxy *check = noproxy_new();
	char *copy = xstrdup(v), *tok, *save = NULL;
	char **list = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, ", \t", &save); tok;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (noproxy_add(check, tok) == -1) {
			snprintf(err, errlen, "%s: '%s' is neither a host, a "
			    ".domain nor a network (ADDRESS/PREFIX)",
			    k->ck_name, tok);
			list_free(list, n);
			free(copy);
			noproxy_free(check);
			return -1;
		}
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = xstrdup(tok);
	}
	free(copy);
	noproxy_free(check);
	list_free(cf->cf_no_proxy, cf->cf_nno_proxy);
	cf->cf_no_proxy = list;
	cf->cf_nno_proxy = n;
	return 0;
}

static int
parse_log_format(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	enum log_format fmt;

	if (log_format_parse(v, &fmt) == -1) {
		snprintf(err, errlen, "%s: '%s' is not one of text, kv",
		    k->ck_name, v);
		return -1;
	}
	*(int *)field = (int)fmt;
	return 0;
}

static int
parse_area(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	char code[7];

	if (area_normalize(v, code) == -1) {
		snprintf(err, errlen, "%s: '%s' is not a 全国地方公共団体コード "
		    "(2-digit prefecture, 5 or 6-digit municipality with a "
		    "valid check digit)", k->ck_name, v);
		return -1;
	}
	return parse_string(k, code, field, confdir, err, errlen);
}

/* municipalities: a table in the localgovjp format, loaded here so that
 * its errors are configuration errors. */
static int
parse_municipalities(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	struct area_table *t;
	char msg[512];

	if (parse_path(k, v, &cf->cf_municipalities, confdir, err,
	    errlen) == -1)
		return -1;
	if ((t = area_table_load(cf->cf_municipalities, msg,
	    sizeof(msg))) == NULL) {
		snprintf(err, errlen, "%s: %s", k->ck_name, msg);
		return -1;
	}
	area_table_free(cf->cf_areas);
	cf->cf_areas = t;
	return 0;
}

/* categories: "原文=code, 原文=code" (category.h). */
static int
parse_categories(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct category_map **dst = field, *map;
	char msg[512];

	if ((map = category_map_parse(v, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "%s: %s", k->ck_name, msg);
		return -1;
	}
	category_map_free(*dst);
	*dst = map;
	return 0;
}

/* Standard Webhooks secret: "whsec_" and base64 of 24 to 64 bytes. */
static int
parse_secret(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	unsigned char raw[128];
	size_t len;
	int n;

	if (strncmp(v, "whsec_", 6) != 0)
		goto bad;
	len = strlen(v + 6);
	if (len == 0 || len % 4 != 0 || len > 4 * sizeof(raw) / 3)
		goto bad;
	n = EVP_DecodeBlock(raw, (const unsigned char *)v + 6, (int)len);
	if (n < 0)
		goto bad;
	n -= (v[6 + len - 1] == '=') + (v[6 + len - 2] == '=');
	if (n < 24 || n > 64)
		goto bad;
	return parse_string(k, v, field, confdir, err, errlen);
bad:
	snprintf(err, errlen, "%s: expected 'whsec_' followed by the base64 "
	    "of 24 to 64 random bytes", k->ck_name);
	return -1;
}

/* "kind=city,shakyo area=232106": the feed filters (feed_filter.h). */
static int
parse_filter(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct posting_filter f;
	char msg[256];
	int rc;

	memset(&f, 0, sizeof(f));
	rc = feed_filter_parse_line(&f, v, msg, sizeof(msg));
	feed_filter_clear(&f);
	if (rc == -1) {
		snprintf(err, errlen, "%s: %s", k->ck_name, msg);
		return -1;
	}
	return parse_string(k, v, field, confdir, err, errlen);
}

/*
 * kind_priority: the source kinds in the order their fields win a merge,
 * "city, shakyo, corporate, civic, federation"; kinds left out follow in
 * that default order.
 */
static int
parse_kind_priority(const struct config_key *k, const char *v, void *field,
    const char *confdir, char *err, size_t errlen)
{
	struct config *cf = field;
	const char *const *c;
	char *copy = xstrdup(v), *word, *save = NULL, **list;
	size_t n = 0, nkinds = 0, i;

	(void)confdir;
	for (c = k->ck_choices; *c; c++)
		nkinds++;
	list = xcalloc(nkinds + 1, sizeof(*list));
	for (word = strtok_r(copy, ", \t", &save); word != NULL;
	    word = strtok_r(NULL, ", \t", &save)) {
		for (c = k->ck_choices; *c && strcmp(*c, word) != 0; c++)
			;
		for (i = 0; i < n && strcmp(list[i], word) != 0; i++)
			;
		if (*c == NULL || i < n) {
			snprintf(err, errlen, "%s: '%s' is %s", k->ck_name, word,
			    *c == NULL ? "not a kind (city, shakyo, corporate, "
			    "civic, federation)" : "listed twice");
			list_free(list, n);
			free(copy);
			return -1;
		}
		list[n++] = xstrdup(word);
	}
	free(copy);
	if (n == 0) {
		snprintf(err, errlen, "%s: empty value", k->ck_name);
		free(list);
		return -1;
	}
	for (c = k->ck_choices; *c; c++) {
		for (i = 0; i < n && strcmp(list[i], *c) != 0; i++)
			;
		if (i == n)
			list[n++] = xstrdup(*c);
	}
	list_free(cf->cf_kind_priority, cf->cf_nkind_priority);
	cf->cf_kind_priority = list;
	cf->cf_nkind_priority = n;
	return 0;
}

/* --- the key tables --------------------------------------------------- */

#define DKEY(name, fn, field, ...) { name, fn, \
	offsetof(struct config, field), __VA_ARGS__ }
#define SKEY(name, fn, field, ...) { name, fn, \
	offsetof(struct source_conf, field), __VA_ARGS__ }
#define UKEY(name, fn, field, ...) { name, fn, \
	offsetof(struct subscriber_conf, field), __VA_ARGS__ }

static const struct config_key daemon_keys[] = {
	{ "listen", parse_listen, 0, 0, 0, NULL },
	DKEY("database", parse_path, cf_database, 0, 0, NULL),
	DKEY("base_url", parse_base_url, cf_base_url, 0, 0, NULL),
	DKEY("instance", parse_name, cf_instance, 0, 0, NULL),
	DKEY("region", parse_area, cf_region, 0, 0, NULL),
	{ "municipalities", parse_municipalities, 0, 0, 0, NULL },
	{ "allow_networks", parse_networks, 0, 0, 0, NULL },
	{ "trusted_proxies", parse_proxies, 0, 0, 0, NULL },
	DKEY("admin_token_file", parse_path, cf_admin_token_file, 0, 0, NULL),
	DKEY("user_agent", parse_string, cf_user_agent, 0, 0, NULL),
	DKEY("max_body", parse_size, cf_max_body, 1024, 1024LL << 20, NULL),
	DKEY("connect_timeout", parse_int, cf_connect_timeout, 1, 300, NULL),
	DKEY("fetch_timeout", parse_int, cf_fetch_timeout, 1, 3600, NULL),
	DKEY("max_redirects", parse_int, cf_max_redirects, 0, 20, NULL),
	DKEY("max_fetches", parse_int, cf_max_fetches, 1, 256, NULL),
	DKEY("feed_limit", parse_int, cf_feed_limit, 1, 10000, NULL),
	DKEY("feed_cache_size", parse_size, cf_feed_cache_size, 0, 16LL << 30,
	    NULL),
	DKEY("api_rate", parse_int, cf_api_rate, 1, 1000000, NULL),
	DKEY("api_burst", parse_int, cf_api_burst, 1, 1000000, NULL),
	{ "kind_priority", parse_kind_priority, 0, 0, 0, kinds },
	DKEY("max_connections", parse_int, cf_max_connections, 16, 1000000,
	    NULL),
	DKEY("proxy", parse_proxy, cf_proxy, 0, 0, NULL),
	{ "no_proxy", parse_no_proxy, 0, 0, 0, NULL },
	DKEY("purge_contacts_after", parse_int, cf_purge_contacts_after, 0,
	    36500, NULL),
	DKEY("log_format", parse_log_format, cf_log_format, 0, 0, NULL),
	DKEY("webhook_timeout", parse_int, cf_webhook_timeout, 1, 300, NULL),
	DKEY("webhook_max_in_flight", parse_int, cf_webhook_max_in_flight, 1,
	    4096, NULL),
	DKEY("webhook_concurrency", parse_int, cf_webhook_concurrency, 1, 256,
	    NULL),
	DKEY("webhook_rate", parse_int, cf_webhook_rate, 1, 100000, NULL),
	DKEY("webhook_burst", parse_int, cf_webhook_burst, 1, 100000, NULL),
	DKEY("webhook_disable_after", parse_int, cf_webhook_disable_after,
	    3600, 365 * 86400, NULL),
	DKEY("webhook_retention", parse_int, cf_webhook_retention, 86400,
	    3650 * 86400, NULL),
	DKEY("secret_overlap", parse_int, cf_secret_overlap, 0, 30 * 86400,
	    NULL),
	DKEY("hub", parse_bool, cf_hub, 0, 0, NULL),
	DKEY("hub_lease_min", parse_int, cf_hub_lease_min, 60, 365 * 86400,
	    NULL),
	DKEY("hub_lease_default", parse_int, cf_hub_lease_default, 60,
	    365 * 86400, NULL),
	DKEY("hub_lease_max", parse_int, cf_hub_lease_max, 60, 365 * 86400,
	    NULL),
	DKEY("hub_max_subscriptions", parse_int, cf_hub_max_subscriptions, 0,
	    10000000, NULL),
	DKEY("hub_max_per_host", parse_int, cf_hub_max_per_host, 0, 10000000,
	    NULL),
	{ NULL, NULL, 0, 0, 0, NULL }
};

static const struct config_key source_keys[] = {
	SKEY("url", parse_url, src_url, 0, 0, NULL),
	SKEY("format", parse_choice, src_format, 0, 0, formats),
	SKEY("kind", parse_choice, src_kind, 0, 0, kinds),
	SKEY("interval", parse_int, src_interval, 1, 30 * 86400, NULL),
	SKEY("moderation", parse_bool, src_moderation, 0, 0, NULL),
	SKEY("encoding", parse_encoding, src_encoding, 0, 0, NULL),
	SKEY("area", parse_area, src_area, 0, 0, NULL),
	SKEY("categories", parse_categories, src_categories, 0, 0, NULL),
	SKEY("withdraw_after", parse_int, src_withdraw_after, 1, 1000, NULL),
	SKEY("websub", parse_bool, src_websub, 0, 0, NULL),
	SKEY("max_pages", parse_int, src_max_pages, 1, 10000, NULL),
	{ NULL, NULL, 0, 0, 0, NULL }
};

static const struct config_key subscriber_keys[] = {
	UKEY("webhook", parse_url, sub_webhook, 0, 0, NULL),
	UKEY("secret", parse_secret, sub_secret, 0, 0, NULL),
	UKEY("filter", parse_filter, sub_filter, 0, 0, NULL),
	UKEY("feed_token_file", parse_path, sub_feed_token_file, 0, 0, NULL),
	UKEY("rate", parse_int, sub_rate, 1, 100000, NULL),
	UKEY("burst", parse_int, sub_burst, 1, 100000, NULL),
	UKEY("concurrency", parse_int, sub_concurrency, 1, 256, NULL),
	{ NULL, NULL, 0, 0, 0, NULL }
};

/* --- sections ----------------------------------------------------------- */

struct config_parse {
	struct config		*cp_conf;
	const char		*cp_confdir;
	const struct config_key	*cp_keys;	/* of the current section */
	void			*cp_target;
	uint64_t		 cp_seen;	/* keys already set, one bit each */
	int			 cp_daemon_seen;
};

static int
section_begin(struct config_parse *cp, const struct ini_item *it, char *err,
    size_t errlen)
{
	struct config *cf = cp->cp_conf;
	struct source_conf *src;
	struct subscriber_conf *sub;

	cp->cp_seen = 0;
	if (strcmp(it->ii_section, "daemon") == 0) {
		if (it->ii_name) {
			snprintf(err, errlen, "[daemon] takes no name");
			return -1;
		}
		if (cp->cp_daemon_seen++) {
			snprintf(err, errlen, "duplicate section [daemon]");
			return -1;
		}
		cp->cp_keys = daemon_keys;
		cp->cp_target = cf;
		return 0;
	}
	if (strcmp(it->ii_section, "source") == 0 ||
	    strcmp(it->ii_section, "subscriber") == 0) {
		if (it->ii_name == NULL) {
			snprintf(err, errlen, "[%s] needs a name: [%s NAME]",
			    it->ii_section, it->ii_section);
			return -1;
		}
	}
	if (strcmp(it->ii_section, "source") == 0) {
		if (config_source(cf, it->ii_name)) {
			snprintf(err, errlen, "duplicate source '%s'",
			    it->ii_name);
			return -1;
		}
		src = xcalloc(1, sizeof(*src));
		src->src_name = xstrdup(it->ii_name);
		src->src_line = it->ii_line;
		src->src_interval = DEFAULT_INTERVAL;
		src->src_websub = 1;
		TAILQ_INSERT_TAIL(&cf->cf_sources, src, src_entry);
		cp->cp_keys = source_keys;
		cp->cp_target = src;
		return 0;
	}
	if (strcmp(it->ii_section, "subscriber") == 0) {
		TAILQ_FOREACH(sub, &cf->cf_subscribers, sub_entry)
			if (strcmp(sub->sub_name, it->ii_name) == 0) {
				snprintf(err, errlen, "duplicate subscriber "
				    "'%s'", it->ii_name);
				return -1;
			}
		sub = xcalloc(1, sizeof(*sub));
		sub->sub_name = xstrdup(it->ii_name);
		sub->sub_line = it->ii_line;
		TAILQ_INSERT_TAIL(&cf->cf_subscribers, sub, sub_entry);
		cp->cp_keys = subscriber_keys;
		cp->cp_target = sub;
		return 0;
	}
	snprintf(err, errlen, "unknown section '%s'", it->ii_section);
	return -1;
}

static int
config_item(const struct ini_item *it, void *arg, char *err, size_t errlen)
{
	struct config_parse *cp = arg;
	const struct config_key *k;
	int i;

	if (it->ii_key == NULL)
		return section_begin(cp, it, err, errlen);
	for (i = 0, k = cp->cp_keys; k->ck_name; k++, i++)
		if (strcmp(k->ck_name, it->ii_key) == 0)
			break;
	if (k->ck_name == NULL) {
		snprintf(err, errlen, "unknown key '%s' in [%s]", it->ii_key,
		    it->ii_section);
		return -1;
	}
	if (cp->cp_seen & (1ULL << i)) {
		snprintf(err, errlen, "duplicate key '%s'", it->ii_key);
		return -1;
	}
	cp->cp_seen |= 1ULL << i;
	/* listen, allow_networks, municipalities and no_proxy (offset 0)
	 * fill the struct config. */
	return k->ck_parse(k, it->ii_value,
	    (char *)cp->cp_target + k->ck_offset, cp->cp_confdir, err, errlen);
}

/* --- whole-file checks and defaults -------------------------------------- */

static void
report_stderr(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static int
config_finish(struct config *cf, const char *confdir)
{
	struct source_conf *src;
	int errors = 0;

	TAILQ_FOREACH(src, &cf->cf_sources, src_entry) {
		if (src->src_url == NULL) {
			fprintf(stderr, "%s:%d: source '%s' has no url\n",
			    cf->cf_path, src->src_line, src->src_name);
			errors++;
		}
		if (src->src_kind == NULL) {
			fprintf(stderr, "%s:%d: source '%s' has no kind "
			    "(city, shakyo, corporate, civic or federation)\n",
			    cf->cf_path, src->src_line, src->src_name);
			errors++;
		}
		if (src->src_format == NULL)
			src->src_format = xstrdup("auto");
	}
	if (cf->cf_hub_lease_min > cf->cf_hub_lease_default ||
	    cf->cf_hub_lease_default > cf->cf_hub_lease_max) {
		fprintf(stderr, "%s: hub_lease_min <= hub_lease_default <= "
		    "hub_lease_max does not hold\n", cf->cf_path);
		errors++;
	}
	if (cf->cf_listen_host == NULL) {
		cf->cf_listen_host = xstrdup(DEFAULT_LISTEN_HOST);
		cf->cf_listen_port = DEFAULT_LISTEN_PORT;
	}
	if (cf->cf_database == NULL)
		xasprintf(&cf->cf_database, "%s/tsunagu.db", confdir);
	if (cf->cf_instance == NULL)
		cf->cf_instance = xstrdup("tsunagu");
	if (cf->cf_user_agent == NULL)
		cf->cf_user_agent = xstrdup("tsunagu/" TSUNAGU_VERSION
		    " (+https://github.com/tsunagu)");
	return errors ? -1 : 0;
}

static char *
read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t len;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	data = xmalloc(INI_MAX_SIZE + 1);
	len = fread(data, 1, INI_MAX_SIZE + 1, f);
	if (ferror(f) || len > INI_MAX_SIZE) {
		fprintf(stderr, "%s: %s\n", path, ferror(f) ? strerror(errno) :
		    "file larger than 16 MiB");
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	*lenp = len;
	return data;
}

struct config *
config_load(const char *path)
{
	struct config *cf = xcalloc(1, sizeof(*cf));
	struct config_parse cp = { 0 };
	char *data = NULL, *pathcopy = xstrdup(path), *confdir, *absdir = NULL;
	size_t len;
	int rc;

	TAILQ_INIT(&cf->cf_sources);
	TAILQ_INIT(&cf->cf_subscribers);
	cf->cf_path = xstrdup(path);
	cf->cf_max_body = 10 * 1024 * 1024;
	cf->cf_connect_timeout = 10;
	cf->cf_fetch_timeout = 60;
	cf->cf_max_redirects = 5;
	cf->cf_max_fetches = 8;
	cf->cf_max_connections = 1024;
	cf->cf_feed_limit = 100;
	cf->cf_feed_cache_size = 64 * 1024 * 1024;
	cf->cf_api_rate = 20;
	cf->cf_api_burst = 40;
	cf->cf_webhook_timeout = 15;
	cf->cf_webhook_max_in_flight = 64;
	cf->cf_webhook_concurrency = 4;
	cf->cf_webhook_rate = 20;
	cf->cf_webhook_burst = 40;
	cf->cf_webhook_disable_after = 5 * 86400;
	cf->cf_webhook_retention = 30 * 86400;
	cf->cf_secret_overlap = 86400;
	cf->cf_hub = 1;
	cf->cf_hub_lease_min = 300;
	cf->cf_hub_lease_default = 10 * 86400;
	cf->cf_hub_lease_max = 30 * 86400;
	cf->cf_hub_max_subscriptions = 10000;
	cf->cf_hub_max_per_host = 200;
	cf->cf_purge_contacts_after = DEFAULT_PURGE_CONTACTS_AFTER;
	/* Absolute, so the log names real files and a reload finds them. */
	confdir = dirname(pathcopy);
	if ((absdir = realpath(confdir, NULL)) != NULL)
		confdir = absdir;
	if ((data = read_file(path, &len)) == NULL)
		goto fail;
	cp.cp_conf = cf;
	cp.cp_confdir = confdir;
	rc = ini_parse(data, len, path, config_item, report_stderr, &cp);
	if (config_finish(cf, confdir) == -1 || rc == -1)
		goto fail;
	free(data);
	free(pathcopy);
	free(absdir);
	return cf;
fail:
	free(data);
	free(pathcopy);
	free(absdir);
	config_free(cf);
	return NULL;
}

void
config_free(struct config *cf)
{
	struct source_conf *src;
	struct subscriber_conf *sub;

	if (cf == NULL)
		return;
	while ((src = TAILQ_FIRST(&cf->cf_sources)) != NULL) {
		TAILQ_REMOVE(&cf->cf_sources, src, src_entry);
		free(src->src_name);
		free(src->src_url);
		free(src->src_format);
		free(src->src_kind);
		free(src->src_encoding);
		free(src->src_area);
		category_map_free(src->src_categories);
		free(src);
	}
	while ((sub = TAILQ_FIRST(&cf->cf_subscribers)) != NULL) {
		TAILQ_REMOVE(&cf->cf_subscribers, sub, sub_entry);
		free(sub->sub_name);
		free(sub->sub_webhook);
		free(sub->sub_secret);
		free(sub->sub_filter);
		free(sub->sub_feed_token_file);
		free(sub);
	}
	free(cf->cf_path);
	free(cf->cf_listen_host);
	free(cf->cf_database);
	free(cf->cf_base_url);
	free(cf->cf_instance);
	free(cf->cf_region);
	free(cf->cf_municipalities);
	area_table_free(cf->cf_areas);
	list_free(cf->cf_allow_networks, cf->cf_nallow_networks);
	list_free(cf->cf_trusted_proxies, cf->cf_ntrusted_proxies);
	list_free(cf->cf_kind_priority, cf->cf_nkind_priority);
	free(cf->cf_proxy);
	list_free(cf->cf_no_proxy, cf->cf_nno_proxy);
	free(cf->cf_admin_token_file);
	free(cf->cf_user_agent);
	free(cf);
}

struct source_conf *
config_source(const struct config *cf, const char *name)
{
	struct source_conf *src;

	TAILQ_FOREACH(src, &cf->cf_sources, src_entry)
		if (strcmp(src->src_name, name) == 0)
			return src;
	return NULL;
}
