/* sign.c — HMAC signatures of webhooks and WebSub content (OpenSSL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "sign.h"

/* HMAC-SHA256 fetched once; each signature only sets the key. */
struct sign_mac {
	EVP_MAC		*sm_mac;
	EVP_MAC_CTX	*sm_ctx;
};

static const struct {
	const char	*name;
	const EVP_MD	*(*md)(void);
} websub_algorithms[] = {
	{ "sha1", EVP_sha1 },
	{ "sha256", EVP_sha256 },
	{ "sha384", EVP_sha384 },
	{ "sha512", EVP_sha512 },
};

int
sign_webhook_key(const char *secret, unsigned char key[SIGN_KEY_MAX],
    size_t *keylen)
{
	unsigned char text[SIGN_KEY_MAX * 4 / 3 + 8];
	size_t len, padded;
	int n, pad = 0;

	*keylen = 0;
	if (strncmp(secret, "whsec_", 6) == 0)
		secret += 6;
	len = strlen(secret);
	padded = (len + 3) / 4 * 4;
	if (len == 0 || padded >= sizeof(text) ||
	    strspn(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != len)
		return -1;
	memcpy(text, secret, len);
	memset(text + len, '=', padded - len);
	text[padded] = '\0';
	if (padded >= 1 && text[padded - 1] == '=')
		pad++;
	if (padded >= 2 && text[padded - 2] == '=')
		pad++;
	n = EVP_DecodeBlock(key, text, (int)padded);
	OPENSSL_cleanse(text, sizeof(text));
	if (n <= pad)
		return -1;
	*keylen = (size_t)(n - pad);
	return 0;
}

struct sign_mac *
sign_mac_new(void)
{
	struct sign_mac *sm;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return NULL;
	if ((sm->sm_mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (sm->sm_ctx = EVP_MAC_CTX_new(sm->sm_mac)) == NULL ||
	    EVP_MAC_CTX_set_params(sm->sm_ctx, params) != 1) {
		sign_mac_free(sm);
		return NULL;
	}
	return sm;
}

void
sign_mac_free(struct sign_mac *sm)
{
	if (sm == NULL)
		return;
	EVP_MAC_CTX_free(sm->sm_ctx);
	EVP_MAC_free(sm->sm_mac);
	free(sm);
}

/* HMAC-SHA256 of prefix and body under key, with sm or at once. */
static int
hmac_sha256(struct sign_mac *sm, const unsigned char *key, size_t keylen,
    const char *prefix, size_t plen, const void *body, size_t len,
    unsigned char mac[32])
{
	unsigned char *msg;
	unsigned int maclen = 0;
	size_t outl = 0;
	int rc = -1;

	if (sm != NULL) {
		if (EVP_MAC_init(sm->sm_ctx, key, keylen, NULL) != 1 ||
		    EVP_MAC_update(sm->sm_ctx, (const unsigned char *)prefix,
		    plen) != 1 || (len > 0 && EVP_MAC_update(sm->sm_ctx,
		    body, len) != 1) ||
		    EVP_MAC_final(sm->sm_ctx, mac, &outl, 32) != 1)
			return -1;
		return outl == 32 ? 0 : -1;
	}
	if ((msg = malloc(plen + len + 1)) == NULL)
		return -1;
	memcpy(msg, prefix, plen);
	if (len > 0)
		memcpy(msg + plen, body, len);
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, plen + len, mac,
	    &maclen) != NULL && maclen == 32)
		rc = 0;
	free(msg);
	return rc;
}

/* HMAC-SHA256 over "id.timestamp.body". */
static int
webhook_mac(struct sign_mac *sm, const char *secret, const char *msg_id,
    int64_t timestamp, const void *body, size_t len, unsigned char mac[32])
{
	unsigned char key[SIGN_KEY_MAX];
	char prefix[256];
	size_t keylen;
	int n, rc;

	n = snprintf(prefix, sizeof(prefix), "%s.%lld.", msg_id,
	    (long long)timestamp);
	if (n < 0 || (size_t)n >= sizeof(prefix) ||
	    sign_webhook_key(secret, key, &keylen) == -1)
		return -1;
	rc = hmac_sha256(sm, key, keylen, prefix, (size_t)n, body, len, mac);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static int
webhook_sign(struct sign_mac *sm, const char *secret, const char *msg_id,
    int64_t timestamp, const void *body, size_t len,
    char out[SIGN_WEBHOOK_SIZE])
{
	unsigned char mac[32];

	out[0] = '\0';
	if (webhook_mac(sm, secret, msg_id, timestamp, body, len, mac) == -1)
		return -1;
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, mac, sizeof(mac));
	return 0;
}

