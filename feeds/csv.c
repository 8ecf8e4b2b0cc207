/*
 * csv.c — the 自治体標準オープンデータセット「イベント一覧」 CSV, every
 * generation of its header (csv_columns.c), read with libcsv.
 *
 * libcsv does RFC 4180 (quoted fields across lines, doubled quotes, CRLF)
 * but knows nothing of lines, so the text is fed to it one line at a time:
 * the first line after a row's end that holds more than blanks is where
 * the next row starts, the line every issue names.  A row that cannot
 * become a posting is recorded with feed_add_issue() and skipped; only a
 * header without a title or a start date column fails the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "csv_columns.h"
#include "csv_row.h"
#include "feed.h"
#include "parse_private.h"
#include "text.h"
#include "xmalloc.h"

#define CSV_FIELDS_MAX	1024	/* cells per row kept; the rest dropped */
#define CSV_PREAMBLE	5	/* rows looked at to find the header */
#define CSV_SNIFF_MAX	8192	/* bytes of the first line sniffed */
#define CSV_BLK_SIZE	65536	/* libcsv's field buffer growth */
#define BOM		"\xef\xbb\xbf"

struct csv_ctx {
	struct feed			*cx_feed;
	const struct feed_parse_opts	*cx_opts;
	char				**cx_fields;
	size_t				 cx_nfields;
	size_t				 cx_cap;
	int				 cx_line;	/* being fed, 1-based */
	int				 cx_row_line;	/* where the row began */
	int				 cx_row_pending;
	int				 cx_rows;	/* rows seen */
	int				 cx_have_header;
	int				 cx_col[CSV_NCOLS];	/* cell index */
	char				*cx_header[CSV_NCOLS];
	char				*cx_first_row;	/* for the error */
	int				 cx_stop;
};

static void
on_field(void *s, size_t len, void *data)
{
	struct csv_ctx *cx = data;

	if (cx->cx_stop || cx->cx_nfields >= CSV_FIELDS_MAX)
		return;
	if (cx->cx_nfields == cx->cx_cap) {
		cx->cx_cap = cx->cx_cap ? cx->cx_cap * 2 : 64;
		cx->cx_fields = xreallocarray(cx->cx_fields, cx->cx_cap,
		    sizeof(*cx->cx_fields));
	}
	/* Valid UTF-8 without NUL or C0 controls, whatever came in. */
	cx->cx_fields[cx->cx_nfields++] =
	    text_sanitize_utf8_len(s != NULL ? s : "", s != NULL ? len : 0);
}

static void
fields_clear(struct csv_ctx *cx)
{
	while (cx->cx_nfields > 0)
		free(cx->cx_fields[--cx->cx_nfields]);
}

