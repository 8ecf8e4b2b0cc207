/*
 * normalize.h — every posting is normalized the same way before it is
 * stored, whatever format it came in (DESIGN.md, "normalize"; issue 3).
 *
 * normalize_posting() runs the rules in this order:
 *
 *   1. content_html is sanitized (sanitize.h), relative links resolved
 *      against nc_base_url, else the posting's link;
 *   2. title, place, address, organizer, fee and contact name through
 *      normalize_text() (the published title keeps its decorations such as
 *      【募集】; only normalize_compare_key() drops them); phone numbers
 *      and e-mail addresses normalized;
 *   3. summary: the source's, whitespace folded, else the plain text of
 *      the sanitized content, cut at nc_summary_max characters;
 *   4. event dates: start/end/deadline from the structured fields are
 *      reformatted (RFC 3339 with the offset, +09:00 unless stated, or
 *      YYYY-MM-DD when all-day); when there is no start, a span is looked
 *      for in the title, then the summary, then the content text (a
 *      date after 締切, 掲載日 and the like is not the event's; after a
 *      deadline word it is the deadline when none was given).  The title
 *      and the summary are read as published (steps 2 and 3), and a
 *      summary the content holds is not read: the content is, by lines.
 *      Start and end are both timed or both dates (all_day); an end
 *      before the start, an end without a start and the CSV sentinel
 *      9999-12-31 are dropped.  Future dates are kept as they are, never
 *      clamped.  Coordinates out of range are dropped;
 *   5. area: the posting's code (5 or 6 digits, leading zeros restored,
 *      check digit computed), else the municipality named in the address
 *      (then the place) through nc_areas, else nc_source_area, else
 *      nc_region;
 *   6. categories mapped to the tsunagu vocabulary (category.h), unique,
 *      in the order the source gave them.
 *
 * Normalizing a normalized posting changes nothing.
 */
#ifndef TSUNAGU_NORMALIZE_H
#define TSUNAGU_NORMALIZE_H

#include <stddef.h>

#include "posting.h"

struct area_table;
struct category_map;

#define NORMALIZE_SUMMARY_MAX	300	/* characters, by default */

/* Borrowed pointers; any of them may be NULL. */
struct normalize_ctx {
	const char			*nc_base_url;	/* the document's URL */
	const struct area_table		*nc_areas;	/* [daemon] municipalities */
	const char			*nc_source_area; /* [source] area */
	const char			*nc_region;	/* [daemon] region */
	const struct category_map	*nc_categories;	/* [source] categories */
	size_t				 nc_summary_max; /* 0: the default */
};

/* ctx may be NULL: no table, no defaults. */
void	 normalize_posting(struct posting *, const struct normalize_ctx *);

/*
 * NFKC (utf8proc), then what NFKC leaves alone: 〜 (U+301C) and the other
 * wave and swung dashes become '~', the dash family (‐ ‒ – — ― − ...)
 * becomes '-'; zero-width characters and controls are dropped, and runs of
 * whitespace (ideographic space included) become one space, trimmed.
 * Invalid UTF-8 becomes U+FFFD first.  NULL for NULL; free() the result.
 */
char	*normalize_text(const char *);

/*
 * A key for comparing titles (deduplication): normalize_text(), then
 * decorations dropped — bracketed labels such as 【募集】 ［締切間近］
 * 〔再掲〕 <新着>, marks such as ★ ☆ ◆ ■ ● ※ ♪ — and everything but
 * letters and digits removed, case folded.  A title that is nothing but
 * decoration keeps the letters of its labels.  NULL for NULL.
 */
char	*normalize_compare_key(const char *title);

/*
 * A phone number as written in Japan: full-width digits made ASCII, every
 * dash-like character between digits (ー ─ ‐ － …) made '-', a label such
 * as "TEL:" or "電話" dropped, "(0566)62-1000" written 0566-62-1000.
 * Text that holds no digits comes back normalized but otherwise as is.
 */
char	*normalize_phone(const char *);

/* An e-mail address: NFKC, "mailto:" dropped, the domain lowercased. */
char	*normalize_email(const char *);

#endif
