/*
 * api_audit.c — /api/v1/audit: the trail of every decision and edit, as
 * JSON pages or one CSV export; and the rows the posting routes add.
 *
 * A row says who (token id and label, organization, role), when, what
 * (submit, edit, withdraw, approve, reject, resubmit), on which posting,
 * what changed ({"field": {"from": old, "to": new}}) and why.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "../../feeds/buf.h"
#include "../../feeds/date.h"
#include "../../feeds/posting_json.h"
#include "../../feeds/xmalloc.h"
#include "api.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "reply.h"
#include "store.h"

#define AUDIT_DEFAULT_LIMIT	100
#define AUDIT_MAX_LIMIT		1000
#define AUDIT_CSV_MAX_ROWS	100000
#define AUDIT_CSV_MAX_BYTES	(256 * 1024 * 1024)

static const char *const audit_params[] = { "since", "posting", "actor",
    "limit", "before", "format", NULL };

/* Fields that move at every change: not news in a diff. */
static const char *const diff_skip[] = { "revision", "date_modified",
    NULL };

static int
skipped(const char *key)
{
	const char *const *s;

	for (s = diff_skip; *s; s++)
		if (strcmp(*s, key) == 0)
			return 1;
	return 0;
}

json_t *
api_audit_diff(const json_t *before, const json_t *after)
{
	json_t *d = json_object(), *b, *a;
	const char *key;

	json_object_foreach((json_t *)before, key, b) {
		a = json_object_get(after, key);
		if (skipped(key) || (a != NULL && json_equal(a, b)))
			continue;
		json_object_set_new(d, key, json_pack("{s:O,s:O}", "from", b,
		    "to", a ? a : json_null()));
	}
	json_object_foreach((json_t *)after, key, a) {
		if (skipped(key) || json_object_get(before, key) != NULL)
			continue;
		json_object_set_new(d, key, json_pack("{s:n,s:O}", "from",
		    "to", a));
	}
	return d;
}

void
api_store_actor(struct http_request *hr, struct store_actor *sa,
    struct token_info *tk)
{
	const struct auth_principal *ap = &hr->hr_principal;

	memset(tk, 0, sizeof(*tk));
	sa->sa_token_id = ap->ap_token_id;
	sa->sa_organization = ap->ap_organization;
	sa->sa_role = auth_role_name(ap->ap_role);
	sa->sa_label = NULL;
	/* The label helps people read the trail; it is not required. */
	if (strcmp(ap->ap_token_id, AUTH_FILE_TOKEN_ID) != 0 &&
	    store_token_get(hr->hr_daemon->d_store, ap->ap_token_id,
	    tk) == 0)
		sa->sa_label = tk->tk_label;
}

/* Appends a row outside a transaction of its own; logged on failure. */
static void
append(struct http_request *hr, const char *action, const char *id,
    const json_t *changes)
{
	struct store_actor sa;
	struct token_info tk;
	char *text;

	api_store_actor(hr, &sa, &tk);
	text = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL || store_audit_append(hr->hr_daemon->d_store, &sa,
	    action, id, text, NULL, api_now(hr)) == -1)
		log_warnx("%s: posting %s: the %s by %s is not in the audit "
		    "trail", __func__, id, action, sa.sa_token_id);
	free(text);
	token_info_free(&tk);
}

void
api_audit_submit(struct http_request *hr, const struct posting *p)
{
	json_t *empty = json_object(), *doc, *d;

	if ((doc = posting_to_storage_json(p)) == NULL)
		doc = json_object();
	/* The id is the row's posting: no news either. */
	json_object_del(doc, "id");
	d = api_audit_diff(empty, doc);
	append(hr, "submit", p->pst_id, d);
	json_decref(d);
	json_decref(doc);
	json_decref(empty);
}

