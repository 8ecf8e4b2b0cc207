/*
 * xml.h — the hardened xmlTextReader every XML parser in feeds/ reads
 * through.
 *
 * Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE; NONET always;
 * an external entity loader that refuses everything (set once, process
 * wide: the only XML this program reads comes through here); a DOCTYPE
 * with an internal subset is refused twice over, by a scan of the prolog
 * bytes and by the reader; nesting is capped; libxml2's messages are
 * captured as "XML error at line N: ..." instead of printed to stderr.
 *
 * Usage: xml_open(), then xml_read() / xml_next_child() until 0 or -1,
 * then xml_close().  Returned char * are the caller's (free()); const
 * char * are borrowed and valid until the next read.  Between open and
 * close, libxml2's (thread-global) structured error handler points at the
 * reader, so that errors raised without a parser context (encoding
 * conversion) are captured too: one reader at a time per thread.
 *
 * Bytes that are valid UTF-8 are parsed as UTF-8 whatever the XML
 * declaration says (the charset stage converted them, or the declaration
 * lies); anything else goes by libxml2's detection and the declaration.
 *
 * Character references are read as feeds write them (xr_repairs counts
 * the fixes): HTML's named references (&nbsp;, &eacute;), which no DTD
 * declares here, become the characters they name; a numeric reference to
 * a character XML forbids (&#0;) becomes U+FFFD, one to a C1 control
 * (&#146;) the windows-1252 character, as in HTML; an '&' that begins no
 * reference (a URL's "?a=1&b=2", "&unknown;") stands for itself.
 * CDATA sections, comments and processing instructions are left alone.
 */
#ifndef TSUNAGU_XML_H
#define TSUNAGU_XML_H

#include <stddef.h>

#include <libxml/xmlreader.h>

#define XML_MAX_DEPTH	128		/* feeds are shallow; xhtml is not deep */
#define XML_TEXT_MAX	(1024 * 1024)	/* longer element text is truncated */

#define XML_NS_ATOM	"http://www.w3.org/2005/Atom"
#define XML_NS_XHTML	"http://www.w3.org/1999/xhtml"
#define XML_NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"
#define XML_NS_DC	"http://purl.org/dc/elements/1.1/"
#define XML_NS_DCTERMS	"http://purl.org/dc/terms/"
#define XML_NS_RDF	"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XML_NS_RSS10	"http://purl.org/rss/1.0/"
#define XML_NS_RSS090	"http://my.netscape.com/rdf/simple/0.9/"

struct xml_reader {
	xmlTextReaderPtr	 xr_reader;
	char			*xr_err;	/* the caller's buffer */
	size_t			 xr_errlen;
	int			 xr_errlevel;	/* of the recorded error, 0 none */
	int			 xr_failed;	/* a read returned -1 */
	xmlStructuredErrorFunc	 xr_saved_handler;
	void			*xr_saved_ctx;
	char			*xr_repaired;	/* with references fixed */
	size_t			 xr_repairs;
};

/*
 * Refuses a DOCTYPE with an internal subset by looking at the prolog
 * bytes (BOM, whitespace, XML declaration, comments, PIs).  0 or -1.
 */
int	 xml_prescan(const char *data, size_t len, char *err, size_t errlen);

/* url is the document's base URI (may be NULL).  0, or -1 with err set. */
int	 xml_open(struct xml_reader *, const char *data, size_t len,
	    const char *url, char *err, size_t errlen);
void	 xml_close(struct xml_reader *);

/* Next node: 1, 0 at the end of the document, -1 on error (err set). */
int	 xml_read(struct xml_reader *);
/*
 * From inside the element at depth (whose start was just read), moves to
 * its next child element: 1 positioned on its start, 0 when the parent
 * ended (or was empty: check before, with xml_is_empty()), -1 on error.
 * Children the caller did not consume are skipped.
 */
int	 xml_next_child(struct xml_reader *, int depth);
/* The next element start at any depth: 1, 0 at the end, -1 on error. */
int	 xml_next_element(struct xml_reader *);

int	 xml_depth(struct xml_reader *);
int	 xml_is_empty(struct xml_reader *);
/* Local name and namespace of the current node (ns NULL: no namespace). */
int	 xml_is(struct xml_reader *, const char *ns, const char *local);
const char *xml_local_name(struct xml_reader *);
const char *xml_ns(struct xml_reader *);

/* An unprefixed attribute of the current element, or NULL. */
char	*xml_attr(struct xml_reader *, const char *name);
/* An attribute in namespace ns (rdf:about), or NULL. */
char	*xml_attr_ns(struct xml_reader *, const char *ns, const char *local);
/* The base URI in scope (xml:base, nested, over the document's URL). */
char	*xml_base(struct xml_reader *);

/*
 * The text of the current element (text and CDATA of it and its
 * descendants), consuming the element.  0 with *out set, or -1.
 */
int	 xml_text(struct xml_reader *, char **out);
/*
 * The markup inside the current element's xhtml:div child (Atom type
 * "xhtml"), serialized; consumes the element.  0 with *out set, or -1.
 */
int	 xml_inner_xhtml(struct xml_reader *, char **out);

/*
 * HTML carried in an element: its text (escaped or CDATA HTML), or, when
 * it holds elements (markup written raw), its inner markup serialized.
 * Consumes the element.  0 with *out set, or -1.
 */
int	 xml_html(struct xml_reader *, char **out);

/* Records an error of our own (the first one wins) and fails the read. */
void	 xml_fail(struct xml_reader *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
