/*
 * api_backup.c — GET /api/v1/backup: a consistent copy of the live
 * database, for `tsunagu backup FILE`.
 *
 * The copy is made with SQLite's online backup (store.h), BACKUP_PAGES
 * pages per turn of the event loop, so that feeds, the API, fetches and
 * deliveries go on being served; it goes into a private temporary file
 * next to the database (same file system, and never /tmp: it holds
 * personal data).  Once complete, the file is opened, unlinked — so that
 * nothing is left behind whatever happens next — and sent with its
 * Content-Length, BACKUP_CHUNK bytes at a time as the client takes them:
 * a client that gets fewer bytes knows that its copy is truncated.
 *
 * One backup at a time (409 otherwise).  The request is answered from the
 * loop: the handler returns without replying and the job replies later.
 * If the client goes away, the connection's close callback ends the job.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "../../feeds/xmalloc.h"
#include "api.h"
#include "clock.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"

#define BACKUP_PAGES	256		/* copied per turn of the loop */
#define BACKUP_CHUNK	(256 * 1024)	/* bytes handed to the socket */
#define BACKUP_SUFFIX	".backup-"	/* DATABASE.backup-XXXXXX */

struct backup_job {
	struct daemon		*bj_daemon;
	struct http_request	 bj_hr;		/* for reply.h; hr_req only */
	struct evhttp_connection *bj_conn;	/* its close callback is ours */
	struct store_backup	*bj_backup;
	struct timer		*bj_timer;
	char			*bj_path;	/* until unlinked */
	int			 bj_fd;		/* the finished copy */
	off_t			 bj_size;
	off_t			 bj_sent;
	struct evbuffer		*bj_chunk;
	char			*bj_readbuf;	/* BACKUP_CHUNK bytes */
	int64_t			 bj_started_ms;
	int			 bj_pages;	/* per turn */
	int			 bj_remaining;	/* after the last turn */
};

static void	 job_step(void *);

/* Leftovers of a backup cut short by a crash: nobody else makes them. */
static void
remove_stale(const char *dbpath)
{
	char *dcopy = xstrdup(dbpath), *bcopy = xstrdup(dbpath), *prefix;
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	struct dirent *de;
	char path[4096];
	DIR *dp;

	xasprintf(&prefix, "%s" BACKUP_SUFFIX, base);
	if ((dp = opendir(dir)) != NULL) {
		while ((de = readdir(dp)) != NULL) {
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path) == 0)
				log_info("backup: removed %s, left by a backup "
				    "that did not finish", path);
		}
		closedir(dp);
	}
	free(prefix);
	free(dcopy);
	free(bcopy);
}

/* Everything but the request, which the caller answers or lets go. */
static void
job_free(struct backup_job *bj)
{
	if (bj->bj_conn != NULL)
		evhttp_connection_set_closecb(bj->bj_conn, NULL, NULL);
	store_backup_free(bj->bj_backup);
	timer_free(bj->bj_timer);
	if (bj->bj_path != NULL) {
		unlink(bj->bj_path);
		free(bj->bj_path);
	}
	if (bj->bj_fd != -1)
		close(bj->bj_fd);
	if (bj->bj_chunk != NULL)
		evbuffer_free(bj->bj_chunk);
	free(bj->bj_readbuf);
	if (bj->bj_daemon->d_backup == bj)
		bj->bj_daemon->d_backup = NULL;
	free(bj);
}

static void
job_fail(struct backup_job *bj, const char *why)
{
	log_warnx("backup: %s", why);
	reply_error(&bj->bj_hr, 500, "the backup failed: %s", why);
	job_free(bj);
}

/* The client went away, or the server is shutting its connections. */
static void
job_conn_closed(struct evhttp_connection *conn, void *arg)
{
	struct backup_job *bj = arg;
	struct evhttp_request *req = bj->bj_hr.hr_req;

	log_warnx("backup: the client went away after %lld of %lld bytes",
	    (long long)bj->bj_sent, (long long)bj->bj_size);
	bj->bj_conn = NULL;
	/* Detached from the connection, the request is ours to free. */
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_send_reply_end(req);
	job_free(bj);
}

/*
 * Once the headers are out, cutting the connection short is the only way
 * left to say that the body is incomplete.
 */
static void
job_cut(struct backup_job *bj)
{
	struct evhttp_request *req = bj->bj_hr.hr_req;
	struct evhttp_connection *conn = evhttp_request_get_connection(req);

	if (bj->bj_conn != NULL)
		evhttp_connection_set_closecb(bj->bj_conn, NULL, NULL);
	bj->bj_conn = NULL;
	job_free(bj);
	if (conn != NULL)
		evhttp_connection_free(conn);	/* frees the request too */
	else
		evhttp_send_reply_end(req);	/* frees a detached request */
}

static void
job_sent(struct evhttp_connection *conn, void *arg)
{
	struct backup_job *bj = arg;
	struct evhttp_request *req = bj->bj_hr.hr_req;
	int64_t ms;
	ssize_t n;

	if (bj->bj_sent < bj->bj_size) {
		do
			n = read(bj->bj_fd, bj->bj_readbuf, BACKUP_CHUNK);
		while (n == -1 && errno == EINTR);
		if (n <= 0 || evbuffer_add(bj->bj_chunk, bj->bj_readbuf,
		    (size_t)n) == -1) {
			log_warn("backup: reading the copy");
			job_cut(bj);
			return;
		}
		bj->bj_sent += n;
		evhttp_send_reply_chunk_with_cb(req, bj->bj_chunk, job_sent,
		    bj);
		return;
	}
	ms = clock_now_ms(bj->bj_daemon->d_clock) - bj->bj_started_ms;
	log_info("backup: %lld bytes sent in %lld ms", (long long)bj->bj_size,
	    (long long)ms);
	evhttp_connection_set_closecb(bj->bj_conn, NULL, NULL);
	bj->bj_conn = NULL;
	evhttp_send_reply_end(req);
	job_free(bj);
}