void
api_audit_edit(struct http_request *hr, const char *action,
    const struct posting *before, const struct posting *after)
{
	json_t *b, *a, *d;

	b = posting_to_storage_json(before);
	a = posting_to_storage_json(after);
	d = api_audit_diff(b ? b : json_object(), a ? a : json_object());
	append(hr, action, after->pst_id, d);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static json_t *
entry_json(const struct audit_entry *ae)
{
	json_t *changes;

	changes = ae->ae_changes ? json_loads(ae->ae_changes, 0, NULL) : NULL;
	return json_pack("{s:I,s:o,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o}",
	    "id", (json_int_t)ae->ae_id,
	    "at", api_time(ae->ae_at),
	    "action", ae->ae_action,
	    "posting", ae->ae_posting_id,
	    "organization", api_string(ae->ae_organization),
	    "role", api_string(ae->ae_role),
	    "token", ae->ae_token_id,
	    "label", api_string(ae->ae_token_label),
	    "changes", changes ? changes : json_object(),
	    "reason", api_string(ae->ae_reason));
}

static int
parse_query(struct http_request *hr, struct audit_query *q, int *csv)
{
	struct evkeyval *kv;
	const char *const *p, *v;
	char *end;
	long long n;

	memset(q, 0, sizeof(*q));
	*csv = 0;
	TAILQ_FOREACH(kv, &hr->hr_query, next) {
		for (p = audit_params; *p; p++)
			if (strcmp(*p, kv->key) == 0)
				break;
		if (*p == NULL) {
			reply_error_field(hr, 400, kv->key, "unknown query "
			    "parameter '%s' (since, posting, actor, limit, "
			    "before, format)", kv->key);
			return -1;
		}
	}
	if ((v = http_query(hr, "format")) != NULL) {
		if (strcmp(v, "csv") != 0 && strcmp(v, "json") != 0) {
			reply_error_field(hr, 400, "format", "format: json or "
			    "csv");
			return -1;
		}
		*csv = strcmp(v, "csv") == 0;
	}
	if ((v = http_query(hr, "since")) != NULL &&
	    (date_parse_any(v, &q->aq_since) == -1 || q->aq_since <= 0)) {
		reply_error_field(hr, 400, "since", "since: '%s' is not "
		    "YYYY-MM-DD or RFC 3339", v);
		return -1;
	}
	q->aq_posting = http_query(hr, "posting");
	q->aq_actor = http_query(hr, "actor");
	q->aq_limit = *csv ? AUDIT_CSV_MAX_ROWS : AUDIT_DEFAULT_LIMIT;
	if ((v = http_query(hr, "limit")) != NULL) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || *v == '\0' || *end != '\0' || n < 1) {
			reply_error_field(hr, 400, "limit", "limit must be a "
			    "number from 1 to %d", *csv ? AUDIT_CSV_MAX_ROWS :
			    AUDIT_MAX_LIMIT);
			return -1;
		}
		q->aq_limit = (size_t)n;
		if (q->aq_limit > (size_t)(*csv ? AUDIT_CSV_MAX_ROWS :
		    AUDIT_MAX_LIMIT))
			q->aq_limit = *csv ? AUDIT_CSV_MAX_ROWS :
			    AUDIT_MAX_LIMIT;
	}
	if ((v = http_query(hr, "before")) != NULL) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || *v == '\0' || *end != '\0' || n < 1) {
			reply_error_field(hr, 400, "before", "before: not a "
			    "cursor from a next link");
			return -1;
		}
		q->aq_before_id = n;
	}
	return 0;
}

/*
 * One CSV cell (RFC 4180).  A cell a spreadsheet would read as a formula
 * gets a leading apostrophe: the trail holds what anyone typed.  -1 when
 * the buffer is full.
 */
