/*
 * nasmacd -c FILE: a YAML configuration file, read with libyaml, turned into long options.
 *
 * One key per long option of the role, so the file and the command line can never disagree on
 * names or meanings, and the role's own option parser checks every value:
 *
 *   listen: 127.0.0.1:2123     ->  --listen=127.0.0.1:2123
 *   kamf-by-mme: true          ->  --kamf-by-mme            (false: left out)
 *   mme: [a, b]                ->  --mme=a --mme=b          (an option given several times)
 *
 * The options from the file come first and the command line's after them, so a flag given on
 * the command line overrides the file; an option the command line gives drops all of the file's
 * values of it (a list too: the file's `mme: [a, b]` and `--mme c` give --mme=c alone). A file
 * may hold several roles: a top-level key named after a role (mme:, amf:, echo:) whose value is
 * a mapping holds that role's keys and is skipped by the others; with a value or a list it is
 * an option (the AMF's `mme:`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "host.h"

#define MAX_CFG_ARGS 256

struct cfg {
	const char *path, *role;
	char **args;
	int n;
};

static int add(struct cfg *c, const char *key, const char *val)
{
	size_t len = strlen(key) + (val ? strlen(val) + 1 : 0) + 3;
	char *a;

	if (c->n >= MAX_CFG_ARGS)
		return -E2BIG;
	a = malloc(len);
	if (!a)
		return -ENOMEM;
	if (val)
		snprintf(a, len, "--%s=%s", key, val);
	else
		snprintf(a, len, "--%s", key);
	c->args[c->n++] = a;
	return 0;
}

static int valid_key(const char *k)
{
	if (!*k || *k == '-')
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-'))
			return 0;
	return 1;
}

static int is_role(const char *k)
{
	return !strcmp(k, "mme") || !strcmp(k, "amf") || !strcmp(k, "echo");
}

static int fail_at(const struct cfg *c, const yaml_event_t *ev, const char *what, const char *key)
{
	fprintf(stderr, "nasmacd: %s:%zu: %s%s%s%s\n", c->path, ev->start_mark.line + 1, what,
		key ? " '" : "", key ? key : "", key ? "'" : "");
	return -EINVAL;
}

/* Reads one key's value: a scalar, or a sequence of scalars (the option repeated). first: its
 * first event when the caller already took it (this function deletes it), else NULL. */
static int value(struct cfg *c, yaml_parser_t *p, const char *key, yaml_event_t *first)
{
	yaml_event_t ev;
	int rc = 0, in_seq = 0;

	for (;;) {
		if (first) {
			ev = *first;
			first = NULL;
		} else if (!yaml_parser_parse(p, &ev)) {
			return -EIO;
		}
		if (ev.type == YAML_SCALAR_EVENT) {
			const char *v = (const char *)ev.data.scalar.value;

			if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
				rc = add(c, key, NULL);
			else if (strcmp(v, "false") && strcmp(v, "no") && strcmp(v, "off"))
				rc = add(c, key, v);
			yaml_event_delete(&ev);
			if (rc || !in_seq)
				return rc;
		} else if (ev.type == YAML_SEQUENCE_START_EVENT && !in_seq) {
			in_seq = 1;
			yaml_event_delete(&ev);
		} else if (ev.type == YAML_SEQUENCE_END_EVENT && in_seq) {
			yaml_event_delete(&ev);
			return 0;
		} else {
			rc = fail_at(c, &ev, "expected a value or a list of values for", key);
			yaml_event_delete(&ev);
			return rc;
		}
	}
}

/* Skips one value of any shape (another role's section); depth 1 when its start event was
 * already taken. */
static int skip(yaml_parser_t *p, int depth)
{
	do {
		yaml_event_t ev;

		if (!yaml_parser_parse(p, &ev))
			return -EIO;
		if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	} while (depth > 0);
	return 0;
}

