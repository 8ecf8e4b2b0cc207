/*
 * atom_write.c — postings as an Atom 1.0 feed (RFC 4287, RFC 5005 paging)
 * with the tsunagu extension elements (schemas/atom-tsunagu.rnc).  The
 * XML itself is written through xmlw.h, which keeps it well-formed
 * whatever the sources sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom_ext.h"
#include "writer.h"
#include "xmalloc.h"
#include "xmlw.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"
#define TAG_PREFIX	"tag:tsunagu,2026:"

/* Percent-encodes what a tag: URI's specific part cannot hold. */
static char *
tag_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;
	char *out;

	out = xreallocarray(NULL, strlen(s) + 1, 3);
	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~!$&'()*+,;=:@/",
		    *p) != NULL)
			out[o++] = *p;
		else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}

char *
atom_entry_id(const char *instance, const char *posting_id)
{
	char *i, *p, *id;

	i = tag_escape(instance ? instance : "tsunagu");
	p = tag_escape(posting_id ? posting_id : "");
	xasprintf(&id, TAG_PREFIX "%s/%s", i, p);
	free(i);
	free(p);
	return id;
}

/* <name type="...">value</name> for Atom text constructs. */
static void
typed(struct xmlw *xw, const char *name, const char *type, const char *value)
{
	if (value == NULL)
		return;
	xmlw_start(xw, name);
	xmlw_attr(xw, "type", type);
	xmlw_text(xw, value);
	xmlw_end(xw);
}

static void
put_link(struct xmlw *xw, const char *rel, const char *type, const char *href)
{
	if (href == NULL)
		return;
	xmlw_start(xw, "link");
	xmlw_attr(xw, "rel", rel);
	xmlw_attr(xw, "type", type);
	xmlw_attr(xw, "href", href);
	xmlw_end(xw);
}

static void
author(struct xmlw *xw, const char *name)
{
	xmlw_start(xw, "author");
	xmlw_elem(xw, "name", name);
	xmlw_end(xw);
}

static void
entry(struct xmlw *xw, const struct feed_meta *fm, const struct posting *p)
{
	int64_t updated;
	char *id;
	size_t i;

	xmlw_start(xw, "entry");
	id = atom_entry_id(fm->fm_instance,
	    p->pst_id ? p->pst_id : p->pst_guid);
	xmlw_elem(xw, "id", id);
	free(id);
	typed(xw, "title", "text", p->pst_title ? p->pst_title : "");
	put_link(xw, "alternate", NULL, p->pst_link);
	updated = p->pst_modified ? p->pst_modified :
	    p->pst_published ? p->pst_published : fm->fm_updated;
	if (p->pst_published != 0)
		xmlw_date(xw, "published", p->pst_published);
	xmlw_date(xw, "updated", updated);
	if (p->pst_organizer_name != NULL)
		author(xw, p->pst_organizer_name);
	for (i = 0; i < p->pst_ncategories; i++) {
		xmlw_start(xw, "category");
		xmlw_attr(xw, "term", p->pst_categories[i]);
		xmlw_end(xw);
	}
	typed(xw, "summary", "text", p->pst_summary);
	/* RFC 4287 4.1.2: without an alternate link, content is required. */
	if (p->pst_content_html != NULL || p->pst_link == NULL)
		typed(xw, "content", "html",
		    p->pst_content_html ? p->pst_content_html : "");
	xmlw_tsunagu(xw, p);
	xmlw_end(xw);
}

static void
feed_head(struct xmlw *xw, const struct feed_meta *fm, int64_t updated)
{
	char *id;

	xmlw_start_ns(xw, "feed", ATOM_NS);
	xmlw_attr(xw, "xmlns:" ATOM_EXT_PREFIX, ATOM_EXT_NS);
	/* The self URL names this very feed (filters included). */
	if (fm->fm_self_url != NULL)
		xmlw_elem(xw, "id", fm->fm_self_url);
	else {
		id = atom_entry_id(fm->fm_instance, "feed");
		xmlw_elem(xw, "id", id);
		free(id);
	}
	typed(xw, "title", "text", fm->fm_title ? fm->fm_title : "tsunagu");
	xmlw_date(xw, "updated", updated);
	put_link(xw, "self", "application/atom+xml", fm->fm_self_url);
	put_link(xw, "alternate", "text/html", fm->fm_home_url);
	put_link(xw, "hub", NULL, fm->fm_hub_url);
	put_link(xw, "next", "application/atom+xml", fm->fm_next_url);
	/* RFC 4287 4.1.1: entries without an author inherit this one. */
	author(xw, fm->fm_instance ? fm->fm_instance : "tsunagu");
	xmlw_elem(xw, "generator", "tsunagu");
}

int
atom_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	struct xmlw xw;
	int64_t updated = fm->fm_updated;
	size_t i;

	for (i = 0; updated == 0 && i < n; i++)
		if (postings[i]->pst_modified > updated)
			updated = postings[i]->pst_modified;
	if (xmlw_open(&xw) == -1)
		return -1;
	feed_head(&xw, fm, updated);
	for (i = 0; i < n && !xw.xw_err; i++) {
		entry(&xw, fm, postings[i]);
		xmlw_check_room(&xw, b);
	}
	xmlw_end(&xw);
	return xmlw_close(&xw, b);
}
