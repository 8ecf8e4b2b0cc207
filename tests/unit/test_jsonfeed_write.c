/* test_jsonfeed_write.c — JSON Feed 1.1 with the _tsunagu extension. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "writer.h"

static const struct feed_meta meta = {
	.fm_title = "刈谷市 ボランティア情報",
	.fm_self_url = "https://volunteer.example.jp/feeds/all.json",
	.fm_home_url = "https://volunteer.example.jp/",
	.fm_hub_url = "https://volunteer.example.jp/hub",
	.fm_next_url = "https://volunteer.example.jp/feeds/all.json?after=x",
	.fm_instance = "kariya",
	.fm_updated = 1782961200LL,
};

static struct posting *
sample(void)
{
	struct posting *p = posting_new();

	posting_set(&p->pst_id, "p-0001");
	p->pst_revision = 2;
	posting_set(&p->pst_title, "高齢者サロンの運営補助");
	posting_set(&p->pst_link,
	    "https://www.city.kariya.example.jp/volunteer/salon.html");
	posting_set(&p->pst_content_html, "<p>お茶出しの補助</p>");
	posting_set(&p->pst_summary, "お茶出しの補助");
	p->pst_published = 1781487000LL;
	p->pst_modified = 1782900000LL;
	posting_add_category(p, "welfare");
	posting_add_category(p, "高齢者");
	posting_set(&p->pst_kind, "shakyo");
	posting_set(&p->pst_area, "232106");
	posting_set(&p->pst_start, "2026-07-14T13:30:00+09:00");
	posting_set(&p->pst_origin_instance, "kariya");
	posting_set(&p->pst_origin_id, "p-0001");
	return p;
}

static json_t *
write_and_load(struct posting *const *ps, size_t n, const struct feed_meta *m)
{
	json_error_t jerr;
	struct buf b;
	json_t *root;

	buf_init(&b, 1 << 20);
	assert_int_equal(jsonfeed_write(m, ps, n, &b), 0);
	root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		fail_msg("invalid JSON (%s):\n%s", jerr.text, b.data);
	assert_true(b.data[b.len - 1] == '\n');
	buf_free(&b);
	return root;
}

static const char *
str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("%s: not a string", key);
	return json_string_value(v);
}

static void
test_feed_fields(void **state)
{
	struct posting *p = sample();
	json_t *root, *hubs, *items, *item, *tags, *ext;

	root = write_and_load(&p, 1, &meta);
	assert_string_equal(str(root, "version"),
	    "https://jsonfeed.org/version/1.1");
	assert_string_equal(str(root, "title"), meta.fm_title);
	assert_string_equal(str(root, "home_page_url"), meta.fm_home_url);
	assert_string_equal(str(root, "feed_url"), meta.fm_self_url);
	assert_string_equal(str(root, "next_url"), meta.fm_next_url);
	hubs = json_object_get(root, "hubs");
	assert_int_equal(json_array_size(hubs), 1);
	assert_string_equal(str(json_array_get(hubs, 0), "type"), "WebSub");
	assert_string_equal(str(json_array_get(hubs, 0), "url"),
	    meta.fm_hub_url);
	items = json_object_get(root, "items");
	assert_int_equal(json_array_size(items), 1);

	item = json_array_get(items, 0);
	assert_string_equal(str(item, "id"), "p-0001");
	assert_string_equal(str(item, "url"), p->pst_link);
	assert_string_equal(str(item, "title"), p->pst_title);
	assert_string_equal(str(item, "content_html"), p->pst_content_html);
	assert_null(json_object_get(item, "content_text"));
	assert_string_equal(str(item, "summary"), p->pst_summary);
	assert_string_equal(str(item, "date_published"),
	    "2026-06-15T10:30:00+09:00");
	assert_string_equal(str(item, "date_modified"),
	    "2026-07-01T19:00:00+09:00");
	tags = json_object_get(item, "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 1)),
	    "高齢者");
	ext = json_object_get(item, "_tsunagu");
	assert_true(json_is_object(ext));
	assert_string_equal(str(ext, "id"), "p-0001");
	assert_string_equal(str(ext, "kind"), "shakyo");
	assert_string_equal(str(ext, "area"), "232106");
	assert_string_equal(str(ext, "start"), "2026-07-14T13:30:00+09:00");
	assert_string_equal(str(ext, "status"), "open");
	json_decref(root);
	posting_free(p);
}

static void
test_minimal_and_empty(void **state)
{
	struct feed_meta m = { 0 };
	struct posting *p = posting_new();
	json_t *root, *item;

	posting_set(&p->pst_id, "p-9");
	root = write_and_load(&p, 1, &m);
	assert_string_equal(str(root, "title"), "tsunagu");
	assert_null(json_object_get(root, "hubs"));
	assert_null(json_object_get(root, "next_url"));
	item = json_array_get(json_object_get(root, "items"), 0);
	/* JSON Feed 1.1 wants content_html or content_text. */
	assert_string_equal(str(item, "content_text"), "");
	assert_null(json_object_get(item, "url"));
	assert_null(json_object_get(item, "date_published"));
	assert_null(json_object_get(item, "tags"));
	json_decref(root);

	root = write_and_load(NULL, 0, &meta);
	assert_int_equal(json_array_size(json_object_get(root, "items")), 0);
	json_decref(root);
	posting_free(p);
}

static void
test_invalid_utf8_survives(void **state)
{
	struct posting *p = sample();
	json_t *root, *item, *ext;

	posting_set(&p->pst_title, "河川清掃\xff\x01ボランティア\xed\xa0\x80");
	posting_set(&p->pst_place, "逢妻川\xc3");
	posting_add_category(p, "\xfe");
	root = write_and_load(&p, 1, &meta);
	item = json_array_get(json_object_get(root, "items"), 0);
	assert_string_equal(str(item, "title"), "河川清掃\xef\xbf\xbd"
	    "ボランティア\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(item, "tags"), 2)), "\xef\xbf\xbd");
	/* The extension is sanitized too, not dropped. */
	ext = json_object_get(item, "_tsunagu");
	assert_true(json_is_object(ext));
	assert_string_equal(str(ext, "place"), "逢妻川\xef\xbf\xbd");
	json_decref(root);
	posting_free(p);
}

static void
test_item_alone_and_bounded(void **state)
{
	struct posting *p = sample();
	struct buf b;
	json_t *item;

	item = jsonfeed_item(&meta, p);
	assert_string_equal(str(item, "id"), "p-0001");
	assert_true(json_is_object(json_object_get(item, "_tsunagu")));
	json_decref(item);

	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	assert_int_equal(jsonfeed_write(&meta, &p, 1, &b), -1);
	assert_string_equal(b.data, "keep");
	assert_int_equal(b.len, 4);
	buf_free(&b);
	posting_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_fields),
		cmocka_unit_test(test_minimal_and_empty),
		cmocka_unit_test(test_invalid_utf8_survives),
		cmocka_unit_test(test_item_alone_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
