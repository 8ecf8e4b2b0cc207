/*
 * replay.c — runs a libFuzzer harness over files without libFuzzer, so
 * `meson test` replays every corpus and every kept crash on any compiler.
 *
 *   fuzz_TARGET FILE|DIR ...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REPLAY_MAX_INPUT	(64 * 1024 * 1024)

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	uint8_t *data;
	size_t len;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	if (fstat(fileno(f), &sb) == -1 || sb.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "%s: cannot stat, or larger than %d bytes\n",
		    path, REPLAY_MAX_INPUT);
		fclose(f);
		return -1;
	}
	/* Exactly the input's size, so ASan sees reads past its end. */
	data = malloc(sb.st_size ? (size_t)sb.st_size : 1);
	len = fread(data, 1, (size_t)sb.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
replay(const char *path, int *count)
{
	struct stat sb;
	struct dirent **names;
	char sub[4096];
	int n, i, rc = 0;

	if (stat(path, &sb) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((n = scandir(path, &names, NULL, alphasort)) == -1) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path,
			    names[i]->d_name);
			if (replay(sub, count) == -1)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
	int i, count = 0, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count) == -1)
			rc = 1;
	printf("%s: replayed %d inputs\n", argv[0], count);
	if (count == 0)
		return 1;	/* an empty corpus tests nothing */
	return rc;
}
