/* category.c — the category vocabulary and the label → code mapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "category.h"
#include "normalize.h"
#include "xmalloc.h"

const char *const category_codes[] = {
	"welfare", "children", "elderly", "disability", "environment",
	"disaster", "community", "education", "culture", "sports",
	"international", "health", CATEGORY_OTHER, NULL,
};

struct category_rule {
	const char	*cr_word;	/* normalized: NFKC, ASCII lowercase */
	const char	*cr_code;
};

/* Whole labels, in English, besides the codes themselves. */
static const struct category_rule synonyms[] = {
	{ "social welfare", "welfare" }, { "poverty", "welfare" },
	{ "child", "children" }, { "kids", "children" },
	{ "youth", "children" }, { "childcare", "children" },
	{ "parenting", "children" },
	{ "seniors", "elderly" }, { "senior", "elderly" },
	{ "aging", "elderly" }, { "elder care", "elderly" },
	{ "disabilities", "disability" }, { "accessibility", "disability" },
	{ "nature", "environment" }, { "ecology", "environment" },
	{ "recycling", "environment" }, { "cleanup", "environment" },
	{ "disaster relief", "disaster" }, { "emergency", "disaster" },
	{ "disaster prevention", "disaster" },
	{ "neighborhood", "community" }, { "neighbourhood", "community" },
	{ "learning", "education" }, { "school", "education" },
	{ "tutoring", "education" }, { "arts", "culture" },
	{ "art", "culture" }, { "music", "culture" },
	{ "history", "culture" }, { "sport", "sports" },
	{ "multicultural", "international" }, { "foreign", "international" },
	{ "medical", "health" }, { "healthcare", "health" },
	{ "medicine", "health" }, { "misc", CATEGORY_OTHER },
	{ "others", CATEGORY_OTHER }, { "general", CATEGORY_OTHER },
};

/*
 * The vocabulary's Japanese labels, as the /admin/ pages show them; their
 * synonyms are the keywords below.
 */
static const struct category_rule labels_ja[] = {
	{ "福祉", "welfare" }, { "子ども", "children" },
	{ "高齢者", "elderly" }, { "障がい", "disability" },
	{ "環境", "environment" }, { "災害・防災", "disaster" },
	{ "地域・まちづくり", "community" }, { "教育", "education" },
	{ "文化・芸術", "culture" }, { "スポーツ", "sports" },
	{ "国際交流", "international" }, { "健康・医療", "health" },
	{ "その他", CATEGORY_OTHER },
};

/*
 * Keywords found anywhere in a label or a title.  Japanese words match as
 * substrings, ASCII words as whole words.
 */
