/*
 * atom.c — Atom 1.0 (RFC 4287), and the tsunagu extension elements
 * (atom_ext.h) so that another instance's feed is read back losslessly.
 * Atom 0.3, its draft, is read too: the same elements in another
 * namespace, content with a "mode", and issued/modified/created dates.
 *
 * Links resolve against the xml:base in scope at their own element
 * (nested bases compose) over the document's URL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom_ext.h"
#include "date.h"
#include "feed.h"
#include "parse_private.h"
#include "sanitize.h"
#include "text.h"
#include "url.h"
#include "xml.h"
#include "xmalloc.h"

#define XML_NS_ATOM03	"http://purl.org/atom/ns#"

struct atom_entry {
	char	**ae_categories;	/* atom:category terms */
	size_t	  ae_ncategories;
	int	  ae_ext_categories;	/* t:category seen: they win */
	int64_t	  ae_created;		/* Atom 0.3 */
	const char *ae_doc_base;	/* the document's URL (opts) */
};

/* An Atom element: 1.0, or 0.3. */
static int
atom_is(struct xml_reader *xr, const char *local)
{
	return xml_is(xr, XML_NS_ATOM, local) ||
	    xml_is(xr, XML_NS_ATOM03, local);
}

enum atom_type {
	ATOM_TEXT,
	ATOM_HTML,
	ATOM_XHTML,
	ATOM_OTHER,	/* another media type: out of line or base64 */
};

/*
 * type="text|html|xhtml" (1.0), or a media type (0.3 and 1.0).  In 1.0
 * another media type means out-of-line or base64 content: opaque bytes,
 * which tsunagu does not publish.
 */
static enum atom_type
atom_type(const char *type)
{
	if (type == NULL || *type == '\0' || strcmp(type, "text") == 0 ||
	    strcmp(type, "text/plain") == 0)
		return ATOM_TEXT;
	if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		return ATOM_HTML;
	if (strcmp(type, "xhtml") == 0 ||
	    strcmp(type, "application/xhtml+xml") == 0)
		return ATOM_XHTML;
	if (strncmp(type, "text/", 5) == 0)
		return ATOM_TEXT;
	return ATOM_OTHER;
}

static int
atom_trimmed(struct xml_reader *xr, char **out)
{
	char *raw;

	*out = NULL;
	if (xml_text(xr, &raw) == -1)
		return -1;
	*out = text_trim(raw);
	free(raw);
	return 0;
}

static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/*
 * Atom 0.3's mode="base64": the text decoded, when it is UTF-8 text; else
 * NULL.  Whitespace is skipped; decoding stops at '='.  Frees s.
 */
