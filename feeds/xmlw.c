/* xmlw.c — xmlTextWriter with a sticky error, and the t:* elements. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "atom_ext.h"
#include "date.h"
#include "text.h"
#include "xmlw.h"

#define W(xw)	((xmlTextWriterPtr)(xw)->xw_writer)

static void
check(struct xmlw *xw, int rc)
{
	if (rc < 0)
		xw->xw_err = 1;
}

int
xmlw_open(struct xmlw *xw)
{
	memset(xw, 0, sizeof(*xw));
	if ((xw->xw_buffer = xmlBufferCreate()) == NULL)
		return -1;
	xw->xw_writer = xmlNewTextWriterMemory(xw->xw_buffer, 0);
	if (xw->xw_writer == NULL) {
		xmlBufferFree(xw->xw_buffer);
		xw->xw_buffer = NULL;
		return -1;
	}
	check(xw, xmlTextWriterSetIndent(W(xw), 1));
	check(xw, xmlTextWriterSetIndentString(W(xw), (const xmlChar *)" "));
	if (!xw->xw_err)
		check(xw, xmlTextWriterStartDocument(W(xw), NULL, "UTF-8",
		    NULL));
	return 0;
}

int
xmlw_close(struct xmlw *xw, struct buf *b)
{
	int rc = -1;

	if (xw->xw_writer == NULL)
		return -1;
	if (!xw->xw_err)
		check(xw, xmlTextWriterEndDocument(W(xw)));
	xmlFreeTextWriter(W(xw));	/* flushes into the buffer */
	xw->xw_writer = NULL;
	if (!xw->xw_err)
		rc = buf_append(b, xmlBufferContent(xw->xw_buffer),
		    xmlBufferLength(xw->xw_buffer));
	xmlBufferFree(xw->xw_buffer);
	xw->xw_buffer = NULL;
	return rc;
}

void
xmlw_start(struct xmlw *xw, const char *name)
{
	if (!xw->xw_err)
		check(xw, xmlTextWriterStartElement(W(xw),
		    (const xmlChar *)name));
}

void
xmlw_start_ns(struct xmlw *xw, const char *name, const char *ns)
{
	if (!xw->xw_err)
		check(xw, xmlTextWriterStartElementNS(W(xw), NULL,
		    (const xmlChar *)name, (const xmlChar *)ns));
}

void
xmlw_end(struct xmlw *xw)
{
	if (!xw->xw_err)
		check(xw, xmlTextWriterEndElement(W(xw)));
}

void
xmlw_attr(struct xmlw *xw, const char *name, const char *value)
{
	char *v;

	if (xw->xw_err || value == NULL)
		return;
	v = text_sanitize_utf8(value);
	check(xw, xmlTextWriterWriteAttribute(W(xw), (const xmlChar *)name,
	    (const xmlChar *)v));
	free(v);
}

void
xmlw_text(struct xmlw *xw, const char *value)
{
	char *v;

	if (xw->xw_err)
		return;
	v = text_sanitize_utf8(value);
	check(xw, xmlTextWriterWriteString(W(xw), (const xmlChar *)v));
	free(v);
}

void
xmlw_elem(struct xmlw *xw, const char *name, const char *value)
{
	if (value == NULL)
		return;
	xmlw_start(xw, name);
	xmlw_text(xw, value);
	xmlw_end(xw);
}

void
xmlw_date(struct xmlw *xw, const char *name, int64_t t)
{
	char buf[32];

	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	xmlw_elem(xw, name, buf);
}

void
xmlw_check_room(struct xmlw *xw, const struct buf *b)
{
	if (xw->xw_err)
		return;
	check(xw, xmlTextWriterFlush(W(xw)));
	if ((size_t)xmlBufferLength(xw->xw_buffer) > b->max - b->len)
		xw->xw_err = 1;
}

/* --- the tsunagu extension ------------------------------------------ */

/* The shortest decimal that reads back as the same double. */
static void
format_double(double x, char buf[32])
{
	snprintf(buf, 32, "%.15g", x);
	if (strtod(buf, NULL) != x)
		snprintf(buf, 32, "%.17g", x);
}

/* One t:NAME element with only attributes; left out when all are NULL. */
static void
ext_attrs(struct xmlw *xw, const char *name, const char *const *kv,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		if (kv[i + 1] != NULL)
			break;
	if (i == n)
		return;
	xmlw_start(xw, name);
	for (i = 0; i < n; i += 2)
		xmlw_attr(xw, kv[i], kv[i + 1]);
	xmlw_end(xw);
}

static void
ext_source(struct xmlw *xw, const char *name, const struct posting_ref *r)
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
	ext_attrs(xw, name, kv, 8);
}

static void
ext_field(struct xmlw *xw, const struct atom_ext_field *ef,
    const struct posting *p, const char *name)
{
	const char *field = (const char *)p;
	char num[32];
	int64_t n;
	double x;
	size_t i;

	switch (ef->ef_type) {
	case EXT_STR:
		xmlw_elem(xw, name, *(char *const *)(field + ef->ef_offset));
		break;
	case EXT_INT:
		n = *(const int64_t *)(field + ef->ef_offset);
		if (n < 0)		/* capacity -1: unknown */
			break;
		snprintf(num, sizeof(num), "%lld", (long long)n);
		xmlw_elem(xw, name, num);
		break;
	case EXT_BOOL:
		xmlw_elem(xw, name, *(const int *)(field + ef->ef_offset) ?
		    "true" : "false");
		break;
	case EXT_DOUBLE:
		x = *(const double *)(field + ef->ef_offset);
		if (!p->pst_has_geo || !isfinite(x))
			break;
		format_double(x, num);
		xmlw_elem(xw, name, num);
		break;
	case EXT_STATUS:
		xmlw_elem(xw, name, posting_status_name(p->pst_status));
		break;
	case EXT_ORGANIZER: {
		const char *kv[] = { "name", p->pst_organizer_name,
		    "kind", p->pst_organizer_kind };
		ext_attrs(xw, name, kv, 4);
		break;
	}
	case EXT_CATEGORY:
		for (i = 0; i < p->pst_ncategories; i++)
			xmlw_elem(xw, name, p->pst_categories[i]);
		break;
	case EXT_CONTACT: {
		const char *kv[] = { "name", p->pst_contact_name,
		    "phone", p->pst_contact_phone,
		    "email", p->pst_contact_email };
		ext_attrs(xw, name, kv, 6);
		break;
	}
	case EXT_SOURCE:
		for (i = 0; i < p->pst_nrefs; i++)
			ext_source(xw, name, &p->pst_refs[i]);
		break;
	case EXT_ORIGIN: {
		char rev[24];
		const char *kv[] = { "instance", p->pst_origin_instance,
		    "id", p->pst_origin_id, "revision", NULL };

		if (p->pst_origin_revision > 0) {
			snprintf(rev, sizeof(rev), "%" PRId64,
			    p->pst_origin_revision);
			kv[5] = rev;
		}
		ext_attrs(xw, name, kv, 6);
		break;
	}
	}
}

void
xmlw_tsunagu(struct xmlw *xw, const struct posting *p)
{
	const struct atom_ext_field *ef;
	char name[64];

	for (ef = atom_ext_fields; ef->ef_name != NULL; ef++) {
		snprintf(name, sizeof(name), ATOM_EXT_PREFIX ":%s",
		    ef->ef_name);
		ext_field(xw, ef, p, name);
	}
}
