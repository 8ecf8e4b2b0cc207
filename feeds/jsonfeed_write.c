/*
 * jsonfeed_write.c — postings as JSON Feed 1.1, each item carrying the
 * normalized posting in "_tsunagu" (DESIGN.md, "The posting").
 *
 * jansson refuses strings that are not valid UTF-8, so every string from
 * a source goes through text_sanitize_utf8() before it is handed over.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "posting_json.h"
#include "text.h"
#include "writer.h"

#define JSONFEED_VERSION	"https://jsonfeed.org/version/1.1"
/* One key per line, no spaces around separators: diffable and small. */
#define JSONFEED_DUMP_FLAGS	(JSON_INDENT(1) | JSON_COMPACT)

/* obj[key] = value as a JSON string; nothing when value is NULL. */
static void
set_str(json_t *obj, const char *key, const char *value)
{
	char *v;

	if (value == NULL)
		return;
	v = text_sanitize_utf8(value);
	json_object_set_new(obj, key, json_string(v));
	free(v);
}

static void
set_date(json_t *obj, const char *key, int64_t t)
{
	char buf[32];

	if (t == 0)
		return;
	date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	json_object_set_new(obj, key, json_string(buf));
}

static void
sanitize(char **field)
{
	char *s;

	if (*field == NULL)
		return;
	s = text_sanitize_utf8(*field);
	free(*field);
	*field = s;
}

/*
 * A copy with every string made valid UTF-8, for when posting_to_json()
 * refused the original.  Lists the posting's strings: keep it in step
 * with posting.h.
 */
static struct posting *
posting_sanitized(const struct posting *src)
{
	struct posting *p = posting_clone(src);
	char **fields[] = {
		&p->pst_id, &p->pst_guid, &p->pst_title, &p->pst_link,
		&p->pst_content_html, &p->pst_summary, &p->pst_kind,
		&p->pst_organizer_name, &p->pst_organizer_kind, &p->pst_start,
		&p->pst_end, &p->pst_deadline, &p->pst_area, &p->pst_place,
		&p->pst_address, &p->pst_fee, &p->pst_contact_name,
		&p->pst_contact_phone, &p->pst_contact_email,
		&p->pst_recurrence, &p->pst_duplicate_of,
		&p->pst_origin_instance, &p->pst_origin_id,
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		sanitize(fields[i]);
	for (i = 0; i < p->pst_ncategories; i++)
		sanitize(&p->pst_categories[i]);
	for (i = 0; i < p->pst_nrefs; i++) {
		sanitize(&p->pst_refs[i].ref_source);
		sanitize(&p->pst_refs[i].ref_kind);
		sanitize(&p->pst_refs[i].ref_url);
	}
	return p;
}

/* The _tsunagu object; never lost to a stray byte from a source. */
static json_t *
tsunagu_json(const struct posting *p)
{
	struct posting *clean;
	json_t *ext;

	if ((ext = posting_to_json(p)) != NULL)
		return ext;
	clean = posting_sanitized(p);
	ext = posting_to_json(clean);
	posting_free(clean);
	return ext;
}

json_t *
jsonfeed_item(const struct feed_meta *fm, const struct posting *p)
{
	json_t *item, *tags, *ext;
	char *v;
	size_t i;

	item = json_object();
	set_str(item, "id", p->pst_id ? p->pst_id : p->pst_guid);
	set_str(item, "url", p->pst_link);
	set_str(item, "title", p->pst_title);
	set_str(item, "content_html", p->pst_content_html);
	/* JSON Feed 1.1: an item has content_html or content_text. */
	if (p->pst_content_html == NULL)
		set_str(item, "content_text",
		    p->pst_summary ? p->pst_summary : "");
	set_str(item, "summary", p->pst_summary);
	set_date(item, "date_published", p->pst_published);
	set_date(item, "date_modified", p->pst_modified);
	if (p->pst_ncategories > 0) {
		tags = json_array();
		for (i = 0; i < p->pst_ncategories; i++) {
			v = text_sanitize_utf8(p->pst_categories[i]);
			json_array_append_new(tags, json_string(v));
			free(v);
		}
		json_object_set_new(item, "tags", tags);
	}
	if ((ext = tsunagu_json(p)) != NULL)
		json_object_set_new(item, "_tsunagu", ext);
	return item;
}

static int
dump_to_buf(const char *data, size_t len, void *arg)
{
	return buf_append(arg, data, len);
}

int
jsonfeed_write(const struct feed_meta *fm, struct posting *const *postings,
    size_t n, struct buf *b)
{
	json_t *root, *items, *hubs, *hub;
	size_t i, start = b->len;
	int rc;

	root = json_object();
	json_object_set_new(root, "version", json_string(JSONFEED_VERSION));
	set_str(root, "title", fm->fm_title ? fm->fm_title : "tsunagu");
	set_str(root, "home_page_url", fm->fm_home_url);
	set_str(root, "feed_url", fm->fm_self_url);
	set_str(root, "next_url", fm->fm_next_url);
	if (fm->fm_hub_url != NULL) {
		hub = json_object();
		json_object_set_new(hub, "type", json_string("WebSub"));
		set_str(hub, "url", fm->fm_hub_url);
		hubs = json_array();
		json_array_append_new(hubs, hub);
		json_object_set_new(root, "hubs", hubs);
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, jsonfeed_item(fm, postings[i]));
	json_object_set_new(root, "items", items);
	rc = json_dump_callback(root, dump_to_buf, b, JSONFEED_DUMP_FLAGS);
	if (rc == 0)
		rc = buf_puts(b, "\n");
	if (rc == -1) {
		/* Leave the buffer as it was, not with half a document. */
		b->len = start;
		if (b->data != NULL)
			b->data[start] = '\0';
	}
	json_decref(root);
	return rc == 0 ? 0 : -1;
}
