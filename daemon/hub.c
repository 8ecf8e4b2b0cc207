/* hub.c — the WebSub hub. */
#include <stdlib.h>

#include "../feeds/xmalloc.h"
#include "daemon.h"
#include "hub.h"

struct hub {
	struct daemon	*hb_daemon;
};

struct hub *
hub_new(struct daemon *d)
{
	struct hub *hb = xcalloc(1, sizeof(*hb));

	hb->hb_daemon = d;
	return hb;
}

void
hub_free(struct hub *hb)
{
	free(hb);
}

void
hub_poke(struct hub *hb)
{
	(void)hb;
}
