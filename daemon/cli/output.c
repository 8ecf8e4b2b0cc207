/*
 * output.c — what people read: tables sized to their content (Japanese
 * text takes two cells per character), objects as "key: value" lines; and
 * the small helpers commands share (options, usage, JSON files).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

#define CLI_MAX_FILE	(16 * 1024 * 1024)

/* --- display width --------------------------------------------------- */

/* Decodes one UTF-8 character; its length, at least 1. */
static size_t
utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
		*cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
		return 2;
	}
	if ((u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80) {
		*cp = (uint32_t)(u[0] & 0x0f) << 12 |
		    (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		return 3;
	}
	if ((u[0] & 0xf8) == 0xf0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80 && (u[3] & 0xc0) == 0x80) {
		*cp = (uint32_t)(u[0] & 0x07) << 18 |
		    (uint32_t)(u[1] & 0x3f) << 12 |
		    (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/* East Asian Wide and Fullwidth: the ranges Japanese text lives in. */
static int
cp_width(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};
	size_t i;

	if (cp < 0x20 || cp == 0x7f)
		return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

static size_t
text_width(const char *s)
{
	size_t w = 0;
	uint32_t cp;

	while (*s) {
		s += utf8_next(s, &cp);
		w += cp_width(cp);
	}
	return w;
}

/* s in at most max cells, cut with "…"; controls become spaces. */
static char *
fit(const char *s, size_t max)
{
	struct buf out;
	size_t w = 0, n, full = text_width(s);
	uint32_t cp;

	buf_init(&out, strlen(s) + 8);
	while (*s) {
		n = utf8_next(s, &cp);
		if (full > max && w + cp_width(cp) + 1 > max) {
			buf_puts(&out, "…");
			break;
		}
		if (cp < 0x20)
			buf_puts(&out, " ");
		else
			buf_append(&out, s, n);
		w += cp_width(cp);
		s += n;
	}
	return buf_release(&out, NULL);
}

/* --- values ------------------------------------------------------------ */

const char *
cli_str(const json_t *obj, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v) || json_is_object(v)) {
		char *text = json_dumps(v, JSON_COMPACT);

		snprintf(buf, len, "%s", text ? text : "?");
		free(text);
	} else
		return "-";
	return buf;
}

void
cli_print_json(const json_t *doc)
{
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
}

static void
print_members(const json_t *obj, int depth)
{
	const char *key;
	json_t *v, *item;
	char buf[256];
	size_t i;

	json_object_foreach((json_t *)obj, key, v) {
		if (json_is_object(v)) {
			printf("%*s%s:\n", depth * 2, "", key);
			print_members(v, depth + 1);
		} else if (json_is_array(v) && json_array_size(v) > 0 &&
		    (json_is_object(json_array_get(v, 0)) ||
		    json_is_string(json_array_get(v, 0)))) {
			printf("%*s%s:\n", depth * 2, "", key);
			json_array_foreach(v, i, item) {
				if (json_is_object(item)) {
					printf("%*s-\n", depth * 2 + 2, "");
					print_members(item, depth + 2);
				} else
					printf("%*s- %s\n", depth * 2 + 2, "",
					    json_string_value(item));
			}
		} else
			printf("%*s%s: %s\n", depth * 2, "", key,
			    cli_str(obj, key, buf, sizeof(buf)));
	}
}

void
cli_print_object(const json_t *obj)
{
	print_members(obj, 0);
}

void
cli_print_table(const json_t *rows, const struct cli_column *cols)
{
	size_t ncols, nrows = json_array_size(rows), r, c, w, *width;
	char buf[256], ***cells;

	for (ncols = 0; cols[ncols].col_title; ncols++)
		;
	width = calloc(ncols, sizeof(*width));
	cells = calloc(nrows + 1, sizeof(*cells));
	if (width == NULL || cells == NULL) {
		free(width);
		free(cells);
		return;
	}
	for (r = 0; r <= nrows; r++) {
		cells[r] = calloc(ncols, sizeof(**cells));
		for (c = 0; cells[r] && c < ncols; c++) {
			const char *v = r == 0 ? cols[c].col_title :
			    cli_str(json_array_get(rows, r - 1),
			    cols[c].col_key, buf, sizeof(buf));

			cells[r][c] = fit(v, cols[c].col_max ?
			    cols[c].col_max : 1000);
			if ((w = text_width(cells[r][c])) > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r <= nrows; r++) {
		for (c = 0; cells[r] && c < ncols; c++) {
			fputs(cells[r][c], stdout);
			/* The last column is not padded: no trailing blanks. */
			if (c + 1 < ncols)
				printf("%*s", (int)(width[c] -
				    text_width(cells[r][c]) + 2), "");
			free(cells[r][c]);
		}
		putchar('\n');
		free(cells[r]);
	}
	free(cells);
	free(width);
}

/* --- arguments and files ----------------------------------------------- */

int
cli_usage(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("tsunagu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: tsunagu %s%s%s\n", cmd->cc_name,
	    cmd->cc_usage[0] ? " " : "", cmd->cc_usage);
	return CLI_USAGE;
}

int
cli_parse(const struct cli_command *cmd, int argc, char **argv,
    struct cli_opt *opts, char **pos, int npos_min, int npos_max, int *npos)
{
	struct cli_opt *o;
	const char *name, *eq;
	size_t len;
	int i, only_args = 0;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		/* After "--" everything is an argument, even "--x". */
		if (!only_args && strcmp(argv[i], "--") == 0) {
			only_args = 1;
			continue;
		}
		if (only_args || strncmp(argv[i], "--", 2) != 0) {
			if (*npos == npos_max)
				return cli_usage(cmd, "too many arguments");
			pos[(*npos)++] = argv[i];
			continue;
		}
		name = argv[i] + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		for (o = opts; o && o->co_name; o++)
			if (strlen(o->co_name) == len &&
			    strncmp(o->co_name, name, len) == 0)
				break;
		if (o == NULL || o->co_name == NULL)
			return cli_usage(cmd, "unknown option --%.*s",
			    (int)len, name);
		if (o->co_flag) {
			if (eq)
				return cli_usage(cmd, "--%s takes no value",
				    o->co_name);
			o->co_value = "1";
		} else if (eq)
			o->co_value = eq + 1;
		else if (i + 1 < argc)
			o->co_value = argv[++i];
		else
			return cli_usage(cmd, "--%s needs a value",
			    o->co_name);
	}
	if (*npos < npos_min)
		return cli_usage(cmd, "missing arguments");
	return CLI_OK;
}

json_t *
cli_read_json_file(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf data;
	char chunk[8192];
	json_error_t jerr;
	json_t *doc = NULL;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "tsunagu: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&data, CLI_MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&data, chunk, n) == -1) {
			fprintf(stderr, "tsunagu: %s: larger than 16 MiB\n",
			    path);
			goto done;
		}
	if (ferror(f)) {
		fprintf(stderr, "tsunagu: %s: %s\n", path, strerror(errno));
		goto done;
	}
	doc = json_loadb(data.data ? data.data : "", data.len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		fprintf(stderr, "tsunagu: %s:%d:%d: not JSON: %s\n", path,
		    jerr.line, jerr.column, jerr.text);
 done:
	if (f != stdin)
		fclose(f);
	buf_free(&data);
	return doc;
}
