/*
 * vigil inspect IMAGE [--format table|json] [--platform OS/ARCH] [--max-file-size SIZE]
 *
 * The OS namespace and every installed package, with the layer that added it.
 * The JSON shape is documented in README.md and stable.
 */
#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"usage: vigil inspect IMAGE [--format table|json] [--platform OS/ARCH]\n"
	"                           [--max-file-size SIZE] [-o FILE]\n"
	"\n"
	"List the OS namespace of IMAGE and every installed package (name, version,\n"
	"source name and version, version format, the layer that added it).\n"
	"\n"
	"IMAGE is a docker-save tarball (plain, .gz or .zst), an OCI layout (directory\n"
	"or tarball) or a root filesystem directory; prefixes docker-archive:, oci:,\n"
	"oci-archive:, rootfs: choose the kind explicitly.\n"
	"\n"
	"  -f, --format FMT       table (default) or json\n"
	"      --platform P       platform to pick from an image index (default linux/amd64)\n"
	"      --max-file-size S  cap on each package database kept in memory (default 256M)\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n";

struct inspect_opts {
	const char *image;
	const char *format;
	const char *output;
	vigil_image_opts img;
};

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int write_json(FILE *f, const char *image, const vigil_inspection *in)
{
	json_t *root = json_object(), *layers = json_array(), *pkgs = json_array();
	size_t i;
	int rc;

	json_object_set_new(root, "Image", json_string(image));
	json_object_set_new(root, "Namespace", jstr_or_null(vigil_inspection_namespace(in)));
	for (i = 0; i < vigil_inspection_layer_count(in); i++) {
		const vigil_layer_info *l = vigil_inspection_layer(in, i);
		json_array_append_new(layers, json_pack("{s:o,s:o}", "DiffID",
							jstr_or_null(l->diff_id), "Digest",
							jstr_or_null(l->digest)));
	}
	json_object_set_new(root, "Layers", layers);
	for (i = 0; i < vigil_inspection_package_count(in); i++) {
		const vigil_package *p = vigil_inspection_package(in, i);
		json_array_append_new(
			pkgs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "Name", p->name, "Version",
					p->version, "SourceName", p->source_name, "SourceVersion",
					p->source_version, "Format",
					vigil_version_format_name(p->format), "Layer",
					jstr_or_null(p->layer)));
	}
	json_object_set_new(root, "Packages", pkgs);
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(root);
	return rc == 0 ? 0 : vigil_error_set(VIGIL_EIO, "cannot write the report");
}

/* "1" for the first layer's diff_id, "-" when unknown. */
static size_t layer_index(const vigil_inspection *in, const char *diff_id)
{
	size_t i;

	for (i = 0; diff_id && i < vigil_inspection_layer_count(in); i++)
		if (vigil_inspection_layer(in, i)->diff_id &&
		    strcmp(vigil_inspection_layer(in, i)->diff_id, diff_id) == 0)
			return i + 1;
	return 0;
}

static void widen(int *w, const char *s)
{
	int n = (int)strlen(s);
	if (n > *w)
		*w = n;
}

static int write_table(FILE *f, const char *image, const vigil_inspection *in)
{
	const char *ns = vigil_inspection_namespace(in), *code = vigil_inspection_codename(in);
	int wn = 4, wv = 7, ws = 6, wsv = 14;
	size_t i, n = vigil_inspection_package_count(in);

	fprintf(f, "Image:     %s\n", image);
	fprintf(f, "Namespace: %s%s%s%s\n", ns ? ns : "(none: no known OS release file)",
		code ? " (" : "", code ? code : "", code ? ")" : "");
	fprintf(f, "Layers:    %zu\n", vigil_inspection_layer_count(in));
	for (i = 0; i < vigil_inspection_layer_count(in); i++) {
		const vigil_layer_info *l = vigil_inspection_layer(in, i);
		fprintf(f, "  %2zu  %s%s%s\n", i + 1, l->diff_id ? l->diff_id : "(root filesystem)",
			l->digest ? "  blob " : "", l->digest ? l->digest : "");
	}
	fprintf(f, "Packages:  %zu\n\n", n);
	for (i = 0; i < n; i++) {
		const vigil_package *p = vigil_inspection_package(in, i);
		widen(&wn, p->name);
		widen(&wv, p->version);
		widen(&ws, p->source_name);
		widen(&wsv, p->source_version);
	}
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-6s  %s\n", wn, "NAME", wv, "VERSION", ws, "SOURCE",
		wsv, "SOURCE VERSION", "FORMAT", "LAYER");
	for (i = 0; i < n; i++) {
		const vigil_package *p = vigil_inspection_package(in, i);
		size_t li = layer_index(in, p->layer);
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-6s  ", wn, p->name, wv, p->version, ws,
			p->source_name, wsv, p->source_version, vigil_version_format_name(p->format));
		if (li)
			fprintf(f, "%zu %.19s\n", li, p->layer);
		else
			fprintf(f, "-\n");
	}
	return 0;
}

static int parse_args(struct inspect_opts *o, int argc, char **argv)
{
	int i, opts_done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = 1;
			continue;
		}
		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (o->image)
				return cli_usage("inspect", "unexpected argument '%s'", a);
			o->image = a;
			continue;
		}
		if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--platform") == 0 ||
		    strcmp(a, "--max-file-size") == 0 || strcmp(a, "-o") == 0 ||
		    strcmp(a, "--output") == 0) {
			if (!val)
				return cli_usage("inspect", "option '%s' needs a value", a);
			i++;
			if (a[1] == 'f' || strcmp(a, "--format") == 0)
				o->format = val;
			else if (strcmp(a, "--platform") == 0)
				o->img.platform = val;
			else if (strcmp(a, "--max-file-size") == 0) {
				if (cli_parse_size(&o->img.max_file_size, val) < 0 ||
				    o->img.max_file_size == 0)
					return cli_usage("inspect", "bad size '%s'", val);
			} else
				o->output = val;
			continue;
		}
		return cli_usage("inspect", "unknown option '%s'", a);
	}
	if (!o->image)
		return cli_usage("inspect", "missing IMAGE");
	if (strcmp(o->format, "table") != 0 && strcmp(o->format, "json") != 0)
		return cli_usage("inspect", "unknown format '%s' (table or json)", o->format);
	return 0;
}

int cmd_inspect(int argc, char **argv, struct cli_ctx *ctx)
{
	struct inspect_opts o = { NULL, "table", NULL, VIGIL_IMAGE_OPTS_INIT };
	vigil_inspection *in = NULL;
	FILE *f = stdout;
	int err, rc;

	(void)ctx;
	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if ((rc = parse_args(&o, argc, argv)) != 0)
		return rc;
	if ((err = vigil_inspect(&in, o.image, &o.img)) < 0)
		return cli_fail(err);
	if (o.output && !(f = fopen(o.output, "w"))) {
		vigil_inspection_free(in);
		vigil_error_set(VIGIL_EIO, "cannot write '%s'", o.output);
		return cli_fail(VIGIL_EIO);
	}
	err = strcmp(o.format, "json") == 0 ? write_json(f, o.image, in)
					    : write_table(f, o.image, in);
	if (f != stdout && fclose(f) != 0 && !err)
		err = vigil_error_set(VIGIL_EIO, "cannot write '%s'", o.output);
	vigil_inspection_free(in);
	return err < 0 ? cli_fail(err) : EXIT_OK;
}
