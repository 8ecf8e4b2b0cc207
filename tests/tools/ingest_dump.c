/*
 * ingest_dump.c — runs documents through tsunagu's ingest (feed_parse(),
 * then normalize_posting() as the poller does, sanitizer included) and
 * prints what came out, one JSON object per line, for the feedparser
 * corpus test and for people looking at a source by hand.
 *
 *   ingest_dump [-t CONTENT-TYPE] [-e ENCODING] [-b URL] FILE...
 *   ingest_dump -        read "FILE<TAB>CONTENT-TYPE<TAB>URL" lines
 *
 * The Content-Type stands for the HTTP header (its charset= is used);
 * ENCODING is a source's `encoding` override; URL is the one the document
 * was fetched from (relative links resolve against it).  Each line holds:
 * file, ok, error, format, charset, replaced, issues, feed {title, link,
 * self, hub, next}, entries [{title, link, guid, summary, content_html,
 * published, modified (unix seconds or null), categories, organizer}] as
 * parsed, and "published": [{title, summary, content_html}], the same
 * entries as normalize_posting() leaves them.  Strings that are not valid UTF-8 (a
 * bug) are listed in "invalid_utf8" instead.  Exit status 0 unless a file
 * cannot be read or an argument is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "charset.h"
#include "feed.h"
#include "normalize.h"

#define DUMP_MAX_FILE	((size_t)64 << 20)

struct dump {
	json_t	*d_bad;		/* fields that were not valid UTF-8 */
};

static void
put_str(struct dump *d, json_t *obj, const char *key, const char *v,
    const char *where)
{
	json_t *s;
	char path[128];

	if (v == NULL) {
		json_object_set_new(obj, key, json_null());
		return;
	}
	if ((s = json_string(v)) == NULL) {
		snprintf(path, sizeof(path), "%s%s", where, key);
		json_array_append_new(d->d_bad, json_string(path));
		s = json_null();
	}
	json_object_set_new(obj, key, s);
}

static json_t *
time_or_null(int64_t t)
{
	return t == 0 ? json_null() : json_integer(t);
}

static json_t *
dump_entry(struct dump *d, const struct posting *p, size_t i)
{
	json_t *e = json_object(), *cats = json_array(), *s;
	char where[32];
	size_t k;

	snprintf(where, sizeof(where), "entries[%zu].", i);
	put_str(d, e, "title", p->pst_title, where);
	put_str(d, e, "link", p->pst_link, where);
	put_str(d, e, "guid", p->pst_guid, where);
	put_str(d, e, "summary", p->pst_summary, where);
	put_str(d, e, "content_html", p->pst_content_html, where);
	put_str(d, e, "organizer", p->pst_organizer_name, where);
	json_object_set_new(e, "published", time_or_null(p->pst_published));
	json_object_set_new(e, "modified", time_or_null(p->pst_modified));
	for (k = 0; k < p->pst_ncategories; k++) {
		if ((s = json_string(p->pst_categories[k])) == NULL) {
			json_array_append_new(d->d_bad,
			    json_string("categories"));
			continue;
		}
		json_array_append_new(cats, s);
	}
	json_object_set_new(e, "categories", cats);
	return e;
}

/* The entries as the poller stores and publishes them. */
static json_t *
dump_published(struct dump *d, const struct feed *f, const char *base)
{
	const struct normalize_ctx ctx = { .nc_base_url = base };
	json_t *entries = json_array(), *e;
	struct posting *p;
	char where[48];
	size_t i;

	for (i = 0; i < f->fd_entries.pl_len; i++) {
		p = posting_clone(f->fd_entries.pl_items[i]);
		normalize_posting(p, &ctx);
		e = json_object();
		snprintf(where, sizeof(where), "published[%zu].", i);
		put_str(d, e, "title", p->pst_title, where);
		put_str(d, e, "summary", p->pst_summary, where);
		put_str(d, e, "content_html", p->pst_content_html, where);
		json_array_append_new(entries, e);
		posting_free(p);
	}
	return entries;
}

