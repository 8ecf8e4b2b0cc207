/*
 * test_tokens.c — API tokens and subscribers in the store, as auth.c uses
 * them: roles, revocation at once, constant-time digests, nothing secret
 * in the database file but the webhook secret, which is never read with
 * the rest of a subscriber.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth.h"
#include "store.h"

#define T0	INT64_C(1800000000)

struct fixture {
	char		 dir[64];
	char		 path[96];
	struct store	*st;
	struct auth	*au;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/tsunagu-tokens-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/t.db", fx->dir);
	if (store_open(fx->path, &fx->st) == -1)
		return -1;
	fx->au = auth_new();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];
	int rc;

	store_close(fx->st);
	auth_free(fx->au);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	rc = system(cmd);
	free(fx);
	return rc == 0 ? 0 : -1;
}

/* Makes a token of a role; its text in token. */
static void
make(struct fixture *fx, const char *role, const char *org, const char *sub,
    char token[AUTH_TOKEN_SIZE], char id[AUTH_ID_SIZE])
{
	struct token_info tk = { 0 };
	char digest[AUTH_DIGEST_SIZE];

	auth_token_new(token, id, digest);
	tk.tk_id = id;
	tk.tk_role = (char *)role;
	tk.tk_organization = (char *)org;
	tk.tk_subscriber = (char *)sub;
	tk.tk_label = "test";
	tk.tk_created = T0;
	assert_int_equal(store_token_insert(fx->st, &tk, digest), 0);
}

static int
identify(struct fixture *fx, const char *token, struct auth_principal *ap)
{
	char header[256];

	snprintf(header, sizeof(header), "Bearer %s", token);
	return auth_identify(fx->au, fx->st, header, ap);
}

static void
test_roles(void **state)
{
	struct fixture *fx = *state;
	struct auth_principal ap;
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE];
	char token2[AUTH_TOKEN_SIZE], id2[AUTH_ID_SIZE];

	make(fx, "coordinator", "kariya-shakyo", NULL, token, id);
	assert_int_equal(strncmp(token, "tsu_t", 5), 0);
	assert_non_null(strstr(token, id));
	assert_int_equal(identify(fx, token, &ap), 0);
	assert_int_equal(ap.ap_role, AUTH_COORDINATOR);
	assert_string_equal(ap.ap_token_id, id);
	assert_string_equal(ap.ap_organization, "kariya-shakyo");
	assert_null(ap.ap_subscriber);
	auth_principal_clear(&ap);

	make(fx, "group", "kariya-npo", NULL, token2, id2);
	assert_string_not_equal(id, id2);
	assert_int_equal(identify(fx, token2, &ap), 0);
	assert_int_equal(ap.ap_role, AUTH_GROUP);
	auth_principal_clear(&ap);

	/* The right id with another secret, a cut token, garbage. */
	token2[strlen(token2) - 1] ^= 1;
	assert_int_equal(identify(fx, token2, &ap), 1);
	token2[strlen(token2) - 1] ^= 1;
	token2[strlen(token2) - 1] = '\0';
	assert_int_equal(identify(fx, token2, &ap), 1);
	assert_int_equal(identify(fx, "tsu_tffffffffffff_00", &ap), 1);
	assert_int_equal(identify(fx, "tsu__", &ap), 1);
	assert_int_equal(identify(fx, "not-a-token-at-all", &ap), 1);
	assert_int_equal(auth_identify(fx->au, fx->st, NULL, &ap), 1);
	assert_int_equal(auth_identify(fx->au, fx->st, "Basic xyz", &ap), 1);
	assert_int_equal(ap.ap_role, AUTH_NONE);
}

static void
test_revoked_at_once(void **state)
{
	struct fixture *fx = *state;
	struct auth_principal ap;
	struct token_info tk;
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE];

	make(fx, "admin", NULL, NULL, token, id);
	assert_int_equal(identify(fx, token, &ap), 0);
	assert_int_equal(ap.ap_role, AUTH_ADMIN);
	auth_principal_clear(&ap);
	assert_int_equal(store_token_revoke(fx->st, id, T0 + 5), 0);
	assert_int_equal(identify(fx, token, &ap), 1);
	/* Revoking twice, or what does not exist, finds nothing. */
	assert_int_equal(store_token_revoke(fx->st, id, T0 + 6), 1);
	assert_int_equal(store_token_revoke(fx->st, "tnope", T0), 1);
	assert_int_equal(store_token_get(fx->st, id, &tk), 0);
	assert_int_equal(tk.tk_revoked, T0 + 5);
	token_info_free(&tk);
}

