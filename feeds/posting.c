/*
 * posting.c — the posting model: allocation, copies, setters, the content
 * digest and the entry key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "posting.h"
#include "xmalloc.h"

/* Bumped when the canonical serialization below changes. */
#define DIGEST_VERSION	"tsunagu-posting-digest-1"

static const char *const status_names[] = {
	[POSTING_OPEN] = "open",
	[POSTING_CLOSED] = "closed",
	[POSTING_CANCELLED] = "cancelled",
	[POSTING_WITHDRAWN] = "withdrawn",
};

struct posting *
posting_new(void)
{
	struct posting *p;

	p = xcalloc(1, sizeof(*p));
	p->pst_capacity = -1;
	p->pst_status = POSTING_OPEN;
	return p;
}

static void
ref_clear(struct posting_ref *r)
{
	free(r->ref_source);
	free(r->ref_kind);
	free(r->ref_url);
}

void
posting_free(struct posting *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->pst_id);
	free(p->pst_guid);
	free(p->pst_title);
	free(p->pst_link);
	free(p->pst_content_html);
	free(p->pst_summary);
	for (i = 0; i < p->pst_ncategories; i++)
		free(p->pst_categories[i]);
	free(p->pst_categories);
	free(p->pst_kind);
	free(p->pst_organizer_name);
	free(p->pst_organizer_kind);
	free(p->pst_start);
	free(p->pst_end);
	free(p->pst_deadline);
	free(p->pst_area);
	free(p->pst_place);
	free(p->pst_address);
	free(p->pst_fee);
	free(p->pst_contact_name);
	free(p->pst_contact_phone);
	free(p->pst_contact_email);
	free(p->pst_recurrence);
	free(p->pst_duplicate_of);
	for (i = 0; i < p->pst_nrefs; i++)
		ref_clear(&p->pst_refs[i]);
	free(p->pst_refs);
	free(p->pst_origin_instance);
	free(p->pst_origin_id);
	free(p);
}

void
posting_fill_origin(struct posting *p, const char *instance)
{
	if (p->pst_origin_instance != NULL || instance == NULL)
		return;
	posting_set(&p->pst_origin_instance, instance);
	posting_set(&p->pst_origin_id, p->pst_id);
	p->pst_origin_revision = p->pst_revision;
}

struct posting *
posting_clone(const struct posting *src)
{
	struct posting *p;
	size_t i;

	p = xmalloc(sizeof(*p));
	*p = *src;	/* scalars; every pointer is replaced below */
	p->pst_id = xstrdup_opt(src->pst_id);
	p->pst_guid = xstrdup_opt(src->pst_guid);
	p->pst_title = xstrdup_opt(src->pst_title);
	p->pst_link = xstrdup_opt(src->pst_link);
	p->pst_content_html = xstrdup_opt(src->pst_content_html);
	p->pst_summary = xstrdup_opt(src->pst_summary);
	p->pst_categories = NULL;
	if (src->pst_ncategories > 0) {
		p->pst_categories = xreallocarray(NULL, src->pst_ncategories,
		    sizeof(*p->pst_categories));
		for (i = 0; i < src->pst_ncategories; i++)
			p->pst_categories[i] =
			    xstrdup(src->pst_categories[i]);
	}
	p->pst_kind = xstrdup_opt(src->pst_kind);
	p->pst_organizer_name = xstrdup_opt(src->pst_organizer_name);
	p->pst_organizer_kind = xstrdup_opt(src->pst_organizer_kind);
	p->pst_start = xstrdup_opt(src->pst_start);
	p->pst_end = xstrdup_opt(src->pst_end);
	p->pst_deadline = xstrdup_opt(src->pst_deadline);
	p->pst_area = xstrdup_opt(src->pst_area);
	p->pst_place = xstrdup_opt(src->pst_place);
	p->pst_address = xstrdup_opt(src->pst_address);
	p->pst_fee = xstrdup_opt(src->pst_fee);
	p->pst_contact_name = xstrdup_opt(src->pst_contact_name);
	p->pst_contact_phone = xstrdup_opt(src->pst_contact_phone);
	p->pst_contact_email = xstrdup_opt(src->pst_contact_email);
	p->pst_recurrence = xstrdup_opt(src->pst_recurrence);
	p->pst_duplicate_of = xstrdup_opt(src->pst_duplicate_of);
	p->pst_refs = NULL;
	if (src->pst_nrefs > 0) {
		p->pst_refs = xreallocarray(NULL, src->pst_nrefs,
		    sizeof(*p->pst_refs));
		for (i = 0; i < src->pst_nrefs; i++) {
			p->pst_refs[i].ref_source =
			    xstrdup_opt(src->pst_refs[i].ref_source);
			p->pst_refs[i].ref_kind =
			    xstrdup_opt(src->pst_refs[i].ref_kind);
			p->pst_refs[i].ref_url =
			    xstrdup_opt(src->pst_refs[i].ref_url);
			p->pst_refs[i].ref_fetched =
			    src->pst_refs[i].ref_fetched;
		}
	}
	p->pst_origin_instance = xstrdup_opt(src->pst_origin_instance);
	p->pst_origin_id = xstrdup_opt(src->pst_origin_id);
	return p;
}

