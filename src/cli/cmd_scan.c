/*
 * vigil scan IMAGE [options]
 *
 * The local scan, with the flags of Trivy, Grype and clair-scanner: report
 * formats (vigil_report_write), severity filter, --ignore-unfixed, exit
 * codes (--exit-code with --threshold / --fail-on), clair-scanner's
 * whitelist YAML and Trivy's ignore file syntax.
 *
 * Ignore file: --ignorefile FILE, else ./.vigilignore when present, else
 * ./.trivyignore when present (Trivy reads ./.trivyignore by default). One ID
 * per line, '#' starts a comment line, an optional `exp:YYYY-MM-DD` after the
 * ID ignores it until that date (from that date on, UTC, it no longer does).
 *
 * Whitelist: `generalwhitelist` IDs are dropped from every image's report;
 * `images: {NAME: {ID: text}}` for IMAGE when NAME is the argument cut at its
 * first ':' (clair-scanner's rule) or the argument without a source prefix
 * (docker-archive:, oci:, oci-archive:, rootfs:, docker://) and without a
 * trailing :TAG or @DIGEST.
 */
#include "cli.h"
#include "vigil/report.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

static const char usage_text[] =
        "usage: vigil scan IMAGE [options]\n"
        "\n"
        "Find the known vulnerabilities of IMAGE's OS packages in the database.\n"
        "IMAGE is as for 'vigil inspect' (docker-save tarball, OCI layout, rootfs).\n"
        "\n"
        "  -f, --format FMT       %s (default table)\n"
        "  -o, --output FILE      write the report to FILE instead of standard output\n"
        "  -s, --severity LIST    keep only these severities, comma-separated:\n"
        "                         UNKNOWN,NEGLIGIBLE,LOW,MEDIUM,HIGH,CRITICAL (DEFCON1)\n"
        "      --ignore-unfixed   drop vulnerabilities that have no fix yet\n"
        "  -t, --threshold SEV    exit 1 (or --exit-code) when a vulnerability at or\n"
        "      --fail-on SEV      above SEV remains (clair-scanner, Grype)\n"
        "      --exit-code N      the exit code for that; without a threshold, any\n"
        "                         remaining vulnerability counts (Trivy)\n"
        "  -w, --whitelist FILE   clair-scanner's YAML (generalwhitelist, images)\n"
        "      --ignorefile FILE  IDs to ignore, one a line, '#' comments, optional\n"
        "                         exp:YYYY-MM-DD (default ./.vigilignore, else\n"
        "                         ./.trivyignore, when present)\n"
        "      --no-cache         neither read nor write the layer cache\n"
        "      --platform P       platform to pick from an image index (default linux/amd64)\n"
        "      --max-file-size S  cap on each package database kept in memory (default 256M)\n"
        "\n"
        "Exit: 0 ok, 1 or N threshold hit, 2 usage, 3 bad image or input file,\n"
        "4 database problem (missing, or no data for the image's OS).\n";

struct scan_opts {
	const char *image, *format, *output, *whitelist, *ignorefile;
	unsigned severities;
	int ignore_unfixed, no_cache;
	int has_threshold;
	vigil_severity threshold;
	int exit_code; /* -1: not given */
	vigil_image_opts img;
};

/* IDs to drop, owned. */
struct idlist {
	char **ids;
	size_t n, cap;
};

static void ids_add(struct idlist *l, const char *id, size_t len)
{
	l->ids = vigil_array_grow(l->ids, &l->cap, l->n + 1, sizeof(*l->ids));
	l->ids[l->n++] = vigil_strndup(id, len);
}

static void ids_release(struct idlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		vigil_free(l->ids[i]);
	vigil_free(l->ids);
}

