/*
 * csv_columns.c — header names of the 「イベント一覧」 generations.
 *
 * The first name of each row is the canonical one (the bundled
 * 50-column generation's); the others are the 32-column 推奨データセット's
 * and the 79-column GIF-aligned one's, then names seen in files that
 * municipalities publish.  Names are written as NFKC leaves them (ASCII
 * parentheses).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "csv_columns.h"
#include "xmalloc.h"

#define ALIASES_MAX	5

static const char *const aliases[CSV_NCOLS][ALIASES_MAX] = {
	[CSV_COL_ID] = { "NO", "ID", "番号" },
	[CSV_COL_AREA] = { "都道府県コード又は市区町村コード",
	    "全国地方公共団体コード", "地方公共団体コード", "市区町村コード" },
	[CSV_COL_PLACE_AREA] = { "所在地_全国地方公共団体コード" },
	[CSV_COL_TITLE] = { "名称", "イベント名", "イベント名称" },
	[CSV_COL_SUMMARY] = { "概要" },
	[CSV_COL_DESCRIPTION] = { "説明", "内容", "イベント内容" },
	[CSV_COL_CATEGORY] = { "イベント種類", "カテゴリー", "カテゴリ",
	    "分類" },
	[CSV_COL_URL] = { "URL", "ホームページ", "詳細URL" },
	[CSV_COL_CONTENT_URL] = { "コンテンツURL" },
	[CSV_COL_STATUS] = { "状態" },
	[CSV_COL_START_DATE] = { "開始日", "開始年月日", "開催日" },
	[CSV_COL_END_DATE] = { "終了日", "終了年月日" },
	[CSV_COL_START_TIME] = { "開始時刻", "開始時間" },
	[CSV_COL_END_TIME] = { "終了時刻", "終了時間" },
	[CSV_COL_DATE_NOTE] = { "日時備考", "開始日時特記事項" },
	[CSV_COL_PLACE] = { "場所名称", "会場名", "会場", "開催場所" },
	[CSV_COL_MEETING_PLACE] = { "集合場所", "集合(受付)場所" },
	[CSV_COL_ADDRESS] = { "住所", "所在地_連結表記", "所在地" },
	[CSV_COL_ADDR_PREF] = { "住所都道府県", "所在地_都道府県" },
	[CSV_COL_ADDR_CITY] = { "住所市区町村", "所在地_市区町村" },
	[CSV_COL_ADDR_TOWN] = { "住所町名", "所在地_町字" },
	[CSV_COL_ADDR_BLOCK] = { "住所丁目以下", "所在地_番地以下" },
	[CSV_COL_ADDR_BUILDING] = { "建物名等", "方書", "建物名等(方書)" },
	[CSV_COL_LAT] = { "緯度" },
	[CSV_COL_LON] = { "経度" },
	[CSV_COL_ORGANIZER] = { "主催団体", "主催者" },
	[CSV_COL_TARGET] = { "対象者" },
	[CSV_COL_CAPACITY] = { "定員" },
	[CSV_COL_FEE] = { "料金(基本)", "料金", "参加費" },
	[CSV_COL_FEE_DETAIL] = { "料金(詳細)" },
	[CSV_COL_DEADLINE_DATE] = { "申込期限日", "参加申込終了日",
	    "申込締切日" },
	[CSV_COL_DEADLINE_TIME] = { "申込期限時刻", "参加申込終了時間",
	    "参加申込終了時刻" },
	[CSV_COL_APPLY] = { "申込方法", "参加申込方法" },
	[CSV_COL_CONTACT_NAME] = { "連絡先名称", "問合せ先", "問い合わせ先" },
	[CSV_COL_CONTACT_PHONE] = { "連絡先電話番号", "電話番号" },
	[CSV_COL_CONTACT_EXT] = { "連絡先内線番号", "内線番号" },
	[CSV_COL_CONTACT_EMAIL] = { "連絡先メールアドレス",
	    "メールアドレス" },
	[CSV_COL_NOTE] = { "備考" },
};

const char *
csv_column_name(enum csv_col c)
{
	if ((unsigned)c >= CSV_NCOLS)
		return "?";
	return aliases[c][0];
}

char *
csv_column_normalize(const char *header)
{
	static const char *const marks[] = { "*", "※" };
	char *n, *s;
	size_t len, i;
	int again;

	n = (char *)utf8proc_NFKC((const utf8proc_uint8_t *)header);
	if (n == NULL)
		n = xstrdup(header);	/* not UTF-8: compared as it is */
	s = n;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	memmove(n, s, strlen(s) + 1);
	len = strlen(n);
	do {
		again = 0;
		while (len > 0 && (n[len - 1] == ' ' || n[len - 1] == '\t' ||
		    n[len - 1] == '\r' || n[len - 1] == '\n'))
			n[--len] = '\0';
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
			size_t ml = strlen(marks[i]);

			if (len > ml && strcmp(n + len - ml, marks[i]) == 0) {
				len -= ml;
				n[len] = '\0';
				again = 1;
			}
		}
	} while (again);
	return n;
}

int
csv_column_lookup(const char *header)
{
	char *n = csv_column_normalize(header);
	int c, i, found = -1;

	for (c = 0; c < CSV_NCOLS && found == -1; c++)
		for (i = 0; i < ALIASES_MAX && aliases[c][i] != NULL; i++)
			if (strcasecmp(n, aliases[c][i]) == 0) {
				found = c;
				break;
			}
	free(n);
	return found;
}