static int
csv_cell(struct buf *b, const char *s, int last)
{
	size_t n;
	int rc;

	if (s == NULL)
		s = "";
	rc = buf_puts(b, "\"");
	if (*s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		rc |= buf_puts(b, "'");
	while (*s != '\0' && rc == 0) {
		n = strcspn(s, "\"");
		rc |= buf_append(b, s, n);
		s += n;
		if (*s == '"') {
			rc |= buf_puts(b, "\"\"");
			s++;
		}
	}
	rc |= buf_puts(b, last ? "\"\r\n" : "\",");
	return rc == 0 ? 0 : -1;
}

static void
reply_csv(struct http_request *hr, const struct audit_entry *list, size_t n)
{
	struct buf b;
	char when[32], id[24];
	size_t i;
	int rc;

	buf_init(&b, AUDIT_CSV_MAX_BYTES);
	/* A BOM: spreadsheet programs then read the Japanese as UTF-8. */
	rc = buf_puts(&b, "\xef\xbb\xbf"
	    "id,at,action,posting,organization,role,token,label,reason,"
	    "changes\r\n");
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(id, sizeof(id), "%" PRId64, list[i].ae_id);
		date_format_rfc3339(list[i].ae_at, DATE_JST_OFFSET, when);
		rc = csv_cell(&b, id, 0) | csv_cell(&b, when, 0) |
		    csv_cell(&b, list[i].ae_action, 0) |
		    csv_cell(&b, list[i].ae_posting_id, 0) |
		    csv_cell(&b, list[i].ae_organization, 0) |
		    csv_cell(&b, list[i].ae_role, 0) |
		    csv_cell(&b, list[i].ae_token_id, 0) |
		    csv_cell(&b, list[i].ae_token_label, 0) |
		    csv_cell(&b, list[i].ae_reason, 0) |
		    csv_cell(&b, list[i].ae_changes, 1);
	}
	if (rc != 0) {
		buf_free(&b);
		reply_error(hr, 413, "the export is larger than %d MiB; narrow "
		    "it with since, posting, actor or limit",
		    AUDIT_CSV_MAX_BYTES >> 20);
		return;
	}
	reply_header(hr, "Cache-Control", "no-store");
	reply_header(hr, "Content-Disposition",
	    "attachment; filename=\"tsunagu-audit.csv\"");
	reply_header(hr, "X-Content-Type-Options", "nosniff");
	reply_send(hr, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static void
audit_list(struct http_request *hr)
{
	struct audit_query q;
	struct audit_entry *list;
	json_t *arr;
	char cursor[24];
	size_t n, shown, i;
	int csv;

	if (parse_query(hr, &q, &csv) == -1)
		return;
	/* One more than asked tells whether a next page exists. */
	if (!csv)
		q.aq_limit++;
	if (store_audit_list(hr->hr_daemon->d_store, &q, &list, &n) == -1) {
		reply_error(hr, 500, "the store failed; see the log");
		return;
	}
	if (csv) {
		reply_csv(hr, list, n);
		store_audit_list_free(list, n);
		return;
	}
	q.aq_limit--;
	shown = n > q.aq_limit ? q.aq_limit : n;
	arr = json_array();
	for (i = 0; i < shown; i++)
		json_array_append_new(arr, entry_json(&list[i]));
	if (n > shown)
		snprintf(cursor, sizeof(cursor), "%" PRId64,
		    list[shown - 1].ae_id);
	reply_json(hr, 200, json_pack("{s:o,s:o}", "audit", arr, "next",
	    n > shown ? json_string(cursor) : json_null()));
	store_audit_list_free(list, n);
}

const struct route route_api_audit = {
	.rt_methods = EVHTTP_REQ_GET,
	.rt_pattern = "/api/v1/audit",
	.rt_handler = audit_list,
	.rt_roles = AUTH_ROLE_BIT(AUTH_ADMIN) |
	    AUTH_ROLE_BIT(AUTH_COORDINATOR),
	.rt_summary = "every decision and edit, newest first: since, posting, "
	    "actor (token id or organization), limit, before; format=csv "
	    "exports",
};
