/*
 * store_doc.h — a posting's stored document (the postings.doc column) and
 * the columns derived from it, for the store files that write postings
 * outside a fetch (edits, submissions).  daemon/store/ only.
 */
#ifndef TSUNAGU_STORE_DOC_H
#define TSUNAGU_STORE_DOC_H

#include <sqlite3.h>

#include "posting.h"
#include "store.h"

/* The storage JSON as compact text (free() it); NULL when not encodable. */
char		*store_doc_encode(const struct posting *);
/* The posting of a doc column; NULL (logged) when it does not decode. */
struct posting	*store_doc_decode(sqlite3_stmt *, int col, const char *func);
/*
 * Rewrites an existing posting's row from p: revision, status, kind,
 * dates, start, end, area and doc.  1 when there is no such row.
 */
int		 store_doc_update(struct store *, const struct posting *);

#endif