static int parse_severities(unsigned *out, const char *list)
{
	char buf[64];
	const char *p = list, *end;
	vigil_severity sev;

	*out = 0;
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) >= sizeof(buf) || end == p)
			return cli_usage("scan", "bad severity list '%s'", list);
		memcpy(buf, p, (size_t)(end - p));
		buf[end - p] = '\0';
		if (vigil_severity_parse(&sev, buf) < 0)
			return cli_usage("scan", "unknown severity '%s'", buf);
		*out |= 1u << sev;
		if (sev == VIGIL_SEVERITY_CRITICAL) /* Trivy's CRITICAL holds Defcon1 */
			*out |= 1u << VIGIL_SEVERITY_DEFCON1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int is_opt(const char *a, const char *s, const char *l)
{
	return (s && strcmp(a, s) == 0) || strcmp(a, l) == 0;
}

static int parse_args(struct scan_opts *o, int argc, char **argv)
{
	int i, rc, opts_done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = 1;
			continue;
		}
		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (o->image)
				return cli_usage("scan", "unexpected argument '%s'", a);
			o->image = a;
			continue;
		}
		if (strcmp(a, "--ignore-unfixed") == 0) {
			o->ignore_unfixed = 1;
			continue;
		}
		if (strcmp(a, "--server") == 0 || strncmp(a, "--server=", 9) == 0)
			return cli_usage("scan",
			                 "'--server' (scanning through a Clair server) is not "
			                 "implemented yet");
		if (strcmp(a, "--no-cache") == 0) {
			o->no_cache = 1;
			continue;
		}
		if (!(is_opt(a, "-f", "--format") || is_opt(a, "-o", "--output") ||
		      is_opt(a, "-s", "--severity") || is_opt(a, "-t", "--threshold") ||
		      is_opt(a, NULL, "--fail-on") || is_opt(a, NULL, "--exit-code") ||
		      is_opt(a, "-w", "--whitelist") || is_opt(a, NULL, "--ignorefile") ||
		      is_opt(a, NULL, "--platform") || is_opt(a, NULL, "--max-file-size")))
			return cli_usage("scan", "unknown option '%s'", a);
		if (!val)
			return cli_usage("scan", "option '%s' needs a value", a);
		i++;
		if (is_opt(a, "-f", "--format"))
			o->format = val;
		else if (is_opt(a, "-o", "--output"))
			o->output = val;
		else if (is_opt(a, "-s", "--severity")) {
			if ((rc = parse_severities(&o->severities, val)) != 0)
				return rc;
		} else if (is_opt(a, "-t", "--threshold") || is_opt(a, NULL, "--fail-on")) {
			if (vigil_severity_parse(&o->threshold, val) < 0)
				return cli_usage("scan", "invalid severity threshold '%s'", val);
			o->has_threshold = 1;
		} else if (is_opt(a, NULL, "--exit-code")) {
			long v;
			errno = 0;
			v = strtol(val, &end, 10);
			if (errno || end == val || *end || v < 0 || v > 255)
				return cli_usage("scan", "bad exit code '%s' (0 to 255)", val);
			o->exit_code = (int)v;
		} else if (is_opt(a, "-w", "--whitelist"))
			o->whitelist = val;
		else if (is_opt(a, NULL, "--ignorefile"))
			o->ignorefile = val;
		else if (is_opt(a, NULL, "--platform"))
			o->img.platform = val;
		else if (cli_parse_size(&o->img.max_file_size, val) < 0 ||
		         o->img.max_file_size == 0)
			return cli_usage("scan", "bad size '%s'", val);
	}
	if (!o->image)
		return cli_usage("scan", "missing IMAGE");
	if (!vigil_report_format_known(o->format))
		return cli_usage("scan", "unknown format '%s' (%s)", o->format,
		                 vigil_report_formats());
	return 0;
}

/* ---- ignore file ---- */

static int today_before(const char *date, int *out)
{
	int y, m, d;
	char tail;
	time_t now = time(NULL);
	struct tm tm;
	long a, b;

	if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
	    m > 12 || d < 1 || d > 31 || date[4] != '-' || date[7] != '-')
		return -1;
	gmtime_r(&now, &tm);
	a = (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	b = (long)y * 10000 + m * 100 + d;
	*out = a < b;
	return 0;
}

