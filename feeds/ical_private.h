/*
 * ical_private.h — what the iCalendar reader (ical.c) hands to the event
 * converter (ical_event.c): the properties of each VEVENT and the
 * standard offsets of the VTIMEZONEs, all unfolded, parameters split.
 */
#ifndef TSUNAGU_ICAL_PRIVATE_H
#define TSUNAGU_ICAL_PRIVATE_H

#include <stddef.h>

#include "feed.h"

struct ical_param {
	char	*ip_name;	/* upper case */
	char	*ip_value;	/* quotes removed; a list stays "a,b" */
};

struct ical_prop {
	char			*pr_name;	/* upper case */
	struct ical_param	*pr_params;
	size_t			 pr_nparams;
	char			*pr_value;	/* raw: TEXT still escaped */
	int			 pr_line;
};

struct ical_event {
	struct ical_prop	*ev_props;
	size_t			 ev_nprops;
	int			 ev_line;	/* of BEGIN:VEVENT */
};

struct ical_tz {
	char	*tz_id;
	int	 tz_offset;	/* STANDARD's TZOFFSETTO, minutes east */
	int	 tz_has_offset;
};

struct ical_doc {
	struct ical_event	*doc_events;
	size_t			 doc_nevents;
	struct ical_tz		*doc_tzs;
	size_t			 doc_ntzs;
	char			*doc_name;	/* X-WR-CALNAME */
};

/* The first property of that name, or NULL. */
const struct ical_prop	*ical_prop(const struct ical_event *, const char *);
/* A parameter's value, or NULL. */
const char		*ical_param(const struct ical_prop *, const char *);
/* TEXT unescaped (\n \N \, \; \\) into a new string. */
char			*ical_unescape(const char *);

/*
 * The posting of one VEVENT, or NULL with the reason in why when the event
 * is skipped (no DTSTART, no SUMMARY, an override of one occurrence).
 */
struct posting		*ical_event_posting(const struct ical_doc *,
			    const struct ical_event *,
			    const struct feed_parse_opts *, char *why,
			    size_t whylen);

#endif
