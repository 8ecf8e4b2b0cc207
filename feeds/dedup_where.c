/*
 * dedup_where.c — where an event happens, as keys (dedup_key.h): the
 * venue a title names in parentheses, and the town of an address.
 *
 * A city's open-data row often names no venue, only its address; a
 * re-posting source names the venue and no address; and two events of
 * one title at one hour are told apart by nothing else (ふれあいスポーツ
 * 成人バドミントン in the gyms of お花茶屋 and 西新小岩).  The address
 * gives its town (お花茶屋), which the venue's name often carries
 * (お花茶屋スポーツセンター), and a title may carry the venue itself
 * (親育ちサポート講座(赤羽児童館)).
 */
#include <stdlib.h>
#include <string.h>

#include "dedup_key.h"
#include "normalize.h"
#include "xmalloc.h"

/* What the name of a place ends with (after normalize_compare_key()). */
static const char *const facility_words[] = {
	"館", "センター", "ホール", "公園", "広場", "学校", "プラザ",
	"会議室", "役所", "役場", "庁舎", "スタジアム", "球場", "病院",
	"ひろば", "教会", "神社", "寺", "院", "運動場", "競技場", "球技場",
	"グラウンド", "スキー場", "キャンプ場",
	/* Not 会場 alone: "(武蔵野市会場)" names a town, not a venue. */
};

/* The offset of the character after the one at s + off (stops at the
 * terminating NUL whatever the bytes before it). */
static size_t
next_char(const char *s, size_t off)
{
	off++;
	while (((unsigned char)s[off] & 0xC0) == 0x80)
		off++;
	return off;
}

static int
ends_with(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(s + len - n, word, n) == 0;
}

static int
names_a_facility(const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i < sizeof(facility_words) / sizeof(facility_words[0]);
	    i++)
		if (ends_with(key, len, facility_words[i]))
			return 1;
	return 0;
}

char *
dedup_title_venue(const char *title)
{
	const char *open, *close, *p;
	char *inner, *key, *found = NULL;

	if (title == NULL)
		return NULL;
	/* The last parenthesized part that names a facility: "(全3回)",
	 * "(亀有・新小岩)" and "(会場とオンデマンド配信)" name none. */
	for (p = title; (open = strchr(p, '(')) != NULL; p = close + 1) {
		if ((close = strchr(open + 1, ')')) == NULL)
			break;
		inner = xstrndup(open + 1, (size_t)(close - open - 1));
		key = dedup_place_key(inner);
		free(inner);
		if (key != NULL && strlen(key) >= 6 && names_a_facility(key)) {
			free(found);
			found = key;
		} else
			free(key);
	}
	return found;
}

/*
 * The bytes up to and with a mark (of marks) among the first `within`
 * characters of s, from its character `from` on: the first mark found,
 * or with `last` the last one; 0 when there is none.
 */
static size_t
through_mark(const char *s, const char *const *marks, size_t nmarks,
    int from, int within, int last)
{
	size_t off = 0, end = 0, i, n;
	int chars;

	for (chars = 0; chars < within && s[off] != '\0'; chars++) {
		for (i = 0; chars >= from && i < nmarks; i++) {
			n = strlen(marks[i]);
			if (strncmp(s + off, marks[i], n) != 0)
				continue;
			if (!last)
				return off + n;
			end = off + n;
		}
		off = next_char(s, off);
	}
	return end;
}

static const char *const prefecture_marks[] = { "都", "道", "府", "県" };
static const char *const county_mark[] = { "郡" };
static const char *const municipality_marks[] = { "市", "区", "町", "村" };
static const char *const ward_mark[] = { "区" };

#define NMARKS(a)	(sizeof(a) / sizeof((a)[0]))

char *
dedup_address_key(const char *address)
{
	char *key, *out;
	const char *s;
	size_t n;

	if ((key = normalize_compare_key(address)) == NULL)
		return NULL;
	/* The prefecture (東京都, 神奈川県, 京都府): the last of 都道府県 in
	 * the first four characters. */
	s = key + through_mark(key, prefecture_marks, NMARKS(prefecture_marks),
	    0, 4, 1);
	/* A county (知多郡), then the municipality: up to its first 市, 区,
	 * 町 or 村 after its first character (市原市, 町田市), and the ward of
	 * a designated city (横浜市港北区). */
	s += through_mark(s, county_mark, NMARKS(county_mark), 1, 5, 0);
	if ((n = through_mark(s, municipality_marks,
	    NMARKS(municipality_marks), 1, 6, 0)) > 0) {
		s += n;
		if (strncmp(s - strlen("市"), "市", strlen("市")) == 0)
			s += through_mark(s, ward_mark, NMARKS(ward_mark), 1, 5,
			    0);
	}
	out = *s != '\0' ? xstrdup(s) : NULL;
	free(key);
	return out;
}

size_t
dedup_address_town(const char *key)
{
	size_t n = 0;

	if (key == NULL)
		return 0;
	while (key[n] != '\0' && !(key[n] >= '0' && key[n] <= '9'))
		n++;
	/* Two characters at least: "元" of 元1 tells nothing. */
	return n >= 6 ? n : 0;
}
