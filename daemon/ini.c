/* ini.c — the INI reader of tsunagu.conf. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../feeds/xmalloc.h"
#include "ini.h"

struct ini_state {
	const char	*is_file;
	int		 is_line;
	char		*is_section;
	char		*is_name;
	int		 is_errors;
	ini_handler	 is_handler;
	ini_report	 is_report;
	void		*is_arg;
};

static void
ini_error(struct ini_state *st, const char *msg)
{
	char *line;

	xasprintf(&line, "%s:%d: %s", st->is_file, st->is_line, msg);
	st->is_report(line, st->is_arg);
	free(line);
	st->is_errors++;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
valid_word(const char *s, int allow_upper)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		unsigned char c = *s;

		if (islower(c) || isdigit(c) || c == '_' || c == '-' ||
		    c == '.' || (allow_upper && isupper(c)))
			continue;
		return 0;
	}
	return 1;
}

static void
ini_section(struct ini_state *st, char *p)
{
	char *close = strchr(p, ']'), *name, *rest;
	struct ini_item item;
	char err[256] = "";

	free(st->is_section);
	free(st->is_name);
	st->is_section = st->is_name = NULL;
	if (close == NULL) {
		ini_error(st, "section header without ']'");
		return;
	}
	rest = trim(close + 1);
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		ini_error(st, "text after section header");
		return;
	}
	*close = '\0';
	p = trim(p + 1);
	name = strpbrk(p, " \t");
	if (name) {
		*name++ = '\0';
		name = trim(name);
		if (*name == '"' && strlen(name) >= 2 &&
		    name[strlen(name) - 1] == '"') {
			name[strlen(name) - 1] = '\0';
			name++;
		}
	}
	if (!valid_word(p, 0)) {
		ini_error(st, "bad section header");
		return;
	}
	if (name && (!valid_word(name, 1) || strlen(name) > 64)) {
		ini_error(st, "bad section name: use letters, digits, "
		    "'-', '_' or '.' (at most 64)");
		return;
	}
	st->is_section = xstrdup(p);
	st->is_name = xstrdup_opt(name);
	item = (struct ini_item){ st->is_file, st->is_line, st->is_section,
	    st->is_name, NULL, NULL };
	if (st->is_handler(&item, st->is_arg, err, sizeof(err)) == -1) {
		ini_error(st, err);
		/* Keys of a rejected section would only add noise. */
		free(st->is_section);
		st->is_section = NULL;
	}
}

/* Cuts the value at an unquoted comment; unquotes "..." values. */
static int
ini_value(char *v, const char **out)
{
	char *r, *w;

	if (*v != '"') {
		for (r = v; *r; r++)
			if ((*r == ';' || *r == '#') &&
			    (r == v || r[-1] == ' ' || r[-1] == '\t')) {
				*r = '\0';
				break;
			}
		*out = trim(v);
		return 0;
	}
	for (r = w = v + 1; *r && *r != '"'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (*r != '"')
		return -1;
	r = trim(r + 1);
	if (*r != '\0' && *r != ';' && *r != '#')
		return -1;
	*w = '\0';
	*out = v + 1;
	return 0;
}

static void
ini_key(struct ini_state *st, char *p, int in_rejected)
{
	char *eq = strchr(p, '='), *key, err[512] = "";
	const char *value;
	struct ini_item item;

	if (eq == NULL) {
		ini_error(st, "expected 'key = value'");
		return;
	}
	*eq = '\0';
	key = trim(p);
	if (!valid_word(key, 0)) {
		ini_error(st, "bad key name");
		return;
	}
	if (ini_value(trim(eq + 1), &value) == -1) {
		ini_error(st, "unterminated quoted value");
		return;
	}
	if (in_rejected)
		return;
	if (st->is_section == NULL) {
		ini_error(st, "key outside of a section");
		return;
	}
	item = (struct ini_item){ st->is_file, st->is_line, st->is_section,
	    st->is_name, key, value };
	if (st->is_handler(&item, st->is_arg, err, sizeof(err)) == -1)
		ini_error(st, err);
}

int
ini_parse(const char *data, size_t len, const char *file,
    ini_handler handler, ini_report report, void *arg)
{
	struct ini_state st = { file, 0, NULL, NULL, 0, handler, report, arg };
	const char *p = data, *end = data + len, *nl;
	int rejected = 0;
	char *line, *s;

	/* A UTF-8 BOM from a Windows editor is not part of the first key. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		st.is_line++;
		if (memchr(p, '\0', nl - p) != NULL) {
			ini_error(&st, "NUL byte in line");
			p = nl + 1;
			continue;
		}
		line = xstrndup(p, nl - p);
		p = nl + 1;
		s = trim(line);
		if (*s == '\0' || *s == ';' || *s == '#') {
			free(line);
			continue;
		}
		if (*s == '[') {
			ini_section(&st, s);
			rejected = st.is_section == NULL;
		} else
			ini_key(&st, s, rejected);
		free(line);
	}
	free(st.is_section);
	free(st.is_name);
	return st.is_errors ? -1 : 0;
}
