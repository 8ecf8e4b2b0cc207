/*
 * parse_private.h — the per-format parsers behind feed_parse().  Each
 * reads valid UTF-8 (feed_parse() decoded the bytes: charset.h; fd_charset
 * and fd_replaced are set), fills the feed it is given (fd_format is
 * already set) and returns 0, or -1 with a one-line reason in err; the
 * caller frees the feed either way.
 */
#ifndef TSUNAGU_PARSE_PRIVATE_H
#define TSUNAGU_PARSE_PRIVATE_H

#include <stddef.h>

#include "feed.h"

typedef int	(*feed_parser_fn)(const char *, size_t,
		    const struct feed_parse_opts *, struct feed *,
		    char *err, size_t errlen);

int	rss_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);
int	atom_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);
int	rdf_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);
int	jsonfeed_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);
int	csv_feed_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);
int	ical_parse(const char *, size_t, const struct feed_parse_opts *,
	    struct feed *, char *err, size_t errlen);

/* 1 when the text looks like an event list CSV / an iCalendar object. */
int	csv_sniff(const char *, size_t);
int	ical_sniff(const char *, size_t);

/* 1 when the feed holds opts->max_entries entries: read no more. */
int	feed_is_full(const struct feed *, const struct feed_parse_opts *);

#endif
