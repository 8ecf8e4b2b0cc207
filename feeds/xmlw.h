/*
 * xmlw.h — what the XML writers (Atom, RSS) share: libxml2's
 * xmlTextWriter into memory with a sticky error, every string made valid
 * XML 1.0 first, and the tsunagu extension elements (atom_ext.h).
 *
 * xmlTextWriter escapes markup ('<', '&', "]]>" becomes "]]&gt;", CR as
 * "&#13;", newlines in attributes as "&#10;") but neither checks UTF-8
 * nor drops the controls XML 1.0 forbids: every string goes through
 * text_sanitize_utf8() here, so nothing a source sends can make the
 * document ill-formed.
 */
#ifndef TSUNAGU_XMLW_H
#define TSUNAGU_XMLW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "posting.h"

struct xmlw {
	void	*xw_writer;	/* xmlTextWriterPtr */
	void	*xw_buffer;	/* xmlBufferPtr */
	int	 xw_err;	/* sticky: once set, every call does nothing */
};

/* Starts a UTF-8 document indented by one space; -1 when out of memory. */
int	 xmlw_open(struct xmlw *);
/* Ends the document and appends it to b; -1 on any earlier error or when
 * b refuses to grow.  Always releases the writer. */
int	 xmlw_close(struct xmlw *, struct buf *b);

void	 xmlw_start(struct xmlw *, const char *name);
/* An element in a namespace, declared on it (the root element). */
void	 xmlw_start_ns(struct xmlw *, const char *name, const char *ns);
void	 xmlw_end(struct xmlw *);
/* An attribute; nothing when value is NULL. */
void	 xmlw_attr(struct xmlw *, const char *name, const char *value);
void	 xmlw_text(struct xmlw *, const char *value);
/* <name>value</name>; nothing when value is NULL. */
void	 xmlw_elem(struct xmlw *, const char *name, const char *value);
/* <name>RFC 3339 in +09:00</name>. */
void	 xmlw_date(struct xmlw *, const char *name, int64_t t);

/* The _tsunagu fields as t:* elements (declare the prefix first). */
void	 xmlw_tsunagu(struct xmlw *, const struct posting *);

/*
 * Flushes and marks the writer failed when what it holds no longer fits
 * into b: a huge feed stops early instead of growing without bound.
 */
void	 xmlw_check_room(struct xmlw *, const struct buf *b);

#endif
