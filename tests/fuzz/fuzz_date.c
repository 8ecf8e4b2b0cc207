/* fuzz_date.c — RFC 822 / RFC 3339 dates and Japanese date text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "jdate.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), buf[32];
	struct jdate jd;
	struct jdate_span span;
	int64_t t;
	int h, m;

	memcpy(text, data, size);
	text[size] = '\0';
	if (date_parse_any(text, &t) == 0)
		date_format_rfc3339(t, DATE_JST_OFFSET, buf);
	if (jdate_parse(text, &jd) == 0)
		jdate_format(&jd, buf);
	jdate_parse_time(text, &h, &m);
	if (jdate_find_span(text, &span) == 0) {
		jdate_format(&span.js_start, buf);
		if (span.js_has_end)
			jdate_format(&span.js_end, buf);
	}
	free(text);
	return 0;
}
