/*
 * rdf.c — RSS 1.0 (and 0.90): an rdf:RDF document whose channel and items
 * are siblings.  Municipal CMSs publish this a lot, with dc:date (W3CDTF,
 * at times a date alone: midnight, Japan time), dc:subject, dc:creator
 * and content:encoded.  Items are read by rss.c's code (rss_private.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "parse_private.h"
#include "rss_private.h"
#include "xml.h"

/*
 * The channel's own fields; its rdf:Seq of item references is skipped.
 * Items belong beside the channel, but some CMSs put them inside.
 */
static int
rdf_channel(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts)
{
	int depth = xml_depth(xr), rc;
	char *dctitle = NULL;

	if (xml_is_empty(xr))
		return 0;
	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (rss_is(xr, RSS_DIALECT_1, "title"))
			rc = rss_text_once(xr, &f->fd_title);
		else if (xml_is(xr, XML_NS_DC, "title"))
			rc = rss_text_once(xr, &dctitle);
		else if (rss_is(xr, RSS_DIALECT_1, "link"))
			rc = rss_channel_link(xr, f);
		else if (xml_is(xr, XML_NS_ATOM, "link"))
			rss_atom_link(xr, f);
		else if (rss_is(xr, RSS_DIALECT_1, "item"))
			rc = rss_item(xr, f, opts, RSS_DIALECT_1);
		if (rc == -1)
			break;
	}
	/* Dublin Core's title when the channel has none of its own. */
	if (f->fd_title == NULL) {
		f->fd_title = dctitle;
		dctitle = NULL;
	}
	free(dctitle);
	return rc;
}

int
rdf_parse(const char *data, size_t len, const struct feed_parse_opts *opts,
    struct feed *f, char *err, size_t errlen)
{
	struct xml_reader xr;
	int rc;

	if (xml_open(&xr, data, len, opts->base_url, err, errlen) == -1)
		return -1;
	if ((rc = xml_next_element(&xr)) != 1) {
		if (rc == 0)
			xml_fail(&xr, "not a feed: no root element");
		goto fail;
	}
	if (!xml_is(&xr, XML_NS_RDF, "RDF")) {
		xml_fail(&xr, "not an RSS 1.0 feed: root element <%s>",
		    xml_local_name(&xr));
		goto fail;
	}
	if (!xml_is_empty(&xr)) {
		while ((rc = xml_next_child(&xr, 0)) == 1) {
			if (rss_is(&xr, RSS_DIALECT_1, "channel"))
				rc = rdf_channel(&xr, f, opts);
			else if (rss_is(&xr, RSS_DIALECT_1, "item"))
				rc = rss_item(&xr, f, opts, RSS_DIALECT_1);
			if (rc == -1)
				goto fail;
		}
		if (rc == -1)
			goto fail;
	}
	/* Read to the end: a document cut short is not a feed. */
	while ((rc = xml_read(&xr)) == 1)
		;
	if (rc == -1)
		goto fail;
	xml_close(&xr);
	return 0;
fail:
	xml_close(&xr);
	return -1;
}
