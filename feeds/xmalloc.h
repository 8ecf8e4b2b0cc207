/* xmalloc.h — allocation that never returns NULL (aborts on exhaustion). */
#ifndef TSUNAGU_XMALLOC_H
#define TSUNAGU_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* xstrdup(NULL) is NULL: convenient for optional fields. */
char	*xstrdup_opt(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
