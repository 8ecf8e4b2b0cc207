/* webhook_metrics.c — the webhook lines of /metrics. */
#include <inttypes.h>
#include <string.h>

#include "daemon.h"
#include "store.h"
#include "webhook.h"

static void
put_label(struct buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_append(b, v, 1);
	}
}

int
webhook_metrics(struct daemon *d, struct buf *b)
{
	static const struct webhook_stats none;
	const struct webhook_stats *ws = d->d_webhook ?
	    webhook_stats(d->d_webhook) : &none;
	struct webhook_target *wt;
	int64_t pending, undispatched;
	size_t n, i, disabled = 0;

	if (store_outbox_counts(d->d_store, &pending, &undispatched) == -1 ||
	    store_webhook_targets(d->d_store, &wt, &n) == -1)
		return -1;
	buf_printf(b, "# HELP tsunagu_webhook_deliveries_total Webhook "
	    "attempts by result (gave_up and disabled count deliveries and "
	    "endpoints).\n# TYPE tsunagu_webhook_deliveries_total counter\n");
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"delivered\"} "
	    "%" PRIu64 "\n", ws->ws_delivered);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"failed\"} "
	    "%" PRIu64 "\n", ws->ws_failed);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"throttled\"} "
	    "%" PRIu64 "\n", ws->ws_throttled);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"gave_up\"} "
	    "%" PRIu64 "\n", ws->ws_gave_up);
	buf_printf(b, "tsunagu_webhook_deliveries_total{result=\"disabled\"} "
	    "%" PRIu64 "\n", ws->ws_disabled);
	buf_printf(b, "# HELP tsunagu_webhook_queue_depth Pending webhook "
	    "deliveries.\n# TYPE tsunagu_webhook_queue_depth gauge\n"
	    "tsunagu_webhook_queue_depth %" PRId64 "\n", pending);
	buf_printf(b, "# HELP tsunagu_webhook_outbox_undispatched Events not "
	    "fanned out yet.\n# TYPE tsunagu_webhook_outbox_undispatched "
	    "gauge\ntsunagu_webhook_outbox_undispatched %" PRId64 "\n",
	    undispatched);
	buf_printf(b, "# HELP tsunagu_webhook_in_flight Webhook requests "
	    "running.\n# TYPE tsunagu_webhook_in_flight gauge\n"
	    "tsunagu_webhook_in_flight %d\n",
	    d->d_webhook ? webhook_in_flight(d->d_webhook) : 0);
	buf_printf(b, "# HELP tsunagu_webhook_endpoint_disabled 1 for a "
	    "subscriber whose webhook the delivery disabled.\n"
	    "# TYPE tsunagu_webhook_endpoint_disabled gauge\n");
	for (i = 0; i < n; i++) {
		if (!wt[i].wt_disabled || wt[i].wt_disabled_reason == NULL)
			continue;
		disabled++;
		buf_puts(b, "tsunagu_webhook_endpoint_disabled{subscriber=\"");
		put_label(b, wt[i].wt_name);
		buf_printf(b, "\",reason=\"%s\"} 1\n",
		    strstr(wt[i].wt_disabled_reason, "410") ? "gone" :
		    "failing");
	}
	buf_printf(b, "# HELP tsunagu_webhook_endpoints_disabled Subscribers "
	    "whose webhook the delivery disabled.\n"
	    "# TYPE tsunagu_webhook_endpoints_disabled gauge\n"
	    "tsunagu_webhook_endpoints_disabled %zu\n", disabled);
	store_webhook_targets_free(wt, n);
	return 0;
}
