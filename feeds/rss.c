/*
 * rss.c — RSS 2.0, and 0.91/0.92 read as the same element set; its item
 * reader serves RSS 1.0 too (rdf.c, rss_private.h).
 *
 * Streams through the document with the hardened reader: channel title
 * and link, atom:link rel=self/hub/next, and per item title, link, guid,
 * description, content:encoded (or xhtml:body), pubDate / dc:date /
 * dcterms:issued, category / dc:subject; dc:title and dc:description
 * stand in when the RSS elements are missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "parse_private.h"
#include "rss_private.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "xml.h"
#include "xmalloc.h"

struct rss_item {
	char	*ri_link;
	char	*ri_guid;
	int	 ri_permalink;
	char	*ri_description;
	char	*ri_encoded;
	char	*ri_published;
	char	*ri_dcdate;
	char	*ri_modified;
	char	*ri_about;	/* RSS 1.0: rdf:about, the identity */
	char	*ri_creator;	/* RSS 1.0: dc:creator */
	/* Dublin Core, for what the RSS elements leave unsaid. */
	char	*ri_dctitle;
	char	*ri_dcdescription;
	char	*ri_issued;	/* dcterms:issued, dcterms:created */
};

/* Namespaces some RSS 2.0 feeds put their elements in; none is usual. */
static const char *const rss_namespaces[] = {
	"http://backend.userland.com/rss",
	"http://backend.userland.com/rss2",
	"http://backend.userland.com/rss2.1",
	"http://blogs.law.harvard.edu/tech/rss",
};

int
rss_is(struct xml_reader *xr, enum rss_dialect dialect, const char *local)
{
	const char *name = xml_local_name(xr), *ns = xml_ns(xr);
	size_t i;

	if (name == NULL || strcmp(name, local) != 0)
		return 0;
	if (dialect == RSS_DIALECT_1)
		return ns != NULL && (strcmp(ns, XML_NS_RSS10) == 0 ||
		    strcmp(ns, XML_NS_RSS090) == 0);
	if (ns == NULL || *ns == '\0')
		return 1;
	for (i = 0; i < sizeof(rss_namespaces) / sizeof(rss_namespaces[0]);
	    i++)
		if (strcmp(ns, rss_namespaces[i]) == 0)
			return 1;
	return 0;
}

/* The trimmed text of the current element. */
static int
rss_text(struct xml_reader *xr, char **out)
{
	char *raw;

	*out = NULL;
	if (xml_text(xr, &raw) == -1)
		return -1;
	*out = text_trim(raw);
	free(raw);
	return 0;
}

/* Keeps the first value of a field: *field is set only when still NULL. */
int
rss_text_once(struct xml_reader *xr, char **field)
{
	char *v;

	if (rss_text(xr, &v) == -1)
		return -1;
	if (*field == NULL && *v != '\0')
		*field = v;
	else
		free(v);
	return 0;
}

/* The same for HTML, escaped or written as raw markup. */
static int
rss_html_once(struct xml_reader *xr, char **field)
{
	char *raw, *v;

	if (xml_html(xr, &raw) == -1)
		return -1;
	v = text_trim(raw);
	free(raw);
	if (*field == NULL && *v != '\0')
		*field = v;
	else
		free(v);
	return 0;
}

/* <atom:link rel="self|hub|next" href="..."/> inside the channel. */
void
rss_atom_link(struct xml_reader *xr, struct feed *f)
{
	char *rel, *href, *base, **slot = NULL;

	/* No rel means alternate, which RSS already says with <link>. */
	if ((rel = xml_attr(xr, "rel")) == NULL)
		return;
	if (strcmp(rel, "self") == 0)
		slot = &f->fd_self;
	else if (strcmp(rel, "hub") == 0)
		slot = &f->fd_hub;
	else if (strcmp(rel, "next") == 0)
		slot = &f->fd_next;
	free(rel);
	if (slot == NULL || *slot != NULL)
		return;
	href = xml_attr(xr, "href");
	base = xml_base(xr);
	*slot = url_resolve(base, href, 1);
	free(base);
	free(href);
}

static void
rss_item_clear(struct rss_item *ri)
{
	free(ri->ri_link);
	free(ri->ri_guid);
	free(ri->ri_description);
	free(ri->ri_encoded);
	free(ri->ri_published);
	free(ri->ri_dcdate);
	free(ri->ri_modified);
	free(ri->ri_about);
	free(ri->ri_creator);
	free(ri->ri_dctitle);
	free(ri->ri_dcdescription);
	free(ri->ri_issued);
}

