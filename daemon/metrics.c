/* metrics.c — Prometheus text: per-source fetch health, postings. */
#include <inttypes.h>
#include <string.h>

#include "../feeds/buf.h"
#include "daemon.h"
#include "hub.h"
#include "metrics.h"
#include "store.h"
#include "store_io.h"
#include "webhook.h"

/* Label values escape backslash, double quote and newline. */
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

typedef int64_t (*source_value)(const struct source_health *);

static int64_t v_fetches(const struct source_health *s) { return s->sh_fetches; }
static int64_t v_errors(const struct source_health *s) { return s->sh_errors; }
static int64_t v_success(const struct source_health *s) { return s->sh_last_success; }
static int64_t v_up(const struct source_health *s) { return s->sh_error == NULL && s->sh_last_success > 0; }
static int64_t v_failures(const struct source_health *s) { return s->sh_failures; }
static int64_t v_postings(const struct source_health *s) { return s->sh_postings; }
static int64_t v_next(const struct source_health *s) { return s->sh_next_poll; }

static const struct source_metric {
	const char	*sm_name;
	const char	*sm_type;
	const char	*sm_help;
	source_value	 sm_value;
} source_metrics[] = {
	{ "tsunagu_source_fetches_total", "counter",
	    "Fetch attempts of the source.", v_fetches },
	{ "tsunagu_source_errors_total", "counter",
	    "Failed fetch attempts of the source.", v_errors },
	{ "tsunagu_source_last_success_timestamp_seconds", "gauge",
	    "When the source was last fetched successfully (0: never).",
	    v_success },
	{ "tsunagu_source_up", "gauge",
	    "1 when the last fetch of the source succeeded.", v_up },
	{ "tsunagu_source_consecutive_failures", "gauge",
	    "Failed fetches since the last success.", v_failures },
	{ "tsunagu_source_postings", "gauge",
	    "Entries the source currently contributes.", v_postings },
	{ "tsunagu_source_next_poll_timestamp_seconds", "gauge",
	    "When the source will be polled next.", v_next },
	{ NULL, NULL, NULL, NULL }
};

int
metrics_render(struct daemon *d, struct buf *b)
{
	const struct source_metric *m;
	struct store_io_status sio;
	struct source_health *list;
	size_t n, i;

	if (store_source_list(d->d_store, &list, &n) == -1)
		return -1;
	for (m = source_metrics; m->sm_name; m++) {
		buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", m->sm_name,
		    m->sm_help, m->sm_name, m->sm_type);
		for (i = 0; i < n; i++) {
			buf_printf(b, "%s{source=\"", m->sm_name);
			put_label(b, list[i].sh_name);
			buf_printf(b, "\"} %" PRId64 "\n",
			    m->sm_value(&list[i]));
		}
	}
	/* The reason is a label of a bounded set (error codes), not the
	 * free text, which the admin API shows. */
	buf_puts(b, "# HELP tsunagu_source_failing 1 for a source whose last "
	    "fetch failed, labelled with the reason.\n"
	    "# TYPE tsunagu_source_failing gauge\n");
	for (i = 0; i < n; i++) {
		if (list[i].sh_error == NULL)
			continue;
		buf_puts(b, "tsunagu_source_failing{source=\"");
		put_label(b, list[i].sh_name);
		buf_puts(b, "\",reason=\"");
		put_label(b, list[i].sh_error_code ? list[i].sh_error_code :
		    "unknown");
		buf_puts(b, "\"} 1\n");
	}
	buf_printf(b, "# HELP tsunagu_postings_total Published postings.\n"
	    "# TYPE tsunagu_postings_total gauge\n"
	    "tsunagu_postings_total %" PRId64 "\n",
	    store_postings_count(d->d_store));
	buf_printf(b, "# HELP tsunagu_start_time_seconds When the daemon "
	    "started.\n# TYPE tsunagu_start_time_seconds gauge\n"
	    "tsunagu_start_time_seconds %" PRId64 "\n", d->d_started);
	store_io_status(d->d_store, &sio);
	buf_printf(b, "# HELP tsunagu_store_io_errors_total Writes and "
	    "reads of the database that failed for the disk (full, failing, "
	    "locked).\n# TYPE tsunagu_store_io_errors_total counter\n"
	    "tsunagu_store_io_errors_total %" PRIu64 "\n"
	    "# HELP tsunagu_store_failing 1 while the last write to the "
	    "database failed.\n# TYPE tsunagu_store_failing gauge\n"
	    "tsunagu_store_failing %d\n"
	    "# HELP tsunagu_store_wal_bytes Size of the write-ahead log.\n"
	    "# TYPE tsunagu_store_wal_bytes gauge\n"
	    "tsunagu_store_wal_bytes %" PRId64 "\n", sio.sio_errors,
	    sio.sio_failing, store_wal_size(d->d_store));
	store_source_list_free(list, n);
	if (webhook_metrics(d, b) == -1)
		return -1;
	return hub_metrics(d, b);
}
