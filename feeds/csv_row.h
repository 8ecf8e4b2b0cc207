/*
 * csv_row.h — one row of an event list, its cells already picked by
 * column (csv_columns.h), turned into a posting.
 */
#ifndef TSUNAGU_CSV_ROW_H
#define TSUNAGU_CSV_ROW_H

#include <stddef.h>

#include "csv_columns.h"
#include "feed.h"

struct csv_row {
	const char	*cr_cell[CSV_NCOLS];	/* "" when absent or empty */
	const char	*cr_header[CSV_NCOLS];	/* the file's name, or NULL */
};

/*
 * The posting of a row, or NULL with the reason in why ("開始日
 * '2026-13-01' is not a date") when the row cannot become one.
 */
struct posting	*csv_row_posting(const struct csv_row *,
		    const struct feed_parse_opts *, char *why, size_t whylen);

/* "20名", "２０人", "先着30名" → 20, 20, 30; -1 when not one number. */
long long	 csv_capacity(const char *);

#endif