void
posting_set(char **field, const char *value)
{
	char *copy;

	/* Copy first: value may be the string *field points to. */
	copy = xstrdup_opt(value);
	free(*field);
	*field = copy;
}

void
posting_add_category(struct posting *p, const char *category)
{
	p->pst_categories = xreallocarray(p->pst_categories,
	    p->pst_ncategories + 1, sizeof(*p->pst_categories));
	p->pst_categories[p->pst_ncategories++] = xstrdup(category);
}

void
posting_add_ref(struct posting *p, const char *source, const char *kind,
    const char *url, int64_t fetched)
{
	struct posting_ref *r;

	p->pst_refs = xreallocarray(p->pst_refs, p->pst_nrefs + 1,
	    sizeof(*p->pst_refs));
	r = &p->pst_refs[p->pst_nrefs++];
	r->ref_source = xstrdup_opt(source);
	r->ref_kind = xstrdup_opt(kind);
	r->ref_url = xstrdup_opt(url);
	r->ref_fetched = fetched;
}

void
posting_clear_refs(struct posting *p)
{
	size_t i;

	for (i = 0; i < p->pst_nrefs; i++)
		ref_clear(&p->pst_refs[i]);
	free(p->pst_refs);
	p->pst_refs = NULL;
	p->pst_nrefs = 0;
}

const char *
posting_status_name(enum posting_status s)
{
	if ((size_t)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "open";
	return status_names[s];
}

int
posting_status_parse(const char *name, enum posting_status *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum posting_status)i;
			return 0;
		}
	}
	return -1;
}

/* --- hashing -------------------------------------------------------- */

static void
crypto_fail(void)
{
	/* Only an allocation failure inside libcrypto gets here. */
	fputs("tsunagu: SHA-256 failed\n", stderr);
	abort();
}

static void
hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static void
dg_bytes(EVP_MD_CTX *ctx, const void *data, size_t len)
{
	if (len > 0 && EVP_DigestUpdate(ctx, data, len) != 1)
		crypto_fail();
}

