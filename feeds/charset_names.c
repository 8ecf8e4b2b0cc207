/*
 * charset_names.c — the charsets tsunagu decodes, the labels that name
 * them (WHATWG's and IANA's, and what Japanese CMSs write), and where a
 * document's label is found: Content-Type, XML declaration, HTML <meta>.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "charset_private.h"

#define LABEL_MAX	40	/* longest label we bother to look up */
#define PROLOG_SCAN	1024	/* bytes searched for <?xml encoding= */
#define META_SCAN	4096	/* bytes searched for <meta charset= */

const struct charset charset_table[] = {
	[CS_UTF_8] = {
		.cs_name = "UTF-8", .cs_iconv = "UTF-8",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_UTF_16LE] = {
		.cs_name = "UTF-16LE", .cs_iconv = "UTF-16LE",
		.cs_unit = 2,
	},
	[CS_UTF_16BE] = {
		.cs_name = "UTF-16BE", .cs_iconv = "UTF-16BE",
		.cs_unit = 2,
	},
	[CS_UTF_16] = {
		.cs_name = "UTF-16", .cs_iconv = "UTF-16",
		.cs_unit = 2,
	},
	[CS_UTF_32LE] = {
		.cs_name = "UTF-32LE", .cs_iconv = "UTF-32LE",
		.cs_unit = 4,
	},
	[CS_UTF_32BE] = {
		.cs_name = "UTF-32BE", .cs_iconv = "UTF-32BE",
		.cs_unit = 4,
	},
	[CS_UTF_32] = {
		.cs_name = "UTF-32", .cs_iconv = "UTF-32",
		.cs_unit = 4,
	},
	/* Shift_JIS as Windows writes it: ① and ㈱ included. */
	[CS_CP932] = {
		.cs_name = "CP932", .cs_iconv = "CP932",
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
	/* The same for EUC-JP: NEC row 13, IBM extensions, ～ as U+FF5E. */
	[CS_EUC_JP] = {
		.cs_name = "EUC-JP", .cs_iconv = "EUC-JP-MS",
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
	[CS_ISO_2022_JP] = {
		.cs_name = "ISO-2022-JP", .cs_iconv = "EUC-JP-MS",
		.cs_iso2022jp = 1,
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
	/* Browsers read both as windows-1252: so do the documents' authors. */
	[CS_US_ASCII] = {
		.cs_name = "US-ASCII", .cs_iconv = "WINDOWS-1252",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_ISO_8859_1] = {
		.cs_name = "ISO-8859-1", .cs_iconv = "WINDOWS-1252",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_WINDOWS_1252] = {
		.cs_name = "WINDOWS-1252", .cs_iconv = "WINDOWS-1252",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_ISO_8859_2] = {
		.cs_name = "ISO-8859-2", .cs_iconv = "ISO-8859-2",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_ISO_8859_15] = {
		.cs_name = "ISO-8859-15", .cs_iconv = "ISO-8859-15",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_WINDOWS_1250] = {
		.cs_name = "WINDOWS-1250", .cs_iconv = "WINDOWS-1250",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_WINDOWS_1251] = {
		.cs_name = "WINDOWS-1251", .cs_iconv = "WINDOWS-1251",
		.cs_unit = 1, .cs_ascii = 1,
	},
	[CS_KOI8_R] = {
		.cs_name = "KOI8-R", .cs_iconv = "KOI8-R",
		.cs_unit = 1, .cs_ascii = 1,
	},
	/* Supersets, as browsers do: GBK and GB2312 text is GB18030 text. */
	[CS_GB18030] = {
		.cs_name = "GB18030", .cs_iconv = "GB18030",
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
	[CS_BIG5] = {
		.cs_name = "BIG5", .cs_iconv = "BIG5-HKSCS",
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
	[CS_EUC_KR] = {
		.cs_name = "EUC-KR", .cs_iconv = "CP949",
		.cs_unit = 1, .cs_ascii = 1, .cs_multibyte = 1,
	},
};

/* Labels, folded: lower case without '-', '_', '.', ' ' or ':'. */
static const struct {
	const char	*lb_label;
	int		 lb_charset;
} labels[] = {
	{ "utf8", CS_UTF_8 },
	{ "unicode11utf8", CS_UTF_8 },
	{ "xunicode20utf8", CS_UTF_8 },
	{ "utf16le", CS_UTF_16LE },
	{ "utf16be", CS_UTF_16BE },
	{ "utf16", CS_UTF_16 },
	{ "u16", CS_UTF_16 },
	{ "ucs2", CS_UTF_16 },
	{ "unicode", CS_UTF_16 },
	{ "iso10646ucs2", CS_UTF_16 },
	{ "utf32le", CS_UTF_32LE },
	{ "utf32be", CS_UTF_32BE },
	{ "utf32", CS_UTF_32 },
	{ "u32", CS_UTF_32 },
	{ "ucs4", CS_UTF_32 },
	{ "shiftjis", CS_CP932 },
	{ "sjis", CS_CP932 },
	{ "xsjis", CS_CP932 },
	{ "mskanji", CS_CP932 },
	{ "csshiftjis", CS_CP932 },
	{ "windows31j", CS_CP932 },
	{ "cswindows31j", CS_CP932 },
	{ "cp932", CS_CP932 },
	{ "ms932", CS_CP932 },
	{ "xmscp932", CS_CP932 },
	{ "ibm943", CS_CP932 },
	{ "sjisopen", CS_CP932 },
	{ "sjiswin", CS_CP932 },
	{ "eucjp", CS_EUC_JP },
	{ "xeucjp", CS_EUC_JP },
	{ "eucjpms", CS_EUC_JP },
	{ "cseucpkdfmtjapanese", CS_EUC_JP },
	{ "ujis", CS_EUC_JP },
	{ "iso2022jp", CS_ISO_2022_JP },
	{ "csiso2022jp", CS_ISO_2022_JP },
	{ "iso2022jp1", CS_ISO_2022_JP },
	{ "iso2022jp2", CS_ISO_2022_JP },
	{ "iso2022jp3", CS_ISO_2022_JP },
	{ "cp50220", CS_ISO_2022_JP },
	{ "cp50221", CS_ISO_2022_JP },
	{ "cp50222", CS_ISO_2022_JP },
	{ "jis", CS_ISO_2022_JP },
	{ "usascii", CS_US_ASCII },
	{ "ascii", CS_US_ASCII },
	{ "ansix341968", CS_US_ASCII },
	{ "iso646us", CS_US_ASCII },
	{ "csascii", CS_US_ASCII },
	{ "us", CS_US_ASCII },
	{ "iso88591", CS_ISO_8859_1 },
	{ "iso885911987", CS_ISO_8859_1 },
	{ "latin1", CS_ISO_8859_1 },
	{ "l1", CS_ISO_8859_1 },
	{ "isoir100", CS_ISO_8859_1 },
	{ "csisolatin1", CS_ISO_8859_1 },
	{ "cp819", CS_ISO_8859_1 },
	{ "ibm819", CS_ISO_8859_1 },
	{ "windows1252", CS_WINDOWS_1252 },
	{ "cp1252", CS_WINDOWS_1252 },
	{ "xcp1252", CS_WINDOWS_1252 },
	{ "iso88592", CS_ISO_8859_2 },
	{ "latin2", CS_ISO_8859_2 },
	{ "iso885915", CS_ISO_8859_15 },
	{ "latin9", CS_ISO_8859_15 },
	{ "windows1250", CS_WINDOWS_1250 },
	{ "cp1250", CS_WINDOWS_1250 },
	{ "windows1251", CS_WINDOWS_1251 },
	{ "cp1251", CS_WINDOWS_1251 },
	{ "koi8r", CS_KOI8_R },
	{ "koi8", CS_KOI8_R },
	{ "gb18030", CS_GB18030 },
	{ "gb2312", CS_GB18030 },
	{ "csgb2312", CS_GB18030 },
	{ "gbk", CS_GB18030 },
	{ "xgbk", CS_GB18030 },
	{ "cp936", CS_GB18030 },
	{ "euccn", CS_GB18030 },
	{ "chinese", CS_GB18030 },
	{ "big5", CS_BIG5 },
	{ "csbig5", CS_BIG5 },
	{ "xxbig5", CS_BIG5 },
	{ "cnbig5", CS_BIG5 },
	{ "big5hkscs", CS_BIG5 },
	{ "euckr", CS_EUC_KR },
	{ "cseuckr", CS_EUC_KR },
	{ "ksc56011987", CS_EUC_KR },
	{ "korean", CS_EUC_KR },
	{ "cp949", CS_EUC_KR },
	{ "uhc", CS_EUC_KR },
	{ "windows949", CS_EUC_KR },
};

/* The charset a label names, or NULL.  The label need not end in NUL. */
const struct charset *
charset_find(const char *label, size_t len)
{
	char folded[LABEL_MAX + 1];
	size_t i, o = 0;
	char c;

	for (i = 0; i < len; i++) {
		c = label[i];
		if (c == '-' || c == '_' || c == '.' || c == ' ' || c == ':' ||
		    c == '\t' || c == '"' || c == '\'')
			continue;
		if (o == LABEL_MAX)
			return NULL;
		folded[o++] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	folded[o] = '\0';
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(folded, labels[i].lb_label) == 0)
			return &charset_table[labels[i].lb_charset];
	return NULL;
}

const char *
charset_lookup(const char *label)
{
	const struct charset *cs;

	if (label == NULL || (cs = charset_find(label, strlen(label))) == NULL)
		return NULL;
	return cs->cs_name;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *
charset_from_content_type(const char *ct, char *buf, size_t buflen)
{
	const char *p, *name, *v;
	size_t namelen, n;
	char quote;

	if (ct == NULL || buflen == 0 || (p = strchr(ct, ';')) == NULL)
		return NULL;
	while (*p == ';') {
		p++;
		while (is_space(*p))
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && !is_space(*p))
			p++;
		namelen = p - name;
		while (is_space(*p))
			p++;
		if (*p != '=') {
			p += strcspn(p, ";");
			continue;
		}
		p++;
		while (is_space(*p))
			p++;
		quote = (*p == '"' || *p == '\'') ? *p++ : 0;
		v = p;
		while (*p != '\0' && (quote ? *p != quote :
		    (*p != ';' && !is_space(*p))))
			p++;
		n = p - v;
		p += strcspn(p, ";");
		if (namelen != 7 || strncasecmp(name, "charset", 7) != 0)
			continue;
		if (n == 0 || n >= buflen)
			return NULL;
		memcpy(buf, v, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

/* The value of name="..." within [p, end), or NULL; *len set. */
static const char *
find_attr(const char *p, const char *end, const char *name, size_t *len)
{
	size_t n = strlen(name);
	const char *v;
	char quote;

	for (; end - p > (ptrdiff_t)n; p++) {
		if (strncasecmp(p, name, n) != 0)
			continue;
		p += n;
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && is_space(*p))
			p++;
		quote = (p < end && (*p == '"' || *p == '\'')) ? *p++ : 0;
		v = p;
		while (p < end && (quote ? *p != quote : (*p != '>' &&
		    *p != '/' && *p != ';' && !is_space(*p))))
			p++;
		*len = p - v;
		return *len > 0 ? v : NULL;
	}
	return NULL;
}

const struct charset *
charset_declared(const char *data, size_t len)
{
	const char *p = data, *end, *v, *tag_end;
	size_t n;

	end = data + (len < PROLOG_SCAN ? len : PROLOG_SCAN);
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && is_space(*p))
		p++;
	if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0 &&
	    (tag_end = memmem(p, end - p, "?>", 2)) != NULL) {
		if ((v = find_attr(p + 5, tag_end, "encoding", &n)) != NULL)
			return charset_find(v, n);
		return NULL;
	}
	end = data + (len < META_SCAN ? len : META_SCAN);
	for (p = data; end - p > 5; p++) {
		if (strncasecmp(p, "<meta", 5) != 0)
			continue;
		if ((tag_end = memchr(p, '>', end - p)) == NULL)
			break;
		if ((v = find_attr(p + 5, tag_end, "charset", &n)) != NULL)
			return charset_find(v, n);
		p = tag_end;
	}
	return NULL;
}
