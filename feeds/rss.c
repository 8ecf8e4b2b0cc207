/*
 * rss.c — RSS 2.0, and 0.91/0.92 read as the same element set.
 *
 * Streams through the document with the hardened reader: channel title
 * and link, atom:link rel=self/hub/next, and per item title, link, guid,
 * description, content:encoded, pubDate / dc:date, category.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "parse_private.h"
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
};

/* Namespaces some RSS 2.0 feeds put their elements in; none is usual. */
static const char *const rss_namespaces[] = {
	"http://backend.userland.com/rss",
	"http://backend.userland.com/rss2",
	"http://backend.userland.com/rss2.1",
	"http://blogs.law.harvard.edu/tech/rss",
};

/* An RSS element named local, in no namespace or an RSS one. */
static int
rss_is(struct xml_reader *xr, const char *local)
{
	const char *name = xml_local_name(xr), *ns = xml_ns(xr);
	size_t i;

	if (name == NULL || strcmp(name, local) != 0)
		return 0;
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
static int
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
static void
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
rss_item_fields(struct xml_reader *xr, struct rss_item *ri,
    struct posting *p)
{
	int depth = xml_depth(xr), rc;
	char *v;

	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (rss_is(xr, "title")) {
			if (rss_text(xr, &v) == -1)
				return -1;
			if (p->pst_title == NULL && *v != '\0')
				posting_set(&p->pst_title, v);
			free(v);
		} else if (rss_is(xr, "link")) {
			if (rss_text_once(xr, &ri->ri_link) == -1)
				return -1;
		} else if (rss_is(xr, "guid")) {
			v = xml_attr(xr, "isPermaLink");
			ri->ri_permalink = v == NULL || strcmp(v, "false") != 0;
			free(v);
			if (rss_text_once(xr, &ri->ri_guid) == -1)
				return -1;
		} else if (rss_is(xr, "description")) {
			if (rss_html_once(xr, &ri->ri_description) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_CONTENT, "encoded")) {
			if (rss_html_once(xr, &ri->ri_encoded) == -1)
				return -1;
		} else if (rss_is(xr, "pubDate")) {
			if (rss_text_once(xr, &ri->ri_published) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DC, "date")) {
			if (rss_text_once(xr, &ri->ri_dcdate) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_DCTERMS, "modified") ||
		    xml_is(xr, XML_NS_ATOM, "updated")) {
			if (rss_text_once(xr, &ri->ri_modified) == -1)
				return -1;
		} else if (rss_is(xr, "category") ||
		    xml_is(xr, XML_NS_DC, "subject")) {
			if (rss_category(xr, p) == -1)
				return -1;
		}
	}
	return rc;
}

static int64_t
rss_date(const char *s)
{
	int64_t t;

	if (s == NULL || date_parse_any(s, &t) == -1)
		return 0;
	return t;
}

/* Moves what the item said into the posting. */
static void
rss_item_finish(struct rss_item *ri, struct posting *p, const char *base)
{
	char *summary;

	p->pst_link = url_resolve(base, ri->ri_link, 1);
	if (p->pst_link == NULL && ri->ri_guid != NULL && ri->ri_permalink)
		p->pst_link = url_resolve(base, ri->ri_guid, 1);
	posting_set(&p->pst_guid, ri->ri_guid);
	/* content:encoded is the full text; description then summarizes. */
	if (ri->ri_encoded != NULL) {
		posting_set(&p->pst_content_html, ri->ri_encoded);
		if (ri->ri_description != NULL) {
			summary = text_strip_tags(ri->ri_description);
			if (*summary != '\0')
				posting_set(&p->pst_summary, summary);
			free(summary);
		}
	} else
		posting_set(&p->pst_content_html, ri->ri_description);
	p->pst_published = rss_date(ri->ri_published);
	if (p->pst_published == 0)
		p->pst_published = rss_date(ri->ri_dcdate);
	p->pst_modified = rss_date(ri->ri_modified);
	if (p->pst_modified == 0)
		p->pst_modified = p->pst_published;
}

static int
rss_item(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts)
{
	struct rss_item ri;
	struct posting *p;
	char *base;
	int rc = 0;

	if (feed_is_full(f, opts) || xml_is_empty(xr))
		return 0;
	memset(&ri, 0, sizeof(ri));
	ri.ri_permalink = 1;
	/* The document's URL and any xml:base; else the site's link. */
	if ((base = xml_base(xr)) == NULL)
		base = xstrdup_opt(f->fd_link);
	p = posting_new();
	if (rss_item_fields(xr, &ri, p) == -1) {
		posting_free(p);
		rc = -1;
		goto done;
	}
	rss_item_finish(&ri, p, base);
	posting_list_push(&f->fd_entries, p);
done:
	rss_item_clear(&ri);
	free(base);
	return rc;
}

static int
rss_channel(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts)
{
	int depth = xml_depth(xr), rc;
	char *v, *base;

	if (xml_is_empty(xr))
		return 0;
	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (rss_is(xr, "title")) {
			if (rss_text_once(xr, &f->fd_title) == -1)
				return -1;
		} else if (rss_is(xr, "link")) {
			base = xml_base(xr);
			if (rss_text(xr, &v) == -1) {
				free(base);
				return -1;
			}
			if (f->fd_link == NULL)
				f->fd_link = url_resolve(base, v, 1);
			free(base);
			free(v);
		} else if (xml_is(xr, XML_NS_ATOM, "link"))
			rss_atom_link(xr, f);
		else if (rss_is(xr, "item")) {
			if (rss_item(xr, f, opts) == -1)
				return -1;
		}
	}
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
	if (!rss_is(&xr, "rss")) {
		xml_fail(&xr, "not an RSS feed: root element <%s>",
		    xml_local_name(&xr));
		goto fail;
	}
	if (!xml_is_empty(&xr)) {
		while ((rc = xml_next_child(&xr, 0)) == 1) {
			if (rss_is(&xr, "channel"))
				rc = rss_channel(&xr, f, opts);
			else if (rss_is(&xr, "item"))	/* 0.9x */
				rc = rss_item(&xr, f, opts);
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
