/* url.c — resolve relative links with libxml2's RFC 3986 code. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "text.h"
#include "url.h"
#include "xmalloc.h"

/*
 * Percent-encodes what RFC 3986 never allows but feeds contain anyway:
 * non-ASCII bytes (IRIs written raw), spaces, controls and a few
 * delimiters.  '%' is left alone so existing escapes survive.
 */
static char *
url_escape_loose(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out;
	size_t o = 0;

	out = xreallocarray(NULL, strlen(s) + 1, 3);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80 || *p <= 0x20 || *p == 0x7f ||
		    strchr("\"<>\\^`{|}", *p) != NULL) {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		} else
			out[o++] = *p;
	}
	out[o] = '\0';
	return out;
}

int
url_is_http(const char *s)
{
	xmlURIPtr uri;
	int ok;

	if (s == NULL || (uri = xmlParseURI(s)) == NULL)
		return 0;
	ok = uri->scheme != NULL && (strcasecmp(uri->scheme, "http") == 0 ||
	    strcasecmp(uri->scheme, "https") == 0) &&
	    uri->server != NULL && uri->server[0] != '\0';
	xmlFreeURI(uri);
	return ok;
}

char *
url_resolve(const char *base, const char *ref, int http_only)
{
	char *r = NULL, *b = NULL, *out = NULL;
	xmlChar *built;
	char *t;

	if (ref == NULL)
		return NULL;
	t = text_trim(ref);
	if (*t == '\0')
		goto fail;
	r = url_escape_loose(t);
	if (base != NULL) {
		free(t);
		t = text_trim(base);
		b = url_escape_loose(t);
	}
	/* With no usable base, xmlBuildURI returns ref itself. */
	built = xmlBuildURI((const xmlChar *)r, (const xmlChar *)b);
	if (built == NULL)
		goto fail;
	out = xstrdup((const char *)built);
	xmlFree(built);
	if (http_only && !url_is_http(out)) {
		free(out);
		out = NULL;
	}
fail:
	free(t);
	free(r);
	free(b);
	return out;
}