static const struct category_rule keywords[] = {
	/* welfare */
	{ "福祉", "welfare" }, { "社協", "welfare" },
	{ "生活支援", "welfare" }, { "生活困窮", "welfare" },
	{ "フードドライブ", "welfare" }, { "フードバンク", "welfare" },
	{ "子ども食堂", "welfare" }, { "こども食堂", "welfare" },
	{ "welfare", "welfare" },
	/* children */
	{ "子ども", "children" }, { "子供", "children" },
	{ "こども", "children" }, { "子育て", "children" },
	{ "児童", "children" }, { "青少年", "children" },
	{ "乳幼児", "children" }, { "幼児", "children" },
	{ "保育", "children" }, { "学童", "children" },
	{ "親子", "children" }, { "キッズ", "children" },
	{ "children", "children" }, { "kids", "children" },
	/* elderly */
	{ "高齢", "elderly" }, { "シニア", "elderly" },
	{ "介護", "elderly" }, { "認知症", "elderly" },
	{ "老人", "elderly" }, { "お年寄り", "elderly" },
	{ "敬老", "elderly" }, { "elderly", "elderly" },
	/* disability */
	{ "障害", "disability" }, { "障がい", "disability" },
	{ "障碍", "disability" }, { "手話", "disability" },
	{ "点字", "disability" }, { "要約筆記", "disability" },
	{ "バリアフリー", "disability" }, { "車いす", "disability" },
	{ "車椅子", "disability" }, { "disability", "disability" },
	/* environment */
	{ "環境", "environment" }, { "自然", "environment" },
	{ "清掃", "environment" }, { "美化", "environment" },
	{ "緑化", "environment" }, { "リサイクル", "environment" },
	{ "ごみ", "environment" }, { "ゴミ", "environment" },
	{ "植樹", "environment" }, { "花壇", "environment" },
	{ "里山", "environment" }, { "森林", "environment" },
	{ "環境保全", "environment" }, { "environment", "environment" },
	/* disaster */
	{ "防災", "disaster" }, { "災害", "disaster" },
	{ "被災", "disaster" }, { "減災", "disaster" },
	{ "避難", "disaster" }, { "復興", "disaster" },
	{ "救援", "disaster" }, { "disaster", "disaster" },
	/* community */
	{ "地域", "community" }, { "まちづくり", "community" },
	{ "町づくり", "community" }, { "街づくり", "community" },
	{ "自治会", "community" }, { "町内会", "community" },
	{ "交流", "community" }, { "防犯", "community" },
	{ "市民活動", "community" }, { "コミュニティ", "community" },
	{ "まつり", "community" }, { "祭", "community" },
	{ "催事", "community" },
	{ "community", "community" },
	/* education */
	{ "教育", "education" }, { "学習", "education" },
	{ "セミナー", "education" }, { "講演", "education" },
	{ "資格", "education" },
	{ "学び", "education" }, { "講座", "education" },
	{ "講習", "education" }, { "研修", "education" },
	{ "学校", "education" }, { "図書", "education" },
	{ "読み聞かせ", "education" }, { "education", "education" },
	/* culture */
	{ "文化", "culture" }, { "芸術", "culture" },
	{ "アート", "culture" }, { "音楽", "culture" },
	{ "美術", "culture" }, { "歴史", "culture" },
	{ "伝統", "culture" }, { "演劇", "culture" },
	{ "展示", "culture" }, { "博物館", "culture" },
	{ "観光", "culture" },
	{ "culture", "culture" },
	/* sports */
	{ "スポーツ", "sports" }, { "運動会", "sports" },
	{ "体育", "sports" }, { "マラソン", "sports" },
	{ "競技", "sports" }, { "ウォーキング", "sports" },
	{ "sports", "sports" },
	/* international */
	{ "国際", "international" }, { "多文化", "international" },
	{ "外国", "international" }, { "日本語", "international" },
	{ "留学生", "international" }, { "通訳", "international" },
	{ "翻訳", "international" }, { "異文化", "international" },
	{ "international", "international" },
	/* health */
	{ "健康", "health" }, { "医療", "health" },
	{ "保健", "health" }, { "献血", "health" },
	{ "看護", "health" }, { "検診", "health" },
	{ "健診", "health" },
	{ "health", "health" },
	/* other */
	{ "その他", CATEGORY_OTHER },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct category_map {
	struct category_rule	*cm_rules;	/* owned words, static codes */
	size_t			 cm_len;
};

int
category_is_code(const char *s)
{
	const char *const *c;

	if (s == NULL)
		return 0;
	for (c = category_codes; *c; c++)
		if (strcmp(*c, s) == 0)
			return 1;
	return 0;
}

static const char *
code_static(const char *s)
{
	const char *const *c;

	for (c = category_codes; *c; c++)
		if (strcmp(*c, s) == 0)
			return *c;
	return NULL;
}

/* normalize_text() with ASCII lowercased: how labels are compared. */
static char *
label_key(const char *s)
{
	char *k = normalize_text(s), *p;

	for (p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return k;
}

static int
is_alnum_ascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Where word first occurs in text as a keyword may, or NULL. */
static const char *
keyword_at(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	if ((unsigned char)word[0] >= 0x80)
		return strstr(text, word);
	while ((p = strstr(p, word)) != NULL) {
		if ((p == text || !is_alnum_ascii((unsigned char)p[-1])) &&
		    !is_alnum_ascii((unsigned char)p[n]))
			return p;
		p++;
	}
	return NULL;
}

/* The earliest keyword in key (normalized), the longest on a tie. */
static const char *
keyword_code(const char *key)
{
	const char *best = NULL, *at, *code = NULL;
	size_t i, bestlen = 0, n;

	for (i = 0; i < NELEM(keywords); i++) {
		if ((at = keyword_at(key, keywords[i].cr_word)) == NULL)
			continue;
		n = strlen(keywords[i].cr_word);
		if (best == NULL || at < best || (at == best && n > bestlen)) {
			best = at;
			bestlen = n;
			code = keywords[i].cr_code;
		}
	}
	return code;
}

/*
 * The code of a whole label (normalized): override, code, synonym or
 * Japanese label.
 */
static const char *
exact_code(const struct category_map *map, const char *key)
{
	const char *code = NULL;
	size_t i;

	for (i = 0; map != NULL && i < map->cm_len && code == NULL; i++)
		if (strcmp(map->cm_rules[i].cr_word, key) == 0)
			code = map->cm_rules[i].cr_code;
	if (code == NULL)
		code = code_static(key);
	for (i = 0; i < NELEM(synonyms) && code == NULL; i++)
		if (strcmp(synonyms[i].cr_word, key) == 0)
			code = synonyms[i].cr_code;
	for (i = 0; i < NELEM(labels_ja) && code == NULL; i++)
		if (strcmp(labels_ja[i].cr_word, key) == 0)
			code = labels_ja[i].cr_code;
	return code;
}

const char *
category_label_ja(const char *code)
{
	size_t i;

	for (i = 0; i < NELEM(labels_ja); i++)
		if (code != NULL && strcmp(labels_ja[i].cr_code, code) == 0)
			return labels_ja[i].cr_word;
	return NULL;
}

const char *
category_map_label(const struct category_map *map, const char *label)
{
	const char *code;
	char *key;

	if (label == NULL)
		return CATEGORY_OTHER;
	key = label_key(label);
	if ((code = exact_code(map, key)) == NULL)
		code = keyword_code(key);
	free(key);
	return code ? code : CATEGORY_OTHER;
}

/* Where the next part of a label ends: 、 ・ / , ; (after NFKC). */
static size_t
part_len(const char *s, size_t *seplen)
{
	static const char *const seps[] = {
		"\xe3\x80\x81" /* 、 */, "\xe3\x83\xbb" /* ・ */, "/", ",", ";",
	};
	size_t i, n;

	for (n = 0; s[n] != '\0'; n++)
		for (i = 0; i < NELEM(seps); i++)
			if (strncmp(s + n, seps[i], strlen(seps[i])) == 0) {
				*seplen = strlen(seps[i]);
				return n;
			}
	*seplen = 0;
	return n;
}

static size_t
add_code(const char **out, size_t n, size_t max, const char *code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i] == code)
			return n;
	if (n < max)
		out[n++] = code;
	return n;
}