/* "NO, 名称, ..." — the names of a row that is not a header, for errors. */
static char *
row_names(struct csv_ctx *cx)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < cx->cx_nfields && strlen(s) < 400; i++) {
		xasprintf(&t, "%s%s%s", s, i ? ", " : "", cx->cx_fields[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Maps the row's cells to columns; 0 when it names a title and a start. */
static int
try_header(struct csv_ctx *cx)
{
	size_t i;
	int c;

	for (c = 0; c < CSV_NCOLS; c++) {
		cx->cx_col[c] = -1;
		free(cx->cx_header[c]);
		cx->cx_header[c] = NULL;
	}
	for (i = 0; i < cx->cx_nfields; i++) {
		const char *name = cx->cx_fields[i];

		if (strncmp(name, BOM, 3) == 0)
			name += 3;
		if ((c = csv_column_lookup(name)) == -1 || cx->cx_col[c] != -1)
			continue;	/* the first of two wins */
		cx->cx_col[c] = i;
		cx->cx_header[c] = text_trim(name);
	}
	return cx->cx_col[CSV_COL_TITLE] != -1 &&
	    cx->cx_col[CSV_COL_START_DATE] != -1 ? 0 : -1;
}

static int
row_is_empty(const struct csv_ctx *cx)
{
	size_t i;

	for (i = 0; i < cx->cx_nfields; i++)
		if (cx->cx_fields[i][strspn(cx->cx_fields[i], " \t\r\n")])
			return 0;
	return 1;
}

static void
data_row(struct csv_ctx *cx)
{
	struct csv_row r;
	struct posting *p;
	char why[256];
	int c;

	if (row_is_empty(cx)) {
		feed_add_issue(cx->cx_feed, cx->cx_row_line, "empty row");
		return;
	}
	for (c = 0; c < CSV_NCOLS; c++) {
		r.cr_cell[c] = cx->cx_col[c] >= 0 &&
		    (size_t)cx->cx_col[c] < cx->cx_nfields ?
		    cx->cx_fields[cx->cx_col[c]] : "";
		r.cr_header[c] = cx->cx_header[c];
	}
	why[0] = '\0';
	if ((p = csv_row_posting(&r, cx->cx_opts, why, sizeof(why))) ==
	    NULL) {
		feed_add_issue(cx->cx_feed, cx->cx_row_line, "%s", why);
		return;
	}
	posting_list_push(&cx->cx_feed->fd_entries, p);
	if (feed_is_full(cx->cx_feed, cx->cx_opts))
		cx->cx_stop = 1;
}

static void
on_row(int term, void *data)
{
	struct csv_ctx *cx = data;

	if (!cx->cx_stop) {
		cx->cx_rows++;
		if (cx->cx_have_header)
			data_row(cx);
		else if (try_header(cx) == 0)
			cx->cx_have_header = 1;
		else {
			if (cx->cx_first_row == NULL)
				cx->cx_first_row = row_names(cx);
			if (cx->cx_rows >= CSV_PREAMBLE)
				cx->cx_stop = 1;
		}
	}
	fields_clear(cx);
	cx->cx_row_pending = 1;
}

/* 1 when the n bytes at p are blanks and line breaks only. */
static int
line_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* The length of the line at p: through its LF, CRLF or lone CR. */
static size_t
line_len(const char *p, const char *end)
{
	const char *q;

	for (q = p; q < end; q++) {
		if (*q == '\n')
			return q - p + 1;
		if (*q == '\r')
			return q - p + (q + 1 < end && q[1] == '\n' ? 2 : 1);
	}
	return end - p;
}

static void
ctx_free(struct csv_ctx *cx)
{
	int c;

	fields_clear(cx);
	free(cx->cx_fields);
	for (c = 0; c < CSV_NCOLS; c++)
		free(cx->cx_header[c]);
	free(cx->cx_first_row);
}

int
csv_feed_parse(const char *data, size_t len, const struct feed_parse_opts *opts,
    struct feed *f, char *err, size_t errlen)
{
	struct csv_parser cp;
	struct csv_ctx cx;
	const char *p, *end = data + len;
	size_t n;
	int rc = -1;

	memset(&cx, 0, sizeof(cx));
	cx.cx_feed = f;
	cx.cx_opts = opts;
	cx.cx_row_pending = 1;
	if (csv_init(&cp, 0) != 0) {
		snprintf(err, errlen, "CSV: cannot start the parser");
		return -1;
	}
	/* libcsv grows a field 128 bytes at a time: quadratic copying for a
	 * 2 MB cell wherever realloc moves (ASan, other allocators). */
	csv_set_blk_size(&cp, CSV_BLK_SIZE);
	p = data;
	if (len >= 3 && memcmp(p, BOM, 3) == 0)
		p += 3;
	while (p < end && !cx.cx_stop) {
		n = line_len(p, end);
		cx.cx_line++;
		if (cx.cx_row_pending && !line_blank(p, n)) {
			cx.cx_row_line = cx.cx_line;
			cx.cx_row_pending = 0;
		}
		if (csv_parse(&cp, p, n, on_field, on_row, &cx) != n) {
			snprintf(err, errlen, "CSV error at line %d: %s",
			    cx.cx_line, csv_strerror(csv_error(&cp)));
			goto done;
		}
		p += n;
	}
	if (!cx.cx_stop)
		csv_fini(&cp, on_field, on_row, &cx);
	if (!cx.cx_have_header) {
		snprintf(err, errlen, "not an event list: no header with a "
		    "title column (名称, イベント名) and a start date column "
		    "(開始日); columns found: %s",
		    cx.cx_first_row != NULL && cx.cx_first_row[0] != '\0' ?
		    cx.cx_first_row : "none");
		goto done;
	}
	rc = 0;
done:
	csv_free(&cp);
	ctx_free(&cx);
	return rc;
}

/* Contains the len bytes of w within [p, end)? */
static int
has(const char *p, const char *end, const char *w)
{
	return memmem(p, end - p, w, strlen(w)) != NULL;
}

/* A header line among the first CSV_PREAMBLE lines (a title may lead). */
int
csv_sniff(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *eol;
	int i;

	if (data == NULL)
		return 0;
	if (len >= 3 && memcmp(p, BOM, 3) == 0)
		p += 3;
	if (end - p > CSV_SNIFF_MAX)
		end = p + CSV_SNIFF_MAX;
	for (i = 0; i < CSV_PREAMBLE && p < end; i++) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if (memchr(p, ',', eol - p) != NULL && has(p, eol, "開始日") &&
		    (has(p, eol, "名称") || has(p, eol, "イベント名")))
			return 1;
		if (eol == end)
			break;
		p = eol + 1;
	}
	return 0;
}
