/*
 * admin_files.h — the files of the /admin/ pages (daemon/admin/), embedded
 * at build time by scripts/embed_files.py so that the daemon serves them
 * without reading anything from disk.
 */
#ifndef TSUNAGU_ADMIN_FILES_H
#define TSUNAGU_ADMIN_FILES_H

#include <stddef.h>

struct admin_file {
	const char		*af_name;		/* "app.js" */
	const char		*af_content_type;
	const char		*af_etag;		/* strong, quoted */
	const unsigned char	*af_data;
	size_t			 af_len;
};

/* Ends with an entry whose af_name is NULL. */
extern const struct admin_file admin_files[];

#endif
