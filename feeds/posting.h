/*
 * posting.h — the normalized posting, the one model every format is read
 * into and written from (DESIGN.md, "The posting").
 *
 * Ownership: a posting owns every string and array it points to;
 * posting_free() releases them.  NULL means "unknown" for every optional
 * field; a timestamp of 0 means unknown.
 */
#ifndef TSUNAGU_POSTING_H
#define TSUNAGU_POSTING_H

#include <stddef.h>
#include <stdint.h>

enum posting_status {
	POSTING_OPEN = 0,
	POSTING_CLOSED,
	POSTING_CANCELLED,
	POSTING_WITHDRAWN,
};

/* One source that carries the posting (the "sources" array). */
struct posting_ref {
	char	*ref_source;	/* source name in this instance */
	char	*ref_kind;	/* city|shakyo|corporate|civic|federation */
	char	*ref_url;	/* the entry's link at that source */
	int64_t	 ref_fetched;	/* unix seconds */
};

struct posting {
	/* Identity. */
	char	*pst_id;		/* stable id of the published posting */
	int64_t	 pst_revision;		/* grows by one per published change */
	char	*pst_guid;		/* identity the source gave: guid, atom:id */

	/* The JSON Feed standard fields. */
	char	*pst_title;
	char	*pst_link;		/* absolute URL */
	char	*pst_content_html;
	char	*pst_summary;		/* plain text */
	int64_t	 pst_published;		/* unix seconds, 0 unknown */
	int64_t	 pst_modified;		/* unix seconds, 0 unknown */
	int64_t	 pst_seq;		/* the store's order of changes (feed
					 * paging); 0 unknown, never written */
	char	**pst_categories;	/* tags / category codes */
	size_t	 pst_ncategories;

	/* The _tsunagu fields. */
	char	*pst_kind;		/* kind of the original source */
	char	*pst_organizer_name;
	char	*pst_organizer_kind;
	char	*pst_start;		/* RFC 3339, or YYYY-MM-DD if all-day */
	char	*pst_end;
	int	 pst_all_day;
	char	*pst_deadline;
	char	*pst_area;		/* 6-digit 全国地方公共団体コード */
	/* 1 when pst_area is no more than a default (the source's area or
	 * the instance's region, normalize_posting()): the record itself
	 * does not say where it is.  Not written out. */
	int	 pst_area_guessed;
	char	*pst_place;
	char	*pst_address;
	double	 pst_lat, pst_lon;
	int	 pst_has_geo;
	int64_t	 pst_capacity;		/* -1 unknown */
	char	*pst_fee;
	char	*pst_contact_name;
	char	*pst_contact_phone;
	char	*pst_contact_email;
	char	*pst_recurrence;	/* RRULE value */
	enum posting_status pst_status;
	char	*pst_duplicate_of;
	struct posting_ref *pst_refs;
	size_t	 pst_nrefs;
	/* Where the posting was first published: the instance, its id
	 * and its revision there (0 unknown).  The revision tells which of
	 * two copies that came along different paths is the newer. */
	char	*pst_origin_instance;
	char	*pst_origin_id;
	int64_t	 pst_origin_revision;
};

struct posting	*posting_new(void);
void		 posting_free(struct posting *);
struct posting	*posting_clone(const struct posting *);

/* Replaces *field with a copy of value (NULL clears it). */
void		 posting_set(char **field, const char *value);
void		 posting_add_category(struct posting *, const char *);
void		 posting_add_ref(struct posting *, const char *source,
		    const char *kind, const char *url, int64_t fetched);
/* Drops every ref (the store replaces a parser's refs with its own). */
void		 posting_clear_refs(struct posting *);
/* A posting without an origin is one of this instance's: it names itself,
 * with the posting's id and revision, as published. */
void		 posting_fill_origin(struct posting *, const char *instance);

const char	*posting_status_name(enum posting_status);
int		 posting_status_parse(const char *, enum posting_status *);

/*
 * A digest of the fields a source controls, hex SHA-256 in out[65]: two
 * fetches of an unchanged entry give the same digest, so an unchanged entry
 * is not republished.  Identity, revision and timestamps are left out.
 */
void		 posting_content_digest(const struct posting *, char out[65]);

/*
 * The entry's identity within its source: the guid / atom:id when present,
 * else the link, else "h:" and a hash of title and content.
 */
char		*posting_entry_key(const struct posting *);

/* Hex SHA-256 of len bytes in out[65] (the store derives posting ids). */
void		 posting_sha256_hex(const void *, size_t, char out[65]);

/* A growable list that owns its postings. */
struct posting_list {
	struct posting	**pl_items;
	size_t		  pl_len;
	size_t		  pl_cap;
};

void		 posting_list_init(struct posting_list *);
void		 posting_list_push(struct posting_list *, struct posting *);
void		 posting_list_clear(struct posting_list *);	/* frees items */

#endif
