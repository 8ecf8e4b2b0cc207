/*
 * category.h — the tsunagu category vocabulary, and how the labels sources
 * use (イベント種類, dc:subject, RSS and Atom categories) map onto it.
 *
 * The vocabulary is fixed: welfare, children, elderly, disability,
 * environment, disaster, community, education, culture, sports,
 * international, health, other.  A label maps through the source's own
 * mapping first (its "原文=code" pairs), then through the built-in table:
 * a code, an English synonym or a Japanese label of the vocabulary as the
 * whole label ("Kids" → children, "健康・医療" → health), or else the
 * Japanese or English keyword that starts earliest in the label,
 * the longest on a tie ("高齢者福祉" → elderly, "日本語教室" →
 * international).  Labels are compared after normalize_text() and with
 * ASCII case folded.
 */
#ifndef TSUNAGU_CATEGORY_H
#define TSUNAGU_CATEGORY_H

#include <stddef.h>

#define CATEGORY_OTHER	"other"

/* The codes, in a fixed order, NULL-terminated. */
extern const char *const category_codes[];

/* 1 when s is one of the codes, exactly. */
int	 category_is_code(const char *s);
/* The vocabulary's Japanese label of a code (福祉 for welfare, as the
 * /admin/ pages name it); NULL for what is not a code. */
const char	*category_label_ja(const char *code);

/* A source's overrides: label → code. */
struct category_map;

/*
 * "原文=code, 原文=code" (commas or 、 between pairs).  NULL with a reason
 * in err when a pair has no '=', a label is empty or given twice, or a
 * code is not in the vocabulary.
 */
struct category_map	*category_map_parse(const char *spec, char *err,
			    size_t errlen);
void			 category_map_free(struct category_map *);

/*
 * The code for one label (map may be NULL): a static string, never NULL;
 * CATEGORY_OTHER when nothing matches.
 */
const char	*category_map_label(const struct category_map *,
		    const char *label);

/*
 * Every code of a label that names several fields, "健康・福祉、スポーツ"
 * → health, welfare, sports: the whole label when it maps exactly (a
 * source's override, a code, a synonym), else each of its parts between
 * 、 ・ / , ; that maps to something other than CATEGORY_OTHER, else what
 * the whole label maps to.  Codes are unique, in the label's order; at
 * most max of them; returns how many (1 or more when max > 0).
 */
size_t		 category_map_label_all(const struct category_map *,
		    const char *label, const char **out, size_t max);

/*
 * The codes a feed filter's category value stands for (DESIGN.md:
 * category=...): the value read as a source's label would be, by
 * category_map_label_all() without overrides — a code, an English
 * synonym, a Japanese label, a keyword (福祉, 防災, 子育て, Kids), a label
 * naming several fields (健康・福祉 → health, welfare) — except that a value
 * that names nothing in the vocabulary gives 0, not CATEGORY_OTHER: a
 * misspelt filter is refused rather than silently selecting "other".
 */
size_t		 category_filter_codes(const char *value, const char **out,
		    size_t max);

/*
 * The code of the earliest keyword in free text (a title), or NULL when
 * none is there.  Whole-label synonyms are not used here.
 */
const char	*category_guess(const char *text);

#endif
