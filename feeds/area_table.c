/* area_table.c — the municipality table and address → code lookup. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "area.h"
#include "area_table.h"
#include "buf.h"
#include "normalize.h"
#include "xmalloc.h"

#define AREA_TABLE_MAX_SIZE	(16 * 1024 * 1024)
#define AREA_TABLE_MAX_FIELDS	64

struct area_entry {
	char	*ae_name;	/* normalized, blanks removed: 名古屋市中村区 */
	char	 ae_code[7];
	int	 ae_alias;	/* a ward without its city: 中村区 */
};

struct area_pref {
	char	*ap_name;	/* 愛知県 */
	char	 ap_code[3];	/* 23 */
};

struct area_table {
	struct area_entry	*at_entries;	/* sorted by name */
	size_t			 at_len;
	size_t			 at_rows;	/* municipalities read */
	size_t			 at_maxname;	/* bytes */
	struct area_pref	*at_prefs;
	size_t			 at_nprefs;
	struct area_entry	*at_full;	/* full names, by code */
	size_t			 at_nfull;
};

/* --- CSV ------------------------------------------------------------------ */

struct csv_row {
	char	*cr_fields[AREA_TABLE_MAX_FIELDS];
	size_t	 cr_n;
	int	 cr_line;
};

static void
csv_row_clear(struct csv_row *r)
{
	size_t i;

	for (i = 0; i < r->cr_n; i++)
		free(r->cr_fields[i]);
	r->cr_n = 0;
}

/*
 * Reads the record at *pos into r (RFC 4180: quoted fields may hold
 * commas, newlines and doubled quotes).  1 when a record was read, 0 at
 * the end, -1 on a syntax error (message in err).
 */
static int
csv_next(const char *d, size_t len, size_t *pos, int *line,
    struct csv_row *r, char *err, size_t errlen)
{
	size_t i = *pos, run;
	struct buf f;
	int start;

	csv_row_clear(r);
	if (i >= len)
		return 0;
	r->cr_line = *line;
	for (;;) {
		if (r->cr_n == AREA_TABLE_MAX_FIELDS) {
			snprintf(err, errlen, "more than %d fields",
			    AREA_TABLE_MAX_FIELDS);
			return -1;
		}
		buf_init(&f, SIZE_MAX);
		buf_append(&f, "", 0);
		if (i < len && d[i] == '"') {
			start = *line;
			for (i++;; i++) {
				if (i >= len) {
					buf_free(&f);
					*line = start;
					snprintf(err, errlen, "unterminated "
					    "quoted field");
					return -1;
				}
				if (d[i] == '"') {
					if (i + 1 < len && d[i + 1] == '"') {
						buf_append(&f, "\"", 1);
						i++;
						continue;
					}
					i++;
					break;
				}
				if (d[i] == '\n')
					(*line)++;
				buf_append(&f, d + i, 1);
			}
		}
		for (run = 0; i + run < len && d[i + run] != ',' &&
		    d[i + run] != '\n' && d[i + run] != '\r'; run++)
			;
		buf_append(&f, d + i, run);
		i += run;
		r->cr_fields[r->cr_n++] = buf_release(&f, NULL);
		if (i < len && d[i] == ',') {
			i++;
			continue;
		}
		if (i < len && d[i] == '\r')
			i++;
		if (i < len && d[i] == '\n')
			i++;
		(*line)++;
		break;
	}
	*pos = i;
	return 1;
}

static int
csv_column(const struct csv_row *header, const char *name)
{
	size_t i;

	for (i = 0; i < header->cr_n; i++)
		if (strcmp(header->cr_fields[i], name) == 0)
			return (int)i;
	return -1;
}

/* --- building ------------------------------------------------------------- */

/*
 * normalize_text() without any blanks, and ヶ written ケ (鎌ケ谷市 and
 * 鎌ヶ谷市 are the same city): how names are compared.
 */
