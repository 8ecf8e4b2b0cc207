/*
 * csv_columns.h — the columns of the 自治体標準オープンデータセット
 * 「イベント一覧」 that tsunagu reads, and the header names each goes by in
 * the three generations of the dataset (jichitai-headers.md).  Columns are
 * found by name, never by position.
 */
#ifndef TSUNAGU_CSV_COLUMNS_H
#define TSUNAGU_CSV_COLUMNS_H

#include <stddef.h>

enum csv_col {
	CSV_COL_ID = 0,
	CSV_COL_AREA,		/* the publisher's 全国地方公共団体コード */
	CSV_COL_PLACE_AREA,	/* the venue's code (79 columns) */
	CSV_COL_TITLE,
	CSV_COL_SUMMARY,
	CSV_COL_DESCRIPTION,
	CSV_COL_CATEGORY,
	CSV_COL_URL,
	CSV_COL_CONTENT_URL,
	CSV_COL_STATUS,
	CSV_COL_START_DATE,
	CSV_COL_END_DATE,
	CSV_COL_START_TIME,
	CSV_COL_END_TIME,
	CSV_COL_DATE_NOTE,
	CSV_COL_PLACE,
	CSV_COL_MEETING_PLACE,
	CSV_COL_ADDRESS,	/* one column: 住所, 所在地_連結表記 */
	CSV_COL_ADDR_PREF,
	CSV_COL_ADDR_CITY,
	CSV_COL_ADDR_TOWN,
	CSV_COL_ADDR_BLOCK,
	CSV_COL_ADDR_BUILDING,
	CSV_COL_LAT,
	CSV_COL_LON,
	CSV_COL_ORGANIZER,
	CSV_COL_TARGET,
	CSV_COL_CAPACITY,
	CSV_COL_FEE,
	CSV_COL_FEE_DETAIL,
	CSV_COL_DEADLINE_DATE,
	CSV_COL_DEADLINE_TIME,
	CSV_COL_APPLY,
	CSV_COL_CONTACT_NAME,
	CSV_COL_CONTACT_PHONE,
	CSV_COL_CONTACT_EXT,
	CSV_COL_CONTACT_EMAIL,
	CSV_COL_NOTE,
	CSV_NCOLS
};

/*
 * The column a header cell names, or -1.  The name is compared after
 * NFKC (full-width parentheses and letters), trimming, and dropping a
 * trailing '*' or '※' (the "required" mark some publishers keep).
 */
int		 csv_column_lookup(const char *header);
/* The canonical name of a column, for messages: "開始日". */
const char	*csv_column_name(enum csv_col);
/* The header name, normalized as csv_column_lookup() compares it. */
char		*csv_column_normalize(const char *header);

#endif
