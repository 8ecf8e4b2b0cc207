/* log.c — leveled logging to stderr, text or key=value, journal-aware. */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "log.h"

#define LOG_MSG_MAX	2048	/* the formatted message */
#define LOG_LINE_MAX	8192	/* the line, escapes and fields included */

static const char	*log_progname = "tsunagud";
static int		 log_verbosity = LOG_LEVEL_INFO;
static enum log_format	 log_format = LOG_FORMAT_TEXT;
static int		 log_journal;	/* stderr is the journal */

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
	[LOG_LEVEL_TRACE] = "trace",
};

/* syslog(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
static const char level_priority[] = {
	[LOG_LEVEL_ERROR] = '3',
	[LOG_LEVEL_WARN] = '4',
	[LOG_LEVEL_INFO] = '6',
	[LOG_LEVEL_DEBUG] = '7',
	[LOG_LEVEL_TRACE] = '7',
};

/*
 * systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connects
 * to stdout/stderr; it only counts when stderr is still that stream (a
 * child whose stderr was redirected inherits the variable).
 */
static int
stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	uintmax_t dev, ino;
	struct stat sb;
	char tail;

	if (v == NULL || sscanf(v, "%ju:%ju%c", &dev, &ino, &tail) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (uintmax_t)sb.st_dev == dev && (uintmax_t)sb.st_ino == ino;
}

void
log_init(const char *progname, int verbosity)
{
	log_progname = progname;
	log_set_verbosity(verbosity);
	log_journal = stderr_is_journal();
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
log_set_format(enum log_format fmt)
{
	log_format = fmt;
}

int
log_format_parse(const char *s, enum log_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = LOG_FORMAT_TEXT;
	else if (strcmp(s, "kv") == 0)
		*out = LOG_FORMAT_KV;
	else
		return -1;
	return 0;
}

/* --- building one line ------------------------------------------------ */

struct line {
	char	 l_buf[LOG_LINE_MAX];
	size_t	 l_len;		/* < sizeof(l_buf) - 1: room for '\n' */
};

static void
line_putn(struct line *l, const char *s, size_t n)
{
	size_t room = sizeof(l->l_buf) - 1 - l->l_len;

	if (n > room)
		n = room;
	memcpy(l->l_buf + l->l_len, s, n);
	l->l_len += n;
}

static void
line_puts(struct line *l, const char *s)
{
	line_putn(l, s, strlen(s));
}

/* Control characters as escapes; quote and backslash too when quoted. */
static void
line_escaped(struct line *l, const char *s, int quoted)
{
	char esc[8];
	unsigned char c;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '\n')
			line_puts(l, "\\n");
		else if (c == '\r')
			line_puts(l, "\\r");
		else if (c == '\t')
			line_puts(l, "\\t");
		else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			line_puts(l, esc);
		} else if (quoted && (c == '"' || c == '\\')) {
			line_putn(l, "\\", 1);
			line_putn(l, (const char *)&c, 1);
		} else
			line_putn(l, (const char *)&c, 1);
	}
}

/* A value goes bare when nothing in it could be read as a separator. */
static int
needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || *v == '"' || *v == '=' ||
		    *v == '\\' || *v == 0x7f)
			return 1;
	return 0;
}

static void
line_value(struct line *l, const char *v)
{
	if (v == NULL)
		v = "-";
	if (!needs_quotes(v)) {
		line_puts(l, v);
		return;
	}
	line_putn(l, "\"", 1);
	line_escaped(l, v, 1);
	line_putn(l, "\"", 1);
}

static void
line_stamp(struct line *l, int millis)
{
	struct timespec ts;
	struct tm tm;
	char stamp[40];
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (millis)
		snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ",
		    ts.tv_nsec / 1000000);
	else
		snprintf(stamp + n, sizeof(stamp) - n, "Z");
	line_puts(l, stamp);
}

/* fields: key, value, key, value ... NULL (may be NULL itself). */
static void
log_emit(enum log_level level, const char *msg, va_list *fields)
{
	struct line l;
	const char *key, *value;
	ssize_t w;
	size_t off;

	l.l_len = 0;
	if (log_journal) {
		line_putn(&l, "<", 1);
		line_putn(&l, &level_priority[level], 1);
		line_putn(&l, ">", 1);
	}
	if (log_format == LOG_FORMAT_KV) {
		if (!log_journal) {
			line_puts(&l, "ts=");
			line_stamp(&l, 1);
			line_putn(&l, " ", 1);
		}
		line_puts(&l, "level=");
		line_puts(&l, level_names[level]);
		line_puts(&l, " msg=\"");
		line_escaped(&l, msg, 1);
		line_putn(&l, "\"", 1);
	} else {
		if (!log_journal) {
			line_stamp(&l, 0);
			line_putn(&l, " ", 1);
			line_puts(&l, log_progname);
			line_putn(&l, " ", 1);
		}
		line_puts(&l, level_names[level]);
		line_puts(&l, ": ");
		line_escaped(&l, msg, 0);
	}
	while (fields != NULL &&
	    (key = va_arg(*fields, const char *)) != NULL) {
		value = va_arg(*fields, const char *);
		line_putn(&l, " ", 1);
		line_puts(&l, key);
		line_putn(&l, "=", 1);
		line_value(&l, value);
	}
	l.l_buf[l.l_len++] = '\n';
	/* One write per line, so lines from a crash are never interleaved. */
	for (off = 0; off < l.l_len; off += (size_t)w) {
		w = write(STDERR_FILENO, l.l_buf + off, l.l_len - off);
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	int saved = errno;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(level, msg, NULL);
	errno = saved;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
log_kv(enum log_level level, const char *msg, ...)
{
	va_list ap;
	int saved = errno;

	if (!log_enabled(level))
		return;
	va_start(ap, msg);
	log_emit(level, msg, &ap);
	va_end(ap);
	errno = saved;
}

static void
log_errno(enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX - 200];
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
