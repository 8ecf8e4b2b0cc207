/*
 * atom_write.c — postings as an Atom 1.0 feed (RFC 4287, RFC 5005 paging)
 * with the tsunagu extension elements, through libxml2's xmlTextWriter.
 *
 * Every string passes text_sanitize_utf8() first: xmlTextWriter escapes
 * markup but does not check UTF-8 or drop the controls XML 1.0 forbids,
 * and one stray byte from a source must not break the whole feed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "atom_ext.h"
#include "date.h"
#include "text.h"
#include "writer.h"
#include "xmalloc.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"
#define TAG_PREFIX	"tag:tsunagu,2026:"

/* The writer, and a sticky error: once set, every call does nothing. */
struct aw {
	xmlTextWriterPtr	 aw_w;
	xmlBufferPtr		 aw_xb;
	int			 aw_err;
};

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

static void
aw_check(struct aw *aw, int rc)
{
	if (rc < 0)
		aw->aw_err = 1;
}

static void
aw_start(struct aw *aw, const char *name)
{
	if (!aw->aw_err)
		aw_check(aw, xmlTextWriterStartElement(aw->aw_w,
		    (const xmlChar *)name));
}

static void
aw_end(struct aw *aw)
{
	if (!aw->aw_err)
		aw_check(aw, xmlTextWriterEndElement(aw->aw_w));
}

/* An attribute; nothing when value is NULL. */
static void
aw_attr(struct aw *aw, const char *name, const char *value)
{
	char *v;

	if (aw->aw_err || value == NULL)
		return;
	v = text_sanitize_utf8(value);
	aw_check(aw, xmlTextWriterWriteAttribute(aw->aw_w,
	    (const xmlChar *)name, (const xmlChar *)v));
	free(v);
}

static void
aw_text(struct aw *aw, const char *value)
{
	char *v;

	if (aw->aw_err)
		return;
	v = text_sanitize_utf8(value);
	aw_check(aw, xmlTextWriterWriteString(aw->aw_w, (const xmlChar *)v));
	free(v);
}

/* <name>value</name>; nothing when value is NULL. */
static void
aw_elem(struct aw *aw, const char *name, const char *value)
{
	if (value == NULL)
		return;
	aw_start(aw, name);
	aw_text(aw, value);
	aw_end(aw);
}

/* <name type="...">value</name> for Atom text constructs. */
static void
aw_typed(struct aw *aw, const char *name, const char *type,
    const char *value)
{
	if (value == NULL)
		return;
	aw_start(aw, name);
	aw_attr(aw, "type", type);
	aw_text(aw, value);
	aw_end(aw);
}

static void
aw_date(struct aw *aw, const char *name, int64_t t)
{
	char buf[32];

	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	aw_elem(aw, name, buf);
}

static void
aw_link(struct aw *aw, const char *rel, const char *type, const char *href)
{
	if (href == NULL)
		return;
	aw_start(aw, "link");
	aw_attr(aw, "rel", rel);
	aw_attr(aw, "type", type);
	aw_attr(aw, "href", href);
	aw_end(aw);
}

static void
aw_author(struct aw *aw, const char *name)
{
	aw_start(aw, "author");
	aw_elem(aw, "name", name);
	aw_end(aw);
}

