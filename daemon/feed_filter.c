/* feed_filter.c — parsing feed filters and writing their canonical form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../feeds/area.h"
#include "../feeds/category.h"
#include "../feeds/date.h"
#include "../feeds/normalize.h"
#include "../feeds/text.h"
#include "../feeds/xmalloc.h"
#include "feed_filter.h"

enum filter_key {
	FK_KIND, FK_STATUS, FK_SOURCE, FK_CATEGORY, FK_AREA, FK_Q, FK_FROM,
	FK_TO,
};

static const char *const kinds[] = { "city", "shakyo", "corporate", "civic",
    "federation", NULL };
static const char *const statuses[] = { "open", "closed", "cancelled",
    "withdrawn", NULL };

/* In the canonical order. */
static const struct filter_key_def {
	const char		*fk_name;
	enum filter_key		 fk_key;
	const char *const	*fk_words;	/* the allowed values, or NULL */
	size_t			 fk_offset;	/* of a filter_values list */
} filter_keys[] = {
	{ "kind", FK_KIND, kinds, offsetof(struct posting_filter, pf_kind) },
	{ "status", FK_STATUS, statuses,
	    offsetof(struct posting_filter, pf_status) },
	{ "source", FK_SOURCE, NULL,
	    offsetof(struct posting_filter, pf_source) },
	{ "category", FK_CATEGORY, NULL,
	    offsetof(struct posting_filter, pf_category) },
	{ "area", FK_AREA, NULL, offsetof(struct posting_filter, pf_area) },
	{ "q", FK_Q, NULL, 0 },
	{ "from", FK_FROM, NULL, 0 },
	{ "to", FK_TO, NULL, 0 },
	{ NULL, FK_KIND, NULL, 0 },
};

static const struct filter_key_def *
find_key(const char *key)
{
	const struct filter_key_def *fk;

	for (fk = filter_keys; fk->fk_name != NULL; fk++)
		if (strcmp(fk->fk_name, key) == 0)
			return fk;
	return NULL;
}

int
feed_filter_is_key(const char *key)
{
	return find_key(key) != NULL;
}

static struct filter_values *
values_of(struct posting_filter *f, const struct filter_key_def *fk)
{
	return (struct filter_values *)((char *)f + fk->fk_offset);
}

/* Inserts v into the sorted list unless it is there; takes v. */
static int
values_insert(struct filter_values *fv, char *v)
{
	size_t lo = 0, hi = fv->fv_n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(fv->fv_values[mid], v)) == 0) {
			free(v);
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (fv->fv_n == FEED_FILTER_MAX_VALUES) {
		free(v);
		return -1;
	}
	fv->fv_values = xreallocarray(fv->fv_values, fv->fv_n + 1,
	    sizeof(*fv->fv_values));
	memmove(fv->fv_values + lo + 1, fv->fv_values + lo,
	    (fv->fv_n - lo) * sizeof(*fv->fv_values));
	fv->fv_values[lo] = v;
	fv->fv_n++;
	return 0;
}

static int
one_word(const char *const *words, const char *v)
{
	for (; *words != NULL; words++)
		if (strcmp(*words, v) == 0)
			return 1;
	return 0;
}

static void
list_words(const char *const *words, char *out, size_t outlen)
{
	size_t n;

	out[0] = '\0';
	for (; *words != NULL; words++) {
		n = strlen(out);
		snprintf(out + n, outlen - n, "%s%s", n ? ", " : "", *words);
	}
}

/*
 * A category value as the codes it stands for: a code, or a Japanese
 * label, synonym or keyword of the vocabulary (福祉, 防災, Kids), so that
 * category=福祉 is the same feed as category=welfare.
 */