static char *
name_key(const char *s)
{
	char *k = normalize_text(s), *p, *q;

	for (p = q = k; *p; p++) {
		if (*p == ' ')
			continue;
		if (strncmp(p, "\xe3\x83\xb6", 3) == 0) {	/* ヶ → ケ */
			memcpy(q, "\xe3\x82\xb1", 3);
			q += 3;
			p += 2;
			continue;
		}
		*q++ = *p;
	}
	*q = '\0';
	return k;
}

static void
add_entry(struct area_table *t, char *name, const char *code, int alias)
{
	struct area_entry *e;
	size_t n = strlen(name);

	t->at_entries = xreallocarray(t->at_entries, t->at_len + 1,
	    sizeof(*t->at_entries));
	e = &t->at_entries[t->at_len++];
	e->ae_name = name;
	memcpy(e->ae_code, code, 7);
	e->ae_alias = alias;
	if (n > t->at_maxname)
		t->at_maxname = n;
}

static void
add_full(struct area_table *t, const char *pref, const char *city,
    const char *code)
{
	char *name, *p, *q;

	xasprintf(&name, "%s%s", pref, city);
	/* "名古屋市 中村区" is written without its blank. */
	for (p = q = name; *p; p++)
		if (*p != ' ')
			*q++ = *p;
	*q = '\0';
	t->at_full = xreallocarray(t->at_full, t->at_nfull + 1,
	    sizeof(*t->at_full));
	t->at_full[t->at_nfull].ae_name = name;
	memcpy(t->at_full[t->at_nfull].ae_code, code, 7);
	t->at_nfull++;
}

/* A prefecture's own code: PP000 and the check digit. */
static void
pref_code(const char two[2], char out[7])
{
	memcpy(out, two, 2);
	memcpy(out + 2, "000", 3);
	out[5] = '0' + area_check_digit(out);
	out[6] = '\0';
}

static void
add_pref(struct area_table *t, const char *pref, const char *code)
{
	char *name = name_key(pref), own[7];
	size_t i;

	for (i = 0; i < t->at_nprefs; i++)
		if (strcmp(t->at_prefs[i].ap_name, name) == 0) {
			free(name);
			return;
		}
	t->at_prefs = xreallocarray(t->at_prefs, t->at_nprefs + 1,
	    sizeof(*t->at_prefs));
	t->at_prefs[t->at_nprefs].ap_name = name;
	memcpy(t->at_prefs[t->at_nprefs].ap_code, code, 2);
	t->at_prefs[t->at_nprefs].ap_code[2] = '\0';
	t->at_nprefs++;
	pref_code(code, own);
	add_full(t, pref, "", own);
}

/* One municipality row: its full name, and a designated city's ward alone. */
static int
add_row(struct area_table *t, const char *pref, const char *city,
    const char *lgcode, char *err, size_t errlen)
{
	char code[7], *full, *blank, *ward;

	if (area_normalize(lgcode, code) == -1 || strlen(code) != 6) {
		snprintf(err, errlen, "lgcode '%s' is not a 全国地方公共団体コード",
		    lgcode);
		return -1;
	}
	if (*city == '\0' || *pref == '\0') {
		snprintf(err, errlen, "empty pref or city");
		return -1;
	}
	full = name_key(city);
	ward = xstrdup(city);
	/* "名古屋市 中村区": the ward is also written alone. */
	blank = strrchr(ward, ' ');
	if (blank == NULL)
		blank = strstr(ward, "\xe3\x80\x80");	/* ideographic space */
	if (blank != NULL) {
		char *alone = name_key(blank + (*blank == ' ' ? 1 : 3));

		if (*alone != '\0')
			add_entry(t, alone, code, 1);
		else
			free(alone);
	}
	free(ward);
	add_entry(t, full, code, 0);
	add_pref(t, pref, code);
	add_full(t, pref, city, code);
	t->at_rows++;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct area_entry *x = a, *y = b;
	int c = strcmp(x->ae_name, y->ae_name);

	if (c != 0)
		return c;
	return strcmp(x->ae_code, y->ae_code);
}

