/*
 * sign.h — signatures of what the daemon pushes: Standard Webhooks
 * (webhook-signature "v1,BASE64", HMAC-SHA256 over "id.timestamp.body"
 * keyed by the base64-decoded part of a "whsec_" secret) and WebSub
 * (X-Hub-Signature "sha256=HEX", HMAC over the body keyed by hub.secret).
 *
 * Every comparison of a received signature runs in constant time.
 */
#ifndef TSUNAGU_SIGN_H
#define TSUNAGU_SIGN_H

#include <stddef.h>
#include <stdint.h>

/* "v1," and the base64 of a SHA-256 HMAC: 3 + 44 + NUL. */
#define SIGN_WEBHOOK_SIZE	48
#define SIGN_KEY_MAX		128	/* bytes of a decoded secret */
/* "sha512=" and 128 hex digits and NUL. */
#define SIGN_WEBSUB_SIZE	136

/*
 * The key of a "whsec_" secret (the prefix is optional, padding too);
 * -1 when the rest is not base64 or decodes to nothing.
 */
int	sign_webhook_key(const char *secret, unsigned char key[SIGN_KEY_MAX],
	    size_t *keylen);
/* "v1,..." for one secret into out[SIGN_WEBHOOK_SIZE]; -1: bad secret. */
int	sign_webhook(const char *secret, const char *msg_id, int64_t timestamp,
	    const void *body, size_t len, char out[SIGN_WEBHOOK_SIZE]);
/*
 * The webhook-signature header value: the signature of secret, then,
 * when previous is not NULL (a rotation's overlap), the one of previous,
 * separated by a space.  out needs 2 * SIGN_WEBHOOK_SIZE.
 */
int	sign_webhook_header(const char *secret, const char *previous,
	    const char *msg_id, int64_t timestamp, const void *body,
	    size_t len, char *out, size_t outlen);
/*
 * The same with sm, a context made once (sign_mac_new(), NULL when it
 * cannot be; sign_mac_free(NULL) is a no-op) that spares each signature
 * fetching the algorithm: for the many deliveries of a fan-out.  A NULL
 * sm signs as sign_webhook_header().
 */
struct sign_mac;
struct sign_mac	*sign_mac_new(void);
void		 sign_mac_free(struct sign_mac *);
int	sign_webhook_header_mac(struct sign_mac *sm, const char *secret,
	    const char *previous, const char *msg_id, int64_t timestamp,
	    const void *body, size_t len, char *out, size_t outlen);
/* 0 when one of the header's space-separated "v1,..." matches. */
int	sign_webhook_verify(const char *secret, const char *msg_id,
	    int64_t timestamp, const void *body, size_t len,
	    const char *header);

/* 1 for sha1, sha256, sha384 and sha512 (the WebSub algorithms). */
int	sign_websub_algorithm_ok(const char *algorithm);
/* "ALG=HEX" into out[SIGN_WEBSUB_SIZE]; -1 for an unknown algorithm. */
int	sign_websub(const char *algorithm, const char *secret, const void *body,
	    size_t len, char out[SIGN_WEBSUB_SIZE]);
/* 0 when an X-Hub-Signature value matches the body under secret. */
int	sign_websub_verify(const char *secret, const void *body, size_t len,
	    const char *header);

#endif