/* What label_key() made of a label, as codes; 0: nothing matched. */
static size_t
key_codes(const struct category_map *map, const char *key,
    const char **out, size_t max)
{
	const char *code;
	char *part;
	size_t n = 0, len, seplen, off;

	if ((code = exact_code(map, key)) != NULL) {
		out[0] = code;
		return 1;
	}
	for (off = 0; key[off] != '\0'; off += len + seplen) {
		len = part_len(key + off, &seplen);
		part = xstrndup(key + off, len);
		if ((code = exact_code(map, part)) == NULL)
			code = keyword_code(part);
		if (code != NULL && strcmp(code, CATEGORY_OTHER) != 0)
			n = add_code(out, n, max, code);
		free(part);
		if (seplen == 0)
			break;
	}
	if (n == 0 && (code = keyword_code(key)) != NULL)
		out[n++] = code;
	return n;
}

size_t
category_map_label_all(const struct category_map *map, const char *label,
    const char **out, size_t max)
{
	char *key;
	size_t n;

	if (max == 0)
		return 0;
	if (label == NULL) {
		out[0] = CATEGORY_OTHER;
		return 1;
	}
	key = label_key(label);
	if ((n = key_codes(map, key, out, max)) == 0)
		out[n++] = CATEGORY_OTHER;
	free(key);
	return n;
}

