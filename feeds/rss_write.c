/*
 * rss_write.c — postings as RSS 2.0, paged (RFC 5005) and self-named
 * through atom:link, each item carrying the tsunagu extension elements as
 * the Atom feed does (RSS 2.0 allows namespaced elements in items).
 */
#include <stdlib.h>

#include "atom_ext.h"
#include "date.h"
#include "text.h"
#include "writer.h"
#include "xmlw.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"

static void
rss_date(struct xmlw *xw, const char *name, int64_t t)
{
	char buf[32];

	date_format_http(t, buf);
	xmlw_elem(xw, name, buf);
}

static void
atom_link(struct xmlw *xw, const char *rel, const char *type,
    const char *href)
{
	if (href == NULL)
		return;
	xmlw_start(xw, "atom:link");
	xmlw_attr(xw, "rel", rel);
	xmlw_attr(xw, "type", type);
	xmlw_attr(xw, "href", href);
	xmlw_end(xw);
}

static void
item(struct xmlw *xw, const struct feed_meta *fm, const struct posting *p)
{
	char *id, *html = NULL;
	int64_t when;
	size_t i;

	xmlw_start(xw, "item");
	xmlw_elem(xw, "title", p->pst_title ? p->pst_title : "");
	xmlw_elem(xw, "link", p->pst_link);
	/* description is HTML: plain text is escaped first. */
	if (p->pst_content_html != NULL)
		xmlw_elem(xw, "description", p->pst_content_html);
	else if (p->pst_summary != NULL) {
		html = text_html_escape(p->pst_summary);
		xmlw_elem(xw, "description", html);
		free(html);
	}
	for (i = 0; i < p->pst_ncategories; i++)
		xmlw_elem(xw, "category", p->pst_categories[i]);
	id = atom_entry_id(fm->fm_instance,
	    p->pst_id ? p->pst_id : p->pst_guid);
	xmlw_start(xw, "guid");
	xmlw_attr(xw, "isPermaLink", "false");
	xmlw_text(xw, id);
	xmlw_end(xw);
	free(id);
	when = p->pst_published ? p->pst_published : p->pst_modified;
	if (when != 0)
		rss_date(xw, "pubDate", when);
	xmlw_tsunagu(xw, p);
	xmlw_end(xw);
}

int
rss_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	const char *title = fm->fm_title ? fm->fm_title : "tsunagu";
	struct xmlw xw;
	int64_t updated = fm->fm_updated;
	size_t i;

	for (i = 0; updated == 0 && i < n; i++)
		if (postings[i]->pst_modified > updated)
			updated = postings[i]->pst_modified;
	if (xmlw_open(&xw) == -1)
		return -1;
	xmlw_start(&xw, "rss");
	xmlw_attr(&xw, "version", "2.0");
	xmlw_attr(&xw, "xmlns:atom", ATOM_NS);
	xmlw_attr(&xw, "xmlns:" ATOM_EXT_PREFIX, ATOM_EXT_NS);
	xmlw_start(&xw, "channel");
	xmlw_elem(&xw, "title", title);
	/* link is required: the site, else this feed. */
	xmlw_elem(&xw, "link", fm->fm_home_url ? fm->fm_home_url :
	    fm->fm_self_url ? fm->fm_self_url : "");
	xmlw_elem(&xw, "description", title);
	xmlw_elem(&xw, "language", "ja");
	xmlw_elem(&xw, "generator", "tsunagu");
	if (updated != 0)
		rss_date(&xw, "lastBuildDate", updated);
	atom_link(&xw, "self", "application/rss+xml", fm->fm_self_url);
	atom_link(&xw, "hub", NULL, fm->fm_hub_url);
	atom_link(&xw, "next", "application/rss+xml", fm->fm_next_url);
	for (i = 0; i < n && !xw.xw_err; i++) {
		item(&xw, fm, postings[i]);
		xmlw_check_room(&xw, b);
	}
	xmlw_end(&xw);		/* channel */
	xmlw_end(&xw);		/* rss */
	return xmlw_close(&xw, b);
}
