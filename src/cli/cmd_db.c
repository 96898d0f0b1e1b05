/*
 * vigil db import [--feed NAME] PATH...
 * vigil db status [--format table|json]
 * vigil db update [--feed NAME] [--mirror DIR]
 *
 * The subcommands dispatch from the small table at the end. The status JSON
 * shape is PRODUCT.md's and stable: {"Feeds": [{"Name", "Source",
 * "Vulnerabilities", "Records", "Namespaces", "UpstreamDate", "ImportedAt"}]}.
 */
#include "cli.h"
#include "vigil/db.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
        "usage: vigil db import [--feed NAME] PATH...\n"
        "       vigil db status [--format table|json]\n"
        "       vigil db update [--feed NAME] [--mirror DIR]\n"
        "\n"
        "import  load feed files in their upstream formats, plain or compressed (gz, bz2,\n"
        "        xz, zst). A directory is walked recursively: files no feed recognises\n"
        "        are skipped and counted; a named file that is not recognised is an\n"
        "        error. Each feed is imported in one transaction: on any error the\n"
        "        previous data stays as it was. A tarball of an upstream tree (tar,\n"
        "        tar.gz, tar.xz, tar.zst, ...) is streamed, never unpacked: its\n"
        "        members are recognised like the files of a directory, and the\n"
        "        whole command is then one transaction.\n"
        "        --feed NAME  treat the files as feed NAME or its family, e.g.\n"
        "                     ubuntu and ubuntu-oval (%s)\n"
        "status  per feed: vulnerabilities (distinct IDs), records (namespace, package,\n"
        "        ID statements), namespaces, upstream date, import time, source.\n"
        "        -f, --format FMT  table (default) or json\n"
        "update  fetch every feed's upstream files (https, with ETag / If-Modified-Since:\n"
        "        an unchanged file costs one request) and import those that changed, one\n"
        "        transaction per feed. A feed that fails keeps its previous data; the\n"
        "        others still update. Exit status: that of the first failure (3 bad\n"
        "        data, 4 database, 5 network), 0 when every feed succeeded.\n"
        "        --feed NAME   only this feed\n"
        "        --mirror DIR  read the files from DIR, laid out like ../shared/vulndata\n"
        "                      (alpine/secdb-json/v3.18/main.json, ...), instead of fetching\n"
        "        VIGIL_FEED_<NAME>_URL replaces a feed's upstream base URL (https://,\n"
        "        file://, or http://127.0.0.1 / localhost only).\n"
        "\n"
        "The database is --db PATH, else $VIGIL_DB, else $XDG_CACHE_HOME/vigil/vigil.db\n"
        "(~/.cache/vigil/vigil.db). A postgres:// or postgresql:// URL, or a key=value DSN\n"
        "(\"host=db dbname=vigil\"), names a PostgreSQL database instead.\n";

static void print_usage(FILE *f)
{
	char names[256] = "";
	size_t i, n = 0;

	for (i = 0; i < vigil_db_feed_count(); i++)
		n += (size_t)snprintf(names + n, n < sizeof(names) ? sizeof(names) - n : 0, "%s%s",
		                      i ? ", " : "", vigil_db_feed_name(i));
	fprintf(f, usage_text, names);
}

static int feed_known(const char *name)
{
	size_t i;

	for (i = 0; i < vigil_db_feed_count(); i++)
		if (strcmp(vigil_db_feed_name(i), name) == 0)
			return 1;
	return 0;
}

/*
 * A progress line on stderr, only when stderr is a terminal (and not
 * --quiet): redrawn in place ("\r", erase line) at most every
 * PROGRESS_INTERVAL_MS, or when the feed or phase changes; erased before
 * any other output. Elsewhere nothing is drawn: the output stays the plain
 * summary lines.
 */
#define PROGRESS_INTERVAL_MS 100
#define PROGRESS_BAR 24

