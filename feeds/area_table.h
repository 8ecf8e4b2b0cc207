/*
 * area_table.h — a municipality table, and the 全国地方公共団体コード of the
 * municipality an address names.
 *
 * The table is a CSV file in the format of the localgovjp open dataset
 * (code4fukui; ../shared/data/localgovjp/localgovjp-utf8.csv): a header
 * row, then one row per local government, of which the columns "pref"
 * (愛知県), "city" (刈谷市; a ward of a designated city is written
 * "名古屋市 中村区") and "lgcode" (232106) are read; other columns are
 * ignored.  UTF-8, an optional byte order mark, RFC 4180 quoting.  A code
 * that lost its leading zero or its check digit is repaired; a 6-digit
 * code with a wrong check digit is an error.
 *
 * Reading is in feeds/ although it opens a file: the table is data the
 * daemon hands to normalize_posting(), loaded once per configuration.
 */
#ifndef TSUNAGU_AREA_TABLE_H
#define TSUNAGU_AREA_TABLE_H

#include <stddef.h>

struct area_table;

/*
 * NULL with "PATH: No such file or directory" or "PATH:LINE: message" in
 * err when the file cannot be read or is not such a table.
 */
struct area_table	*area_table_load(const char *path, char *err,
			    size_t errlen);
/* The same from memory; name stands for the path in messages. */
struct area_table	*area_table_parse(const char *data, size_t len,
			    const char *name, char *err, size_t errlen);
void			 area_table_free(struct area_table *);
size_t			 area_table_count(const struct area_table *);

/*
 * The code of the municipality named in text, an address or a place
 * ("愛知県刈谷市若松町", "刈谷市", "名古屋市中村区名駅" → the ward's code,
 * "中村区" alone too when only one prefecture has such a ward).  A
 * prefecture named in the text restricts the search to it; the earliest
 * name wins, the longest on a tie.  A name that several prefectures share
 * ("府中市") is resolved by prefer (a 2-digit prefecture or a 6-digit
 * code whose prefecture counts; may be NULL) or not at all.  When only a
 * prefecture is named, its own code (愛知県 → 230006).  0, or -1 when
 * nothing is found.
 */
int			 area_table_find(const struct area_table *,
			    const char *text, const char *prefer, char out[7]);

/* "愛知県刈谷市" for "232106", or NULL (borrowed). */
const char		*area_table_name(const struct area_table *,
			    const char *code);

#endif
