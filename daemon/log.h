/*
 * log.h — logging to stderr with levels (OpenBSD style).
 *
 * log_warn() appends strerror(errno), log_warnx() does not.  Messages
 * usually start with __func__ for errors.  libevent, libcurl and SQLite
 * messages are routed here (log_route_libraries()).
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

void	log_init(const char *progname, int verbosity);	/* 0 = info */
void	log_set_verbosity(int);
int	log_enabled(enum log_level);
void	log_route_libraries(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(enum log_level, const char *, va_list);
__attribute__((noreturn)) void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
