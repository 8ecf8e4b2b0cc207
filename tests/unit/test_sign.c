/*
 * test_sign.c — signatures against published answers: the Standard
 * Webhooks specification's own vector, RFC 4231 / RFC 2202 HMAC vectors
 * for WebSub's algorithms, rotation headers, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sign.h"

/* standard-webhooks, libraries/go/webhook_test.go, TestWebhookSign. */
#define SW_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_ID		"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_TS		1614265330
#define SW_BODY		"{\"test\": 2432232314}"
#define SW_SIG		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void
test_standard_webhooks_vector(void **state)
{
	char sig[SIGN_WEBHOOK_SIZE];

	(void)state;
	assert_int_equal(sign_webhook(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), sig), 0);
	assert_string_equal(sig, SW_SIG);
	/* The "whsec_" prefix is optional. */
	assert_int_equal(sign_webhook(SW_SECRET + 6, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), sig), 0);
	assert_string_equal(sig, SW_SIG);
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), SW_SIG), 0);
	/* Any change to id, time or body fails. */
	assert_int_equal(sign_webhook_verify(SW_SECRET, "msg_x", SW_TS,
	    SW_BODY, strlen(SW_BODY), SW_SIG), -1);
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS + 1,
	    SW_BODY, strlen(SW_BODY), SW_SIG), -1);
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS,
	    "{\"test\": 2432232315}", strlen(SW_BODY), SW_SIG), -1);
	/* Several signatures: one matching is enough (the spec's case). */
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
	    "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " SW_SIG), 0);
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="),
	    -1);
}

/* A reused context signs exactly as a one-shot HMAC, key after key. */
static void
test_reused_context(void **state)
{
	static const char *const secrets[] = { SW_SECRET,
	    "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0", SW_SECRET + 6,
	    "whsec_AAAA" };
	char want[2 * SIGN_WEBHOOK_SIZE + 2], got[2 * SIGN_WEBHOOK_SIZE + 2];
	struct sign_mac *sm = sign_mac_new();
	size_t i;

	(void)state;
	assert_non_null(sm);
	for (i = 0; i < 2 * sizeof(secrets) / sizeof(secrets[0]); i++) {
		const char *s = secrets[i % 4], *prev = i % 2 ? SW_SECRET :
		    NULL;

		assert_int_equal(sign_webhook_header(s, prev, SW_ID, SW_TS + i,
		    SW_BODY, strlen(SW_BODY), want, sizeof(want)), 0);
		assert_int_equal(sign_webhook_header_mac(sm, s, prev, SW_ID,
		    SW_TS + i, SW_BODY, strlen(SW_BODY), got, sizeof(got)), 0);
		assert_string_equal(got, want);
	}
	/* The vector of the specification, and an empty body. */
	assert_int_equal(sign_webhook_header_mac(sm, SW_SECRET, NULL, SW_ID,
	    SW_TS, SW_BODY, strlen(SW_BODY), got, sizeof(got)), 0);
	assert_string_equal(got, SW_SIG);
	assert_int_equal(sign_webhook_header(SW_SECRET, NULL, SW_ID, SW_TS,
	    "", 0, want, sizeof(want)), 0);
	assert_int_equal(sign_webhook_header_mac(sm, SW_SECRET, NULL, SW_ID,
	    SW_TS, "", 0, got, sizeof(got)), 0);
	assert_string_equal(got, want);
	/* A bad secret fails, and the context still works after it. */
	assert_int_equal(sign_webhook_header_mac(sm, "whsec_!!", NULL, SW_ID,
	    SW_TS, SW_BODY, strlen(SW_BODY), got, sizeof(got)), -1);
	assert_int_equal(sign_webhook_header_mac(sm, SW_SECRET, NULL, SW_ID,
	    SW_TS, SW_BODY, strlen(SW_BODY), got, sizeof(got)), 0);
	assert_string_equal(got, SW_SIG);
	sign_mac_free(sm);
	sign_mac_free(NULL);
}

