/*
 * csv_write.c — postings as the 50-column 「イベント一覧」 CSV of the
 * 自治体標準オープンデータセット (the generation of the bundled files:
 * UTF-8 with a BOM, CRLF, ISO dates, HH:MM times).
 *
 * Cells are quoted when they hold a comma, a quote, CR or LF (RFC 4180),
 * so multi-line text stays one cell.  A cell that starts with '=', '+',
 * '-', '@', TAB or CR gets a leading apostrophe: spreadsheets would
 * otherwise run it as a formula (=cmd|'/c calc'!A0).
 *
 * Where a posting has no column of its own: NO is the posting id, イベント
 * 種類 the categories joined by "、", 状態 a Japanese label of the status,
 * 日時備考 "RRULE:" and the recurrence, the whole address is in 住所丁目以下.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "text.h"
#include "writer.h"
#include "xmalloc.h"

enum csv_col {
	COL_EMPTY,
	COL_ID, COL_AREA, COL_TITLE, COL_SUMMARY, COL_CONTENT, COL_CATEGORY,
	COL_URL, COL_STATUS, COL_START_DATE, COL_END_DATE, COL_START_TIME,
	COL_END_TIME, COL_RECURRENCE, COL_PLACE, COL_ADDRESS, COL_LAT,
	COL_LON, COL_ORGANIZER, COL_CAPACITY, COL_FEE, COL_DEADLINE_DATE,
	COL_DEADLINE_TIME, COL_CONTACT_NAME, COL_CONTACT_PHONE,
	COL_CONTACT_EMAIL,
};

static const struct csv_column {
	const char	*cc_name;
	enum csv_col	 cc_col;
} columns[] = {
	{ "NO", COL_ID },
	{ "都道府県コード又は市区町村コード", COL_AREA },
	{ "名称", COL_TITLE },
	{ "名称(カナ)", COL_EMPTY },
	{ "名称(英字)", COL_EMPTY },
	{ "名称(通称)", COL_EMPTY },
	{ "サブタイトル", COL_EMPTY },
	{ "概要", COL_SUMMARY },
	{ "説明", COL_CONTENT },
	{ "サブイベント", COL_EMPTY },
	{ "イベント種類", COL_CATEGORY },
	{ "URL", COL_URL },
	{ "画像URL", COL_EMPTY },
	{ "状態", COL_STATUS },
	{ "対象となる産業", COL_EMPTY },
	{ "ステージ", COL_EMPTY },
	{ "開始日", COL_START_DATE },
	{ "終了日", COL_END_DATE },
	{ "開始時刻", COL_START_TIME },
	{ "終了時刻", COL_END_TIME },
	{ "日時備考", COL_RECURRENCE },
	{ "場所名称", COL_PLACE },
	{ "集合場所", COL_EMPTY },
	{ "郵便番号", COL_EMPTY },
	{ "住所都道府県", COL_EMPTY },
	{ "住所市区町村", COL_EMPTY },
	{ "住所町名", COL_EMPTY },
	{ "住所丁目以下", COL_ADDRESS },
	{ "建物名等", COL_EMPTY },
	{ "緯度", COL_LAT },
	{ "経度", COL_LON },
	{ "主催団体", COL_ORGANIZER },
	{ "共催団体", COL_EMPTY },
	{ "その他関係団体", COL_EMPTY },
	{ "対象者", COL_EMPTY },
	{ "定員", COL_CAPACITY },
	{ "料金(基本)", COL_FEE },
	{ "料金(詳細)", COL_EMPTY },
	{ "外国語対応", COL_EMPTY },
	{ "申込期限日", COL_DEADLINE_DATE },
	{ "申込期限時刻", COL_DEADLINE_TIME },
	{ "申込方法", COL_EMPTY },
	{ "アクセス方法", COL_EMPTY },
	{ "駐車場情報", COL_EMPTY },
	{ "駐輪場情報", COL_EMPTY },
	{ "連絡先名称", COL_CONTACT_NAME },
	{ "連絡先電話番号", COL_CONTACT_PHONE },
	{ "連絡先内線番号", COL_EMPTY },
	{ "連絡先メールアドレス", COL_CONTACT_EMAIL },
	{ "備考", COL_EMPTY },
};

#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

/* One cell, quoted and neutralized as the header comment says. */
static int
put_cell(struct buf *b, const char *value, int numeric)
{
	char *v;
	const char *p;
	int formula, rc = 0;

	if (value == NULL || *value == '\0')
		return 0;
	v = text_sanitize_utf8(value);
	formula = !numeric && v[0] != '\0' && strchr("=+-@\t\r", v[0]);
	if (formula || v[strcspn(v, ",\"\r\n")] != '\0') {
		rc |= buf_puts(b, "\"");
		if (formula)
			rc |= buf_puts(b, "'");
		for (p = v; *p && rc == 0; p++)
			rc |= *p == '"' ? buf_puts(b, "\"\"") :
			    buf_append(b, p, 1);
		rc |= buf_puts(b, "\"");
	} else
		rc = buf_puts(b, v);
	free(v);
	return rc == 0 ? 0 : -1;
}

