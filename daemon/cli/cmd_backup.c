/*
 * cmd_backup.c — tsunagu backup FILE: a consistent copy of the live
 * database (GET /api/v1/backup), written atomically: into FILE.tmp-XXXXXX
 * next to FILE, checked (the SQLite header, and a size that matches its
 * page count), flushed to disk, then renamed over FILE.  "-" writes to
 * standard output instead (checked the same way; the exit status says
 * whether what was written is whole).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "cli.h"

#define SQLITE_HEADER_SIZE	100
#define ERROR_BODY_MAX		(64 * 1024)
#define CONNECT_TIMEOUT		10L
/* The daemon sends nothing while it copies: allow it some quiet. */
#define LOW_SPEED_TIME		300L

struct download {
	CURL		*dl_curl;
	int		 dl_fd;
	int64_t		 dl_bytes;
	unsigned char	 dl_header[SQLITE_HEADER_SIZE];
	int		 dl_error;	/* the answer is not a backup */
	struct buf	 dl_errbody;	/* its JSON error, then */
	int		 dl_write_errno;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct download *dl = arg;
	size_t len = size * n, off = 0, keep;
	long status = 0;
	ssize_t w;

	curl_easy_getinfo(dl->dl_curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		dl->dl_error = 1;
		return buf_append(&dl->dl_errbody, p, len) == 0 ? len : 0;
	}
	if (dl->dl_bytes < SQLITE_HEADER_SIZE) {
		keep = SQLITE_HEADER_SIZE - (size_t)dl->dl_bytes;
		if (keep > len)
			keep = len;
		memcpy(dl->dl_header + dl->dl_bytes, p, keep);
	}
	while (off < len) {
		w = write(dl->dl_fd, p + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			dl->dl_write_errno = w == -1 ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	dl->dl_bytes += (int64_t)len;
	return len;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The file format's header (sqlite.org/fileformat.html) against the size. */
static int
check_sqlite(const struct download *dl, uint32_t *pages, char *why,
    size_t whylen)
{
	static const char magic[16] = "SQLite format 3";
	const unsigned char *h = dl->dl_header;
	uint32_t page_size;

	if (dl->dl_bytes < SQLITE_HEADER_SIZE ||
	    memcmp(h, magic, sizeof(magic)) != 0) {
		snprintf(why, whylen, "not an SQLite database");
		return -1;
	}
	page_size = (uint32_t)h[16] << 8 | h[17];
	if (page_size == 1)
		page_size = 65536;
	*pages = be32(h + 28);
	/* The page count is only valid when written by the same change. */
	if (page_size < 512 || (page_size & (page_size - 1)) != 0 ||
	    be32(h + 92) != be32(h + 24) || *pages == 0) {
		snprintf(why, whylen, "the database header is not usable");
		return -1;
	}
	if ((int64_t)*pages * page_size != dl->dl_bytes) {
		snprintf(why, whylen, "%lld bytes, but the header says %u "
		    "pages of %u", (long long)dl->dl_bytes, *pages, page_size);
		return -1;
	}
	return 0;
}

static void
report_refusal(struct download *dl, long status)
{
	json_error_t jerr;
	json_t *doc;
	const char *msg = NULL;

	doc = json_loadb(dl->dl_errbody.data ? dl->dl_errbody.data : "",
	    dl->dl_errbody.len, 0, &jerr);
	if (doc != NULL)
		msg = json_string_value(json_object_get(doc, "error"));
	fprintf(stderr, "tsunagu: %s (HTTP %ld)\n", msg ? msg :
	    "the daemon refused the backup", status);
	json_decref(doc);
}

static int
fetch_backup(struct cli *c, struct download *dl)
{
	struct curl_slist *hdrs = NULL;
	char *url = NULL, *auth = NULL, errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	int ret = CLI_UNREACHABLE;

	if ((dl->dl_curl = curl_easy_init()) == NULL ||
	    asprintf(&url, "%s/api/v1/backup", c->cl_url) < 0)
		goto done;
	if (c->cl_token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    c->cl_token) < 0)
			goto done;
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(dl->dl_curl, CURLOPT_URL, url);
	curl_easy_setopt(dl->dl_curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(dl->dl_curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(dl->dl_curl, CURLOPT_WRITEDATA, dl);
	curl_easy_setopt(dl->dl_curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(dl->dl_curl, CURLOPT_CONNECTTIMEOUT,
	    CONNECT_TIMEOUT);
	curl_easy_setopt(dl->dl_curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(dl->dl_curl, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME);
	curl_easy_setopt(dl->dl_curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(dl->dl_curl, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(dl->dl_curl);
	curl_easy_getinfo(dl->dl_curl, CURLINFO_RESPONSE_CODE, &status);
	if (dl->dl_error && (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)) {
		report_refusal(dl, status);
		ret = CLI_REFUSED;
	} else if (rc == CURLE_WRITE_ERROR && dl->dl_write_errno != 0)
		fprintf(stderr, "tsunagu: writing the backup: %s\n",
		    strerror(dl->dl_write_errno));
	else if (rc == CURLE_PARTIAL_FILE)
		fprintf(stderr, "tsunagu: the daemon stopped sending after "
		    "%lld bytes: the backup is incomplete\n",
		    (long long)dl->dl_bytes);
	else if (rc != CURLE_OK)
		fprintf(stderr, "tsunagu: %s: %s\n", c->cl_url, errbuf[0] ?
		    errbuf : curl_easy_strerror(rc));
	else
		ret = CLI_OK;
 done:
	curl_slist_free_all(hdrs);
	if (dl->dl_curl != NULL)
		curl_easy_cleanup(dl->dl_curl);
	dl->dl_curl = NULL;
	free(url);
	if (auth != NULL) {
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	return ret;
}

/* A new file's name reaches the disk with the directory's entry. */
static int
sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

static int
run_backup(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct download dl;
	char *pos[1], *tmp = NULL, why[160];
	const char *file;
	uint32_t pages = 0;
	int rc, npos, to_stdout;

	if ((rc = cli_parse(cmd, argc, argv, NULL, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	file = pos[0];
	to_stdout = strcmp(file, "-") == 0;
	memset(&dl, 0, sizeof(dl));
	buf_init(&dl.dl_errbody, ERROR_BODY_MAX);
	if (to_stdout)
		dl.dl_fd = STDOUT_FILENO;
	else {
		if (asprintf(&tmp, "%s.tmp-XXXXXX", file) < 0) {
			rc = CLI_UNREACHABLE;
			goto done;
		}
		/* mkstemp: mode 0600, the database holds personal data. */
		if ((dl.dl_fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
			fprintf(stderr, "tsunagu: %s: %s\n", tmp,
			    strerror(errno));
			free(tmp);
			tmp = NULL;
			rc = CLI_USAGE;
			goto done;
		}
	}
	if ((rc = fetch_backup(c, &dl)) != CLI_OK)
		goto done;
	if (check_sqlite(&dl, &pages, why, sizeof(why)) == -1) {
		fprintf(stderr, "tsunagu: the backup is not usable: %s\n", why);
		rc = CLI_UNREACHABLE;
		goto done;
	}
	if (!to_stdout) {
		if (fsync(dl.dl_fd) == -1 || close(dl.dl_fd) == -1) {
			dl.dl_fd = -1;
			fprintf(stderr, "tsunagu: %s: %s\n", tmp,
			    strerror(errno));
			rc = CLI_UNREACHABLE;
			goto done;
		}
		dl.dl_fd = -1;
		if (rename(tmp, file) == -1) {
			fprintf(stderr, "tsunagu: %s: %s\n", file,
			    strerror(errno));
			rc = CLI_UNREACHABLE;
			goto done;
		}
		free(tmp);
		tmp = NULL;
		sync_dir(file);
	}
	/* Standard output holds the database itself: nothing else there. */
	if (!to_stdout && c->cl_json) {
		json_t *o = json_pack("{s:s,s:I,s:I}", "file", file, "bytes",
		    (json_int_t)dl.dl_bytes, "pages", (json_int_t)pages);

		cli_print_json(o);
		json_decref(o);
	} else if (!to_stdout)
		printf("%s: %lld bytes (%u pages), a consistent copy of the "
		    "database\n", file, (long long)dl.dl_bytes, pages);
	rc = CLI_OK;
 done:
	if (!to_stdout && dl.dl_fd != -1)
		close(dl.dl_fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	buf_free(&dl.dl_errbody);
	return rc;
}

const struct cli_command cli_backup_commands[] = {
	{ "backup", "FILE", "a consistent copy of the live database, written "
	    "to FILE atomically (- for standard output)", run_backup,
	    NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