struct progress {
	int on;        /* stderr is a terminal */
	int drawn;     /* a line is on the screen */
	double last;   /* when it was drawn, ms */
	char feed[64]; /* the feed and phase it shows */
	char phase[16];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void progress_clear(struct progress *pr)
{
	if (!pr->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	pr->drawn = 0;
}

static void progress_draw(const vigil_db_progress *p, void *payload)
{
	struct progress *pr = payload;
	char bar[PROGRESS_BAR + 1];
	double t = now_ms();
	int fresh = strcmp(pr->feed, p->feed) != 0 || strcmp(pr->phase, p->phase) != 0;
	size_t i, fill;

	if (!fresh && pr->drawn && t - pr->last < PROGRESS_INTERVAL_MS)
		return;
	snprintf(pr->feed, sizeof(pr->feed), "%s", p->feed);
	snprintf(pr->phase, sizeof(pr->phase), "%s", p->phase);
	pr->last = t;
	fputs("\r\033[K", stderr);
	if (p->files_total) {
		fill = (size_t)(p->files_done * PROGRESS_BAR / p->files_total);
		for (i = 0; i < PROGRESS_BAR; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[PROGRESS_BAR] = '\0';
		fprintf(stderr, "%s: %s [%s] %llu/%llu files", p->feed, p->phase, bar,
		        (unsigned long long)p->files_done, (unsigned long long)p->files_total);
	} else {
		fprintf(stderr, "%s: %s %llu files", p->feed, p->phase,
		        (unsigned long long)p->files_done);
	}
	if (strcmp(p->phase, "import") == 0)
		fprintf(stderr, ", %llu records", (unsigned long long)p->records);
	fflush(stderr);
	pr->drawn = 1;
}

static void progress_start(struct progress *pr, vigil_db *db, const struct cli_ctx *ctx)
{
	memset(pr, 0, sizeof(*pr));
	pr->on = !ctx->quiet && isatty(STDERR_FILENO);
	if (pr->on)
		vigil_db_set_progress(db, progress_draw, pr);
}

static void print_summary(const vigil_db_import_stats *st)
{
	printf("imported %llu file%s into %u feed%s (%llu records)", (unsigned long long)st->files,
	       st->files == 1 ? "" : "s", st->feeds, st->feeds == 1 ? "" : "s",
	       (unsigned long long)st->records);
	printf("; skipped %llu unrecognised file%s", (unsigned long long)st->unrecognised,
	       st->unrecognised == 1 ? "" : "s");
	if (st->skipped_items)
		printf("; skipped %llu malformed item%s (see the warnings)",
		       (unsigned long long)st->skipped_items, st->skipped_items == 1 ? "" : "s");
	printf("\n");
}

static int db_import(int argc, char **argv, struct cli_ctx *ctx)
{
	vigil_db_import_opts opts = VIGIL_DB_IMPORT_OPTS_INIT;
	vigil_db_import_stats stats;
	struct progress pr;
	const char **paths = vigil_calloc((size_t)argc + 1, sizeof(char *));
	size_t n = 0;
	vigil_db *db = NULL;
	int i, err, rc = EXIT_OK, opts_done = 0;

	for (i = 1; i < argc && rc == EXIT_OK; i++) {
		const char *a = argv[i];
		if (!opts_done && strcmp(a, "--") == 0)
			opts_done = 1;
		else if (!opts_done && strcmp(a, "--feed") == 0 && i + 1 < argc)
			opts.feed = argv[++i];
		else if (!opts_done && strncmp(a, "--feed=", 7) == 0)
			opts.feed = a + 7;
		else if (!opts_done && a[0] == '-' && a[1])
			rc = cli_usage("db", "unknown or incomplete option '%s'", a);
		else
			paths[n++] = a;
	}
	if (rc == EXIT_OK && n == 0)
		rc = cli_usage("db", "'db import' needs at least one PATH");
	if (rc == EXIT_OK && opts.feed && !feed_known(opts.feed))
		rc = cli_usage("db", "unknown feed '%s'", opts.feed);
	if (rc != EXIT_OK)
		goto out;
	if ((err = vigil_db_open(&db, ctx->db, VIGIL_DB_CREATE)) < 0) {
		rc = cli_fail(err);
		goto out;
	}
	progress_start(&pr, db, ctx);
	err = vigil_db_import(db, paths, n, &opts, &stats);
	progress_clear(&pr);
	if (err < 0) {
		rc = cli_fail(err);
		goto out;
	}
	if (!ctx->quiet)
		print_summary(&stats);
out:
	vigil_db_free(db);
	vigil_free(paths);
	return rc;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static int write_status_json(const vigil_db_status *st)
{
	json_t *root = json_object(), *feeds = json_array();
	size_t i, j;
	int rc;

	for (i = 0; i < vigil_db_status_count(st); i++) {
		const vigil_db_feed_status *f = vigil_db_status_feed(st, i);
		json_t *o = json_object(), *ns = json_array();
		for (j = 0; j < f->namespace_count; j++)
			json_array_append_new(ns, json_string(f->namespaces[j]));
		json_object_set_new(o, "Name", json_string(f->name));
		json_object_set_new(o, "Source", str_or_null(f->source));
		json_object_set_new(o, "Vulnerabilities",
		                    json_integer((json_int_t)f->vulnerabilities));
		json_object_set_new(o, "Records", json_integer((json_int_t)f->records));
		json_object_set_new(o, "Namespaces", ns);
		json_object_set_new(o, "UpstreamDate", str_or_null(f->upstream_date));
		json_object_set_new(o, "ImportedAt", str_or_null(f->imported_at));
		json_array_append_new(feeds, o);
	}
	json_object_set_new(root, "Feeds", feeds);
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(root);
	return rc == 0 ? 0 : vigil_error_set(VIGIL_EIO, "cannot write the status");
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void write_status_table(const vigil_db_status *st)
{
	size_t i, j;

	if (vigil_db_status_count(st) == 0) {
		printf("no feeds imported yet (see 'vigil db import --help')\n");
		return;
	}
	printf("%-10s %15s %10s %10s  %-20s  %-20s  %s\n", "FEED", "VULNERABILITIES", "RECORDS",
	       "NAMESPACES", "UPSTREAM DATE", "IMPORTED AT", "SOURCE");
	for (i = 0; i < vigil_db_status_count(st); i++) {
		const vigil_db_feed_status *f = vigil_db_status_feed(st, i);
		printf("%-10s %15llu %10llu %10zu  %-20s  %-20s  %s\n", f->name,
		       (unsigned long long)f->vulnerabilities, (unsigned long long)f->records,
		       f->namespace_count, or_dash(f->upstream_date), or_dash(f->imported_at),
		       or_dash(f->source));
	}
	for (i = 0; i < vigil_db_status_count(st); i++) {
		const vigil_db_feed_status *f = vigil_db_status_feed(st, i);
		printf("\n%s namespaces:", f->name);
		for (j = 0; j < f->namespace_count; j++)
			printf(" %s", f->namespaces[j]);
		printf("\n");
	}
}

static int db_status(int argc, char **argv, struct cli_ctx *ctx)
{
	const char *format = "table";
	vigil_db_status *st = NULL;
	vigil_db *db = NULL;
	int i, err, rc = EXIT_OK;

	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--format") == 0) &&
		    i + 1 < argc)
			format = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			format = argv[i] + 9;
		else
			return cli_usage("db", "unexpected argument '%s'", argv[i]);
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return cli_usage("db", "unknown format '%s' (table or json)", format);
	if ((err = vigil_db_open(&db, ctx->db, 0)) < 0 ||
	    (err = vigil_db_status_get(&st, db)) < 0) {
		rc = cli_fail(err);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		if ((err = write_status_json(st)) < 0)
			rc = cli_fail(err);
	} else {
		write_status_table(st);
	}
out:
	vigil_db_status_free(st);
	vigil_db_free(db);
	return rc;
}

struct update_out {
	const struct cli_ctx *ctx;
	unsigned failed; /* feeds whose failure was reported */
	struct progress pr;
};

static void print_update(const vigil_db_update_report *r, void *payload)
{
	struct update_out *out = payload;

	progress_clear(&out->pr);
	if (r->outcome == VIGIL_DB_UPDATE_FAILED) {
		fprintf(stderr, "vigil: feed '%s': %s\n", r->feed, r->message);
		out->failed++;
	}
	if (out->ctx->quiet)
		return;
	switch (r->outcome) {
	case VIGIL_DB_UPDATE_UPDATED:
		printf("%s: updated: %u of %u sources changed (%llu records)\n", r->feed,
		       r->changed, r->sources, (unsigned long long)r->records);
		break;
	case VIGIL_DB_UPDATE_UNCHANGED:
		printf("%s: unchanged: %u sources\n", r->feed, r->sources);
		break;
	case VIGIL_DB_UPDATE_SKIPPED:
		printf("%s: skipped: %s\n", r->feed, r->message);
		break;
	case VIGIL_DB_UPDATE_FAILED:
		printf("%s: failed: %s\n", r->feed, r->message);
		break;
	}
}

static int db_update(int argc, char **argv, struct cli_ctx *ctx)
{
	vigil_db_update_opts opts = VIGIL_DB_UPDATE_OPTS_INIT;
	struct update_out out;
	vigil_db *db = NULL;
	int i, err, rc = EXIT_OK;

	for (i = 1; i < argc && rc == EXIT_OK; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--feed") == 0 && i + 1 < argc)
			opts.feed = argv[++i];
		else if (strncmp(a, "--feed=", 7) == 0)
			opts.feed = a + 7;
		else if (strcmp(a, "--mirror") == 0 && i + 1 < argc)
			opts.mirror = argv[++i];
		else if (strncmp(a, "--mirror=", 9) == 0)
			opts.mirror = a + 9;
		else
			rc = cli_usage("db", "unexpected argument '%s'", a);
	}
	if (rc == EXIT_OK && opts.feed && !feed_known(opts.feed))
		rc = cli_usage("db", "unknown feed '%s'", opts.feed);
	if (rc == EXIT_OK && opts.mirror && !*opts.mirror)
		rc = cli_usage("db", "--mirror needs a directory");
	if (rc != EXIT_OK)
		return rc;
	if ((err = vigil_db_open(&db, ctx->db, VIGIL_DB_CREATE)) < 0)
		return cli_fail(err);
	progress_start(&out.pr, db, ctx);
	out.ctx = ctx;
	out.failed = 0;
	err = vigil_db_update(db, &opts, print_update, &out);
	progress_clear(&out.pr);
	/* A feed's failure was reported by print_update; others (a bad mirror
	 * directory) are reported here. */
	if (err < 0)
		rc = out.failed ? cli_exit_code(err) : cli_fail(err);
	vigil_db_free(db);
	return rc;
}

static const struct {
	const char *name;
	cli_cmd_fn fn;
} subcommands[] = {
	{ "import", db_import },
	{ "status", db_status },
	{ "update", db_update },
};

int cmd_db(int argc, char **argv, struct cli_ctx *ctx)
{
	size_t i;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (cli_is_help(argv[i])) {
			print_usage(stdout);
			return EXIT_OK;
		}
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1, ctx);
	return cli_usage("db", "unknown subcommand '%s' (import, status, update)", argv[1]);
}
