/*
 * sdnotify.h — tell a supervisor (systemd) about our state, through the
 * datagram socket in $NOTIFY_SOCKET (the sd_notify protocol; a few lines,
 * no library).  Without NOTIFY_SOCKET every call does nothing.
 */
#ifndef TSUNAGU_SDNOTIFY_H
#define TSUNAGU_SDNOTIFY_H

/* "READY=1", "RELOADING=1", "STOPPING=1", "STATUS=..."; 0 or -1. */
int	sdnotify(const char *state);
/* RELOADING=1 with the MONOTONIC_USEC systemd wants beside it. */
int	sdnotify_reloading(void);

#endif