int
sign_webhook(const char *secret, const char *msg_id, int64_t timestamp,
    const void *body, size_t len, char out[SIGN_WEBHOOK_SIZE])
{
	return webhook_sign(NULL, secret, msg_id, timestamp, body, len, out);
}

int
sign_webhook_header(const char *secret, const char *previous,
    const char *msg_id, int64_t timestamp, const void *body, size_t len,
    char *out, size_t outlen)
{
	return sign_webhook_header_mac(NULL, secret, previous, msg_id,
	    timestamp, body, len, out, outlen);
}

int
sign_webhook_header_mac(struct sign_mac *sm, const char *secret,
    const char *previous, const char *msg_id, int64_t timestamp,
    const void *body, size_t len, char *out, size_t outlen)
{
	char a[SIGN_WEBHOOK_SIZE], b[SIGN_WEBHOOK_SIZE];
	int n;

	if (webhook_sign(sm, secret, msg_id, timestamp, body, len, a) == -1)
		return -1;
	if (previous == NULL || webhook_sign(sm, previous, msg_id, timestamp,
	    body, len, b) == -1)
		n = snprintf(out, outlen, "%s", a);
	else
		n = snprintf(out, outlen, "%s %s", a, b);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
sign_webhook_verify(const char *secret, const char *msg_id, int64_t timestamp,
    const void *body, size_t len, const char *header)
{
	char want[SIGN_WEBHOOK_SIZE];
	const char *p = header, *end;
	size_t wlen;
	int ok = 0;

	if (header == NULL || sign_webhook(secret, msg_id, timestamp, body,
	    len, want) == -1)
		return -1;
	wlen = strlen(want);
	while (*p) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		if ((size_t)(end - p) == wlen &&
		    CRYPTO_memcmp(p, want, wlen) == 0)
			ok = 1;
		p = end;
	}
	return ok ? 0 : -1;
}

static const EVP_MD *
websub_md(const char *algorithm, size_t *namelen)
{
	size_t i, n;

	for (i = 0; i < sizeof(websub_algorithms) /
	    sizeof(websub_algorithms[0]); i++) {
		n = strlen(websub_algorithms[i].name);
		if (strncmp(algorithm, websub_algorithms[i].name, n) == 0 &&
		    (algorithm[n] == '\0' || algorithm[n] == '=')) {
			if (namelen != NULL)
				*namelen = n;
			return websub_algorithms[i].md();
		}
	}
	return NULL;
}

int
sign_websub_algorithm_ok(const char *algorithm)
{
	size_t n;

	return websub_md(algorithm, &n) != NULL && algorithm[n] == '\0';
}

int
sign_websub(const char *algorithm, const char *secret, const void *body,
    size_t len, char out[SIGN_WEBSUB_SIZE])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	const EVP_MD *md;
	size_t n;

	out[0] = '\0';
	if ((md = websub_md(algorithm, &n)) == NULL || algorithm[n] != '\0')
		return -1;
	if (HMAC(md, secret, (int)strlen(secret), body, len, mac,
	    &maclen) == NULL)
		return -1;
	memcpy(out, algorithm, n);
	out[n] = '=';
	for (i = 0; i < maclen; i++)
		snprintf(out + n + 1 + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
sign_websub_verify(const char *secret, const void *body, size_t len,
    const char *header)
{
	char want[SIGN_WEBSUB_SIZE], alg[8];
	size_t n, i, hlen;

	if (header == NULL || websub_md(header, &n) == NULL ||
	    header[n] != '=')
		return -1;
	memcpy(alg, header, n);
	alg[n] = '\0';
	if (sign_websub(alg, secret, body, len, want) == -1)
		return -1;
	hlen = strlen(header);
	if (hlen != strlen(want))
		return -1;
	/* Hex digits in either case. */
	for (i = 0; i < hlen; i++)
		if (header[i] >= 'A' && header[i] <= 'F')
			break;
	if (i < hlen) {
		char *lower = strdup(header);
		int rc;

		if (lower == NULL)
			return -1;
		for (i = 0; i < hlen; i++)
			if (lower[i] >= 'A' && lower[i] <= 'F')
				lower[i] += 'a' - 'A';
		rc = CRYPTO_memcmp(lower, want, hlen) == 0 ? 0 : -1;
		free(lower);
		return rc;
	}
	return CRYPTO_memcmp(header, want, hlen) == 0 ? 0 : -1;
}
