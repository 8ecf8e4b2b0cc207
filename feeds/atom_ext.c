/* atom_ext.c — the table of tsunagu extension elements. */
#include <stddef.h>
#include <string.h>

#include "atom_ext.h"
#include "posting.h"

#define F(name, type, field) { name, type, offsetof(struct posting, field) }
#define C(name, type) { name, type, 0 }

const struct atom_ext_field atom_ext_fields[] = {
	F("id", EXT_STR, pst_id),
	F("revision", EXT_INT, pst_revision),
	F("kind", EXT_STR, pst_kind),
	F("title", EXT_STR, pst_title),
	C("organizer", EXT_ORGANIZER),
	F("start", EXT_STR, pst_start),
	F("end", EXT_STR, pst_end),
	F("all_day", EXT_BOOL, pst_all_day),
	F("deadline", EXT_STR, pst_deadline),
	F("area", EXT_STR, pst_area),
	F("place", EXT_STR, pst_place),
	F("address", EXT_STR, pst_address),
	F("lat", EXT_DOUBLE, pst_lat),
	F("lon", EXT_DOUBLE, pst_lon),
	C("category", EXT_CATEGORY),
	F("capacity", EXT_INT, pst_capacity),
	F("fee", EXT_STR, pst_fee),
	C("contact", EXT_CONTACT),
	F("recurrence", EXT_STR, pst_recurrence),
	C("status", EXT_STATUS),
	F("duplicate_of", EXT_STR, pst_duplicate_of),
	C("source", EXT_SOURCE),
	C("origin", EXT_ORIGIN),
	{ NULL, EXT_STR, 0 },
};

const struct atom_ext_field *
atom_ext_find(const char *name)
{
	const struct atom_ext_field *f;

	for (f = atom_ext_fields; f->ef_name != NULL; f++)
		if (strcmp(f->ef_name, name) == 0)
			return f;
	return NULL;
}
