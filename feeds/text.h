/*
 * text.h — small text helpers shared by the parsers and the writers.
 *
 * Every function returns a new string the caller frees with free(); none
 * returns NULL for a non-NULL argument.
 */
#ifndef TSUNAGU_TEXT_H
#define TSUNAGU_TEXT_H

#include <stddef.h>

/*
 * Valid UTF-8 that XML 1.0 and JSON both accept: invalid sequences
 * (stray bytes, overlongs, surrogates, beyond U+10FFFF) become U+FFFD;
 * C0 controls other than TAB, LF and CR, and U+FFFE/U+FFFF are dropped.
 */
char	*text_sanitize_utf8(const char *);
/* The same over len bytes, which may hold NUL (dropped as a control). */
char	*text_sanitize_utf8_len(const char *, size_t len);

/* 1 when the len bytes are valid UTF-8 (NUL bytes allowed), else 0. */
int	 text_is_utf8(const char *, size_t len);

/* Leading and trailing ASCII whitespace removed. */
char	*text_trim(const char *);

/* Plain text as HTML: & < > " ' escaped, newlines kept. */
char	*text_html_escape(const char *);

/*
 * HTML to plain text, roughly: tags removed, the common entities and
 * numeric references decoded, runs of whitespace collapsed to one space.
 * For titles and summaries; not a sanitizer.
 */
char	*text_strip_tags(const char *);

#endif
