/*
 * tokens.c — API tokens by digest: the store never holds a token itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

#define TOKEN_COLUMNS \
	"id, role, organization, subscriber, label, created, revoked"

static void
token_read(sqlite3_stmt *stmt, struct token_info *tk)
{
	memset(tk, 0, sizeof(*tk));
	tk->tk_id = store_column_str(stmt, 0);
	tk->tk_role = store_column_str(stmt, 1);
	tk->tk_organization = store_column_str(stmt, 2);
	tk->tk_subscriber = store_column_str(stmt, 3);
	tk->tk_label = store_column_str(stmt, 4);
	tk->tk_created = sqlite3_column_int64(stmt, 5);
	tk->tk_revoked = sqlite3_column_int64(stmt, 6);
}

void
token_info_free(struct token_info *tk)
{
	if (tk == NULL)
		return;
	free(tk->tk_id);
	free(tk->tk_role);
	free(tk->tk_organization);
	free(tk->tk_subscriber);
	free(tk->tk_label);
	memset(tk, 0, sizeof(*tk));
}

int
store_token_insert(struct store *st, const struct token_info *tk,
    const char *digest_hex)
{
	static const char sql[] =
	    "INSERT INTO tokens (id, digest, role, organization, subscriber, "
	    "label, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "ssssssI", tk->tk_id, digest_hex,
	    tk->tk_role, tk->tk_organization, tk->tk_subscriber,
	    tk->tk_label, tk->tk_created) == -1)
		return -1;
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	/* A taken id or digest, or a subscriber that is not there. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT &&
	    rc != SQLITE_CONSTRAINT_CHECK && rc != SQLITE_CONSTRAINT_NOTNULL)
		return 1;
	store_log_error(st, __func__, "insert");
	return -1;
}

int
store_token_find(struct store *st, const char *id, struct token_info *out,
    char digest_hex[65])
{
	static const char sql[] =
	    "SELECT " TOKEN_COLUMNS ", digest FROM tokens WHERE id = ?1";
	sqlite3_stmt *stmt;
	const char *d;
	int rc;

	memset(out, 0, sizeof(*out));
	digest_hex[0] = '\0';
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "s", id) == -1)
		return -1;
	if ((rc = store_step(st, stmt, __func__)) == 1) {
		token_read(stmt, out);
		d = (const char *)sqlite3_column_text(stmt, 7);
		snprintf(digest_hex, 65, "%s", d ? d : "");
	}
	store_reset(stmt);
	if (rc == -1)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
store_token_get(struct store *st, const char *id, struct token_info *out)
{
	char digest[65];

	return store_token_find(st, id, out, digest);
}

int
store_token_list(struct store *st, struct token_info **out, size_t *n)
{
	static const char sql[] =
	    "SELECT " TOKEN_COLUMNS " FROM tokens ORDER BY created, id";
	struct token_info *list = NULL;
	sqlite3_stmt *stmt;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((stmt = store_stmt(st, sql)) == NULL)
		return -1;
	while ((rc = store_step(st, stmt, __func__)) == 1) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		token_read(stmt, &list[len++]);
	}
	store_reset(stmt);
	if (rc == -1) {
		store_token_list_free(list, len);
		return -1;
	}
	*out = list;
	*n = len;
	return 0;
}

void
store_token_list_free(struct token_info *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		token_info_free(&list[i]);
	free(list);
}

int
store_token_revoke(struct store *st, const char *id, int64_t when)
{
	static const char sql[] =
	    "UPDATE tokens SET revoked = ?2 WHERE id = ?1 AND revoked = 0";
	sqlite3_stmt *stmt;

	/* 0 is "valid": a revocation at the epoch would not revoke. */
	if (when <= 0)
		when = 1;
	if ((stmt = store_stmt(st, sql)) == NULL ||
	    store_bind(st, stmt, "sI", id, when) == -1 ||
	    store_step_done(st, stmt, __func__) == -1)
		return -1;
	return sqlite3_changes(st->st_db) == 0 ? 1 : 0;
}
