/*
 * link_header.h — the HTTP Link header (RFC 8288, section 3).
 *
 * A field value is a comma-separated list of link-values:
 *
 *	<URI-Reference> *( OWS ";" OWS token [ BWS "=" BWS
 *	    ( token / quoted-string ) ] )
 *
 * Commas inside <...> and inside quoted strings do not separate links;
 * several Link header lines are one list joined with ", " (RFC 9110,
 * 5.3).  A link's relation types are the space-separated words of its
 * first "rel" parameter (a later one is ignored, section 3.3), compared
 * without regard to case; "rel*" and other parameters are skipped.  A
 * link-value that does not parse is skipped up to the next comma outside
 * quotes and brackets, so one bad link never hides the good ones.
 */
#ifndef TSUNAGU_LINK_HEADER_H
#define TSUNAGU_LINK_HEADER_H

#include <stddef.h>

/* Field values longer than this are not looked at (FETCH_HEADERS_MAX). */
#define LINK_HEADER_MAX		(256 * 1024)

/*
 * The target of the first link in value whose relation types include rel,
 * resolved against base (url.h; http(s) only): a new string (free()), or
 * NULL when there is none, or it does not resolve to an http(s) URL.
 */
char	*link_header_find(const char *value, const char *rel,
	    const char *base);

#endif
