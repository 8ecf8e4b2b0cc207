/*
 * writer.h — serialize postings into the published formats.
 *
 * A writer appends to a bounded buffer and returns 0, or -1 when the buffer
 * refused to grow.  Text from sources can never break the format: XML
 * writers drop characters XML 1.0 forbids, JSON is escaped by jansson.
 */
#ifndef TSUNAGU_WRITER_H
#define TSUNAGU_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "posting.h"

struct feed_meta {
	const char	*fm_title;
	const char	*fm_self_url;	/* absolute URL of this document */
	const char	*fm_home_url;	/* the instance's base_url */
	const char	*fm_hub_url;	/* WebSub hub, NULL if none */
	const char	*fm_next_url;	/* RFC 5005 next page, NULL if last */
	const char	*fm_instance;	/* instance name, for tag: ids */
	int64_t		 fm_updated;	/* newest date_modified, unix seconds */
};

int	 atom_write(const struct feed_meta *, struct posting *const *, size_t,
	    struct buf *);
int	 jsonfeed_write(const struct feed_meta *, struct posting *const *,
	    size_t, struct buf *);
/* RSS 2.0 with atom:link self/hub/next and the t:* elements per item. */
int	 rss_write(const struct feed_meta *, struct posting *const *, size_t,
	    struct buf *);
/* iCalendar (RFC 5545): one VEVENT per posting, UID "ID@INSTANCE". */
int	 ical_write(const struct feed_meta *, struct posting *const *, size_t,
	    struct buf *);
/* The 50-column 「イベント一覧」 CSV: BOM, CRLF, formulas neutralized. */
int	 csv_write(const struct feed_meta *, struct posting *const *, size_t,
	    struct buf *);

/* The JSON Feed item of a posting (webhooks send exactly this). */
json_t	*jsonfeed_item(const struct feed_meta *, const struct posting *);

/* "tag:tsunagu,2026:INSTANCE/ID" — the Atom id of a posting. */
char	*atom_entry_id(const char *instance, const char *posting_id);

#endif
