/*
 * sanitize.h — HTML from sources made safe to republish (issue 3).
 *
 * The fragment is parsed with libxml2's HTML parser (no network, errors
 * recovered) and written out again with only allowlisted elements and
 * attributes: scripts, styles, frames, objects, forms and every event
 * handler are gone, and links (href, src, cite) are resolved against base
 * and kept only when they are http, https or — for <a> — mailto URLs.
 * Other elements are unwrapped (their text stays); script, style, iframe,
 * object and their kind are dropped with everything inside them.
 *
 * sanitize_html(sanitize_html(x)) == sanitize_html(x) for every x: the
 * output is re-parsed until it reads back as itself.
 */
#ifndef TSUNAGU_SANITIZE_H
#define TSUNAGU_SANITIZE_H

#include <stddef.h>

/*
 * A new string (free()); NULL only for NULL.  base may be NULL: relative
 * links are then dropped, since they cannot be resolved.
 */
char	*sanitize_html(const char *html, const char *base);

/*
 * The plain text of an HTML fragment: what a reader sees, with the text of
 * dropped elements left out, entities decoded and whitespace folded to
 * single spaces.  With max_chars > 0, at most that many characters: a
 * longer text is cut at a character boundary and ends in "…".  NULL only
 * for NULL.
 */
char	*sanitize_text(const char *html, size_t max_chars);

/*
 * The same text, uncut, with one newline where a block element (p, div,
 * li, br, td ...) begins or ends: for finding what a line says.
 */
char	*sanitize_lines(const char *html);

/*
 * sanitize_html(), and in *lines (a new string) the sanitize_lines() of
 * what it returns, from the same parse.  *lines is NULL for NULL html.
 */
char	*sanitize_html_lines(const char *html, const char *base,
	    char **lines);

/*
 * The sanitize_text() of the HTML whose sanitize_lines() is lines,
 * without parsing it again.  NULL only for NULL.
 */
char	*sanitize_lines_text(const char *lines, size_t max_chars);

#endif