static void
dg_u64(EVP_MD_CTX *ctx, char tag, uint64_t v)
{
	unsigned char b[9];
	int i;

	b[0] = (unsigned char)tag;
	for (i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
	dg_bytes(ctx, b, sizeof(b));
}

/* 'N' for NULL, else 'S', the length and the bytes: no two field
 * sequences serialize alike. */
static void
dg_str(EVP_MD_CTX *ctx, const char *s)
{
	size_t len;

	if (s == NULL) {
		dg_bytes(ctx, "N", 1);
		return;
	}
	len = strlen(s);
	dg_u64(ctx, 'S', (uint64_t)len);
	dg_bytes(ctx, s, len);
}

static void
dg_double(EVP_MD_CTX *ctx, double d)
{
	uint64_t bits;

	if (d == 0)
		d = 0;	/* -0.0 and 0.0 are the same place */
	memcpy(&bits, &d, sizeof(bits));
	dg_u64(ctx, 'D', bits);
}

void
posting_content_digest(const struct posting *p, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	size_t i;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		crypto_fail();
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		crypto_fail();

	/* Left out: pst_id, pst_revision, pst_modified, ref_fetched. */
	dg_str(ctx, DIGEST_VERSION);
	dg_str(ctx, p->pst_guid);
	dg_str(ctx, p->pst_title);
	dg_str(ctx, p->pst_link);
	dg_str(ctx, p->pst_content_html);
	dg_str(ctx, p->pst_summary);
	dg_u64(ctx, 'I', (uint64_t)p->pst_published);
	dg_u64(ctx, 'C', (uint64_t)p->pst_ncategories);
	for (i = 0; i < p->pst_ncategories; i++)
		dg_str(ctx, p->pst_categories[i]);
	dg_str(ctx, p->pst_kind);
	dg_str(ctx, p->pst_organizer_name);
	dg_str(ctx, p->pst_organizer_kind);
	dg_str(ctx, p->pst_start);
	dg_str(ctx, p->pst_end);
	dg_u64(ctx, 'B', p->pst_all_day ? 1 : 0);
	dg_str(ctx, p->pst_deadline);
	dg_str(ctx, p->pst_area);
	dg_str(ctx, p->pst_place);
	dg_str(ctx, p->pst_address);
	dg_u64(ctx, 'B', p->pst_has_geo ? 1 : 0);
	if (p->pst_has_geo) {
		dg_double(ctx, p->pst_lat);
		dg_double(ctx, p->pst_lon);
	}
	dg_u64(ctx, 'I', (uint64_t)p->pst_capacity);
	dg_str(ctx, p->pst_fee);
	dg_str(ctx, p->pst_contact_name);
	dg_str(ctx, p->pst_contact_phone);
	dg_str(ctx, p->pst_contact_email);
	dg_str(ctx, p->pst_recurrence);
	dg_u64(ctx, 'I', (uint64_t)p->pst_status);
	dg_str(ctx, p->pst_duplicate_of);
	dg_u64(ctx, 'R', (uint64_t)p->pst_nrefs);
	for (i = 0; i < p->pst_nrefs; i++) {
		dg_str(ctx, p->pst_refs[i].ref_source);
		dg_str(ctx, p->pst_refs[i].ref_kind);
		dg_str(ctx, p->pst_refs[i].ref_url);
	}
	dg_str(ctx, p->pst_origin_instance);
	dg_str(ctx, p->pst_origin_id);
	/* Only when known, so that the digests of local entries stay what
	 * they were before origins had revisions. */
	if (p->pst_origin_revision > 0)
		dg_u64(ctx, 'O', (uint64_t)p->pst_origin_revision);

	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		crypto_fail();
	EVP_MD_CTX_free(ctx);
	hex_encode(md, mdlen, out);
}

void
posting_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		crypto_fail();
	hex_encode(md, mdlen, out);
}

char *
posting_entry_key(const struct posting *p)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[65], *key;
	EVP_MD_CTX *ctx;
	const char *title, *content;

	if (p->pst_guid != NULL && p->pst_guid[0] != '\0')
		return xstrdup(p->pst_guid);
	if (p->pst_link != NULL && p->pst_link[0] != '\0')
		return xstrdup(p->pst_link);

	title = p->pst_title ? p->pst_title : "";
	content = p->pst_content_html ? p->pst_content_html : "";
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		crypto_fail();
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		crypto_fail();
	dg_bytes(ctx, title, strlen(title) + 1);	/* with its NUL */
	dg_bytes(ctx, content, strlen(content));
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		crypto_fail();
	EVP_MD_CTX_free(ctx);
	hex_encode(md, mdlen, hex);
	hex[32] = '\0';
	xasprintf(&key, "h:%s", hex);
	return key;
}

/* --- lists ---------------------------------------------------------- */

void
posting_list_init(struct posting_list *pl)
{
	pl->pl_items = NULL;
	pl->pl_len = 0;
	pl->pl_cap = 0;
}

void
posting_list_push(struct posting_list *pl, struct posting *p)
{
	if (pl->pl_len == pl->pl_cap) {
		pl->pl_cap = pl->pl_cap ? pl->pl_cap * 2 : 8;
		pl->pl_items = xreallocarray(pl->pl_items, pl->pl_cap,
		    sizeof(*pl->pl_items));
	}
	pl->pl_items[pl->pl_len++] = p;
}

void
posting_list_clear(struct posting_list *pl)
{
	size_t i;

	for (i = 0; i < pl->pl_len; i++)
		posting_free(pl->pl_items[i]);
	free(pl->pl_items);
	posting_list_init(pl);
}