static int
add_categories(struct posting_filter *f, const struct filter_key_def *fk,
    const char *v, char *err, size_t errlen)
{
	const char *codes[16];
	char words[192];
	size_t i, n;

	if ((n = category_filter_codes(v, codes, 16)) == 0 && f->pf_stored) {
		/* Saved before words were mapped: it matches nothing. */
		codes[0] = v;
		n = 1;
	} else if (n == 0) {
		list_words(category_codes, words, sizeof(words));
		snprintf(err, errlen, "category: '%s' is not in the vocabulary "
		    "(%s, or a Japanese label such as 福祉)", v, words);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (values_insert(values_of(f, fk), xstrdup(codes[i])) == -1) {
			snprintf(err, errlen, "category: more than %d values",
			    FEED_FILTER_MAX_VALUES);
			return -1;
		}
	return 0;
}

/* One value of a list key, checked and normalized. */
static int
add_value(struct posting_filter *f, const struct filter_key_def *fk,
    const char *v, char *err, size_t errlen)
{
	char words[128], code[7];

	if (*v == '\0') {
		snprintf(err, errlen, "%s: an empty value", fk->fk_name);
		return -1;
	}
	if (!text_is_utf8(v, strlen(v))) {
		snprintf(err, errlen, "%s: a value that is not UTF-8",
		    fk->fk_name);
		return -1;
	}
	if (strlen(v) > 200) {
		snprintf(err, errlen, "%s: a value longer than 200 bytes",
		    fk->fk_name);
		return -1;
	}
	if (fk->fk_words != NULL && !one_word(fk->fk_words, v)) {
		list_words(fk->fk_words, words, sizeof(words));
		snprintf(err, errlen, "%s: '%s' is not one of %s", fk->fk_name,
		    v, words);
		return -1;
	}
	if (fk->fk_key == FK_AREA) {
		if (area_normalize(v, code) == -1) {
			snprintf(err, errlen, "area: '%s' is not a 2-digit "
			    "prefecture or a 5- or 6-digit municipality code",
			    v);
			return -1;
		}
		v = code;
	}
	if (fk->fk_key == FK_CATEGORY)
		return add_categories(f, fk, v, err, errlen);
	if (values_insert(values_of(f, fk), xstrdup(v)) == -1) {
		snprintf(err, errlen, "%s: more than %d values", fk->fk_name,
		    FEED_FILTER_MAX_VALUES);
		return -1;
	}
	return 0;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
set_q(struct posting_filter *f, const char *v, char *err, size_t errlen)
{
	char *q, *p;

	if (f->pf_q != NULL) {
		snprintf(err, errlen, "q: given twice (it is one phrase)");
		return -1;
	}
	q = normalize_text(v);
	for (p = q; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	if (*q == '\0' || utf8_chars(q) > FEED_FILTER_MAX_Q) {
		snprintf(err, errlen, "q: a phrase of 1 to %d characters",
		    FEED_FILTER_MAX_Q);
		free(q);
		return -1;
	}
	f->pf_q = q;
	return 0;
}

/* YYYY-MM-DD is a Japan day: from its start, to its last second. */
static int
set_date(struct posting_filter *f, const struct filter_key_def *fk,
    const char *v, char *err, size_t errlen)
{
	int *has = fk->fk_key == FK_FROM ? &f->pf_has_from : &f->pf_has_to;
	int64_t *t = fk->fk_key == FK_FROM ? &f->pf_from : &f->pf_to;
	size_t i, len = strlen(v);
	int date_only = len == 10;

	if (*has) {
		snprintf(err, errlen, "%s: given twice", fk->fk_name);
		return -1;
	}
	for (i = 0; date_only && i < len; i++)
		if (i == 4 || i == 7 ? v[i] != '-' : v[i] < '0' || v[i] > '9')
			date_only = 0;
	if (date_only ? date_parse_any(v, t) == -1 :
	    date_parse_rfc3339(v, t) == -1) {
		snprintf(err, errlen, "%s: '%s' is not YYYY-MM-DD or RFC 3339",
		    fk->fk_name, v);
		return -1;
	}
	if (date_only && fk->fk_key == FK_TO)
		*t += 86399;
	*has = 1;
	return 0;
}

int
feed_filter_add(struct posting_filter *f, const char *key, const char *value,
    char *err, size_t errlen)
{
	const struct filter_key_def *fk;
	const char *p, *comma;
	char *tok;
	int rc = 0;

	if ((fk = find_key(key)) == NULL) {
		snprintf(err, errlen, "unknown filter key '%s'", key);
		return -1;
	}
	switch (fk->fk_key) {
	case FK_Q:
		return set_q(f, value, err, errlen);
	case FK_FROM:
	case FK_TO:
		return set_date(f, fk, value, err, errlen);
	default:
		break;
	}
	/* Split by hand: strtok would skip the empty values it should see. */
	for (p = value;; p = comma + 1) {
		comma = strchr(p, ',');
		tok = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
		rc = add_value(f, fk, tok, err, errlen);
		free(tok);
		if (rc == -1 || comma == NULL)
			break;
	}
	return rc;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX decoded; NULL for a malformed escape or a %00. */
static char *
percent_decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int hi, lo;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if ((hi = hexval(s[1])) == -1 || (lo = hexval(s[2])) == -1 ||
		    (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return out;
}

int
feed_filter_parse_line(struct posting_filter *f, const char *line,
    char *err, size_t errlen)
{
	char *copy = xstrdup(line), *tok, *save = NULL, *eq, *value;
	int rc = 0;

	for (tok = strtok_r(copy, " \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(tok, '=')) == NULL || eq == tok) {
			snprintf(err, errlen, "'%s' is not KEY=VALUE", tok);
			rc = -1;
			break;
		}
		*eq = '\0';
		if ((value = percent_decode(eq + 1)) == NULL) {
			snprintf(err, errlen, "%s: a malformed %%-escape", tok);
			rc = -1;
			break;
		}
		rc = feed_filter_add(f, tok, value, err, errlen);
		free(value);
	}
	free(copy);
	if (rc == 0)
		rc = feed_filter_finish(f, err, errlen);
	return rc;
}

int
feed_filter_parse_stored(struct posting_filter *f, const char *line,
    char *err, size_t errlen)
{
	int rc;

	f->pf_stored = 1;
	rc = feed_filter_parse_line(f, line, err, errlen);
	f->pf_stored = 0;
	return rc;
}

int
feed_filter_finish(struct posting_filter *f, char *err, size_t errlen)
{
	if (f->pf_has_from && f->pf_has_to && f->pf_from > f->pf_to) {
		snprintf(err, errlen, "from is after to");
		return -1;
	}
	return 0;
}

int
feed_filter_encode(struct buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char esc[3];
	int rc = 0;

	for (p = (const unsigned char *)value; *p && rc == 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			rc = buf_append(b, p, 1);
		else {
			esc[0] = '%';
			esc[1] = hex[*p >> 4];
			esc[2] = hex[*p & 0xf];
			rc = buf_append(b, esc, 3);
		}
	}
	return rc;
}

int
feed_filter_canonical(const struct posting_filter *f, struct buf *b)
{
	const struct filter_key_def *fk;
	const struct filter_values *fv;
	char when[32];
	size_t i, start = b->len;
	int rc = 0;

	for (fk = filter_keys; fk->fk_name != NULL && rc == 0; fk++) {
		switch (fk->fk_key) {
		case FK_Q:
			if (f->pf_q == NULL)
				continue;
			rc |= buf_printf(b, "%sq=", b->len > start ? "&" : "");
			rc |= feed_filter_encode(b, f->pf_q);
			break;
		case FK_FROM:
		case FK_TO:
			if (!(fk->fk_key == FK_FROM ? f->pf_has_from :
			    f->pf_has_to))
				continue;
			date_format_rfc3339(fk->fk_key == FK_FROM ?
			    f->pf_from : f->pf_to, DATE_JST_OFFSET, when);
			rc |= buf_printf(b, "%s%s=", b->len > start ? "&" : "",
			    fk->fk_name);
			rc |= feed_filter_encode(b, when);
			break;
		default:
			fv = (const struct filter_values *)
			    ((const char *)f + fk->fk_offset);
			if (fv->fv_n == 0)
				continue;
			rc |= buf_printf(b, "%s%s=", b->len > start ? "&" : "",
			    fk->fk_name);
			for (i = 0; i < fv->fv_n && rc == 0; i++) {
				if (i > 0)
					rc |= buf_puts(b, ",");
				rc |= feed_filter_encode(b, fv->fv_values[i]);
			}
			break;
		}
	}
	return rc == 0 ? 0 : -1;
}

int
feed_filter_is_empty(const struct posting_filter *f)
{
	return f->pf_kind.fv_n == 0 && f->pf_status.fv_n == 0 &&
	    f->pf_source.fv_n == 0 && f->pf_category.fv_n == 0 &&
	    f->pf_area.fv_n == 0 && f->pf_q == NULL && !f->pf_has_from &&
	    !f->pf_has_to;
}

static void
values_clear(struct filter_values *fv)
{
	size_t i;

	for (i = 0; i < fv->fv_n; i++)
		free(fv->fv_values[i]);
	free(fv->fv_values);
}

void
feed_filter_clear(struct posting_filter *f)
{
	values_clear(&f->pf_kind);
	values_clear(&f->pf_status);
	values_clear(&f->pf_source);
	values_clear(&f->pf_category);
	values_clear(&f->pf_area);
	free(f->pf_q);
	memset(f, 0, sizeof(*f));
}