static void
test_admin_file_token(void **state)
{
	struct fixture *fx = *state;
	struct auth_principal ap;
	char path[128], err[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/admin.token", fx->dir);
	f = fopen(path, "w");
	fputs("file-admin-token-0123456789\n", f);
	fclose(f);
	assert_int_equal(auth_load_admin(fx->au, path, err, sizeof(err)), 0);
	assert_int_equal(identify(fx, "file-admin-token-0123456789", &ap), 0);
	assert_int_equal(ap.ap_role, AUTH_ADMIN);
	assert_string_equal(ap.ap_token_id, AUTH_FILE_TOKEN_ID);
	auth_principal_clear(&ap);
	assert_int_equal(identify(fx, "file-admin-token-012345678", &ap), 1);
}

static void
test_constraints(void **state)
{
	struct fixture *fx = *state;
	struct token_info tk = { 0 };
	struct token_info *list;
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE], digest[AUTH_DIGEST_SIZE];
	char taken[AUTH_ID_SIZE];
	size_t n;

	auth_token_new(token, id, digest);
	tk.tk_id = id;
	tk.tk_created = T0;
	/* A subscriber token for a subscriber that does not exist. */
	tk.tk_role = "subscriber";
	tk.tk_subscriber = "nobody";
	assert_int_equal(store_token_insert(fx->st, &tk, digest), 1);
	/* A taken id. */
	make(fx, "admin", NULL, NULL, token, id);
	memcpy(taken, id, sizeof(taken));
	tk.tk_id = taken;
	tk.tk_role = "admin";
	tk.tk_subscriber = NULL;
	auth_token_new(token, id, digest);
	assert_int_equal(store_token_insert(fx->st, &tk, digest), 1);
	/* A group without its organization breaks a CHECK: an error. */
	tk.tk_id = id;
	tk.tk_role = "group";
	assert_int_equal(store_token_insert(fx->st, &tk, digest), -1);
	assert_int_equal(store_token_list(fx->st, &list, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].tk_role, "admin");
	store_token_list_free(list, n);
}

static void
test_subscribers(void **state)
{
	struct fixture *fx = *state;
	struct subscriber_def sd = {
		.sbd_name = "toyota", .sbd_origin = "api",
		.sbd_webhook = "https://intra.example.com/hooks",
		.sbd_filter = "kind=city",
	};
	struct subscriber_patch sp = { 0 };
	struct subscriber_info sb;
	struct auth_principal ap;
	char secret[AUTH_SECRET_SIZE], *stored;
	char feed[AUTH_FEED_TOKEN_SIZE], digest[AUTH_DIGEST_SIZE];
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE];

	auth_webhook_secret_new(secret);
	assert_int_equal(strncmp(secret, "whsec_", 6), 0);
	assert_int_equal(strlen(secret), 6 + 44);
	sd.sbd_secret = secret;
	assert_int_equal(store_subscriber_create(fx->st, &sd, T0), 0);
	assert_int_equal(store_subscriber_create(fx->st, &sd, T0), 1);
	assert_int_equal(store_subscriber_secret(fx->st, "toyota", &stored),
	    0);
	assert_string_equal(stored, secret);
	free(stored);

	/* A public feed, then a private one. */
	assert_int_equal(auth_feed_token_check(fx->st, "toyota", NULL), 0);
	auth_feed_token_new(feed, digest);
	assert_int_equal(store_subscriber_set_feed_token(fx->st, "toyota",
	    digest, T0 + 1), 0);
	assert_int_equal(auth_feed_token_check(fx->st, "toyota", NULL), 2);
	assert_int_equal(auth_feed_token_check(fx->st, "toyota", "tsf_x"), 2);
	assert_int_equal(auth_feed_token_check(fx->st, "toyota", feed), 0);
	assert_int_equal(auth_feed_token_check(fx->st, "nobody", feed), 1);

	sp.sbp_set_webhook = 1;
	sp.sbp_webhook = NULL;
	assert_int_equal(store_subscriber_update(fx->st, "toyota", &sp,
	    T0 + 2), 0);
	assert_int_equal(store_subscriber_set_disabled(fx->st, "toyota", 1,
	    T0 + 3), 0);
	assert_int_equal(store_subscriber_get(fx->st, "toyota", &sb), 0);
	assert_null(sb.sb_webhook);
	assert_string_equal(sb.sb_filter, "kind=city");
	assert_true(sb.sb_disabled);
	assert_true(sb.sb_private);
	assert_int_equal(sb.sb_updated, T0 + 3);
	subscriber_info_free(&sb);

	/* Its tokens go with it. */
	make(fx, "subscriber", NULL, "toyota", token, id);
	assert_int_equal(identify(fx, token, &ap), 0);
	assert_string_equal(ap.ap_subscriber, "toyota");
	auth_principal_clear(&ap);
	assert_int_equal(store_subscriber_delete(fx->st, "toyota"), 0);
	assert_int_equal(identify(fx, token, &ap), 1);
	assert_int_equal(store_subscriber_delete(fx->st, "toyota"), 1);
}