static int
rss_category(struct xml_reader *xr, struct posting *p)
{
	char *v;

	if (rss_text(xr, &v) == -1)
		return -1;
	if (*v != '\0')
		posting_add_category(p, v);
	free(v);
	return 0;
}

/* Reads one item's children into ri and p. */
static int
rss_item_fields(struct xml_reader *xr, enum rss_dialect dl,
    struct rss_item *ri, struct posting *p)
{
	int depth = xml_depth(xr), rc;
	char *v;

	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (rss_is(xr, dl, "title")) {
			if (rss_text(xr, &v) == -1)
				return -1;
			if (p->pst_title == NULL && *v != '\0')
				posting_set(&p->pst_title, v);
			free(v);
		} else if (rss_is(xr, dl, "link")) {
			if (rss_text_once(xr, &ri->ri_link) == -1)
				return -1;
		} else if (rss_is(xr, dl, "guid")) {
			v = xml_attr(xr, "isPermaLink");
			ri->ri_permalink = v == NULL || strcmp(v, "false") != 0;
			free(v);
			if (rss_text_once(xr, &ri->ri_guid) == -1)
				return -1;
		} else if (rss_is(xr, dl, "description")) {
			if (rss_html_once(xr, &ri->ri_description) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DC, "title")) {
			if (rss_text_once(xr, &ri->ri_dctitle) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DC, "description")) {
			if (rss_html_once(xr, &ri->ri_dcdescription) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DCTERMS, "issued") ||
		    xml_is(xr, XML_NS_DCTERMS, "created")) {
			if (rss_text_once(xr, &ri->ri_issued) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_CONTENT, "encoded") ||
		    xml_is(xr, XML_NS_XHTML, "body") ||
		    rss_is(xr, dl, "body") || rss_is(xr, dl, "fullitem")) {
			/* The full text, however the feed spells it. */
			if (rss_html_once(xr, &ri->ri_encoded) == -1)
				return -1;
		} else if (rss_is(xr, dl, "pubDate")) {
			if (rss_text_once(xr, &ri->ri_published) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DC, "date")) {
			if (rss_text_once(xr, &ri->ri_dcdate) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DCTERMS, "modified") ||
		    xml_is(xr, XML_NS_ATOM, "updated")) {
			if (rss_text_once(xr, &ri->ri_modified) == -1)
				return -1;
		} else if (rss_is(xr, dl, "category") ||
		    xml_is(xr, XML_NS_DC, "subject")) {
			if (rss_category(xr, p) == -1)
				return -1;
		} else if (dl == RSS_DIALECT_1 &&
		    xml_is(xr, XML_NS_DC, "creator")) {
			if (rss_text_once(xr, &ri->ri_creator) == -1)
				return -1;
		}
	}
	return rc;
}

/* RFC 822, or W3CDTF (dc:date), down to a year or a month alone. */
static int64_t
rss_date(const char *s)
{
	char padded[16];
	size_t n;
	int64_t t;

	if (s == NULL)
		return 0;
	if (date_parse_any(s, &t) == 0)
		return t;
	n = strlen(s);
	if ((n == 4 || (n == 7 && s[4] == '-')) &&
	    strspn(s, "0123456789-") == n) {
		snprintf(padded, sizeof(padded), "%s%s", s,
		    n == 4 ? "-01-01" : "-01");
		if (date_parse_any(padded, &t) == 0)
			return t;
	}
	return 0;
}

/* Moves what the item said into the posting. */
static void
rss_item_finish(struct rss_item *ri, struct posting *p, const char *base)
{
	char *summary, *plain;

	if (p->pst_title == NULL)
		posting_set(&p->pst_title, ri->ri_dctitle);
	if (ri->ri_description == NULL) {
		ri->ri_description = ri->ri_dcdescription;
		ri->ri_dcdescription = NULL;
	}
	p->pst_link = url_resolve(base, ri->ri_link, 1);
	if (p->pst_link == NULL && ri->ri_guid != NULL && ri->ri_permalink)
		p->pst_link = url_resolve(base, ri->ri_guid, 1);
	/* RSS 1.0 names an item by its rdf:about, usually its URL. */
	if (p->pst_link == NULL && ri->ri_about != NULL)
		p->pst_link = url_resolve(base, ri->ri_about, 1);
	posting_set(&p->pst_guid, ri->ri_guid ? ri->ri_guid : ri->ri_about);
	/* A CMS's dc:creator is the section that posts: the organizer. */
	if (p->pst_organizer_name == NULL)
		posting_set(&p->pst_organizer_name, ri->ri_creator);
	/* content:encoded is the full text; description then summarizes. */
	if (ri->ri_encoded != NULL) {
		posting_set(&p->pst_content_html, ri->ri_encoded);
		if (ri->ri_description != NULL) {
			plain = sanitize_text(ri->ri_description, 0);
			summary = text_trim(plain);
			free(plain);
			if (*summary != '\0')
				posting_set(&p->pst_summary, summary);
			free(summary);
		}
	} else
		posting_set(&p->pst_content_html, ri->ri_description);
	p->pst_published = rss_date(ri->ri_published);
	if (p->pst_published == 0)
		p->pst_published = rss_date(ri->ri_dcdate);
	if (p->pst_published == 0)
		p->pst_published = rss_date(ri->ri_issued);
	p->pst_modified = rss_date(ri->ri_modified);
	if (p->pst_modified == 0)
		p->pst_modified = p->pst_published;
}

