/*
 * dedup_key.c — canonical URLs, comparison keys of titles and places, the
 * event's day in Japan, content and origin keys (dedup_key.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dedup_key.h"
#include "normalize.h"
#include "posting.h"
#include "xmalloc.h"

#define URL_MAX		8192	/* longer links are no key */
#define QUERY_MAX	64	/* parameters kept for sorting */

/* --- canonical URLs ------------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* s[0, len) with escapes of unreserved characters decoded, the other
 * escapes in uppercase, and blanks, controls and stray '%' escaped. */
static void
append_escaped(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int hi, lo, c;
	char esc[3];

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			c = hi * 16 + lo;
			if (unreserved(c)) {
				esc[0] = (char)c;
				buf_append(b, esc, 1);
			} else {
				esc[0] = '%';
				esc[1] = hex[hi];
				esc[2] = hex[lo];
				buf_append(b, esc, 3);
			}
			i += 2;
		} else if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] == 0x7f || s[i] == '%') {
			/* Blanks and controls escaped: a URL's edges are
			 * trimmed, and a blank that sorting brings to the end
			 * would be lost the second time round.  A '%' that
			 * starts no escape is one ("%%33" would otherwise
			 * become "%3" and then an escape). */
			esc[0] = '%';
			esc[1] = hex[(unsigned char)s[i] >> 4];
			esc[2] = hex[(unsigned char)s[i] & 0xf];
			buf_append(b, esc, 3);
		} else
			buf_append(b, s + i, 1);
	}
}

static int
is_index_page(const char *seg, size_t len)
{
	static const char *const pages[] = { "index.html", "index.htm",
	    "index.php" };
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (len == strlen(pages[i]) &&
		    strncasecmp(seg, pages[i], len) == 0)
			return 1;
	return 0;
}

/* The path with dot segments resolved, empty segments, a trailing slash
 * and last index pages dropped; "/" at least. */