/*
 * The date (YYYY-MM-DD) and time (HH:MM, "" for a date alone) of an RFC
 * 3339 value in Japan time; the value itself when it does not parse.
 */
static void
split_when(const char *value, char date[32], char time[8])
{
	char buf[32];
	int64_t t;

	date[0] = time[0] = '\0';
	if (value == NULL)
		return;
	if (strlen(value) > 10 && date_parse_rfc3339(value, &t) == 0) {
		date_format_rfc3339(t, DATE_JST_OFFSET, buf);
		snprintf(date, 32, "%.10s", buf);
		snprintf(time, 8, "%.5s", buf + 11);
	} else
		snprintf(date, 32, "%s", value);
}

static const char *
status_label(enum posting_status s)
{
	switch (s) {
	case POSTING_OPEN:
		return "開催予定";
	case POSTING_CLOSED:
		return "終了";
	case POSTING_CANCELLED:
		return "中止";
	case POSTING_WITHDRAWN:
		return "取消";
	}
	return "";
}

static char *
joined_categories(const struct posting *p)
{
	struct buf b;
	size_t i;

	buf_init(&b, SIZE_MAX);
	for (i = 0; i < p->pst_ncategories; i++) {
		if (i > 0)
			buf_puts(&b, "、");
		buf_puts(&b, p->pst_categories[i]);
	}
	return buf_release(&b, NULL);
}

static int
put_row(struct buf *b, const struct posting *p)
{
	char sdate[32], stime[8], edate[32], etime[8], ddate[32], dtime[8];
	char num[40], *own;
	const char *v;
	size_t i;
	int numeric, rc = 0;

	split_when(p->pst_start, sdate, stime);
	split_when(p->pst_end, edate, etime);
	split_when(p->pst_deadline, ddate, dtime);
	for (i = 0; i < NCOLUMNS && rc == 0; i++) {
		v = NULL;
		own = NULL;
		numeric = 0;
		switch (columns[i].cc_col) {
		case COL_EMPTY:
			break;
		case COL_ID:
			v = p->pst_id ? p->pst_id : p->pst_guid;
			break;
		case COL_AREA:
			v = p->pst_area;
			break;
		case COL_TITLE:
			v = p->pst_title;
			break;
		case COL_SUMMARY:
			v = p->pst_summary;
			break;
		case COL_CONTENT:
			if (p->pst_content_html != NULL)
				v = own = text_strip_tags(p->pst_content_html);
			break;
		case COL_CATEGORY:
			v = own = joined_categories(p);
			break;
		case COL_URL:
			v = p->pst_link;
			break;
		case COL_STATUS:
			v = status_label(p->pst_status);
			break;
		case COL_START_DATE:
			v = sdate;
			break;
		case COL_END_DATE:
			v = edate;
			break;
		case COL_START_TIME:
			v = p->pst_all_day ? NULL : stime;
			break;
		case COL_END_TIME:
			v = p->pst_all_day ? NULL : etime;
			break;
		case COL_RECURRENCE:
			if (p->pst_recurrence != NULL)
				xasprintf(&own, "RRULE:%s", p->pst_recurrence);
			v = own;
			break;
		case COL_PLACE:
			v = p->pst_place;
			break;
		case COL_ADDRESS:
			v = p->pst_address;
			break;
		case COL_LAT:
		case COL_LON:
			if (p->pst_has_geo && isfinite(p->pst_lat) &&
			    isfinite(p->pst_lon)) {
				snprintf(num, sizeof(num), "%.15g",
				    columns[i].cc_col == COL_LAT ?
				    p->pst_lat : p->pst_lon);
				v = num;
				numeric = 1;
			}
			break;
		case COL_ORGANIZER:
			v = p->pst_organizer_name;
			break;
		case COL_CAPACITY:
			if (p->pst_capacity >= 0) {
				snprintf(num, sizeof(num), "%lld",
				    (long long)p->pst_capacity);
				v = num;
				numeric = 1;
			}
			break;
		case COL_FEE:
			v = p->pst_fee;
			break;
		case COL_DEADLINE_DATE:
			v = ddate;
			break;
		case COL_DEADLINE_TIME:
			v = dtime;
			break;
		case COL_CONTACT_NAME:
			v = p->pst_contact_name;
			break;
		case COL_CONTACT_PHONE:
			v = p->pst_contact_phone;
			break;
		case COL_CONTACT_EMAIL:
			v = p->pst_contact_email;
			break;
		}
		if (i > 0)
			rc |= buf_puts(b, ",");
		rc |= put_cell(b, v, numeric);
		free(own);
	}
	rc |= buf_puts(b, "\r\n");
	return rc == 0 ? 0 : -1;
}

int
csv_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	size_t start = b->len, i;
	int rc;

	(void)fm;
	rc = buf_puts(b, "\xef\xbb\xbf");
	for (i = 0; i < NCOLUMNS && rc == 0; i++)
		rc = buf_printf(b, "%s%s", i > 0 ? "," : "", columns[i].cc_name);
	if (rc == 0)
		rc = buf_puts(b, "\r\n");
	for (i = 0; i < n && rc == 0; i++)
		rc = put_row(b, postings[i]);
	if (rc != 0) {
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
		return -1;
	}
	return 0;
}
