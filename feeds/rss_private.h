/*
 * rss_private.h — what rss.c shares with rdf.c.  An RSS 1.0 item is an
 * RSS 2.0 item with its elements in the RSS 1.0 namespace and rdf:about
 * for an identity, so both parsers read items with the same code.
 */
#ifndef TSUNAGU_RSS_PRIVATE_H
#define TSUNAGU_RSS_PRIVATE_H

#include "feed.h"
#include "xml.h"

enum rss_dialect {
	RSS_DIALECT_2,		/* 0.91-2.0: no namespace (or userland's) */
	RSS_DIALECT_1,		/* 1.0 and 0.90: RDF, purl / netscape ns */
};

/* An RSS element named local, in the dialect's namespaces. */
int	rss_is(struct xml_reader *, enum rss_dialect, const char *local);
/* The trimmed text of the current element, kept when *field is NULL. */
int	rss_text_once(struct xml_reader *, char **field);
/* A channel <link>, resolved, kept when f->fd_link is NULL. */
int	rss_channel_link(struct xml_reader *, struct feed *);
/* <atom:link rel="self|hub|next"> in a channel. */
void	rss_atom_link(struct xml_reader *, struct feed *);
/* One item (the reader is on its start tag) into a posting of f. */
int	rss_item(struct xml_reader *, struct feed *,
	    const struct feed_parse_opts *, enum rss_dialect);

#endif
