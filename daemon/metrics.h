/*
 * metrics.h — the Prometheus text exposition of the daemon's state.
 */
#ifndef TSUNAGU_METRICS_H
#define TSUNAGU_METRICS_H

#include "../feeds/buf.h"

struct daemon;

/* Appends the text format (version 0.0.4); -1 on a store error. */
int	metrics_render(struct daemon *, struct buf *);

#endif
