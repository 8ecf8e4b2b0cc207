/* cmd_tokens.c — tokens, token create|revoke, routes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const struct cli_column token_columns[] = {
	{ "ID", "id", 14 },
	{ "ROLE", "role", 11 },
	{ "FOR", "for", 30 },
	{ "LABEL", "label", 30 },
	{ "CREATED", "created", 25 },
	{ "REVOKED", "revoked", 25 },
	{ NULL, NULL, 0 }
};

static const struct cli_column route_columns[] = {
	{ "METHODS", "methods", 8 },
	{ "PATH", "path", 52 },
	{ "ROLES", "roles", 40 },
	{ "WHAT", "summary", 60 },
	{ NULL, NULL, 0 }
};

static int
run_list(struct cli *c, const struct cli_command *cmd, int argc, char **argv)
{
	json_t *doc, *tk, *who;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	rc = cli_call(c, "GET", "/api/v1/tokens", NULL, &doc);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		json_array_foreach(json_object_get(doc, "tokens"), i, tk) {
			who = json_object_get(tk, "organization");
			if (!json_is_string(who))
				who = json_object_get(tk, "subscriber");
			if (json_is_string(who))
				json_object_set(tk, "for", who);
		}
		cli_print_table(json_object_get(doc, "tokens"), token_columns);
	}
	json_decref(doc);
	return rc;
}

static int
run_create(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	struct cli_opt opts[] = { { "org", 0, NULL },
	    { "subscriber", 0, NULL }, { "label", 0, NULL },
	    { NULL, 0, NULL } };
	static const char *const keys[] = { "organization", "subscriber",
	    "label" };
	char *pos[1];
	json_t *body;
	int rc, npos, i;

	if ((rc = cli_parse(cmd, argc, argv, opts, pos, 1, 1, &npos)) !=
	    CLI_OK)
		return rc;
	body = json_pack("{s:s}", "role", pos[0]);
	for (i = 0; opts[i].co_name; i++)
		if (opts[i].co_value)
			json_object_set_new(body, keys[i],
			    json_string(opts[i].co_value));
	rc = cli_show(c, "POST", cli_path("tokens", NULL), body);
	if (rc == CLI_OK && !c->cl_json)
		fprintf(stderr, "tsunagu: the token above is shown once; "
		    "store it now\n");
	json_decref(body);
	return rc;
}

static int
run_routes(struct cli *c, const struct cli_command *cmd, int argc,
    char **argv)
{
	json_t *doc, *rt, *list;
	size_t i;
	int rc, npos;

	if ((rc = cli_parse(cmd, argc, argv, NULL, NULL, 0, 0, &npos)) !=
	    CLI_OK)
		return rc;
	rc = cli_call(c, "GET", "/api/v1", NULL, &doc);
	if (doc != NULL && c->cl_json)
		cli_print_json(doc);
	else if (rc == CLI_OK) {
		printf("token %s, role %s\n\n", json_string_value(
		    json_object_get(json_object_get(doc, "token"), "id")),
		    json_string_value(json_object_get(json_object_get(doc,
		    "token"), "role")));
		/* Lists as "a,b" for the table. */
		json_array_foreach(json_object_get(doc, "routes"), i, rt) {
			const char *keys[] = { "methods", "roles" };
			size_t k, j;
			json_t *v;
			char joined[128];

			for (k = 0; k < 2; k++) {
				joined[0] = '\0';
				list = json_object_get(rt, keys[k]);
				json_array_foreach(list, j, v)
					snprintf(joined + strlen(joined),
					    sizeof(joined) - strlen(joined),
					    "%s%s", j ? "," : "",
					    json_string_value(v));
				json_object_set_new(rt, keys[k],
				    json_string(joined));
			}
		}
		cli_print_table(json_object_get(doc, "routes"), route_columns);
	}
	json_decref(doc);
	return rc;
}

const struct cli_command cli_token_commands[] = {
	{ "tokens", "", "every token made through the API", run_list,
	    NULL, NULL, NULL },
	{ "token create", "ROLE [--org ORGANIZATION] [--subscriber NAME] "
	    "[--label TEXT]", "make a token; prints it once", run_create,
	    NULL, NULL, NULL },
	{ "token revoke", "ID", "revoke a token at once", cli_run_named,
	    "DELETE", "tokens", NULL },
	{ "routes", "", "the API's routes and who this token is", run_routes,
	    NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};