static void
test_rotation_header(void **state)
{
	static const char other[] = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
	char h[2 * SIGN_WEBHOOK_SIZE + 2], one[SIGN_WEBHOOK_SIZE];

	(void)state;
	assert_int_equal(sign_webhook_header(other, SW_SECRET, SW_ID, SW_TS,
	    SW_BODY, strlen(SW_BODY), h, sizeof(h)), 0);
	assert_int_equal(sign_webhook(other, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), one), 0);
	/* The new secret's signature first, then the old one's. */
	assert_int_equal(strncmp(h, one, strlen(one)), 0);
	assert_string_equal(h + strlen(one), " " SW_SIG);
	assert_int_equal(sign_webhook_verify(other, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), h), 0);
	assert_int_equal(sign_webhook_verify(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), h), 0);
	/* Without a previous secret: one signature. */
	assert_int_equal(sign_webhook_header(other, NULL, SW_ID, SW_TS,
	    SW_BODY, strlen(SW_BODY), h, sizeof(h)), 0);
	assert_string_equal(h, one);
	/* Too small a buffer is an error, not a cut header. */
	assert_int_equal(sign_webhook_header(other, SW_SECRET, SW_ID, SW_TS,
	    SW_BODY, strlen(SW_BODY), h, 60), -1);
}

static void
test_bad_secrets(void **state)
{
	unsigned char key[SIGN_KEY_MAX];
	char sig[SIGN_WEBHOOK_SIZE];
	size_t len;

	(void)state;
	assert_int_equal(sign_webhook_key("whsec_", key, &len), -1);
	assert_int_equal(sign_webhook_key("whsec_not base64!", key, &len), -1);
	assert_int_equal(sign_webhook("whsec_***", SW_ID, SW_TS, "", 0, sig),
	    -1);
	/* Unpadded base64 is read as padded. */
	assert_int_equal(sign_webhook_key("whsec_YWJj", key, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(sign_webhook_key("whsec_YWI", key, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(key, "ab", 2);
}

/* RFC 4231 test case 2 (SHA-2), RFC 2202 test case 2 (SHA-1). */
static void
test_websub_vectors(void **state)
{
	static const struct {
		const char	*alg;
		const char	*hex;
	} v[] = {
		{ "sha1", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		{ "sha256", "5bdcc146bf60754e6a042426089575c75a003f089d273983"
		    "9dec58b964ec3843" },
		{ "sha384", "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
		    "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649" },
		{ "sha512", "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd6"
		    "10270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a3"
		    "4d4a6b4b636e070a38bce737" },
	};
	static const char data[] = "what do ya want for nothing?";
	char out[SIGN_WEBSUB_SIZE], want[SIGN_WEBSUB_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(sign_websub_algorithm_ok(v[i].alg));
		assert_int_equal(sign_websub(v[i].alg, "Jefe", data,
		    strlen(data), out), 0);
		snprintf(want, sizeof(want), "%s=%s", v[i].alg, v[i].hex);
		assert_string_equal(out, want);
		assert_int_equal(sign_websub_verify("Jefe", data, strlen(data),
		    want), 0);
		assert_int_equal(sign_websub_verify("jefe", data, strlen(data),
		    want), -1);
	}
	/* Upper-case hex verifies too. */
	assert_int_equal(sign_websub_verify("Jefe", data, strlen(data),
	    "sha1=EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79"), 0);
	assert_false(sign_websub_algorithm_ok("md5"));
	assert_false(sign_websub_algorithm_ok("sha2560"));
	assert_int_equal(sign_websub("md5", "Jefe", data, strlen(data), out),
	    -1);
	assert_int_equal(sign_websub_verify("Jefe", data, strlen(data),
	    "md5=00"), -1);
	assert_int_equal(sign_websub_verify("Jefe", data, strlen(data),
	    "sha256"), -1);
	assert_int_equal(sign_websub_verify("Jefe", data, strlen(data), NULL),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_webhooks_vector),
		cmocka_unit_test(test_rotation_header),
		cmocka_unit_test(test_reused_context),
		cmocka_unit_test(test_bad_secrets),
		cmocka_unit_test(test_websub_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