static int read_ignorefile(struct idlist *ids, const char *path, int *expired)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned lineno = 0;

	if (!f) {
		vigil_error_set(VIGIL_EIO, "cannot read ignore file '%s': %s", path,
		                strerror(errno));
		return cli_fail(VIGIL_EIO);
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *id, *tok, *save = NULL;
		int keep = 1, before;

		lineno++;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		id = strtok_r(p, " \t\r\n", &save);
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
			if (strncmp(tok, "exp:", 4) != 0)
				continue;
			if (today_before(tok + 4, &before) < 0) {
				fclose(f);
				vigil_error_set(VIGIL_EINVALID,
				                "ignore file '%s', line %u: bad expiry '%s' "
				                "(exp:YYYY-MM-DD)",
				                path, lineno, tok);
				return cli_fail(VIGIL_EINVALID);
			}
			if (!before) {
				keep = 0;
				(*expired)++;
			}
		}
		if (keep)
			ids_add(ids, id, strlen(id));
	}
	fclose(f);
	return 0;
}

/* ---- clair-scanner whitelist ---- */

static int key_is(const yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE && strlen(s) == n->data.scalar.length &&
	       strncasecmp((const char *)n->data.scalar.value, s, n->data.scalar.length) == 0;
}

static int key_eq(const yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE && strlen(s) == n->data.scalar.length &&
	       memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0;
}

/* Every key of mapping `m` into `ids`. */
static void add_keys(yaml_document_t *doc, yaml_node_t *m, struct idlist *ids)
{
	yaml_node_pair_t *pr;

	if (!m || m->type != YAML_MAPPING_NODE)
		return;
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(doc, pr->key);
		if (k && k->type == YAML_SCALAR_NODE)
			ids_add(ids, (const char *)k->data.scalar.value, k->data.scalar.length);
	}
}

/* The names `image` is known by in a whitelist's `images:`. */
static void image_keys(const char *image, char *first, char *bare, size_t n)
{
	static const char *const prefixes[] = { "docker-archive:", "oci-archive:", "oci:",
		                                "rootfs:", "docker://" };
	const char *p = image, *slash, *colon, *at;
	size_t i, len;

	snprintf(first, n, "%.*s", (int)strcspn(image, ":"), image);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) {
			p += strlen(prefixes[i]);
			break;
		}
	len = strlen(p);
	at = strchr(p, '@');
	if (at)
		len = (size_t)(at - p);
	slash = memrchr(p, '/', len);
	colon = memrchr(p, ':', len);
	if (colon && (!slash || colon > slash))
		len = (size_t)(colon - p);
	snprintf(bare, n, "%.*s", (int)len, p);
}

static int read_whitelist(struct idlist *ids, const char *path, const char *image)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pr, *ip;
	char first[1024], bare[1024];
	int ok;

	if (!f) {
		vigil_error_set(VIGIL_EIO, "cannot read whitelist '%s': %s", path, strerror(errno));
		return cli_fail(VIGIL_EIO);
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	ok = yaml_parser_load(&parser, &doc);
	if (!ok) {
		vigil_error_set(VIGIL_EINVALID, "whitelist '%s', line %lu: %s", path,
		                (unsigned long)parser.problem_mark.line + 1,
		                parser.problem ? parser.problem : "bad YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		return cli_fail(VIGIL_EINVALID);
	}
	image_keys(image, first, bare, sizeof(first));
	root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
			if (key_is(k, "generalwhitelist"))
				add_keys(&doc, v, ids);
			if (!key_is(k, "images") || !v || v->type != YAML_MAPPING_NODE)
				continue;
			for (ip = v->data.mapping.pairs.start; ip < v->data.mapping.pairs.top;
			     ip++) {
				yaml_node_t *ik = yaml_document_get_node(&doc, ip->key);
				if (key_eq(ik, first) || key_eq(ik, bare))
					add_keys(&doc, yaml_document_get_node(&doc, ip->value),
					         ids);
			}
		}
	} else if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
		vigil_error_set(VIGIL_EINVALID, "whitelist '%s': not a mapping", path);
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		fclose(f);
		return cli_fail(VIGIL_EINVALID);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return 0;
}

/* ---- the command ---- */

