/*
 * cli.h — tsunagu, the command-line client of the admin API.  It uses only
 * the public HTTP API, like any other script would.
 *
 * One file per group of commands (cmd_*.c), each exporting a table of
 * commands; main.c parses the global options and dispatches.  Exit codes:
 * CLI_OK, CLI_REFUSED (the daemon answered an error), CLI_USAGE,
 * CLI_UNREACHABLE (no answer, or not the API's JSON).
 */
#ifndef TSUNAGU_CLI_H
#define TSUNAGU_CLI_H

#include <stddef.h>

#include <jansson.h>

enum cli_exit {
	CLI_OK = 0,
	CLI_REFUSED = 1,
	CLI_USAGE = 2,
	CLI_UNREACHABLE = 3,
};

struct cli {
	const char	*cl_url;	/* without a trailing slash */
	const char	*cl_token;
	int		 cl_json;	/* print the API's JSON */
};

struct cli_command;
/* argv[0] is the first argument after the command's name. */
typedef int (*cli_run)(struct cli *, const struct cli_command *, int argc,
    char **argv);

struct cli_command {
	const char	*cc_name;	/* "sources", "source add", ... */
	const char	*cc_usage;	/* the arguments after the name */
	const char	*cc_help;	/* one line */
	cli_run		 cc_run;
	/* For cli_run_named: METHOD /api/v1/RESOURCE/NAME[/ACTION]. */
	const char	*cc_method;
	const char	*cc_resource;
	const char	*cc_action;
};

extern const struct cli_command cli_source_commands[];
extern const struct cli_command cli_subscriber_commands[];
extern const struct cli_command cli_delivery_commands[];
extern const struct cli_command cli_hub_commands[];
extern const struct cli_command cli_posting_commands[];
extern const struct cli_command cli_token_commands[];
extern const struct cli_command cli_backup_commands[];
extern const struct cli_command cli_moderation_commands[];

/*
 * One request: method, path (from the daemon's root, query included) and
 * an optional JSON body (borrowed).  On an answer, *doc holds its JSON and
 * the return is CLI_OK for 2xx or CLI_REFUSED (the error is printed);
 * CLI_UNREACHABLE when there is no usable answer (printed).
 */
int	 cli_call(struct cli *, const char *method, const char *path,
	    const json_t *body, json_t **doc);
/* "/api/v1/" + the escaped segments joined by '/' (NULL ends the list). */
char	*cli_path(const char *first, ...) __attribute__((sentinel));
/* Prints why the usage is wrong and the command's usage; CLI_USAGE. */
int	 cli_usage(const struct cli_command *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Options of a command: "--name value" or "--name=value" (flags take no
 * value).  Whatever is not an option is positional, in order.
 */
struct cli_opt {
	const char	*co_name;
	int		 co_flag;	/* takes no value */
	const char	*co_value;	/* set by cli_parse ("1" for a flag) */
};
int	 cli_parse(const struct cli_command *, int argc, char **argv,
	    struct cli_opt *opts, char **pos, int npos_min, int npos_max,
	    int *npos);

/* Takes one argument, NAME, and calls cc_method on its resource. */
int	 cli_run_named(struct cli *, const struct cli_command *, int argc,
	    char **argv);
/* Calls (path is freed), then prints the answer: JSON or an object. */
int	 cli_show(struct cli *, const char *method, char *path,
	    const json_t *body);

/* Output: the API's JSON as it is, or for people. */
void	 cli_print_json(const json_t *);
/* An object's members as "key: value" lines, nested ones indented. */
void	 cli_print_object(const json_t *);
/* A string member, "-" when absent or null; numbers and booleans too. */
const char *cli_str(const json_t *obj, const char *key, char *buf,
	    size_t len);

/* Tables: columns sized to their content (East Asian wide = 2 cells). */
struct cli_column {
	const char	*col_title;
	const char	*col_key;	/* member of each row */
	size_t		 col_max;	/* cells; longer values end in "…" */
};
void	 cli_print_table(const json_t *rows, const struct cli_column *cols);

/* A whole file (or "-": standard input) as JSON; NULL (printed) if not. */
json_t	*cli_read_json_file(const char *path);

#endif
