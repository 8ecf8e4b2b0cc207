/*
 * log.h — logging to stderr with levels (OpenBSD style), one line per
 * event.
 *
 * log_warn() appends strerror(errno), log_warnx() does not.  Messages
 * usually start with __func__ for errors.  libevent, libcurl and SQLite
 * messages are routed here (log_route_libraries()).
 *
 * Two line shapes ([daemon] log_format):
 *
 *   text  2026-06-01T09:00:00Z tsunagud info: MESSAGE key=value ...
 *   kv    ts=2026-06-01T09:00:00.123Z level=info msg="MESSAGE" key=value ...
 *
 * When stderr is the systemd journal (JOURNAL_STREAM names stderr), the
 * timestamp and program name are left out (the journal records both) and
 * each line starts with its syslog priority, "<3>" to "<7>" (sd-daemon(3)),
 * so that journalctl -p filters by level.  Control characters in messages
 * and values are escaped: a line is always one event.  Contact data of
 * postings (names, phone numbers, e-mail addresses) is never logged.
 */
#ifndef TSUNAGU_LOG_H
#define TSUNAGU_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};

enum log_format {
	LOG_FORMAT_TEXT = 0,
	LOG_FORMAT_KV,
};

/* Also looks whether stderr is the journal (JOURNAL_STREAM). */
void	log_init(const char *progname, int verbosity);	/* 0 = info */
void	log_set_verbosity(int);
int	log_enabled(enum log_level);
void	log_route_libraries(void);
void	log_set_format(enum log_format);
/* "text" or "kv"; -1 for anything else. */
int	log_format_parse(const char *, enum log_format *);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(enum log_level, const char *, va_list);
/*
 * An event with fields: msg, then key and value strings in pairs, ending
 * with NULL.  Keys are [a-z0-9_]; a NULL value is written as "-".
 *   log_kv(LOG_LEVEL_INFO, "backup done", "bytes", "8192", NULL);
 */
void	log_kv(enum log_level, const char *msg, ...)
	    __attribute__((sentinel));
__attribute__((noreturn)) void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
