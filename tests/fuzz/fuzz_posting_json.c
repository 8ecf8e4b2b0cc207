/* fuzz_posting_json.c — reading postings back from JSON (store, feeds). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "posting.h"
#include "posting_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, 0, NULL), *back;
	struct posting *p;
	char err[256];

	if (doc == NULL)
		return 0;
	if ((p = posting_from_json(doc, err, sizeof(err))) != NULL) {
		/* What was read must be writable again. */
		back = posting_to_json(p);
		json_decref(back);
		posting_free(p);
	}
	if ((p = posting_from_storage_json(doc, err, sizeof(err))) != NULL)
		posting_free(p);
	json_decref(doc);
	return 0;
}