static char *
read_file(const char *path, size_t *lenp)
{
	FILE *fp;
	char *data;
	size_t len = 0, n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	data = malloc(DUMP_MAX_FILE + 1);
	if (data == NULL) {
		fclose(fp);
		return NULL;
	}
	while (len < DUMP_MAX_FILE &&
	    (n = fread(data + len, 1, DUMP_MAX_FILE - len, fp)) > 0)
		len += n;
	fclose(fp);
	*lenp = len;
	return data;
}

static int
dump_file(const char *path, const char *content_type, const char *encoding,
    const char *base)
{
	struct feed_parse_opts opts = {
		.encoding = encoding,
		.base_url = base,
	};
	struct dump d = { .d_bad = json_array() };
	struct feed *f = NULL;
	json_t *line, *obj, *entries, *issues;
	char err[512], cset[64], *data, *text;
	size_t len, i;

	if ((data = read_file(path, &len)) == NULL) {
		fprintf(stderr, "ingest_dump: %s: %s\n", path, strerror(errno));
		json_decref(d.d_bad);
		return -1;
	}
	opts.http_charset = charset_from_content_type(content_type, cset,
	    sizeof(cset));
	line = json_object();
	json_object_set_new(line, "file", json_string(path));
	if (feed_parse(data, len, FEED_FORMAT_AUTO, &opts, &f, err,
	    sizeof(err)) == -1) {
		json_object_set_new(line, "ok", json_false());
		put_str(&d, line, "error", err, "");
		goto out;
	}
	json_object_set_new(line, "ok", json_true());
	json_object_set_new(line, "format",
	    json_string(feed_format_name(f->fd_format)));
	put_str(&d, line, "charset", f->fd_charset, "");
	json_object_set_new(line, "replaced", json_integer(f->fd_replaced));
	issues = json_array();
	for (i = 0; i < f->fd_nissues; i++)
		json_array_append_new(issues,
		    json_string(f->fd_issues[i].fi_reason));
	json_object_set_new(line, "issues", issues);
	obj = json_object();
	put_str(&d, obj, "title", f->fd_title, "feed.");
	put_str(&d, obj, "link", f->fd_link, "feed.");
	put_str(&d, obj, "self", f->fd_self, "feed.");
	put_str(&d, obj, "hub", f->fd_hub, "feed.");
	put_str(&d, obj, "next", f->fd_next, "feed.");
	json_object_set_new(line, "feed", obj);
	entries = json_array();
	for (i = 0; i < f->fd_entries.pl_len; i++)
		json_array_append_new(entries,
		    dump_entry(&d, f->fd_entries.pl_items[i], i));
	json_object_set_new(line, "entries", entries);
	json_object_set_new(line, "published", dump_published(&d, f, base));
out:
	json_object_set_new(line, "invalid_utf8", d.d_bad);
	text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text != NULL)
		printf("%s\n", text);
	fflush(stdout);
	free(text);
	json_decref(line);
	feed_free(f);
	free(data);
	return 0;
}

/* "FILE<TAB>CONTENT-TYPE<TAB>URL" lines on stdin (either may be empty). */
static int
dump_stdin(const char *encoding)
{
	char *line = NULL, *type, *url;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		type = url = NULL;
		if ((type = strchr(line, '\t')) != NULL) {
			*type++ = '\0';
			if ((url = strchr(type, '\t')) != NULL)
				*url++ = '\0';
		}
		if (dump_file(line, type && *type ? type : NULL, encoding,
		    url && *url ? url : NULL) == -1)
			rc = 1;
	}
	free(line);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ingest_dump [-t content-type] "
	    "[-e encoding] [-b url] file... | -\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *content_type = NULL, *encoding = NULL, *base = NULL;
	int i, rc = 0;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0';
	    i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			content_type = argv[++i];
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			encoding = argv[++i];
		else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
			base = argv[++i];
		else
			usage();
	}
	if (i == argc)
		usage();
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			rc |= dump_stdin(encoding);
		else if (dump_file(argv[i], content_type, encoding, base) == -1)
			rc = 1;
	}
	return rc;
}