static void
append_path(struct buf *out, const char *path, size_t len)
{
	struct buf esc;
	size_t *starts, *lens, nseg = 0, i, p, q;
	const char *s;

	buf_init(&esc, SIZE_MAX);
	append_escaped(&esc, path, len);
	buf_append(&esc, "", 1);
	s = esc.data;
	len = esc.len - 1;
	starts = xcalloc(len + 1, sizeof(*starts));
	lens = xcalloc(len + 1, sizeof(*lens));
	for (p = 0; p < len; p = q + 1) {
		for (q = p; q < len && s[q] != '/'; q++)
			;
		if (q == p || (q - p == 1 && s[p] == '.'))
			continue;
		if (q - p == 2 && s[p] == '.' && s[p + 1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		starts[nseg] = p;
		lens[nseg++] = q - p;
	}
	/* All of them: "/a/index.htm/index.html" is "/a" at once, so that a
	 * canonical URL is its own. */
	while (nseg > 0 && is_index_page(s + starts[nseg - 1],
	    lens[nseg - 1]))
		nseg--;
	if (nseg == 0)
		buf_append(out, "/", 1);
	for (i = 0; i < nseg; i++) {
		buf_append(out, "/", 1);
		buf_append(out, s + starts[i], lens[i]);
	}
	free(starts);
	free(lens);
	buf_free(&esc);
}

/* Parameters that say who sent the reader, not which page it is. */
static int
is_tracking(const char *param, size_t len)
{
	static const char *const names[] = { "fbclid", "gclid", "dclid",
	    "gbraid", "wbraid", "yclid", "msclkid", "mc_cid", "mc_eid", "_ga",
	    "_gl", "igshid", "twclid", "ttclid", "li_fat_id", "oly_enc_id",
	    "oly_anon_id", "_hsenc", "_hsmi", "mkt_tok", "spm" };
	size_t i, n;

	for (n = 0; n < len && param[n] != '='; n++)
		;
	if (n >= 4 && strncasecmp(param, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n == strlen(names[i]) && strncasecmp(param, names[i],
		    n) == 0)
			return 1;
	return 0;
}

static int
param_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
append_query(struct buf *out, const char *q, size_t len)
{
	char *params[QUERY_MAX], *rest = NULL;
	struct buf one;
	size_t n = 0, i, p, e;

	for (p = 0; p < len; p = e + 1) {
		for (e = p; e < len && q[e] != '&' && q[e] != ';'; e++)
			;
		if (e == p || is_tracking(q + p, e - p))
			continue;
		buf_init(&one, SIZE_MAX);
		if (n == QUERY_MAX) {
			/* Too many to sort: the rest as it is, after them. */
			append_escaped(&one, q + p, len - p);
			buf_append(&one, "", 1);
			rest = buf_release(&one, NULL);
			break;
		}
		append_escaped(&one, q + p, e - p);
		buf_append(&one, "", 1);
		params[n++] = buf_release(&one, NULL);
	}
	qsort(params, n, sizeof(params[0]), param_cmp);
	for (i = 0; i < n; i++) {
		buf_append(out, i == 0 ? "?" : "&", 1);
		buf_puts(out, params[i]);
		free(params[i]);
	}
	if (rest != NULL) {
		buf_append(out, n == 0 ? "?" : "&", 1);
		buf_puts(out, rest);
		free(rest);
	}
}

char *
dedup_canonical_url(const char *url)
{
	const char *s, *end, *auth, *auth_end, *host, *host_end, *port = NULL;
	const char *path, *path_end, *query = NULL, *query_end = NULL;
	const char *frag = NULL, *at;
	struct buf b;
	size_t i;

	if (url == NULL)
		return NULL;
	for (s = url; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (end - s > URL_MAX)
		return NULL;
	if ((size_t)(end - s) > 7 && strncasecmp(s, "http://", 7) == 0)
		auth = s + 7;
	else if ((size_t)(end - s) > 8 && strncasecmp(s, "https://", 8) == 0)
		auth = s + 8;
	else
		return NULL;
	for (auth_end = auth; auth_end < end && *auth_end != '/' &&
	    *auth_end != '?' && *auth_end != '#'; auth_end++)
		;
	host = auth;
	for (at = auth; at < auth_end; at++)
		if (*at == '@')
			host = at + 1;
	if (host < auth_end && *host == '[') {
		for (host_end = host; host_end < auth_end && *host_end != ']';
		    host_end++)
			;
		if (host_end == auth_end)
			return NULL;
		host_end++;
	} else
		for (host_end = host; host_end < auth_end && *host_end != ':';
		    host_end++)
			;
	if (host_end < auth_end) {
		if (*host_end != ':')
			return NULL;
		port = host_end + 1;
		for (at = port; at < auth_end; at++)
			if (!isdigit((unsigned char)*at))
				return NULL;
		while (port < auth_end - 1 && *port == '0')
			port++;
		if (port == auth_end || (auth_end - port == 2 &&
		    strncmp(port, "80", 2) == 0) || (auth_end - port == 3 &&
		    strncmp(port, "443", 3) == 0))
			port = NULL;
	}
	/* Every trailing dot: dropping one would leave the next for a
	 * second pass (fuzz_dedup, corpus/dedup/crash-host-trailing-dots). */
	while (host_end > host && host_end[-1] == '.')
		host_end--;
	if (host_end == host)
		return NULL;

	path = auth_end;
	for (path_end = path; path_end < end && *path_end != '?' &&
	    *path_end != '#'; path_end++)
		;
	if (path_end < end && *path_end == '?') {
		query = path_end + 1;
		for (query_end = query; query_end < end && *query_end != '#';
		    query_end++)
			;
		if (query_end < end)
			frag = query_end + 1;
	} else if (path_end < end)
		frag = path_end + 1;

	buf_init(&b, SIZE_MAX);
	buf_puts(&b, "https://");
	for (i = 0; host + i < host_end; i++) {
		char c = (char)tolower((unsigned char)host[i]);

		buf_append(&b, &c, 1);
	}
	if (port != NULL) {
		buf_append(&b, ":", 1);
		buf_append(&b, port, (size_t)(auth_end - port));
	}
	append_path(&b, path, (size_t)(path_end - path));
	if (query != NULL)
		append_query(&b, query, (size_t)(query_end - query));
	if (frag != NULL && frag < end && (*frag == '!' || *frag == '/')) {
		buf_append(&b, "#", 1);
		append_escaped(&b, frag, (size_t)(end - frag));
	}
	buf_append(&b, "", 1);
	return buf_release(&b, NULL);
}

int
dedup_url_is_generic(const char *canonical)
{
	const char *p;

	if (canonical == NULL || strncmp(canonical, "https://", 8) != 0)
		return 1;
	p = strchr(canonical + 8, '/');
	return p == NULL || strcmp(p, "/") == 0;
}

/* --- titles and places ------------------------------------------------- */

/*
 * Words sources wrap around an event's name, after
 * normalize_compare_key() (NFKC, case folded, letters and digits only).
 * Longer first: the first one that matches is taken off, then again.
 */
static const char *const title_suffixes[] = {
	"参加者募集のお知らせ", "ボランティア募集のお知らせ",
	"参加者を募集します", "ボランティアを募集します",
	"開催のお知らせ", "実施のお知らせ", "募集のお知らせ",
	"を開催します", "を実施します", "を募集します", "を行います",
	"参加者募集中", "参加者大募集", "参加者募集", "参加者の募集",
	"のお知らせ", "のご案内", "について", "を開催", "を実施",
	"開催します", "実施します", "募集します", "開催決定",
	"お知らせ", "ご案内", "募集中", "大募集", "の募集", "募集",
	"開催", "のご紹介", "やります", "に参加しよう", "に参加しませんか",
	"参加しませんか", "参加しよう",
};

/*
 * Words of volunteer recruiting that say what a volunteer does in
 * general, not which event it is: one source writes 清掃活動, another
 * 清掃ボランティア, a third 清掃のお手伝い.  Taken out wherever they are
 * (longer first), so that what is left is what names the event — 車いす
 * and 手話 of two workshops of one 福祉実践教室 stay apart.
 */
static const char *const title_generic[] = {
	"ボランティア", "サポーター", "スタッフ", "のお手伝い", "お手伝い",
	"手伝い", "運営補助", "運営", "補助", "活動", "参加者",
};

static int
starts_with_digits_then(const char *s, const char *word, size_t *len)
{
	size_t i = 0, n = strlen(word);

	while (isdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || strncmp(s + i, word, n) != 0)
		return 0;
	*len = i + n;
	return 1;
}

/* Bytes of a leading fiscal or calendar year: 令和8年度, 2026年度, 2026年,
 * r8年度, 令和元年度; 0 when there is none. */
static size_t
year_prefix(const char *s)
{
	static const char *const eras[] = { "令和", "平成", "r", "h" };
	size_t i, n, len;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		n = strlen(eras[i]);
		if (strncmp(s, eras[i], n) != 0)
			continue;
		if (strncmp(s + n, "元年度", strlen("元年度")) == 0)
			return n + strlen("元年度");
		if (starts_with_digits_then(s + n, "年度", &len))
			return n + len;
		if (starts_with_digits_then(s + n, "年", &len))
			return n + len;
	}
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3])) {
		if (strncmp(s + 4, "年度", strlen("年度")) == 0)
			return 4 + strlen("年度");
		if (strncmp(s + 4, "年", strlen("年")) == 0)
			return 4 + strlen("年");
	}
	return 0;
}

