/*
 * ini.h — a small INI reader with line numbers and no line-length limit
 * (Debian's inih has a 200-byte limit and no line numbers; long URLs are
 * real).
 *
 *   [section]  or  [section NAME]
 *   key = value        ; comment      # comment
 *   key = "value with ; or # inside"
 *
 * A comment starts a line or follows whitespace.  The handler sees every
 * section header (key NULL) and every key; a non-zero return stops the
 * parse.  Syntax errors and handler errors are reported through `report`
 * as "file:line: message".
 */
#ifndef TSUNAGU_INI_H
#define TSUNAGU_INI_H

#include <stddef.h>

#define INI_MAX_SIZE	(16 * 1024 * 1024)

struct ini_item {
	const char	*ii_file;
	int		 ii_line;
	const char	*ii_section;	/* "daemon", "source", ... */
	const char	*ii_name;	/* the section's name, NULL if none */
	const char	*ii_key;	/* NULL for the section header itself */
	const char	*ii_value;
};

/* Returns 0 or -1; writes the error message (without file:line) to err. */
typedef int (*ini_handler)(const struct ini_item *, void *arg, char *err,
    size_t errlen);
typedef void (*ini_report)(const char *message, void *arg);

/* 0 when everything parsed, -1 after reporting every error found. */
int	ini_parse(const char *data, size_t len, const char *file,
	    ini_handler, ini_report, void *arg);

#endif