struct area_table *
area_table_parse(const char *data, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct area_table *t = xcalloc(1, sizeof(*t));
	struct csv_row header = { 0 }, row = { 0 };
	size_t pos = 0;
	int line = 1, c_pref, c_city, c_code, rc;
	char msg[256];

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if ((rc = csv_next(data, len, &pos, &line, &header, msg,
	    sizeof(msg))) <= 0) {
		snprintf(err, errlen, "%s:1: %s", name, rc == 0 ?
		    "empty file" : msg);
		goto fail;
	}
	c_pref = csv_column(&header, "pref");
	c_city = csv_column(&header, "city");
	c_code = csv_column(&header, "lgcode");
	if (c_pref == -1 || c_city == -1 || c_code == -1) {
		snprintf(err, errlen, "%s:1: no '%s' column (expected the "
		    "localgovjp header: pid,pref,cid,city,...,lgcode)", name,
		    c_pref == -1 ? "pref" : c_city == -1 ? "city" : "lgcode");
		goto fail;
	}
	while ((rc = csv_next(data, len, &pos, &line, &row, msg,
	    sizeof(msg))) == 1) {
		if (row.cr_n == 1 && row.cr_fields[0][0] == '\0')
			continue;	/* a blank line */
		if ((int)row.cr_n <= c_pref || (int)row.cr_n <= c_city ||
		    (int)row.cr_n <= c_code) {
			snprintf(err, errlen, "%s:%d: %zu fields, the header "
			    "has %zu", name, row.cr_line, row.cr_n,
			    header.cr_n);
			goto fail;
		}
		if (add_row(t, row.cr_fields[c_pref], row.cr_fields[c_city],
		    row.cr_fields[c_code], msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", name, row.cr_line,
			    msg);
			goto fail;
		}
	}
	if (rc == -1) {
		snprintf(err, errlen, "%s:%d: %s", name, line, msg);
		goto fail;
	}
	if (t->at_rows == 0) {
		snprintf(err, errlen, "%s: no municipalities", name);
		goto fail;
	}
	qsort(t->at_entries, t->at_len, sizeof(*t->at_entries), entry_cmp);
	csv_row_clear(&header);
	return t;
fail:
	csv_row_clear(&header);
	csv_row_clear(&row);
	area_table_free(t);
	return NULL;
}

struct area_table *
area_table_load(const char *path, char *err, size_t errlen)
{
	struct area_table *t;
	FILE *f;
	char *data;
	size_t len;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	data = xmalloc(AREA_TABLE_MAX_SIZE + 1);
	len = fread(data, 1, AREA_TABLE_MAX_SIZE + 1, f);
	if (ferror(f) || len > AREA_TABLE_MAX_SIZE) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    strerror(errno) : "larger than 16 MiB");
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	t = area_table_parse(data, len, path, err, errlen);
	free(data);
	return t;
}

void
area_table_free(struct area_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->at_len; i++)
		free(t->at_entries[i].ae_name);
	for (i = 0; i < t->at_nprefs; i++)
		free(t->at_prefs[i].ap_name);
	for (i = 0; i < t->at_nfull; i++)
		free(t->at_full[i].ae_name);
	free(t->at_entries);
	free(t->at_prefs);
	free(t->at_full);
	free(t);
}

size_t
area_table_count(const struct area_table *t)
{
	return t ? t->at_rows : 0;
}

const char *
area_table_name(const struct area_table *t, const char *code)
{
	size_t i;

	if (t == NULL || code == NULL)
		return NULL;
	for (i = 0; i < t->at_nfull; i++)
		if (strcmp(t->at_full[i].ae_code, code) == 0)
			return t->at_full[i].ae_name;
	return NULL;
}

/* --- lookup --------------------------------------------------------------- */