static const char *default_ignorefile(void)
{
	if (access(".vigilignore", F_OK) == 0)
		return ".vigilignore";
	if (access(".trivyignore", F_OK) == 0)
		return ".trivyignore";
	return NULL;
}

static int write_report(const struct scan_opts *o, const vigil_scan_result *r)
{
	vigil_report_opts ropts = VIGIL_REPORT_OPTS_INIT;
	FILE *f = stdout;
	int err;

	if (o->output && !(f = fopen(o->output, "w")))
		return vigil_error_set(VIGIL_EIO, "cannot write '%s': %s", o->output,
		                       strerror(errno));
	ropts.color = !o->output && strcmp(o->format, "table") == 0 && isatty(STDOUT_FILENO);
	err = vigil_report_write(f, o->format, r, &ropts);
	if (f != stdout) {
		if (fclose(f) != 0 && !err)
			err = vigil_error_set(VIGIL_EIO, "cannot write '%s'", o->output);
	} else if (fflush(f) != 0 && !err) {
		err = vigil_error_set(VIGIL_EIO, "cannot write the report");
	}
	return err;
}

int cmd_scan(int argc, char **argv, struct cli_ctx *ctx)
{
	struct scan_opts o;
	vigil_scan_opts sopts = VIGIL_SCAN_OPTS_INIT;
	vigil_scan_filter flt = VIGIL_SCAN_FILTER_INIT;
	vigil_scan_result *r = NULL;
	struct idlist ids = { 0 };
	const char *ns;
	size_t i, n, hits = 0;
	int rc, err, expired = 0;

	memset(&o, 0, sizeof(o));
	o.format = "table";
	o.exit_code = -1;
	o.img = (vigil_image_opts)VIGIL_IMAGE_OPTS_INIT;
	if (argc > 1 && cli_is_help(argv[1])) {
		printf(usage_text, vigil_report_formats());
		return EXIT_OK;
	}
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	if (!o.ignorefile)
		o.ignorefile = default_ignorefile();
	if (o.ignorefile && (rc = read_ignorefile(&ids, o.ignorefile, &expired)) != 0)
		goto out;
	if (expired && !ctx->quiet)
		fprintf(stderr, "vigil: %s: %d expired entr%s no longer ignored\n", o.ignorefile,
		        expired, expired == 1 ? "y is" : "ies are");
	if (o.whitelist && (rc = read_whitelist(&ids, o.whitelist, o.image)) != 0)
		goto out;
	sopts.image = o.img;
	sopts.db = ctx->db;
	if (o.no_cache)
		sopts.flags |= VIGIL_SCAN_NO_CACHE;
	if ((err = vigil_scan(&r, o.image, &sopts)) < 0) {
		rc = cli_fail(err);
		goto out;
	}
	flt.severities = o.severities;
	flt.ignore_unfixed = o.ignore_unfixed;
	flt.ignore = (const char *const *)ids.ids;
	flt.nignore = ids.n;
	vigil_scan_result_filter(r, &flt);
	if ((err = write_report(&o, r)) < 0) {
		rc = cli_fail(err);
		goto out;
	}
	n = vigil_scan_result_count(r);
	for (i = 0; i < n; i++)
		if (!o.has_threshold || vigil_scan_result_finding(r, i)->severity >= o.threshold)
			hits++;
	ns = vigil_inspection_namespace(vigil_scan_result_inspection(r));
	if (!ctx->quiet) {
		fprintf(stderr, "vigil: %s (%s): %zu vulnerabilit%s", o.image, ns ? ns : "no OS", n,
		        n == 1 ? "y" : "ies");
		if (o.has_threshold)
			fprintf(stderr, ", %zu at or above %s", hits,
			        vigil_severity_name(o.threshold));
		fputc('\n', stderr);
	}
	rc = EXIT_OK;
	if (hits && (o.has_threshold || o.exit_code >= 0))
		rc = o.exit_code >= 0 ? o.exit_code : EXIT_FOUND;
out:
	vigil_scan_result_free(r);
	ids_release(&ids);
	return rc;
}
