/*
 * test_csv_write.c — the 50-column 「イベント一覧」 CSV: BOM, the header of
 * the bundled files, CRLF rows of 50 cells, RFC 4180 quoting that keeps
 * multi-line text in one cell, and formulas neutralized.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "writer.h"

#define NCOLS	50

static const struct feed_meta meta = { .fm_instance = "kariya" };

/* A small RFC 4180 reader: the cells of the row at *p, *p advanced. */
static int
read_row(const char **p, char cells[NCOLS + 4][4096])
{
	const char *s = *p;
	int n = 0;
	size_t o;

	for (;;) {
		o = 0;
		if (*s == '"') {
			for (s++;; s++) {
				assert_true(*s != '\0');
				if (*s == '"' && s[1] == '"')
					cells[n][o++] = *s++;
				else if (*s == '"')
					break;
				else
					cells[n][o++] = *s;
			}
			s++;
		} else
			while (*s != ',' && *s != '\r' && *s != '\0') {
				/* An unquoted cell never holds these. */
				assert_true(*s != '"' && *s != '\n');
				cells[n][o++] = *s++;
			}
		cells[n][o] = '\0';
		n++;
		assert_true(n <= NCOLS + 3);
		if (*s == ',') {
			s++;
			continue;
		}
		assert_true(s[0] == '\r' && s[1] == '\n');
		*p = s + 2;
		return n;
	}
}

static char (*cells)[4096];

static char *
header_of_bundled_files(void)
{
	const char *dir = getenv("TSUNAGU_SHARED_DATA");
	char path[1024], *line = malloc(8192);
	FILE *f;

	snprintf(path, sizeof(path), "%s/jichitai-events/"
	    "o1-111007_g1-000304.csv", dir ? dir : "../shared/data");
	if ((f = fopen(path, "rb")) == NULL) {
		free(line);
		return NULL;
	}
	assert_non_null(fgets(line, 8192, f));
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static void
test_header(void **state)
{
	struct buf b;
	char *bundled = header_of_bundled_files();
	const char *p;

	buf_init(&b, 1 << 20);
	assert_int_equal(csv_write(&meta, NULL, 0, &b), 0);
	assert_memory_equal(b.data, "\xef\xbb\xbf", 3);
	p = b.data + 3;
	assert_int_equal(read_row(&p, cells), NCOLS);
	assert_string_equal(cells[0], "NO");
	assert_string_equal(cells[2], "名称");
	assert_string_equal(cells[16], "開始日");
	assert_string_equal(cells[49], "備考");
	assert_int_equal(*p, '\0');
	if (bundled != NULL) {
		/* Byte for byte the first line of the bundled files. */
		assert_int_equal(strlen(bundled), b.len - 2);
		assert_memory_equal(bundled, b.data, b.len - 2);
	}
	free(bundled);
	buf_free(&b);
}

static void
test_rows(void **state)
{
	struct posting *p = posting_new(), *q = posting_new();
	struct posting *ps[] = { p, q };
	struct buf b;
	const char *s;

	posting_set(&p->pst_id, "p0001");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_title, "=cmd|'/c calc'!A0");
	posting_set(&p->pst_summary, "1行目\r\n2行目, \"引用\"\n3行目");
	posting_set(&p->pst_content_html, "<p>福祉 &amp; 防災</p>");
	posting_add_category(p, "welfare");
	posting_add_category(p, "防災");
	posting_set(&p->pst_link, "https://example.jp/1");
	posting_set(&p->pst_start, "2026-07-25T09:30:00+09:00");
	posting_set(&p->pst_end, "2026-07-25T03:00:00Z");
	posting_set(&p->pst_deadline, "2026-07-20T17:00:00+09:00");
	posting_set(&p->pst_recurrence, "FREQ=MONTHLY;COUNT=3");
	posting_set(&p->pst_place, "+81 会場");
	posting_set(&p->pst_address, "@刈谷市若松町2-104");
	p->pst_has_geo = 1;
	p->pst_lat = -34.5;
	p->pst_lon = 137.125;
	p->pst_capacity = 20;
	posting_set(&p->pst_fee, "-500円");
	posting_set(&p->pst_organizer_name, "\t主催");
	posting_set(&p->pst_contact_name, "係\x01");
	posting_set(&p->pst_contact_phone, "0566-00-0000");
	posting_set(&p->pst_contact_email, "v@example.jp");
	p->pst_status = POSTING_CANCELLED;
	posting_set(&q->pst_id, "p0002");
	posting_set(&q->pst_title, "全日");
	posting_set(&q->pst_start, "2026-08-01");
	posting_set(&q->pst_end, "2026-08-02");
	q->pst_all_day = 1;
	q->pst_capacity = -1;

	buf_init(&b, 1 << 20);
	assert_int_equal(csv_write(&meta, ps, 2, &b), 0);
	s = b.data + 3;
	assert_int_equal(read_row(&s, cells), NCOLS);
	assert_int_equal(read_row(&s, cells), NCOLS);
	assert_string_equal(cells[0], "p0001");
	assert_string_equal(cells[1], "232106");
	assert_string_equal(cells[2], "'=cmd|'/c calc'!A0");
	assert_string_equal(cells[7], "1行目\r\n2行目, \"引用\"\n3行目");
	assert_string_equal(cells[8], "福祉 & 防災");
	assert_string_equal(cells[10], "welfare、防災");
	assert_string_equal(cells[11], "https://example.jp/1");
	assert_string_equal(cells[13], "中止");
	assert_string_equal(cells[16], "2026-07-25");
	assert_string_equal(cells[17], "2026-07-25");
	assert_string_equal(cells[18], "09:30");
	assert_string_equal(cells[19], "12:00");
	assert_string_equal(cells[20], "RRULE:FREQ=MONTHLY;COUNT=3");
	assert_string_equal(cells[21], "'+81 会場");
	assert_string_equal(cells[27], "'@刈谷市若松町2-104");
	/* Numbers are ours: a negative one is a number, not a formula. */
	assert_string_equal(cells[29], "-34.5");
	assert_string_equal(cells[30], "137.125");
	assert_string_equal(cells[31], "'\t主催");
	assert_string_equal(cells[35], "20");
	assert_string_equal(cells[36], "'-500円");
	assert_string_equal(cells[39], "2026-07-20");
	assert_string_equal(cells[40], "17:00");
	assert_string_equal(cells[45], "係");
	assert_string_equal(cells[46], "0566-00-0000");
	assert_string_equal(cells[48], "v@example.jp");
	assert_int_equal(read_row(&s, cells), NCOLS);
	assert_string_equal(cells[2], "全日");
	assert_string_equal(cells[13], "開催予定");
	assert_string_equal(cells[16], "2026-08-01");
	assert_string_equal(cells[17], "2026-08-02");
	assert_string_equal(cells[18], "");
	assert_string_equal(cells[35], "");
	assert_int_equal(*s, '\0');
	buf_free(&b);
	posting_free(p);
	posting_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_rows),
	};
	int rc;

	cells = malloc(sizeof(char[NCOLS + 4][4096]));
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(cells);
	return rc;
}