/* The shortest decimal that reads back as the same double. */
static void
format_double(double x, char buf[32])
{
	snprintf(buf, 32, "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, 32, "%.17g", x);
}

/* One t:NAME element with only attributes (organizer, contact, ...). */
static void
aw_ext_attrs(struct aw *aw, const char *name, const char *const *kv,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		if (kv[i + 1] != NULL)
			break;
	if (i == n)
		return;		/* all absent: leave the element out */
	aw_start(aw, name);
	for (i = 0; i < n; i += 2)
		aw_attr(aw, kv[i], kv[i + 1]);
	aw_end(aw);
}

static void
aw_ext_source(struct aw *aw, const char *name, const struct posting_ref *r)
{
	char fetched[32];
	const char *kv[] = {
		"source", r->ref_source, "kind", r->ref_kind, "url", r->ref_url,
		"fetched", NULL,
	};

	if (r->ref_fetched != 0) {
		date_format_rfc3339(r->ref_fetched, DATE_JST_OFFSET, fetched);
		kv[7] = fetched;
	}
	aw_ext_attrs(aw, name, kv, 8);
}

/* The _tsunagu fields, in the order of atom_ext_fields. */
static void
aw_ext(struct aw *aw, const struct posting *p)
{
	const struct atom_ext_field *ef;
	const char *field = (const char *)p;
	char name[64], num[32];
	int64_t n;
	double x;
	size_t i;

	for (ef = atom_ext_fields; ef->ef_name != NULL; ef++) {
		snprintf(name, sizeof(name), ATOM_EXT_PREFIX ":%s",
		    ef->ef_name);
		switch (ef->ef_type) {
		case EXT_STR:
			aw_elem(aw, name,
			    *(char *const *)(field + ef->ef_offset));
			break;
		case EXT_INT:
			n = *(const int64_t *)(field + ef->ef_offset);
			if (n < 0)		/* capacity -1: unknown */
				break;
			snprintf(num, sizeof(num), "%lld", (long long)n);
			aw_elem(aw, name, num);
			break;
		case EXT_BOOL:
			aw_elem(aw, name,
			    *(const int *)(field + ef->ef_offset) ?
			    "true" : "false");
			break;
		case EXT_DOUBLE:
			x = *(const double *)(field + ef->ef_offset);
			if (!p->pst_has_geo || !isfinite(x))
				break;
			format_double(x, num);
			aw_elem(aw, name, num);
			break;
		case EXT_STATUS:
			aw_elem(aw, name, posting_status_name(p->pst_status));
			break;
		case EXT_ORGANIZER: {
			const char *kv[] = { "name", p->pst_organizer_name,
			    "kind", p->pst_organizer_kind };
			aw_ext_attrs(aw, name, kv, 4);
			break;
		}
		case EXT_CATEGORY:
			for (i = 0; i < p->pst_ncategories; i++)
				aw_elem(aw, name, p->pst_categories[i]);
			break;
		case EXT_CONTACT: {
			const char *kv[] = { "name", p->pst_contact_name,
			    "phone", p->pst_contact_phone,
			    "email", p->pst_contact_email };
			aw_ext_attrs(aw, name, kv, 6);
			break;
		}
		case EXT_SOURCE:
			for (i = 0; i < p->pst_nrefs; i++)
				aw_ext_source(aw, name, &p->pst_refs[i]);
			break;
		case EXT_ORIGIN: {
			const char *kv[] = {
			    "instance", p->pst_origin_instance,
			    "id", p->pst_origin_id };
			aw_ext_attrs(aw, name, kv, 4);
			break;
		}
		}
	}
}

static void
aw_entry(struct aw *aw, const struct feed_meta *fm, const struct posting *p)
{
	int64_t updated;
	char *id;
	size_t i;

	aw_start(aw, "entry");
	id = atom_entry_id(fm->fm_instance,
	    p->pst_id ? p->pst_id : p->pst_guid);
	aw_elem(aw, "id", id);
	free(id);
	aw_typed(aw, "title", "text", p->pst_title ? p->pst_title : "");
	aw_link(aw, "alternate", NULL, p->pst_link);
	updated = p->pst_modified ? p->pst_modified :
	    p->pst_published ? p->pst_published : fm->fm_updated;
	if (p->pst_published != 0)
		aw_date(aw, "published", p->pst_published);
	aw_date(aw, "updated", updated);
	if (p->pst_organizer_name != NULL)
		aw_author(aw, p->pst_organizer_name);
	for (i = 0; i < p->pst_ncategories; i++) {
		aw_start(aw, "category");
		aw_attr(aw, "term", p->pst_categories[i]);
		aw_end(aw);
	}
	aw_typed(aw, "summary", "text", p->pst_summary);
	/* RFC 4287 4.1.2: without an alternate link, content is required. */
	if (p->pst_content_html != NULL || p->pst_link == NULL)
		aw_typed(aw, "content", "html",
		    p->pst_content_html ? p->pst_content_html : "");
	aw_ext(aw, p);
	aw_end(aw);
}

static void
aw_feed_head(struct aw *aw, const struct feed_meta *fm, int64_t updated)
{
	char *id = NULL;

	if (!aw->aw_err)
		aw_check(aw, xmlTextWriterStartDocument(aw->aw_w, NULL,
		    "UTF-8", NULL));
	if (!aw->aw_err)
		aw_check(aw, xmlTextWriterStartElementNS(aw->aw_w, NULL,
		    (const xmlChar *)"feed", (const xmlChar *)ATOM_NS));
	aw_attr(aw, "xmlns:" ATOM_EXT_PREFIX, ATOM_EXT_NS);
	/* The self URL names this very feed (filters included). */
	if (fm->fm_self_url != NULL)
		aw_elem(aw, "id", fm->fm_self_url);
	else {
		id = atom_entry_id(fm->fm_instance, "feed");
		aw_elem(aw, "id", id);
		free(id);
	}
	aw_typed(aw, "title", "text", fm->fm_title ? fm->fm_title : "tsunagu");
	aw_date(aw, "updated", updated);
	aw_link(aw, "self", "application/atom+xml", fm->fm_self_url);
	aw_link(aw, "alternate", "text/html", fm->fm_home_url);
	aw_link(aw, "hub", NULL, fm->fm_hub_url);
	aw_link(aw, "next", "application/atom+xml", fm->fm_next_url);
	/* RFC 4287 4.1.1: entries without an author inherit this one. */
	aw_author(aw, fm->fm_instance ? fm->fm_instance : "tsunagu");
	aw_elem(aw, "generator", "tsunagu");
}

int
atom_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	struct aw aw;
	int64_t updated = fm->fm_updated;
	size_t i;
	int rc = -1;

	memset(&aw, 0, sizeof(aw));
	for (i = 0; updated == 0 && i < n; i++)
		if (postings[i]->pst_modified > updated)
			updated = postings[i]->pst_modified;
	if ((aw.aw_xb = xmlBufferCreate()) == NULL)
		return -1;
	if ((aw.aw_w = xmlNewTextWriterMemory(aw.aw_xb, 0)) == NULL)
		goto fail;
	aw_check(&aw, xmlTextWriterSetIndent(aw.aw_w, 1));
	aw_check(&aw, xmlTextWriterSetIndentString(aw.aw_w,
	    (const xmlChar *)" "));
	aw_feed_head(&aw, fm, updated);
	for (i = 0; i < n && !aw.aw_err; i++) {
		aw_entry(&aw, fm, postings[i]);
		/* Stop as soon as the output cannot fit the buffer anyway. */
		aw_check(&aw, xmlTextWriterFlush(aw.aw_w));
		if ((size_t)xmlBufferLength(aw.aw_xb) > b->max - b->len)
			aw.aw_err = 1;
	}
	aw_end(&aw);
	if (!aw.aw_err)
		aw_check(&aw, xmlTextWriterEndDocument(aw.aw_w));
	xmlFreeTextWriter(aw.aw_w);	/* flushes into aw_xb */
	aw.aw_w = NULL;
	if (aw.aw_err)
		goto fail;
	rc = buf_append(b, xmlBufferContent(aw.aw_xb),
	    xmlBufferLength(aw.aw_xb));
fail:
	if (aw.aw_w != NULL)
		xmlFreeTextWriter(aw.aw_w);
	xmlBufferFree(aw.aw_xb);
	return rc;
}
