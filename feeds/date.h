/*
 * date.h — timestamps as the feeds write them.  All parse functions return
 * 0 and store unix seconds (UTC) in *out, or -1 when the text is not a
 * date of that form.  A date without a zone is taken as Japan time (+09:00).
 */
#ifndef TSUNAGU_DATE_H
#define TSUNAGU_DATE_H

#include <stdint.h>

#define DATE_JST_OFFSET	(9 * 60)	/* minutes east of UTC */

/*
 * RFC 822/2822: optional weekday, 2-digit years (RFC 2822 4.3), missing
 * seconds, named zones (GMT, UT, EST ... PDT, JST) or +HHMM / +HH:MM, an
 * optional trailing "(comment)".
 */
int	date_parse_rfc822(const char *, int64_t *out);
/*
 * RFC 3339, also read loosely as written in the wild: 't' or ' ' for 'T',
 * missing seconds, +HHMM, no offset at all (JST).  Fractions are dropped.
 */
int	date_parse_rfc3339(const char *, int64_t *out);
/* RFC 3339, RFC 822, YYYY-MM-DD, YYYY/MM/DD: whatever parses first. */
int	date_parse_any(const char *, int64_t *out);
/*
 * The instant of a date and time at offset minutes east of UTC, checked
 * as date_parse_rfc3339() checks what it reads: 0, or -1 out of range.
 */
int	date_from_civil(int year, int mon, int day, int hour, int min,
	    int sec, int offset, int64_t *out);

/* "2026-03-01T10:00:00+09:00" for offset 540; buf needs 32 bytes. */
void	date_format_rfc3339(int64_t t, int offset_minutes, char buf[32]);
/* "Sun, 01 Mar 2026 01:00:00 GMT" (HTTP dates, RSS); buf needs 32 bytes. */
void	date_format_http(int64_t t, char buf[32]);

#endif
