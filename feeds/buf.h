/*
 * buf.h — a growable byte buffer bounded at creation (curl's dynbuf).
 *
 * The data is always NUL-terminated (the terminator is not counted in
 * len).  buf_append() refuses to grow past max and returns -1, leaving the
 * buffer as it was; everything that comes from outside goes through it.
 */
#ifndef TSUNAGU_BUF_H
#define TSUNAGU_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

void	 buf_init(struct buf *, size_t max);
void	 buf_free(struct buf *);	/* frees the data; the struct is reusable */
void	 buf_reset(struct buf *);	/* len = 0, keeps the allocation */
int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (free() it); the buffer is left empty. */
char	*buf_release(struct buf *, size_t *lenp);

#endif