/* Reads the keys of one mapping (its start event already taken) until its end. */
static int mapping(struct cfg *c, yaml_parser_t *p, int top)
{
	for (;;) {
		yaml_event_t ev;
		char key[64];
		int rc;

		if (!yaml_parser_parse(p, &ev))
			return -EIO;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT || ev.data.scalar.length >= sizeof(key)) {
			rc = fail_at(c, &ev, "expected an option name", NULL);
			yaml_event_delete(&ev);
			return rc;
		}
		memcpy(key, ev.data.scalar.value, ev.data.scalar.length + 1);
		if (!valid_key(key) || !strcmp(key, "config") || !strcmp(key, "help")) {
			rc = fail_at(c, &ev, "not an option name", key);
			yaml_event_delete(&ev);
			return rc;
		}
		yaml_event_delete(&ev);
		if (top && is_role(key)) {
			yaml_event_t sec;

			/* A role's name is also an option of another role (the AMF's --mme): a
			 * mapping is a role's section, a value or a list is that option. */
			if (!yaml_parser_parse(p, &sec)) {
				rc = -EIO;
			} else if (sec.type != YAML_MAPPING_START_EVENT) {
				rc = value(c, p, key, &sec);
			} else if (strcmp(key, c->role)) {
				yaml_event_delete(&sec);
				rc = skip(p, 1);
			} else {
				yaml_event_delete(&sec);
				rc = mapping(c, p, 0);
			}
		} else {
			rc = value(c, p, key, NULL);
		}
		if (rc)
			return rc;
	}
}

static int parse(struct cfg *c, FILE *f)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_file(&p, f);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = -EIO;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			rc = mapping(c, &p, 1);
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		default:
			rc = fail_at(c, &ev, "the file must be a mapping of option names to values",
				     NULL);
			break;
		}
		yaml_event_delete(&ev);
	}
	if (rc == -EIO)
		fprintf(stderr, "nasmacd: %s:%zu:%zu: %s\n", c->path, p.problem_mark.line + 1,
			p.problem_mark.column + 1, p.problem ? p.problem : "YAML syntax error");
	yaml_parser_delete(&p);
	return rc;
}

/* The length of the name of a long option "--name" or "--name=value" (after the dashes). */
static size_t opt_name_len(const char *a)
{
	return strcspn(a + 2, "=");
}

/* 1 when the long option of file argument farg ("--name..." ) is also on the command line. */
static int on_command_line(int argc, char **argv, const char *farg)
{
	size_t len = opt_name_len(farg);

	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--", 2) || opt_name_len(argv[i]) != len)
			continue;
		if (!strncmp(argv[i] + 2, farg + 2, len))
			return 1;
	}
	return 0;
}

int nasmac__config_argv(int argc, char **argv, int *argc_out, char ***argv_out)
{
	struct cfg c = { .role = argv[0] };
	const char *path = NULL;
	char **out;
	int n = 0, rc;
	FILE *f;

	/* The config file option is taken out wherever it is; everything else keeps its order. */
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		else if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) {
			fprintf(stderr, "nasmacd: %s needs a file name\n", argv[i]);
			return -EINVAL;
		}
	}
	if (!path) {
		*argc_out = argc;
		*argv_out = argv;
		return 0;
	}
	c.path = path;
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		fprintf(stderr, "nasmacd: cannot read config %s: %s\n", path, strerror(errno));
		return rc;
	}
	c.args = calloc(MAX_CFG_ARGS, sizeof(*c.args));
	out = calloc((size_t)argc + MAX_CFG_ARGS + 1, sizeof(*out));
	rc = c.args && out ? parse(&c, f) : -ENOMEM;
	fclose(f);
	if (rc == -E2BIG)
		fprintf(stderr, "nasmacd: %s: more than %d options\n", path, MAX_CFG_ARGS);
	if (rc) {
		for (int i = 0; c.args && i < c.n; i++)
			free(c.args[i]);
		free(c.args);
		free(out);
		return rc;
	}
	out[n++] = argv[0];
	/* An option the command line gives replaces every occurrence of it in the file: a list
	 * in the file (mme: [a, b]) and --mme c on the command line give --mme c alone. */
	for (int i = 0; i < c.n; i++) {
		if (on_command_line(argc, argv, c.args[i])) {
			free(c.args[i]);
			continue;
		}
		out[n++] = c.args[i];
	}
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			i++;
		else if (strncmp(argv[i], "--config=", 9))
			out[n++] = argv[i];
	}
	out[n] = NULL;
	free(c.args); /* the strings now belong to out, which lives as long as the process */
	*argc_out = n;
	*argv_out = out;
	return 0;
}
