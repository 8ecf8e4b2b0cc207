/*
 * jsonfeed.c — JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).
 *
 * The document is read whole by jansson, whose parser stops at 2048
 * levels of nesting; documents beyond JSONFEED_MAX_BYTES are refused
 * before that.  Items may carry "_tsunagu" (another instance's posting,
 * posting_json.h): it is read back first, and the standard fields fill
 * what it leaves unknown.  A field of the wrong type is ignored; an item
 * that is no object, or whose _tsunagu is malformed, is noted in
 * fd_issues.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "date.h"
#include "feed.h"
#include "parse_private.h"
#include "posting_json.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

#define JSONFEED_MAX_BYTES	((size_t)64 << 20)

/* The string at key as valid UTF-8 (NUL characters dropped), or NULL. */
static char *
get_string(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	char *s, *t;

	if (!json_is_string(v))
		return NULL;
	s = text_sanitize_utf8_len(json_string_value(v), json_string_length(v));
	t = text_trim(s);
	free(s);
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

/* JSON Feed 1.0: "an id presented as a number must be coerced". */
static char *
get_id(const json_t *obj)
{
	const json_t *v = json_object_get(obj, "id");
	char *s;

	if (json_is_integer(v)) {
		xasprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return s;
	}
	if (json_is_real(v)) {
		xasprintf(&s, "%.17g", json_real_value(v));
		return s;
	}
	return get_string(obj, "id");
}

/* An http(s) URL at key, resolved against base; NULL otherwise. */
static char *
get_url(const json_t *obj, const char *key, const char *base)
{
	char *v, *url;

	if ((v = get_string(obj, key)) == NULL)
		return NULL;
	url = url_resolve(base, v, 1);
	free(v);
	return url;
}

static int64_t
get_date(const json_t *obj, const char *key)
{
	char *v;
	int64_t t;

	if ((v = get_string(obj, key)) == NULL)
		return 0;
	if (date_parse_any(v, &t) == -1)
		t = 0;
	free(v);
	return t;
}

/* Sets *field from key when it is still unknown. */
static void
fill(char **field, const json_t *obj, const char *key)
{
	char *v;

	if (*field != NULL || (v = get_string(obj, key)) == NULL)
		return;
	*field = v;
}

/* The first author's name: 1.1 "authors", or 1.0 "author". */
static char *
author_name(const json_t *item)
{
	const json_t *a = json_object_get(item, "authors");

	if (json_is_array(a))
		a = json_array_get(a, 0);
	else
		a = json_object_get(item, "author");
	return json_is_object(a) ? get_string(a, "name") : NULL;
}

static void
item_standard_fields(const json_t *item, struct posting *p, const char *base)
{
	const json_t *tags, *tag;
	char *v;
	size_t i;

	if (p->pst_guid == NULL)
		p->pst_guid = get_id(item);
	if (p->pst_link == NULL)
		p->pst_link = get_url(item, "url", base);
	if (p->pst_link == NULL)
		p->pst_link = get_url(item, "external_url", base);
	fill(&p->pst_title, item, "title");
	fill(&p->pst_content_html, item, "content_html");
	if (p->pst_content_html == NULL &&
	    (v = get_string(item, "content_text")) != NULL) {
		p->pst_content_html = text_html_escape(v);
		free(v);
	}
	fill(&p->pst_summary, item, "summary");
	if (p->pst_published == 0)
		p->pst_published = get_date(item, "date_published");
	if (p->pst_modified == 0)
		p->pst_modified = get_date(item, "date_modified");
	if (p->pst_published == 0)
		p->pst_published = p->pst_modified;
	if (p->pst_modified == 0)
		p->pst_modified = p->pst_published;
	/* _tsunagu's categories are the exact ones; tags may add labels. */
	tags = json_object_get(item, "tags");
	if (p->pst_ncategories == 0 && json_is_array(tags)) {
		json_array_foreach(tags, i, tag) {
			if (!json_is_string(tag))
				continue;
			v = text_sanitize_utf8_len(json_string_value(tag),
			    json_string_length(tag));
			if (*v != '\0')
				posting_add_category(p, v);
			free(v);
		}
	}
	if (p->pst_organizer_name == NULL)
		p->pst_organizer_name = author_name(item);
}

static void
jsonfeed_item(const json_t *item, size_t index, struct feed *f,
    const char *base)
{
	const json_t *ext;
	struct posting *p = NULL;
	char perr[160];

	if (!json_is_object(item)) {
		feed_add_issue(f, 0, "items[%zu]: expected an object", index);
		return;
	}
	ext = json_object_get(item, "_tsunagu");
	if (json_is_object(ext) &&
	    (p = posting_from_json(ext, perr, sizeof(perr))) == NULL)
		feed_add_issue(f, 0, "items[%zu]: _tsunagu ignored: %s", index,
		    perr);
	if (p == NULL)
		p = posting_new();
	item_standard_fields(item, p, base);
	posting_list_push(&f->fd_entries, p);
}

static int
is_jsonfeed_version(const char *v)
{
	return v != NULL && (strncmp(v, "https://jsonfeed.org/version/",
	    29) == 0 || strncmp(v, "http://jsonfeed.org/version/", 28) == 0);
}

/* The feed's own fields; links resolve against the document's URL. */
static void
jsonfeed_head(const json_t *root, struct feed *f, const char *base)
{
	const json_t *hubs, *hub;
	char *type;
	size_t i;

	f->fd_title = get_string(root, "title");
	f->fd_link = get_url(root, "home_page_url", base);
	f->fd_self = get_url(root, "feed_url", base);
	f->fd_next = get_url(root, "next_url", base);
	hubs = json_object_get(root, "hubs");
	if (!json_is_array(hubs))
		return;
	json_array_foreach(hubs, i, hub) {
		if (!json_is_object(hub) ||
		    (type = get_string(hub, "type")) == NULL)
			continue;
		if (strcasecmp(type, "WebSub") == 0 && f->fd_hub == NULL)
			f->fd_hub = get_url(hub, "url", base);
		free(type);
	}
}

int
jsonfeed_parse(const char *data, size_t len,
    const struct feed_parse_opts *opts, struct feed *f, char *err,
    size_t errlen)
{
	const json_t *items, *item;
	json_error_t je;
	json_t *root;
	char *version;
	const char *base;
	size_t i;

	if (len > JSONFEED_MAX_BYTES) {
		snprintf(err, errlen, "JSON Feed too large (%zu bytes, at most "
		    "%zu)", len, JSONFEED_MAX_BYTES);
		return -1;
	}
	/* NUL characters are allowed through, then dropped, not cut at. */
	if ((root = json_loadb(data, len, JSON_ALLOW_NUL, &je)) == NULL) {
		snprintf(err, errlen, "JSON error at line %d: %s", je.line,
		    je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "not a JSON Feed: not an object");
		goto fail;
	}
	version = get_string(root, "version");
	if (!is_jsonfeed_version(version)) {
		snprintf(err, errlen, "not a JSON Feed: %s%.80s%s",
		    version ? "version '" : "no version",
		    version ? version : "", version ? "'" : "");
		free(version);
		goto fail;
	}
	free(version);
	jsonfeed_head(root, f, opts->base_url);
	/* Relative item URLs: the document's URL, else the one it claims. */
	base = opts->base_url ? opts->base_url : f->fd_self;
	items = json_object_get(root, "items");
	if (items != NULL && !json_is_array(items)) {
		snprintf(err, errlen, "JSON Feed: items is not an array");
		goto fail;
	}
	json_array_foreach(items, i, item) {
		if (feed_is_full(f, opts))
			break;
		jsonfeed_item(item, i, f, base);
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	return -1;
}
