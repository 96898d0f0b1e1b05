/*
 * The terminal table: a header (image, namespace), the findings grouped by
 * package (name and installed version, the layer that added it), one line
 * each: ID, severity on Clair's scale, fixed version or "no fix", title;
 * then a summary line with the count per severity and the total. With
 * opts->color the severities are coloured with ANSI escapes.
 *
 * Every string is made printable first: valid UTF-8, control characters
 * (a newline, an escape that would drive the terminal) turned into spaces,
 * and long cells cut, so one finding is always one line.
 */
#include "writer.h"
#include "vigil/alloc.h"

#include <string.h>

#define ID_MAX 40
#define FIX_MAX 40
#define TITLE_MAX 100

struct cell {
	char *text;
	size_t width; /* in code points */
};

struct line {
	struct cell id, fix, title;
};

/* Width of `s` in code points, and the byte length of its first `max` of them. */
static size_t measure(const char *s, size_t max, size_t *bytes)
{
	size_t w = 0, i = 0;

	while (s[i] && w < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		w++;
	}
	*bytes = i;
	while (s[i] && (s[i] & 0xc0) == 0x80)
		i++;
	return w;
}

/* `s` as one printable line of at most `max` code points ("..." marks a cut). */
static void cell_set(struct cell *c, const char *s, size_t max)
{
	char *u = vigil_report__utf8(s);
	unsigned char *p;
	size_t bytes;

	for (p = (unsigned char *)u; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) /* C1 controls */
			p[0] = ' ', p[1] = ' ';
	}
	c->width = measure(u, max, &bytes);
	if (u[bytes]) {
		c->width = measure(u, max - 3, &bytes);
		memcpy(u + bytes, "...", 4);
		c->width += 3;
	}
	c->text = u;
}

static void cell_put(FILE *out, const struct cell *c, size_t width)
{
	size_t i;

	fputs(c->text, out);
	for (i = c->width; i < width; i++)
		fputc(' ', out);
}

static const char *sev_color(vigil_severity s)
{
	static const char *const colors[VIGIL_SEVERITY_COUNT] = {
		"\033[2m",  "\033[36m",   "\033[34m",   "\033[33m",
		"\033[31m", "\033[1;31m", "\033[1;35m",
	};

	return (unsigned)s < VIGIL_SEVERITY_COUNT ? colors[s] : colors[0];
}

static void sev_put(FILE *out, vigil_severity s, int color, size_t width)
{
	const char *name = vigil_severity_name(s);
	size_t i;

	fprintf(out, "%s%s%s", color ? sev_color(s) : "", name, color ? "\033[0m" : "");
	for (i = strlen(name); i < width; i++)
		fputc(' ', out);
}

static void header(FILE *out, const vigil_scan_result *r)
{
	struct cell c;
	const char *ns = vigil_report__namespace(r);

	cell_set(&c, vigil_scan_result_image(r), (size_t)-1 / 2);
	fprintf(out, "Image:     %s\n", c.text);
	vigil_free(c.text);
	cell_set(&c, ns ? ns : "none detected", 200);
	fprintf(out, "Namespace: %s\n", c.text);
	vigil_free(c.text);
}

/* "name version" and, when known, the layer that added the package. */
static void package_line(FILE *out, const vigil_scan_result *r, const vigil_package *p)
{
	struct cell name, version;
	size_t index;

	cell_set(&name, p->name, 200);
	cell_set(&version, p->version, 200);
	fprintf(out, "\n%s %s", name.text, version.text);
	if (vigil_report__layer(r, p->layer, &index) && p->layer)
		fprintf(out, "  (layer %zu %.19s)", index, p->layer);
	fputc('\n', out);
	vigil_free(name.text);
	vigil_free(version.text);
}

static void summary(FILE *out, const vigil_scan_result *r, int color)
{
	size_t counts[VIGIL_SEVERITY_COUNT];
	int s;

	vigil_report__count(r, counts);
	fprintf(out, "\nTotal: %zu (", vigil_scan_result_count(r));
	for (s = VIGIL_SEVERITY_COUNT - 1; s >= 0; s--) {
		sev_put(out, (vigil_severity)s, color && counts[s], 0);
		fprintf(out, ": %zu%s", counts[s], s ? ", " : ")\n");
	}
}

static int table_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	size_t i, n = vigil_scan_result_count(r), wid = 2, wfix = 8;
	struct line *lines = vigil_calloc(n ? n : 1, sizeof(*lines));
	const vigil_finding *f;

	for (i = 0; i < n; i++) {
		f = vigil_scan_result_finding(r, i);
		cell_set(&lines[i].id, f->id, ID_MAX);
		cell_set(&lines[i].fix, *f->fixed_version ? f->fixed_version : "no fix", FIX_MAX);
		cell_set(&lines[i].title, *f->title ? f->title : f->description, TITLE_MAX);
		wid = lines[i].id.width > wid ? lines[i].id.width : wid;
		wfix = lines[i].fix.width > wfix ? lines[i].fix.width : wfix;
	}
	header(out, r);
	if (!n)
		fputs("\nNo vulnerabilities found.\n", out);
	for (i = 0; i < n; i++) {
		f = vigil_scan_result_finding(r, i);
		if (!i || vigil_scan_result_finding(r, i - 1)->package != f->package)
			package_line(out, r, f->package);
		fputs("  ", out);
		cell_put(out, &lines[i].id, wid + 2);
		sev_put(out, f->severity, opts->color, 12);
		cell_put(out, &lines[i].fix, lines[i].title.width ? wfix + 2 : 0);
		fprintf(out, "%s\n", lines[i].title.text);
	}
	summary(out, r, opts->color);
	for (i = 0; i < n; i++) {
		vigil_free(lines[i].id.text);
		vigil_free(lines[i].fix.text);
		vigil_free(lines[i].title.text);
	}
	vigil_free(lines);
	return vigil_report__check(out);
}

const struct vigil_report_writer vigil_report_table = {
	.name = "table",
	.write = table_write,
};
