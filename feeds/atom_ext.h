/*
 * atom_ext.h — the _tsunagu fields as Atom extension elements in the
 * namespace urn:tsunagu:posting:1 (DESIGN.md, "The posting").  One table,
 * read by atom.c and written by atom_write.c, so the two cannot drift.
 */
#ifndef TSUNAGU_ATOM_EXT_H
#define TSUNAGU_ATOM_EXT_H

#include <stddef.h>

#define ATOM_EXT_NS	"urn:tsunagu:posting:1"
#define ATOM_EXT_PREFIX	"t"

enum atom_ext_type {
	EXT_STR,		/* char * at offset */
	EXT_INT,		/* int64_t at offset; capacity < 0 is unknown */
	EXT_BOOL,		/* int at offset, "true" / "false" */
	EXT_DOUBLE,		/* double at offset, only when pst_has_geo */
	EXT_STATUS,		/* pst_status by name */
	EXT_ORGANIZER,		/* attributes name, kind */
	EXT_CATEGORY,		/* repeated, one per category */
	EXT_CONTACT,		/* attributes name, phone, email */
	EXT_SOURCE,		/* repeated: source, kind, url, fetched */
	EXT_ORIGIN,		/* attributes instance, id */
};

struct atom_ext_field {
	const char		*ef_name;
	enum atom_ext_type	 ef_type;
	size_t			 ef_offset;	/* into struct posting */
};

/* In the order they are written; ends with a NULL ef_name. */
extern const struct atom_ext_field atom_ext_fields[];

const struct atom_ext_field *atom_ext_find(const char *name);

#endif