/* The copy is complete: from here on, only the open file holds it. */
static void
job_send(struct backup_job *bj)
{
	struct evhttp_request *req = bj->bj_hr.hr_req;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char len[32], name[96], stamp[32];
	struct stat sb;
	struct tm tm;
	time_t now;

	store_backup_free(bj->bj_backup);
	bj->bj_backup = NULL;
	if ((bj->bj_fd = open(bj->bj_path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(bj->bj_fd, &sb) == -1) {
		job_fail(bj, strerror(errno));
		return;
	}
	unlink(bj->bj_path);
	free(bj->bj_path);
	bj->bj_path = NULL;
	bj->bj_size = sb.st_size;
	now = (time_t)clock_now(bj->bj_daemon->d_clock);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "attachment; filename=\"tsunagu-%s.db\"",
	    stamp);
	snprintf(len, sizeof(len), "%lld", (long long)bj->bj_size);
	evhttp_add_header(out, "Content-Type", "application/vnd.sqlite3");
	evhttp_add_header(out, "Content-Length", len);
	evhttp_add_header(out, "Content-Disposition", name);
	evhttp_add_header(out, "Cache-Control", "no-store");
	if ((bj->bj_chunk = evbuffer_new()) == NULL) {
		job_fail(bj, "out of memory");
		return;
	}
	bj->bj_readbuf = xmalloc(BACKUP_CHUNK);
	/* With a Content-Length set, evhttp sends the body as it is. */
	evhttp_send_reply_start(req, 200, "OK");
	job_sent(NULL, bj);
}

static void
job_step(void *arg)
{
	struct backup_job *bj = arg;
	struct clock *ck = bj->bj_daemon->d_clock;
	int remaining, total;

	switch (store_backup_step(bj->bj_backup, bj->bj_pages)) {
	case 1:
		/* Writes that outpace the copy make the steps larger, so
		 * that the copy ends whatever the load. */
		store_backup_progress(bj->bj_backup, &remaining, &total);
		if (remaining >= bj->bj_remaining && bj->bj_pages < total)
			bj->bj_pages *= 2;
		bj->bj_remaining = remaining;
		/* The rest after what else is waiting: feeds, deliveries. */
		timer_at(bj->bj_timer, clock_now_ms(ck));
		return;
	case 0:
		log_debug("backup: copy complete after %lld ms", (long long)
		    (clock_now_ms(ck) - bj->bj_started_ms));
		job_send(bj);
		return;
	default:
		job_fail(bj, "the copy could not be made (see the log)");
		return;
	}
}

static void
backup_get(struct http_request *hr)
{
	struct daemon *d = hr->hr_daemon;
	struct backup_job *bj;
	int fd;

	if (hr->hr_method == EVHTTP_REQ_HEAD) {
		reply_header(hr, "Allow", "GET");
		reply_error(hr, 405, "a backup is made to be sent: use GET");
		return;
	}
	if (d->d_backup != NULL) {
		reply_error(hr, 409, "a backup is being made; try again when "
		    "it is done");
		return;
	}
	remove_stale(store_path(d->d_store));
	bj = xcalloc(1, sizeof(*bj));
	bj->bj_daemon = d;
	bj->bj_fd = -1;
	bj->bj_hr.hr_req = hr->hr_req;
	bj->bj_hr.hr_daemon = d;
	bj->bj_hr.hr_method = EVHTTP_REQ_GET;
	bj->bj_started_ms = clock_now_ms(d->d_clock);
	bj->bj_pages = BACKUP_PAGES;
	bj->bj_remaining = INT_MAX;
	xasprintf(&bj->bj_path, "%s" BACKUP_SUFFIX "XXXXXX",
	    store_path(d->d_store));
	/* mkstemp: a new file, mode 0600 whatever the umask. */
	if ((fd = mkstemp(bj->bj_path)) == -1) {
		log_warn("backup: %s", bj->bj_path);
		reply_error(hr, 500, "cannot make a temporary file next to "
		    "the database: %s", strerror(errno));
		free(bj->bj_path);
		free(bj);
		return;
	}
	close(fd);
	if (store_backup_begin(d->d_store, bj->bj_path,
	    &bj->bj_backup) == -1) {
		d->d_backup = bj;
		job_fail(bj, "the copy could not be started (see the log)");
		return;
	}
	d->d_backup = bj;
	bj->bj_conn = evhttp_request_get_connection(hr->hr_req);
	if (bj->bj_conn != NULL)
		evhttp_connection_set_closecb(bj->bj_conn, job_conn_closed,
		    bj);
	bj->bj_timer = timer_new(d->d_clock, job_step, bj);
	log_info("backup: started for token %s", hr->hr_principal.ap_token_id);
	timer_at(bj->bj_timer, clock_now_ms(d->d_clock));
}

void
api_backup_stop(struct daemon *d)
{
	struct backup_job *bj = d->d_backup;

	if (bj == NULL)
		return;
	if (bj->bj_chunk == NULL) {
		reply_error(&bj->bj_hr, 503, "the daemon is stopping; no "
		    "backup was made");
		job_free(bj);
		return;
	}
	log_warnx("backup: stopped after %lld of %lld bytes",
	    (long long)bj->bj_sent, (long long)bj->bj_size);
	job_cut(bj);
}

const struct route route_api_backup = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/backup",
	.rt_handler = backup_get,
	.rt_roles = AUTH_ROLE_BIT(AUTH_ADMIN),
	.rt_summary = "a consistent copy of the live database (SQLite), for "
	    "tsunagu backup",
};
