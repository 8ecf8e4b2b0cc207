/*
 * feed.h — parse a fetched document into postings.  Bytes in, structs out:
 * no I/O here.
 *
 * feed_parse() sniffs the format when asked for FEED_FORMAT_AUTO, and on
 * failure returns -1 with a one-line reason in err ("not a feed: root
 * element <html>", "XML error at line 3: ...", "DOCTYPE with an internal
 * subset refused").  The caller owns the returned feed (feed_free()).
 */
#ifndef TSUNAGU_FEED_H
#define TSUNAGU_FEED_H

#include <stddef.h>

#include "posting.h"

enum feed_format {
	FEED_FORMAT_AUTO = 0,
	FEED_FORMAT_RSS,
	FEED_FORMAT_RDF,
	FEED_FORMAT_ATOM,
	FEED_FORMAT_JSONFEED,
	FEED_FORMAT_CSV,
	FEED_FORMAT_ICAL,
};

struct feed {
	enum feed_format	 fd_format;	/* what was actually parsed */
	char			*fd_title;
	char			*fd_link;	/* the site */
	char			*fd_self;	/* rel=self, if advertised */
	char			*fd_hub;	/* rel=hub, if advertised */
	char			*fd_next;	/* RFC 5005 rel=next, if any */
	struct posting_list	 fd_entries;

	/* How the bytes were read (issue 3: charsets). */
	const char		*fd_charset;	/* static name: "UTF-8", "CP932" */
	size_t			 fd_replaced;	/* invalid bytes → U+FFFD */
	/* Entries or rows that were skipped, each with where and why
	 * ("line 12: 開始日 '2026-13-01' is not a date"). */
	struct feed_issue	*fd_issues;
	size_t			 fd_nissues;
};

struct feed_issue {
	int	 fi_line;	/* 1-based line (CSV row start, XML line); 0 */
	char	*fi_reason;
};

struct feed_parse_opts {
	const char	*base_url;	/* to resolve relative links */
	size_t		 max_entries;	/* 0: no limit */
	const char	*http_charset;	/* charset= of the Content-Type, or NULL */
	const char	*encoding;	/* per-source override; NULL/"auto": sniff */
};

/* Records a skipped entry; parsers call it, callers read fd_issues. */
void		 feed_add_issue(struct feed *, int line, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

int		 feed_parse(const char *data, size_t len, enum feed_format,
		    const struct feed_parse_opts *, struct feed **out,
		    char *err, size_t errlen);
void		 feed_free(struct feed *);

const char	*feed_format_name(enum feed_format);
int		 feed_format_parse(const char *, enum feed_format *);
enum feed_format feed_sniff(const char *data, size_t len);

#endif