static void
test_config_sync_keeps_secret(void **state)
{
	struct fixture *fx = *state;
	struct subscriber_def sd = { .sbd_name = "aisin",
	    .sbd_webhook = "https://aisin.example.jp/h" };
	struct subscriber_info sb;
	char *secret, *again;

	/* No secret in the file: one is made, then kept across syncs. */
	assert_int_equal(store_subscriber_sync(fx->st, &sd, "whsec_first",
	    T0), 0);
	assert_int_equal(store_subscriber_sync(fx->st, &sd, "whsec_second",
	    T0 + 10), 0);
	assert_int_equal(store_subscriber_secret(fx->st, "aisin", &secret), 0);
	assert_string_equal(secret, "whsec_first");
	free(secret);
	assert_int_equal(store_subscriber_get(fx->st, "aisin", &sb), 0);
	assert_string_equal(sb.sb_origin, "config");
	assert_int_equal(sb.sb_updated, T0);	/* nothing changed */
	subscriber_info_free(&sb);
	/* The file's secret wins. */
	sd.sbd_secret = "whsec_fromfile";
	assert_int_equal(store_subscriber_sync(fx->st, &sd, "whsec_third",
	    T0 + 20), 0);
	assert_int_equal(store_subscriber_secret(fx->st, "aisin", &again), 0);
	assert_string_equal(again, "whsec_fromfile");
	free(again);
	assert_int_equal(store_subscriber_get(fx->st, "aisin", &sb), 0);
	assert_int_equal(sb.sb_secret_rotated, T0 + 20);
	subscriber_info_free(&sb);
}

/* No token or feed token appears in the database file in clear. */
static void
test_no_token_in_the_file(void **state)
{
	struct fixture *fx = *state;
	char token[AUTH_TOKEN_SIZE], id[AUTH_ID_SIZE];
	char feed[AUTH_FEED_TOKEN_SIZE], digest[AUTH_DIGEST_SIZE];
	struct subscriber_def sd = { .sbd_name = "s", .sbd_origin = "api",
	    .sbd_secret = "whsec_x" };
	char *data, path[128], *secret_part;
	size_t len, i, n;
	FILE *f;

	make(fx, "group", "kariya-npo", NULL, token, id);
	assert_int_equal(store_subscriber_create(fx->st, &sd, T0), 0);
	auth_feed_token_new(feed, digest);
	assert_int_equal(store_subscriber_set_feed_token(fx->st, "s", digest,
	    T0), 0);
	store_close(fx->st);	/* checkpoints the WAL into the file */
	fx->st = NULL;
	secret_part = strrchr(token, '_') + 1;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/t.db%s", fx->dir,
		    i == 0 ? "" : i == 1 ? "-wal" : "-journal");
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		data = malloc(64 << 20);
		len = fread(data, 1, 64 << 20, f);
		fclose(f);
		n = strlen(secret_part);
		for (size_t j = 0; j + n <= len; j++) {
			assert_false(memcmp(data + j, secret_part, n) == 0);
			assert_false(memcmp(data + j, feed + 4, 32) == 0);
		}
		free(data);
	}
	assert_int_equal(store_open(fx->path, &fx->st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_at_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_admin_file_token, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_constraints, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_subscribers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_sync_keeps_secret,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_token_in_the_file,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