/* The first entry named exactly s[0..n), or NULL; equal names follow it. */
static const struct area_entry *
lookup(const struct area_table *t, const char *s, size_t n, size_t *count)
{
	size_t lo = 0, hi = t->at_len, mid, first;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(t->at_entries[mid].ae_name, s, n);
		if (c == 0 && t->at_entries[mid].ae_name[n] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	for (*count = 0; lo < t->at_len &&
	    strncmp(t->at_entries[lo].ae_name, s, n) == 0 &&
	    t->at_entries[lo].ae_name[n] == '\0'; lo++)
		(*count)++;
	return *count ? &t->at_entries[first] : NULL;
}

/* Municipality names end in 市, 区, 町 or 村. */
static int
is_suffix(const char *p)
{
	static const char *const sfx[] = {
		"\xe5\xb8\x82", "\xe5\x8c\xba", "\xe7\x94\xba", "\xe6\x9d\x91",
	};
	size_t i;

	for (i = 0; i < 4; i++)
		if (memcmp(p, sfx[i], 3) == 0)
			return 1;
	return 0;
}

/*
 * Among the entries named alike, the one that fits pref (when the text
 * names a prefecture) or else prefer; NULL when none or several do.
 */
static const struct area_entry *
pick(const struct area_entry *e, size_t n, const char *pref,
    const char *prefer)
{
	const struct area_entry *found = NULL, *pfound = NULL;
	size_t i, fits = 0, preferred = 0;

	for (i = 0; i < n; i++) {
		if (pref != NULL && strncmp(e[i].ae_code, pref, 2) != 0)
			continue;
		fits++;
		found = &e[i];
		if (prefer != NULL && strncmp(e[i].ae_code, prefer, 2) == 0) {
			preferred++;
			pfound = &e[i];
		}
	}
	if (fits == 1)
		return found;
	if (preferred == 1)
		return pfound;
	return NULL;
}

/* The leftmost prefecture named in s, or NULL. */
static const struct area_pref *
find_pref(const struct area_table *t, const char *s)
{
	const struct area_pref *best = NULL;
	const char *at, *bestat = NULL;
	size_t i;

	for (i = 0; i < t->at_nprefs; i++) {
		at = strstr(s, t->at_prefs[i].ap_name);
		if (at != NULL && (bestat == NULL || at < bestat)) {
			bestat = at;
			best = &t->at_prefs[i];
		}
	}
	return best;
}

int
area_table_find(const struct area_table *t, const char *text,
    const char *prefer, char out[7])
{
	const struct area_pref *ap;
	const struct area_entry *e, *hit, *best = NULL;
	const char *pref = NULL;
	size_t len, end, start, n, bestlen = 0, beststart = 0;
	char *s;

	if (t == NULL || text == NULL)
		return -1;
	s = name_key(text);
	len = strlen(s);
	if ((ap = find_pref(t, s)) != NULL)
		pref = ap->ap_code;
	/* Each name ends at a suffix character: try every start before it. */
	for (end = 3; end <= len; end++) {
		if (!is_suffix(s + end - 3))
			continue;
		for (start = end > t->at_maxname ? end - t->at_maxname : 0;
		    start + 3 <= end; start++) {
			if (((unsigned char)s[start] & 0xc0) == 0x80)
				continue;
			if (best != NULL && start > beststart)
				break;
			if ((e = lookup(t, s + start, end - start, &n)) ==
			    NULL || (hit = pick(e, n, pref, prefer)) == NULL)
				continue;
			/* Earliest first, then longest. */
			if (best == NULL || start < beststart ||
			    (start == beststart && end - start > bestlen)) {
				best = hit;
				beststart = start;
				bestlen = end - start;
			}
		}
	}
	free(s);
	if (best != NULL) {
		memcpy(out, best->ae_code, 7);
		return 0;
	}
	if (ap == NULL)
		return -1;
	/* Only the prefecture: its own code. */
	pref_code(ap->ap_code, out);
	return 0;
}
