/*
 * html_entities.h — HTML 4.01's named character references (&nbsp;,
 * &eacute;, &hellip; ...), for documents that use them as if XML knew them.
 */
#ifndef TSUNAGU_HTML_ENTITIES_H
#define TSUNAGU_HTML_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#define HTML_ENTITY_NAME_MAX	8	/* "thetasym" */

/* The code point of the len-byte name (case matters), or 0. */
uint32_t	html_entity_lookup(const char *name, size_t len);

#endif
