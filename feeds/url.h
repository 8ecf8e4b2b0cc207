/*
 * url.h — resolve links found in feeds (RFC 3986 via libxml2).
 */
#ifndef TSUNAGU_URL_H
#define TSUNAGU_URL_H

/*
 * ref resolved against base (either may be NULL; surrounding whitespace
 * is ignored; bytes a URI cannot hold, such as raw Japanese text, are
 * percent-encoded first).  Returns a new string (free()), or NULL when
 * ref is empty, cannot be parsed, or — with http_only — when the result is
 * not an absolute http(s) URL with a host.
 */
char	*url_resolve(const char *base, const char *ref, int http_only);

/* 1 when s is an absolute http:// or https:// URL with a host. */
int	 url_is_http(const char *s);

#endif