size_t
category_filter_codes(const char *value, const char **out, size_t max)
{
	char *key;
	size_t n;

	if (value == NULL || max == 0)
		return 0;
	key = label_key(value);
	n = key_codes(NULL, key, out, max);
	free(key);
	return n;
}

const char *
category_guess(const char *text)
{
	const char *code;
	char *key;

	if (text == NULL)
		return NULL;
	key = label_key(text);
	code = keyword_code(key);
	free(key);
	return code;
}

/* --- per-source overrides ------------------------------------------------ */

void
category_map_free(struct category_map *map)
{
	size_t i;

	if (map == NULL)
		return;
	for (i = 0; i < map->cm_len; i++)
		free((char *)map->cm_rules[i].cr_word);
	free(map->cm_rules);
	free(map);
}

/* One "原文=code" pair, trimmed by normalize_text. */
static int
map_add(struct category_map *map, const char *pair, char *err,
    size_t errlen)
{
	const char *eq = strrchr(pair, '='), *code;
	char *pair_label, *label, *value;
	size_t i;
	int rc = -1;

	if (eq == NULL) {
		snprintf(err, errlen, "'%s' is not LABEL=CODE", pair);
		return -1;
	}
	value = normalize_text(eq + 1);
	pair_label = xstrndup(pair, eq - pair);
	label = label_key(pair_label);
	free(pair_label);
	if (*label == '\0') {
		snprintf(err, errlen, "'%s': the label is empty", pair);
		goto done;
	}
	if ((code = code_static(value)) == NULL) {
		snprintf(err, errlen, "'%s' is not a category (welfare, "
		    "children, elderly, disability, environment, disaster, "
		    "community, education, culture, sports, international, "
		    "health, other)", value);
		goto done;
	}
	for (i = 0; i < map->cm_len; i++)
		if (strcmp(map->cm_rules[i].cr_word, label) == 0) {
			snprintf(err, errlen, "'%s' is mapped twice", label);
			goto done;
		}
	map->cm_rules = xreallocarray(map->cm_rules, map->cm_len + 1,
	    sizeof(*map->cm_rules));
	map->cm_rules[map->cm_len].cr_word = label;
	map->cm_rules[map->cm_len].cr_code = code;
	map->cm_len++;
	label = NULL;
	rc = 0;
done:
	free(label);
	free(value);
	return rc;
}

struct category_map *
category_map_parse(const char *spec, char *err, size_t errlen)
{
	static const char ideographic_comma[] = "\xe3\x80\x81";	/* 、 */
	struct category_map *map = xcalloc(1, sizeof(*map));
	char *norm, *p, *end, *other;
	int rc = 0;

	/* Normalized first: full-width ，and ＝ count too. */
	norm = normalize_text(spec);
	for (p = norm; *p && rc == 0; p = end) {
		end = p + strcspn(p, ",");
		if ((other = strstr(p, ideographic_comma)) != NULL &&
		    other < end)
			end = other;
		other = xstrndup(p, end - p);
		if (strspn(other, " ") != strlen(other))
			rc = map_add(map, other, err, errlen);
		free(other);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			end += strlen(ideographic_comma);
	}
	free(norm);
	if (rc == 0 && map->cm_len == 0) {
		snprintf(err, errlen, "no LABEL=CODE pair");
		rc = -1;
	}
	if (rc == -1) {
		category_map_free(map);
		return NULL;
	}
	return map;
}