/* Characters (code points) in a UTF-8 string. */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

#define TITLE_KEY_MIN	2	/* characters left after taking words off */

struct variant {
	const char	*from, *to;
};

/*
 * Spellings of one word that sources mix (after NFKC and case folding),
 * and particles that only join words: taken to one form or out.
 */
static const struct variant title_variants[] = {
	{ "障がい", "障害" }, { "障碍", "障害" }, { "こども", "子ども" },
	{ "子供", "子ども" }, { "ゴミ", "ごみ" },
	{ "お年寄り", "高齢者" }, { "ボラセン", "ボランティアセンター" },
	{ "の", "" }, { "へ", "" }, { "を", "" },
};

/*
 * Names one kind of event goes by, as comparison keys have them (after
 * title_variants): one name each.  Only dedup_compare_title() takes them.
 */
static const struct variant title_synonyms[] = {
	{ "クリーン作戦", "清掃" }, { "クリーンアップ", "清掃" },
	{ "クリーン活動", "清掃" }, { "二十歳つどい", "成人式" },
	{ "二十歳祝う会", "成人式" }, { "20歳つどい", "成人式" },
	{ "はたちつどい", "成人式" },
	/* Loanwords and their Japanese, long forms and short. */
	{ "スマートフォン", "スマホ" }, { "シニア", "高齢者" },
	/* Okurigana written or left out. */
	{ "打ち上げ", "打上げ" }, { "申し込み", "申込" }, { "申込み", "申込" },
	{ "受け付け", "受付" }, { "取り組み", "取組" }, { "取組み", "取組" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Every `from` of the table in *keyp made its `to`, left to right. */
static void
fold_variants(char **keyp, const struct variant *table, size_t ntable)
{
	struct buf b;
	const char *p = *keyp;
	size_t i, n = 0;

	buf_init(&b, SIZE_MAX);
	while (*p) {
		for (i = 0; i < ntable; i++) {
			n = strlen(table[i].from);
			if (strncmp(p, table[i].from, n) == 0)
				break;
		}
		if (i < ntable) {
			buf_puts(&b, table[i].to);
			p += n;
		} else
			buf_append(&b, p++, 1);
	}
	buf_append(&b, "", 1);
	free(*keyp);
	*keyp = buf_release(&b, NULL);
}

/* key without the generic words; unchanged when too little would be left. */
static void
drop_generic(char *key)
{
	size_t len = strlen(key), n, i;
	char *copy = xstrdup(key), *p;
	int found = 1;

	while (found) {
		found = 0;
		for (i = 0; i < sizeof(title_generic) /
		    sizeof(title_generic[0]); i++) {
			n = strlen(title_generic[i]);
			if ((p = strstr(copy, title_generic[i])) == NULL)
				continue;
			memmove(p, p + n, strlen(p + n) + 1);
			found = 1;
		}
	}
	len = strlen(copy);
	/* A particle left dangling at the end: 清掃の(お手伝い). */
	while (len >= 3 && (strcmp(copy + len - 3, "の") == 0 ||
	    strcmp(copy + len - 3, "で") == 0))
		copy[len -= 3] = '\0';
	if (utf8_chars(copy, len) >= TITLE_KEY_MIN)
		memcpy(key, copy, len + 1);
	free(copy);
}

/* 1 when the three bytes at s are a CJK ideograph (U+4E00..U+9FFF). */
static int
is_ideograph(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return u[0] >= 0xE4 && u[0] <= 0xE9 && (u[1] & 0xC0) == 0x80 &&
	    (u[2] & 0xC0) == 0x80;
}

/* Bytes of a closing verb at the end of key[0, len) — two ideographs and
 * します: 開院します, 開講します —, or 0. */
static size_t
closing_verb(const char *key, size_t len)
{
	static const char verb[] = "します";
	size_t n = sizeof(verb) - 1;

	if (len < n + 6 || strcmp(key + len - n, verb) != 0 ||
	    !is_ideograph(key + len - n - 6) || !is_ideograph(key + len - n - 3))
		return 0;
	return n + 6;
}

/* The words sources wrap around a name taken off key, from both ends. */
static void
unwrap(char *key, int compare)
{
	size_t len = strlen(key), n, i, cut;
	int again = 1;

	while (again) {
		again = 0;
		if ((cut = year_prefix(key)) > 0 &&
		    utf8_chars(key + cut, len - cut) >= TITLE_KEY_MIN) {
			memmove(key, key + cut, len - cut + 1);
			len -= cut;
			again = 1;
		}
		for (i = 0; i < NELEM(title_suffixes); i++) {
			n = strlen(title_suffixes[i]);
			if (len <= n || strcmp(key + len - n,
			    title_suffixes[i]) != 0 ||
			    utf8_chars(key, len - n) < TITLE_KEY_MIN)
				continue;
			len -= n;
			key[len] = '\0';
			again = 1;
			break;
		}
		if (compare && (n = closing_verb(key, len)) > 0 &&
		    utf8_chars(key, len - n) >= TITLE_KEY_MIN) {
			len -= n;
			key[len] = '\0';
			again = 1;
		}
	}
}

/*
 * Recruiting frames of the comparison key only (the content key's
 * title_suffixes stay as they were).
 */
static const char *const compare_suffixes[] = {
	"受講生募集", "受講者募集", "受講生", "参加チーム募集", "出演者募集",
};

static void
unwrap_compare(char *key)
{
	size_t len = strlen(key), n, i;
	int again = 1;

	while (again) {
		again = 0;
		unwrap(key, 1);
		len = strlen(key);
		for (i = 0; i < NELEM(compare_suffixes); i++) {
			n = strlen(compare_suffixes[i]);
			if (len > n && strcmp(key + len - n,
			    compare_suffixes[i]) == 0 &&
			    utf8_chars(key, len - n) >= TITLE_KEY_MIN) {
				key[len - n] = '\0';
				again = 1;
				break;
			}
		}
	}
}

/* 1 when key is nothing but words sources wrap around a name (a
 * recruiting frame, a generic word); key is cut up. */
static int
only_wrapping(char *key)
{
	static const char *const *const lists[] = { title_suffixes,
	    compare_suffixes, title_generic };
	static const size_t sizes[] = { NELEM(title_suffixes),
	    NELEM(compare_suffixes), NELEM(title_generic) };
	size_t len, n, l, i;
	int cut = 1;

	while (*key != '\0' && cut) {
		cut = 0;
		len = strlen(key);
		for (l = 0; !cut && l < NELEM(lists); l++)
			for (i = 0; !cut && i < sizes[l]; i++) {
				n = strlen(lists[l][i]);
				if (len >= n && strcmp(key + len - n,
				    lists[l][i]) == 0) {
					key[len - n] = '\0';
					cut = 1;
				}
			}
	}
	return *key == '\0';
}

#define PAREN_KEEP	4	/* characters a title keeps without it */

/*
 * text without a parenthesis that closes the name — a venue, a series, a
 * month: 音訳者養成講座(中央図書館), 鉄道探検隊(武蔵野プレイス)やります! —
 * when nothing but the words sources wrap around names follows it and
 * PAREN_KEEP characters of the name are left.  text is normalize_text()
 * output, changed in place.
 */
static void
drop_closing_paren(char *text)
{
	char *open, *close, *rest, *head;
	int closing;

	if ((close = strrchr(text, ')')) == NULL ||
	    (open = strrchr(text, '(')) == NULL || open > close)
		return;
	rest = normalize_compare_key(close + 1);
	closing = only_wrapping(rest);
	free(rest);
	if (!closing)
		return;
	head = xstrndup(text, (size_t)(open - text));
	rest = normalize_compare_key(head);
	if (utf8_chars(rest, strlen(rest)) >= PAREN_KEEP)
		memmove(open, close + 1, strlen(close + 1) + 1);
	free(rest);
	free(head);
}

/* The key of a title; compare: dedup_compare_title()'s. */
static char *
title_key(const char *title, int compare)
{
	char *key, *text;

	if (title == NULL)
		return NULL;
	if (compare) {
		text = dedup_strip_gathering(title);
		drop_closing_paren(text);
		key = normalize_compare_key(text);
		free(text);
		unwrap_compare(key);
	} else {
		key = normalize_compare_key(title);
		unwrap(key, 0);
	}
	fold_variants(&key, title_variants, NELEM(title_variants));
	if (compare)
		fold_variants(&key, title_synonyms, NELEM(title_synonyms));
	drop_generic(key);
	if (utf8_chars(key, strlen(key)) < TITLE_KEY_MIN) {
		free(key);
		key = normalize_compare_key(title);
	}
	return key;
}

char *
dedup_title_key(const char *title)
{
	return title_key(title, 0);
}

char *
dedup_compare_title(const char *title)
{
	return title_key(title, 1);
}

char *
dedup_place_key(const char *place)
{
	char *key;

	if ((key = normalize_compare_key(place)) != NULL && *key == '\0') {
		free(key);
		key = NULL;
	}
	return key;
}

/* --- content and origin keys ------------------------------------------- */

static void
put_field(struct buf *b, const char *s)
{
	buf_puts(b, s ? s : "");
	buf_append(b, "", 1);		/* NUL between fields */
}

char *
dedup_content_key(const struct posting *p)
{
	char *title, *place, hex[65], *key;
	struct buf b;

	title = dedup_title_key(p->pst_title);
	place = dedup_place_key(p->pst_place);
	buf_init(&b, SIZE_MAX);
	put_field(&b, title);
	put_field(&b, p->pst_start);
	put_field(&b, place);
	put_field(&b, p->pst_area);
	posting_sha256_hex(b.data, b.len, hex);
	buf_free(&b);
	free(title);
	free(place);
	hex[32] = '\0';
	xasprintf(&key, "h:%s", hex);
	return key;
}

char *
dedup_origin_key(const char *instance, const char *id)
{
	char *key;

	if (instance == NULL || id == NULL || *instance == '\0' ||
	    *id == '\0')
		return NULL;
	xasprintf(&key, "%s/%s", instance, id);
	return key;
}

void
dedup_keys_of(const struct posting *p, struct dedup_keys *k)
{
	k->dk_title = dedup_compare_title(p->pst_title);
	k->dk_place = dedup_place_key(p->pst_place);
	if (k->dk_place == NULL)
		k->dk_place = dedup_title_venue(p->pst_title);
	k->dk_address = dedup_address_key(p->pst_address);
	/* A default tells no municipality from another. */
	k->dk_area = p->pst_area_guessed ? NULL : xstrdup_opt(p->pst_area);
	k->dk_url = dedup_canonical_url(p->pst_link);
	if (k->dk_url != NULL && dedup_url_is_generic(k->dk_url)) {
		free(k->dk_url);
		k->dk_url = NULL;
	}
	k->dk_origin = dedup_origin_key(p->pst_origin_instance,
	    p->pst_origin_id);
	dedup_when_of(p->pst_start, p->pst_end, &k->dk_when);
	if (k->dk_when.dw_day != DEDUP_NO_DAY && k->dk_when.dw_minute < 0 &&
	    p->pst_start != NULL && strlen(p->pst_start) == 10)
		k->dk_when.dw_minute = dedup_text_start(p->pst_summary);
	if (k->dk_when.dw_minute >= 0 &&
	    (dedup_is_gathering_time(p->pst_title, k->dk_when.dw_minute) ||
	    dedup_is_gathering_time(p->pst_summary, k->dk_when.dw_minute)))
		k->dk_when.dw_minute = DEDUP_GATHERING(k->dk_when.dw_minute);
}

void
dedup_keys_clear(struct dedup_keys *k)
{
	free(k->dk_title);
	free(k->dk_place);
	free(k->dk_address);
	free(k->dk_area);
	free(k->dk_url);
	free(k->dk_origin);
	k->dk_title = k->dk_place = k->dk_area = k->dk_url = NULL;
	k->dk_address = NULL;
	k->dk_origin = NULL;
}