static char *
base64_text(char *s)
{
	unsigned int acc = 0;
	size_t i, o = 0;
	int bits = 0, v;
	char *out;

	out = xmalloc(strlen(s) / 4 * 3 + 4);
	for (i = 0; s[i] != '\0' && s[i] != '='; i++) {
		if ((v = base64_value(s[i])) == -1)
			continue;
		acc = (acc << 6) | (unsigned int)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	free(s);
	if (memchr(out, '\0', o) != NULL || !text_is_utf8(out, o)) {
		free(out);
		return NULL;
	}
	return out;
}

/* HTML as the plain text a reader sees. */
static char *
html_to_plain(char *html)
{
	char *plain = sanitize_text(html, 0), *trimmed;

	free(html);
	trimmed = text_trim(plain);
	free(plain);
	return trimmed;
}

/*
 * A text construct (title, summary) as plain text, whatever its type.
 * HTML is escaped text in 1.0 and may be inline markup in 0.3: xml_html()
 * reads both as markup, whose text is then taken.  Opaque types give "".
 */
static int
atom_plain(struct xml_reader *xr, char **out)
{
	char *type, *mode, *raw;
	enum atom_type t;
	int rc = 0;

	*out = NULL;
	type = xml_attr(xr, "type");
	mode = xml_attr(xr, "mode");
	t = atom_type(type);
	if (mode != NULL && strcmp(mode, "base64") == 0 && t != ATOM_OTHER) {
		if ((rc = atom_trimmed(xr, &raw)) == 0 &&
		    (raw = base64_text(raw)) != NULL)
			*out = t == ATOM_HTML ? html_to_plain(raw) : raw;
	} else if (t == ATOM_HTML) {
		if ((rc = xml_html(xr, &raw)) == 0)
			*out = html_to_plain(raw);
	} else if (t == ATOM_XHTML) {
		/* What a reader sees: no script or style text. */
		if ((rc = xml_inner_xhtml(xr, &raw)) == 0)
			*out = html_to_plain(raw);
	} else if (t == ATOM_OTHER) {
		if ((rc = xml_text(xr, &raw)) == 0)
			free(raw);
	} else
		rc = atom_trimmed(xr, out);
	if (rc == 0 && *out == NULL)
		*out = xstrdup("");
	free(mode);
	free(type);
	return rc;
}

/*
 * atom:content as HTML; out-of-line (src) and opaque media types are
 * skipped.  In 0.3, mode="escaped" says the text is the content, "base64"
 * that it is encoded, and the default mode, "xml", puts markup inline.
 */
static int
atom_content(struct xml_reader *xr, struct posting *p, const char *doc_base)
{
	char *type, *src, *mode, *raw = NULL, *html = NULL, *base;
	enum atom_type t;
	int rc = 0, escaped;

	type = xml_attr(xr, "type");
	src = xml_attr(xr, "src");
	mode = xml_attr(xr, "mode");
	base = xml_base(xr);
	t = atom_type(type);
	escaped = mode != NULL && strcmp(mode, "escaped") == 0;
	if (src != NULL || t == ATOM_OTHER)
		goto done;
	if (mode != NULL && strcmp(mode, "base64") == 0) {
		if ((rc = xml_text(xr, &raw)) == 0 &&
		    (raw = base64_text(raw)) != NULL)
			html = t == ATOM_TEXT ? text_html_escape(raw) :
			    xstrdup(raw);
	} else if (t == ATOM_TEXT) {
		if ((rc = xml_text(xr, &raw)) == 0)
			html = text_html_escape(raw);
	} else if (t == ATOM_HTML || (t == ATOM_XHTML && escaped))
		rc = escaped ? xml_text(xr, &html) : xml_html(xr, &html);
	else if (t == ATOM_XHTML)
		rc = xml_inner_xhtml(xr, &html);
	if (html != NULL && p->pst_content_html == NULL) {
		p->pst_content_html = html;
		html = NULL;
		/*
		 * Relative links resolve against the xml:base in scope here,
		 * which only the parser knows: the sanitizer resolves them
		 * now (it runs again at normalization, to the same result).
		 */
		if (base != NULL && (doc_base == NULL ||
		    strcmp(base, doc_base) != 0)) {
			html = p->pst_content_html;
			p->pst_content_html = sanitize_html(html, base);
		}
	}
	free(html);
done:
	free(base);
	free(raw);
	free(mode);
	free(src);
	free(type);
	return rc;
}

/* The href of a link, resolved at the link element's base. */
static char *
atom_href(struct xml_reader *xr)
{
	char *href, *base, *url;

	href = xml_attr(xr, "href");
	base = xml_base(xr);
	url = url_resolve(base, href, 1);
	free(base);
	free(href);
	return url;
}

static int
atom_date(struct xml_reader *xr, int64_t *out)
{
	char *v;
	int64_t t;

	if (atom_trimmed(xr, &v) == -1)
		return -1;
	if (*out == 0 && date_parse_any(v, &t) == 0)
		*out = t;
	free(v);
	return 0;
}

static int
atom_entry_category(struct xml_reader *xr, struct atom_entry *ae)
{
	char *term;

	if ((term = xml_attr(xr, "term")) == NULL)
		return 0;
	ae->ae_categories = xreallocarray(ae->ae_categories,
	    ae->ae_ncategories + 1, sizeof(char *));
	ae->ae_categories[ae->ae_ncategories++] = term;
	return 0;
}

static int
parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/* The attribute, or NULL when absent or empty. */
static char *
attr_nonempty(struct xml_reader *xr, const char *name)
{
	char *v = xml_attr(xr, name);

	if (v != NULL && *v == '\0') {
		free(v);
		v = NULL;
	}
	return v;
}

/* One t:* element: the value, or the attributes of the compound ones. */
static int
atom_ext(struct xml_reader *xr, struct posting *p, struct atom_entry *ae)
{
	const struct atom_ext_field *ef;
	char *v = NULL, *a, *b, *c, *d;
	char *field = (char *)p;
	int64_t n, fetched;
	enum posting_status st;
	double x;
	char *end;

	if ((ef = atom_ext_find(xml_local_name(xr))) == NULL)
		return 0;
	switch (ef->ef_type) {
	case EXT_ORGANIZER:
		a = attr_nonempty(xr, "name");
		b = attr_nonempty(xr, "kind");
		posting_set(&p->pst_organizer_name, a);
		posting_set(&p->pst_organizer_kind, b);
		free(a);
		free(b);
		return 0;
	case EXT_CONTACT:
		a = attr_nonempty(xr, "name");
		b = attr_nonempty(xr, "phone");
		c = attr_nonempty(xr, "email");
		posting_set(&p->pst_contact_name, a);
		posting_set(&p->pst_contact_phone, b);
		posting_set(&p->pst_contact_email, c);
		free(a);
		free(b);
		free(c);
		return 0;
	case EXT_SOURCE:
		a = attr_nonempty(xr, "source");
		b = attr_nonempty(xr, "kind");
		c = attr_nonempty(xr, "url");
		d = attr_nonempty(xr, "fetched");
		if (d == NULL || date_parse_any(d, &fetched) == -1)
			fetched = 0;
		posting_add_ref(p, a, b, c, fetched);
		free(a);
		free(b);
		free(c);
		free(d);
		return 0;
	case EXT_ORIGIN:
		a = attr_nonempty(xr, "instance");
		b = attr_nonempty(xr, "id");
		c = attr_nonempty(xr, "revision");
		posting_set(&p->pst_origin_instance, a);
		posting_set(&p->pst_origin_id, b);
		if (c == NULL || parse_int64(c, &p->pst_origin_revision) == -1 ||
		    p->pst_origin_revision < 0)
			p->pst_origin_revision = 0;
		free(a);
		free(b);
		free(c);
		return 0;
	default:
		break;
	}
	if (atom_trimmed(xr, &v) == -1)
		return -1;
	switch (ef->ef_type) {
	case EXT_STR:
		posting_set((char **)(field + ef->ef_offset),
		    *v != '\0' ? v : NULL);
		break;
	case EXT_INT:
		if (parse_int64(v, &n) == 0)
			*(int64_t *)(field + ef->ef_offset) = n;
		break;
	case EXT_BOOL:
		*(int *)(field + ef->ef_offset) =
		    strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
		break;
	case EXT_DOUBLE:
		x = strtod(v, &end);
		if (end != v && *end == '\0') {
			*(double *)(field + ef->ef_offset) = x;
			p->pst_has_geo = 1;
		}
		break;
	case EXT_STATUS:
		if (posting_status_parse(v, &st) == 0)
			p->pst_status = st;
		break;
	case EXT_CATEGORY:
		if (*v != '\0') {
			posting_add_category(p, v);
			ae->ae_ext_categories = 1;
		}
		break;
	default:
		break;
	}
	free(v);
	return 0;
}

static int
atom_entry_fields(struct xml_reader *xr, struct posting *p,
    struct atom_entry *ae)
{
	int depth = xml_depth(xr), rc;
	char *v, *rel;

	while ((rc = xml_next_child(xr, depth)) == 1) {
		if (atom_is(xr, "id")) {
			if (atom_trimmed(xr, &v) == -1)
				return -1;
			if (p->pst_guid == NULL && *v != '\0')
				posting_set(&p->pst_guid, v);
			free(v);
		} else if (atom_is(xr, "title")) {
			if (atom_plain(xr, &v) == -1)
				return -1;
			/* t:title, the normalized title, may come first. */
			if (p->pst_title == NULL && *v != '\0')
				posting_set(&p->pst_title, v);
			free(v);
		} else if (atom_is(xr, "link")) {
			rel = xml_attr(xr, "rel");
			if (p->pst_link == NULL &&
			    (rel == NULL || strcmp(rel, "alternate") == 0))
				p->pst_link = atom_href(xr);
			free(rel);
		} else if (atom_is(xr, "content")) {
			if (atom_content(xr, p, ae->ae_doc_base) == -1)
				return -1;
		} else if (atom_is(xr, "summary")) {
			if (atom_plain(xr, &v) == -1)
				return -1;
			if (p->pst_summary == NULL && *v != '\0')
				posting_set(&p->pst_summary, v);
			free(v);
		} else if (atom_is(xr, "published")) {
			if (atom_date(xr, &p->pst_published) == -1)
				return -1;
		} else if (atom_is(xr, "updated") ||
		    xml_is(xr, XML_NS_ATOM03, "modified")) {
			if (atom_date(xr, &p->pst_modified) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_ATOM03, "issued")) {
			if (atom_date(xr, &p->pst_published) == -1)
				return -1;
		} else if (xml_is(xr, XML_NS_ATOM03, "created")) {
			if (atom_date(xr, &ae->ae_created) == -1)
				return -1;
		} else if (atom_is(xr, "category")) {
			if (atom_entry_category(xr, ae) == -1)
				return -1;
		} else if (xml_ns(xr) != NULL &&
		    strcmp(xml_ns(xr), ATOM_EXT_NS) == 0) {
			if (atom_ext(xr, p, ae) == -1)
				return -1;
		}
	}
	return rc;
}

static int
atom_entry(struct xml_reader *xr, struct feed *f,
    const struct feed_parse_opts *opts)
{
	struct atom_entry ae;
	struct posting *p;
	size_t i;
	int rc = 0;

	if (feed_is_full(f, opts) || xml_is_empty(xr))
		return 0;
	memset(&ae, 0, sizeof(ae));
	ae.ae_doc_base = opts->base_url;
	p = posting_new();
	if (atom_entry_fields(xr, p, &ae) == -1) {
		posting_free(p);
		rc = -1;
		goto done;
	}
	/* Our own feeds say categories twice; t:category is the exact one. */
	if (!ae.ae_ext_categories)
		for (i = 0; i < ae.ae_ncategories; i++)
			if (*ae.ae_categories[i] != '\0')
				posting_add_category(p, ae.ae_categories[i]);
	if (p->pst_published == 0)
		p->pst_published = ae.ae_created;
	if (p->pst_published == 0)
		p->pst_published = p->pst_modified;
	if (p->pst_modified == 0)
		p->pst_modified = p->pst_published;
	posting_list_push(&f->fd_entries, p);
done:
	for (i = 0; i < ae.ae_ncategories; i++)
		free(ae.ae_categories[i]);
	free(ae.ae_categories);
	return rc;
}

static void
atom_feed_link(struct xml_reader *xr, struct feed *f)
{
	char *rel, **slot = NULL;

	rel = xml_attr(xr, "rel");
	if (rel == NULL || strcmp(rel, "alternate") == 0)
		slot = &f->fd_link;
	else if (strcmp(rel, "self") == 0)
		slot = &f->fd_self;
	else if (strcmp(rel, "hub") == 0)
		slot = &f->fd_hub;
	else if (strcmp(rel, "next") == 0)
		slot = &f->fd_next;
	free(rel);
	if (slot != NULL && *slot == NULL)
		*slot = atom_href(xr);
}

int
atom_parse(const char *data, size_t len, const struct feed_parse_opts *opts,
    struct feed *f, char *err, size_t errlen)
{
	struct xml_reader xr;
	char *v;
	int rc;

	if (xml_open(&xr, data, len, opts->base_url, err, errlen) == -1)
		return -1;
	if ((rc = xml_next_element(&xr)) != 1) {
		if (rc == 0)
			xml_fail(&xr, "not a feed: no root element");
		goto fail;
	}
	if (!atom_is(&xr, "feed")) {
		xml_fail(&xr, "not an Atom feed: root element <%s>",
		    xml_local_name(&xr));
		goto fail;
	}
	if (!xml_is_empty(&xr)) {
		while ((rc = xml_next_child(&xr, 0)) == 1) {
			if (atom_is(&xr, "title")) {
				if ((rc = atom_plain(&xr, &v)) == 0 &&
				    f->fd_title == NULL && *v != '\0')
					f->fd_title = v;
				else
					free(v);
			} else if (atom_is(&xr, "link"))
				atom_feed_link(&xr, f);
			else if (atom_is(&xr, "entry"))
				rc = atom_entry(&xr, f, opts);
			if (rc == -1)
				goto fail;
		}
		if (rc == -1)
			goto fail;
	}
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