int
rss_item(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts, enum rss_dialect dl)
{
	struct rss_item ri;
	struct posting *p;
	char *base, *html;
	int rc = 0;

	if (feed_is_full(f, opts) || xml_is_empty(xr))
		return 0;
	memset(&ri, 0, sizeof(ri));
	ri.ri_permalink = 1;
	/* The document's URL and any xml:base; else the site's link. */
	if ((base = xml_base(xr)) == NULL)
		base = xstrdup_opt(f->fd_link);
	if (dl == RSS_DIALECT_1) {
		ri.ri_about = xml_attr_ns(xr, XML_NS_RDF, "about");
		if (ri.ri_about != NULL && *ri.ri_about == '\0') {
			free(ri.ri_about);
			ri.ri_about = NULL;
		}
	}
	p = posting_new();
	if (rss_item_fields(xr, dl, &ri, p) == -1) {
		posting_free(p);
		rc = -1;
		goto done;
	}
	rss_item_finish(&ri, p, base);
	/*
	 * Relative links in the HTML resolve against the item's xml:base or
	 * the site's link, which only the parser knows: the sanitizer
	 * resolves them now (it runs again at normalization, to the same
	 * result).  Against the document's URL, normalization does it.
	 */
	if (p->pst_content_html != NULL && base != NULL &&
	    (opts->base_url == NULL || strcmp(base, opts->base_url) != 0)) {
		html = p->pst_content_html;
		p->pst_content_html = sanitize_html(html, base);
		free(html);
	}
	posting_list_push(&f->fd_entries, p);
done:
	rss_item_clear(&ri);
	free(base);
	return rc;
}

int
rss_channel_link(struct xml_reader *xr, struct feed *f)
{
	char *v, *base;

	base = xml_base(xr);
	if (rss_text(xr, &v) == -1) {
		free(base);
		return -1;
	}
	if (f->fd_link == NULL)
		f->fd_link = url_resolve(base, v, 1);
	free(base);
	free(v);
	return 0;
}

static int
rss_channel(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts)
{
	int depth = xml_depth(xr), rc;
	char *dctitle = NULL;

	if (xml_is_empty(xr))
		return 0;
	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (rss_is(xr, RSS_DIALECT_2, "title"))
			rc = rss_text_once(xr, &f->fd_title);
		else if (xml_is(xr, XML_NS_DC, "title"))
			rc = rss_text_once(xr, &dctitle);
		else if (rss_is(xr, RSS_DIALECT_2, "link"))
			rc = rss_channel_link(xr, f);
		else if (xml_is(xr, XML_NS_ATOM, "link"))
			rss_atom_link(xr, f);
		else if (rss_is(xr, RSS_DIALECT_2, "item"))
			rc = rss_item(xr, f, opts, RSS_DIALECT_2);
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
rss_parse(const char *data, size_t len, const struct feed_parse_opts *opts,
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
	if (!rss_is(&xr, RSS_DIALECT_2, "rss")) {
		xml_fail(&xr, "not an RSS feed: root element <%s>",
		    xml_local_name(&xr));
		goto fail;
	}
	if (!xml_is_empty(&xr)) {
		while ((rc = xml_next_child(&xr, 0)) == 1) {
			if (rss_is(&xr, RSS_DIALECT_2, "channel"))
				rc = rss_channel(&xr, f, opts);
			else if (rss_is(&xr, RSS_DIALECT_2, "item"))
				rc = rss_item(&xr, f, opts,
				    RSS_DIALECT_2);	/* 0.9x */
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
