/*
 * charset_private.h — what charset.c (decoding) and charset_names.c (the
 * charsets tsunagu reads and the labels that name them) share.
 */
#ifndef TSUNAGU_CHARSET_PRIVATE_H
#define TSUNAGU_CHARSET_PRIVATE_H

#include <stddef.h>

struct charset {
	const char	*cs_name;	/* reported (fd_charset) */
	const char	*cs_iconv;	/* what iconv reads it as */
	int		 cs_iso2022jp;	/* to EUC-JP first, then cs_iconv */
	unsigned int	 cs_unit;	/* bytes skipped at an invalid one */
	int		 cs_ascii;	/* ASCII bytes are ASCII characters */
	int		 cs_multibyte;	/* a CJK multibyte charset */
};

enum {
	CS_UTF_8, CS_UTF_16LE, CS_UTF_16BE, CS_UTF_16, CS_UTF_32LE,
	CS_UTF_32BE, CS_UTF_32, CS_CP932, CS_EUC_JP, CS_ISO_2022_JP,
	CS_US_ASCII, CS_ISO_8859_1, CS_WINDOWS_1252, CS_ISO_8859_2,
	CS_ISO_8859_15, CS_WINDOWS_1250, CS_WINDOWS_1251, CS_KOI8_R,
	CS_GB18030, CS_BIG5, CS_EUC_KR,
};

/* Indexed by the CS_ constants. */
extern const struct charset charset_table[];

/* The charset a label names (case, '-', '_' do not matter), or NULL. */
const struct charset	*charset_find(const char *label, size_t len);
/*
 * The charset the document names for itself: the encoding of an XML
 * declaration at its start, else the charset of an HTML <meta>, or NULL.
 * Only meaningful for ASCII-compatible bytes.
 */
const struct charset	*charset_declared(const char *data, size_t len);

#endif
