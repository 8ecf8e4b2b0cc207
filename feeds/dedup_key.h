/*
 * dedup_key.h — the keys that recognize a record of an event (issue 4):
 * canonical URLs, comparison keys of titles and places, the event's day
 * and time in Japan, and the content key a source's record falls back to
 * when its guids and links cannot tell its items apart.
 *
 * Everything here is pure: strings in, new strings out (free() them).
 */
#ifndef TSUNAGU_DEDUP_KEY_H
#define TSUNAGU_DEDUP_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "posting.h"

/*
 * The URL as one page has it whatever the link says: http and https are
 * one (written https), scheme and host lowercased, trailing dots of the
 * host, user info, the default ports 80 and 443 and the fragment dropped
 * (a "#!" or "#/" route of a single-page site is kept), dot segments
 * resolved, percent-escapes of unreserved characters decoded and the
 * others uppercased, an empty path made "/", a trailing slash and a last
 * segment index.html / index.htm / index.php dropped, and the query's
 * tracking parameters (utm_*, fbclid, gclid, ...) removed, the others
 * sorted.  NULL when url is not an absolute http(s) URL with a host.
 */
char	*dedup_canonical_url(const char *url);
/* 1 when a canonical URL names a whole site ("https://host/"): it tells
 * no event from another. */
int	 dedup_url_is_generic(const char *canonical);

/*
 * The comparison key of a title: normalize_compare_key() (NFKC, labels
 * such as 【募集】 and marks dropped, letters and digits only, case
 * folded), then the words sources wrap around the same event — a leading
 * 令和8年度 / 2026年度, a trailing 参加者募集, のお知らせ, について,
 * を開催します and the like — taken off.  What is left of a title that is
 * nothing but such words is its compare key.  NULL for NULL.
 */
char	*dedup_title_key(const char *title);
/* The comparison key of a place: normalize_compare_key(); NULL for NULL
 * or a place without letters. */
char	*dedup_place_key(const char *place);

/*
 * Where an event happens (dedup_where.c).  dedup_title_venue(): the place
 * key of the last parenthesized part of a title that names a facility
 * ("(赤羽児童館)", "(高洲児童センター)"; not "(全3回)" nor "(亀有・新小岩)"),
 * NULL when none does.  dedup_address_key(): normalize_compare_key() of
 * an address without its prefecture and municipality ("東京都葛飾区お花茶屋
 * 3-5-6": "お花茶屋356"), NULL for NULL or nothing left.
 * dedup_address_town(): the bytes of such a key's town, the letters
 * before its first digit ("お花茶屋"), 0 when shorter than two characters.
 */
char	*dedup_title_venue(const char *title);
char	*dedup_address_key(const char *address);
size_t	 dedup_address_town(const char *key);

/*
 * The key titles are compared on (dedup_keys_of()): dedup_title_key()
 * of the title without its gathering note ("(集合7:45)"), with the names
 * one kind of event goes by taken to one (クリーン作戦, クリーンアップ:
 * 清掃; 二十歳のつどい: 成人式) and a closing verb taken off (おもちゃ病院
 * 開院します).  The content key keeps dedup_title_key(): a source's
 * identities do not move when this does.  NULL for a NULL title.
 */
char	*dedup_compare_title(const char *title);

#define DEDUP_NO_DAY	INT32_MIN

/*
 * When an event happens, in Japan time.  dw_minute is the start's minute
 * of the day, -1 when the start is all day or unknown, and
 * DEDUP_GATHERING(m) when m is only when people gather or check in (the
 * start is up to DEDUP_GATHER_WINDOW minutes later).  The store keeps it
 * as it is.
 */
#define DEDUP_GATHERING(m)		(-2 - (m))
#define DEDUP_IS_GATHERING(v)		((v) <= -2)
#define DEDUP_GATHER_MINUTE(v)		(-2 - (v))
#define DEDUP_GATHER_WINDOW		60

struct dedup_when {
	int32_t	dw_day;		/* days since 1970-01-01, DEDUP_NO_DAY */
	int	dw_minute;	/* see above */
	int32_t	dw_end_day;	/* DEDUP_NO_DAY: no end */
	int	dw_end_minute;	/* -1 */
};

/*
 * start/end as normalize_posting() leaves them (RFC 3339 or YYYY-MM-DD).
 * A start that does not read leaves dw_day DEDUP_NO_DAY; an end that
 * does not read is no end.
 */
void	 dedup_when_of(const char *start, const char *end,
	    struct dedup_when *out);
/* "YYYY-MM-DD" of a day in buf[11]. */
void	 dedup_day_format(int32_t day, char buf[11]);

/*
 * 1 when text gives minute (of the day) as the time people gather or
 * check in — 集合 or 受付 beside it: "(集合7:45)", "午前10時20分集合",
 * "受付開始 9:30" —, so that a start at that minute is not the event's.
 */
int	 dedup_is_gathering_time(const char *text, int minute);
/* normalize_text() of text without its gathering notes; NULL for NULL. */
char	*dedup_strip_gathering(const char *text);
/*
 * The start time a text gives — "時間は10時から", "13:30開始", "開始時刻:
 * 9:00", "午前10時～" — as a minute of the day, when it gives exactly one
 * (not the time of gathering, nor several sessions' ); -1 otherwise.
 */
int	 dedup_text_start(const char *text);

/*
 * "h:" and 32 hex digits over the title key, the start, the place key and
 * the area: what tells a source's items apart when neither guids nor links
 * do.  The prefix is the one posting_entry_key() gives its hash keys.
 */
char	*dedup_content_key(const struct posting *);
/* "instance/id" of a federated posting's origin; NULL when either is. */
char	*dedup_origin_key(const char *instance, const char *id);

/*
 * Every key of one normalized record; the strings are owned.  A start
 * that the title or the summary gives as a gathering time is one
 * (DEDUP_GATHERING()); a start of a day alone takes the time the summary
 * gives, when it gives one ("時間は午後1時30分から").
 */
struct dedup_keys {
	char			*dk_title;	/* dedup_compare_title() */
	/* dedup_place_key(), or the venue the title names */
	char			*dk_place;
	char			*dk_address;	/* dedup_address_key() */
	char			*dk_area;	/* pst_area, unless guessed */
	char			*dk_url;	/* canonical link, not generic */
	char			*dk_origin;	/* dedup_origin_key() */
	struct dedup_when	 dk_when;
};

void	 dedup_keys_of(const struct posting *, struct dedup_keys *);
void	 dedup_keys_clear(struct dedup_keys *);	/* frees the strings */

#endif
