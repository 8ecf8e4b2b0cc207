/*
 * main.c — tsunagu: global options, the small configuration file, and
 * dispatch to the command tables.
 *
 *   tsunagu [--url URL] [--token TOKEN] [--config FILE] [--json] COMMAND ...
 *
 * The URL and token come from the options, else TSUNAGU_URL and
 * TSUNAGU_TOKEN, else the configuration file (TSUNAGU_CONFIG, else
 * $XDG_CONFIG_HOME/tsunagu/cli.conf or ~/.config/tsunagu/cli.conf).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"

#define DEFAULT_URL	"http://127.0.0.1:8080"
#define CONF_MAX_LINE	4096

static const struct cli_command *const tables[] = {
	cli_source_commands,
	cli_subscriber_commands,
	cli_delivery_commands,
	cli_hub_commands,
	cli_posting_commands,
	cli_token_commands,
	cli_backup_commands,
	cli_moderation_commands,
	NULL
};

/* What the configuration file says (owned strings). */
struct cli_conf {
	char	*cf_url;
	char	*cf_token;
};

static void
usage_list(FILE *f)
{
	const struct cli_command *const *t, *cmd;

	fprintf(f, "usage: tsunagu [--url URL] [--token TOKEN] [--config FILE] "
	    "[--json] COMMAND ...\n\ncommands:\n");
	for (t = tables; *t; t++)
		for (cmd = *t; cmd->cc_name; cmd++)
			fprintf(f, "  %s%s%s\n      %s\n", cmd->cc_name,
			    cmd->cc_usage[0] ? " " : "", cmd->cc_usage,
			    cmd->cc_help);
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* The first line of a file, trimmed (a token file). */
static char *
first_line(const char *path)
{
	char line[CONF_MAX_LINE];
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	return strdup(trim(line));
}

/*
 * "key = value" lines: url, token, token_file; '#' and ';' start
 * comments.  A missing default file is no error; an unreadable named one
 * is.  -1 (printed) on an error.
 */
static int
conf_read(const char *path, int named, struct cli_conf *cf)
{
	char line[CONF_MAX_LINE], *key, *value, *eq;
	struct stat sb;
	FILE *f;
	int n = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (!named && errno == ENOENT)
			return 0;
		fprintf(stderr, "tsunagu: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		n++;
		key = trim(line);
		if (*key == '\0' || *key == '#' || *key == ';')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			fprintf(stderr, "tsunagu: %s:%d: expected key = "
			    "value\n", path, n);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (strcmp(key, "url") == 0) {
			free(cf->cf_url);
			cf->cf_url = strdup(value);
		} else if (strcmp(key, "token") == 0) {
			free(cf->cf_token);
			cf->cf_token = strdup(value);
		} else if (strcmp(key, "token_file") == 0) {
			free(cf->cf_token);
			if ((cf->cf_token = first_line(value)) == NULL) {
				fprintf(stderr, "tsunagu: %s:%d: %s: %s\n",
				    path, n, value, strerror(errno));
				rc = -1;
			}
		} else {
			fprintf(stderr, "tsunagu: %s:%d: unknown key '%s' "
			    "(url, token, token_file)\n", path, n, key);
			rc = -1;
		}
	}
	/* A token others can read is no secret. */
	if (rc == 0 && cf->cf_token != NULL && fstat(fileno(f), &sb) == 0 &&
	    (sb.st_mode & 077) != 0)
		fprintf(stderr, "tsunagu: warning: %s holds a token and others "
		    "can read it (chmod 600 %s)\n", path, path);
	fclose(f);
	return rc;
}

static int
conf_load(const char *named, struct cli_conf *cf)
{
	const char *env = getenv("TSUNAGU_CONFIG"), *dir;
	char path[4096];

	if (named != NULL)
		return conf_read(named, 1, cf);
	if (env != NULL && *env != '\0')
		return conf_read(env, 1, cf);
	if ((dir = getenv("XDG_CONFIG_HOME")) != NULL && *dir == '/')
		snprintf(path, sizeof(path), "%s/tsunagu/cli.conf", dir);
	else if ((dir = getenv("HOME")) != NULL && *dir != '\0')
		snprintf(path, sizeof(path), "%s/.config/tsunagu/cli.conf",
		    dir);
	else
		return 0;
	return conf_read(path, 0, cf);
}

/* "source NAME" stands for "source show NAME", and so on. */
static const struct cli_command *
find_command(int argc, char **argv, int *used)
{
	static const char *const shows[] = { "source", "sub", "posting",
	    NULL };
	const struct cli_command *const *t, *cmd;
	char two[256];
	int i;

	snprintf(two, sizeof(two), "%s %s", argv[0], argc > 1 ? argv[1] : "");
	for (t = tables; *t; t++)
		for (cmd = *t; cmd->cc_name; cmd++)
			if (argc > 1 && strcmp(cmd->cc_name, two) == 0) {
				*used = 2;
				return cmd;
			}
	for (t = tables; *t; t++)
		for (cmd = *t; cmd->cc_name; cmd++)
			if (strcmp(cmd->cc_name, argv[0]) == 0) {
				*used = 1;
				return cmd;
			}
	for (i = 0; shows[i]; i++)
		if (strcmp(argv[0], shows[i]) == 0 && argc == 2) {
			snprintf(two, sizeof(two), "%s show", shows[i]);
			for (t = tables; *t; t++)
				for (cmd = *t; cmd->cc_name; cmd++)
					if (strcmp(cmd->cc_name, two) == 0) {
						*used = 1;
						return cmd;
					}
		}
	return NULL;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli c = { 0 };
	struct cli_conf cf = { NULL, NULL };
	const struct cli_command *cmd;
	const char *url = NULL, *token = NULL, *conffile = NULL;
	char base[2048];
	int ch, rc, used;

	/* "+": options end at the command; its own follow it. */
	while ((ch = getopt_long(argc, argv, "+u:t:c:jh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'u':
			url = optarg;
			break;
		case 't':
			token = optarg;
			break;
		case 'c':
			conffile = optarg;
			break;
		case 'j':
			c.cl_json = 1;
			break;
		case 'h':
			usage_list(stdout);
			return CLI_OK;
		default:
			usage_list(stderr);
			return CLI_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_list(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[0], "help") == 0) {
		usage_list(stdout);
		return CLI_OK;
	}
	if ((cmd = find_command(argc, argv, &used)) == NULL) {
		fprintf(stderr, "tsunagu: unknown command '%s'\n", argv[0]);
		usage_list(stderr);
		return CLI_USAGE;
	}
	if (conf_load(conffile, &cf) == -1) {
		free(cf.cf_url);
		free(cf.cf_token);
		return CLI_USAGE;
	}
	if (url == NULL)
		url = getenv("TSUNAGU_URL");
	if (url == NULL || *url == '\0')
		url = cf.cf_url ? cf.cf_url : DEFAULT_URL;
	if (token == NULL)
		token = getenv("TSUNAGU_TOKEN");
	if (token == NULL || *token == '\0')
		token = cf.cf_token;
	/* "http://host/" + "/api/v1" would be "//api/v1". */
	snprintf(base, sizeof(base), "%s", url);
	while (*base && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	c.cl_url = base;
	c.cl_token = token;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmd->cc_run(&c, cmd, argc - used, argv + used);
	curl_global_cleanup();
	free(cf.cf_url);
	free(cf.cf_token);
	return rc;
}
