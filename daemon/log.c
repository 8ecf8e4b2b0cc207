/* log.c — leveled logging to stderr; library messages routed in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "log.h"

static const char	*log_progname = "tsunagud";
static int		 log_verbosity = LOG_LEVEL_INFO;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
	[LOG_LEVEL_TRACE] = "trace",
};

void
log_init(const char *progname, int verbosity)
{
	log_progname = progname;
	log_set_verbosity(verbosity);
}

void
log_set_verbosity(int verbosity)
{
	int level = LOG_LEVEL_INFO + verbosity;

	if (level < LOG_LEVEL_ERROR)
		level = LOG_LEVEL_ERROR;
	if (level > LOG_LEVEL_TRACE)
		level = LOG_LEVEL_TRACE;
	log_verbosity = level;
}

int
log_enabled(enum log_level level)
{
	return (int)level <= log_verbosity;
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[2048], stamp[32];
	struct tm tm;
	time_t now;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One write per line, so lines from a crash are never interleaved. */
	fprintf(stderr, "%s %s %s: %s\n", stamp, log_progname,
	    level_names[level], msg);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static void
log_errno(enum log_level level, const char *fmt, va_list ap)
{
	char msg[1800];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_msg(level, "%s: %s", msg, strerror(saved));
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_errno(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_TRACE, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_errno(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

static void
log_libevent(int severity, const char *msg)
{
	static const enum log_level map[] = {
		[EVENT_LOG_DEBUG] = LOG_LEVEL_TRACE,
		[EVENT_LOG_MSG] = LOG_LEVEL_INFO,
		[EVENT_LOG_WARN] = LOG_LEVEL_WARN,
		[EVENT_LOG_ERR] = LOG_LEVEL_ERROR,
	};

	if (severity < 0 || severity > EVENT_LOG_ERR)
		severity = EVENT_LOG_ERR;
	log_msg(map[severity], "libevent: %s", msg);
}

static void
log_sqlite(void *arg, int code, const char *msg)
{
	(void)arg;
	/* SQLITE_NOTICE and SQLITE_WARNING are advisory (WAL recovery ...). */
	switch (code & 0xff) {
	case SQLITE_NOTICE:
		log_debug("sqlite: %s", msg);
		break;
	case SQLITE_WARNING:
		log_info("sqlite: %s", msg);
		break;
	default:
		log_warnx("sqlite: (%d) %s", code, msg);
		break;
	}
}

/*
 * Must run before any other use of SQLite (SQLITE_CONFIG_LOG is only
 * accepted then) and before curl_global_init's first transfer.  libcurl
 * has no global log hook: its per-transfer error buffer and debug
 * callback are routed in by fetch.c.
 */
void
log_route_libraries(void)
{
	event_set_log_callback(log_libevent);
	sqlite3_config(SQLITE_CONFIG_LOG, log_sqlite, NULL);
}
