/* link_header.c — finding a relation in an HTTP Link header (RFC 8288). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "link_header.h"
#include "url.h"
#include "xmalloc.h"

/* One link-value, as far as the search needs it. */
struct link {
	const char	*lk_target;	/* inside <>, not terminated */
	size_t		 lk_target_len;
	int		 lk_has_rel;	/* the first rel was seen */
	int		 lk_matches;	/* ... and names the relation */
	int		 lk_elsewhere;	/* anchor: about another resource */
};

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static int
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows(const char *p)
{
	while (is_ows(*p))
		p++;
	return p;
}

/* Past the next comma outside quotes and brackets, or at the end. */
static const char *
skip_link(const char *p)
{
	int quoted = 0, bracket = 0;

	for (; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = 0;
		} else if (bracket) {
			if (*p == '>')
				bracket = 0;
		} else if (*p == '"')
			quoted = 1;
		else if (*p == '<')
			bracket = 1;
		else if (*p == ',')
			return p + 1;
	}
	return p;
}

/* 1 when the space-separated words of v (len bytes) include rel. */
static int
rel_includes(const char *v, size_t len, const char *rel)
{
	size_t i = 0, start, rlen = strlen(rel);

	while (i < len) {
		while (i < len && is_ows(v[i]))
			i++;
		start = i;
		while (i < len && !is_ows(v[i]))
			i++;
		if (i - start == rlen && strncasecmp(v + start, rel, rlen) == 0)
			return 1;
	}
	return 0;
}

/*
 * A parameter value at p: a quoted-string (unescaped into a new string)
 * or a token-ish run up to ';', ',' or white space.  Returns the end of
 * the value, or NULL for an unterminated quoted-string.
 */
static const char *
param_value(const char *p, char **out, size_t *len)
{
	const char *q;
	size_t n = 0;
	char *v;

	if (*p != '"') {
		for (q = p; *q != '\0' && *q != ';' && *q != ',' &&
		    !is_ows(*q); q++)
			;
		*out = xstrndup(p, q - p);
		*len = q - p;
		return q;
	}
	v = xmalloc(strlen(p));
	for (q = p + 1; *q != '"'; q++) {
		if (*q == '\0') {
			free(v);
			return NULL;
		}
		if (*q == '\\' && q[1] != '\0')
			q++;
		v[n++] = *q;
	}
	v[n] = '\0';
	*out = v;
	*len = n;
	return q + 1;
}

/*
 * Reads one link-value at p (after any separators).  Returns where the
 * next one may start, and 0 or -1 (malformed) in *ok.
 */
static const char *
parse_link(const char *p, const char *rel, struct link *lk, int *ok)
{
	const char *name, *end;
	size_t nlen, vlen;
	char *v;

	memset(lk, 0, sizeof(*lk));
	*ok = -1;
	if (*p != '<' || (end = strchr(p + 1, '>')) == NULL)
		return skip_link(p);
	lk->lk_target = p + 1;
	lk->lk_target_len = end - (p + 1);
	p = end + 1;
	for (;;) {
		p = skip_ows(p);
		if (*p == '\0' || *p == ',') {
			*ok = 0;
			return *p == ',' ? p + 1 : p;
		}
		if (*p != ';')
			return skip_link(p);
		p = skip_ows(p + 1);
		for (name = p; is_tchar(*p); p++)
			;
		nlen = p - name;
		if (nlen == 0)
			continue;	/* "; ;" or a trailing ";" */
		p = skip_ows(p);
		if (*p != '=')
			continue;	/* a parameter without a value */
		p = skip_ows(p + 1);
		if ((p = param_value(p, &v, &vlen)) == NULL)
			return skip_link(name);
		if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 &&
		    !lk->lk_has_rel) {
			lk->lk_has_rel = 1;
			lk->lk_matches = rel_includes(v, vlen, rel);
		} else if (nlen == 6 && strncasecmp(name, "anchor", 6) == 0 &&
		    vlen > 0)
			lk->lk_elsewhere = 1;
		free(v);
	}
}

char *
link_header_find(const char *value, const char *rel, const char *base)
{
	struct link lk;
	const char *p;
	char *target, *url;
	int ok;

	if (value == NULL || rel == NULL || *rel == '\0' ||
	    strlen(value) > LINK_HEADER_MAX)
		return NULL;
	p = value;
	while (*p != '\0') {
		while (is_ows(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		p = parse_link(p, rel, &lk, &ok);
		if (ok == -1 || !lk.lk_matches || lk.lk_elsewhere)
			continue;
		/* <> is the resource itself (RFC 3986, 5.2: the base). */
		if (lk.lk_target_len == 0) {
			if (base != NULL && url_is_http(base))
				return xstrdup(base);
			continue;
		}
		target = xstrndup(lk.lk_target, lk.lk_target_len);
		url = url_resolve(base, target, 1);
		free(target);
		if (url != NULL)
			return url;
	}
	return NULL;
}
