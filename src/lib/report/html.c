/*
 * One self-contained HTML page: inline CSS and JavaScript, no external
 * asset, and a Content-Security-Policy that forbids every fetch (the page
 * cannot load anything even if a string slipped through). A header (image,
 * namespace), a summary (count per severity on Clair's scale), and a table
 * of the findings that sorts by any column when its header is clicked and
 * filters by a text box and a checkbox per severity. The URL fragment can
 * preset them: "#q=openssl&sev=Critical,High&sort=3" (sort by the 4th column).
 *
 * Every string from the image or the feeds is made valid UTF-8 and
 * HTML-escaped; only http(s) links that pass vigil_report__is_url() become
 * hrefs, so no "javascript:" URL reaches the page.
 */
#include "writer.h"
#include "vigil/alloc.h"
#include "vigil/vigil.h"

#include <string.h>

static const char css[] =
        "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}\n"
        "h1{font-size:1.5em;margin:0 0 .5em}\n"
        "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;margin:0 0 1em}\n"
        "dl.meta dt{font-weight:bold}dl.meta dd{margin:0;word-break:break-all}\n"
        "ul.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5em}\n"
        "ul.counts li{padding:.3em .8em;border-radius:4px}\n"
        "ul.counts li.zero{background:#eee;color:#777}\n"
        "#controls{margin:1em 0;display:flex;flex-wrap:wrap;gap:.8em;align-items:center}\n"
        "#filter{padding:.3em;min-width:18em}\n"
        "table{border-collapse:collapse;width:100%}\n"
        "th,td{border-bottom:1px solid #ddd;padding:.35em "
        ".5em;text-align:left;vertical-align:top}\n"
        "th{background:#f4f4f4;cursor:pointer;user-select:none;white-space:nowrap}\n"
        "th[aria-sort=ascending]::after{content:' \\25B2'}\n"
        "th[aria-sort=descending]::after{content:' \\25BC'}\n"
        "tr[hidden]{display:none}\n"
        "td.mono{font-family:ui-monospace,monospace;word-break:break-all}\n"
        "details summary{cursor:pointer;color:#555}\n"
        ".sev{font-weight:bold;white-space:nowrap}\n"
        ".sev-Defcon1,.sev-Critical{color:#fff;background:#8b0000}\n"
        ".sev-High{color:#fff;background:#d9534f}\n"
        ".sev-Medium{color:#222;background:#f0ad4e}\n"
        ".sev-Low{color:#fff;background:#337ab7}\n"
        ".sev-Negligible{color:#222;background:#9fd8e6}\n"
        ".sev-Unknown{color:#222;background:#ccc}\n"
        "td.sev{border-radius:0}\n";

static const char script[] =
        "(function () {\n"
        "  'use strict';\n"
        "  var table = document.getElementById('findings');\n"
        "  var body = table.tBodies[0];\n"
        "  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);\n"
        "  var rows = Array.prototype.slice.call(body.rows);\n"
        "  var filter = document.getElementById('filter');\n"
        "  var boxes = Array.prototype.slice.call(document.querySelectorAll('input.sevbox'));\n"
        "  var shown = document.getElementById('shown');\n"
        "  var sortCol = -1, sortDir = 1;\n"
        "  function key(row, col) {\n"
        "    var c = row.cells[col];\n"
        "    return c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent;\n"
        "  }\n"
        "  function sortBy(col) {\n"
        "    var num = heads[col].getAttribute('data-type') === 'num';\n"
        "    sortDir = sortCol === col ? -sortDir : (num ? -1 : 1);\n"
        "    sortCol = col;\n"
        "    rows.sort(function (a, b) {\n"
        "      var x = key(a, col), y = key(b, col);\n"
        "      return sortDir * (num ? x - y : x.localeCompare(y));\n"
        "    });\n"
        "    rows.forEach(function (r) { body.appendChild(r); });\n"
        "    heads.forEach(function (h, i) {\n"
        "      if (i === col) h.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : "
        "'descending');\n"
        "      else h.removeAttribute('aria-sort');\n"
        "    });\n"
        "  }\n"
        "  function apply() {\n"
        "    var q = filter.value.toLowerCase(), on = {}, n = 0;\n"
        "    boxes.forEach(function (b) { on[b.value] = b.checked; });\n"
        "    rows.forEach(function (r) {\n"
        "      var ok = on[r.getAttribute('data-sev')] &&\n"
        "        (!q || r.textContent.toLowerCase().indexOf(q) >= 0);\n"
        "      r.hidden = !ok;\n"
        "      if (ok) n++;\n"
        "    });\n"
        "    shown.textContent = 'Showing ' + n + ' of ' + rows.length;\n"
        "  }\n"
        "  function preset() {\n"
        "    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {\n"
        "      var i = kv.indexOf('='), k = kv.slice(0, i), v;\n"
        "      if (i < 0) return;\n"
        "      try { v = decodeURIComponent(kv.slice(i + 1)); } catch (e) { return; }\n"
        "      if (k === 'q') filter.value = v;\n"
        "      if (k === 'sort' && heads[+v]) sortBy(+v);\n"
        "      if (k === 'sev') {\n"
        "        var want = v.toLowerCase().split(',');\n"
        "        boxes.forEach(function (b) {\n"
        "          b.checked = want.indexOf(b.value.toLowerCase()) >= 0;\n"
        "        });\n"
        "      }\n"
        "    });\n"
        "  }\n"
        "  heads.forEach(function (h, i) {\n"
        "    h.tabIndex = 0;\n"
        "    h.addEventListener('click', function () { sortBy(i); });\n"
        "    h.addEventListener('keydown', function (e) {\n"
        "      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(i); }\n"
        "    });\n"
        "  });\n"
        "  filter.addEventListener('input', apply);\n"
        "  boxes.forEach(function (b) { b.addEventListener('change', apply); });\n"
        "  window.addEventListener('hashchange', function () { preset(); apply(); });\n"
        "  preset();\n"
        "  apply();\n"
        "  document.body.setAttribute('data-ready', 'true');\n"
        "})();\n";

/* `s` made valid UTF-8, with & < > " ' as references and control characters as spaces. */
static void esc(FILE *out, const char *s)
{
	char *u = vigil_report__utf8(s);
	const unsigned char *p;

	for (p = (const unsigned char *)u; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\n':
		case '\t':
			fputc(*p, out);
			break;
		default:
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, out);
		}
	}
	vigil_free(u);
}

static void head(FILE *out, const vigil_scan_result *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
	      "base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"vigil ",
	      out);
	esc(out, vigil_version());
	fputs("\">\n<title>vigil report: ", out);
	esc(out, vigil_scan_result_image(r));
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n", css);
}

static void meta(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	const char *ns = vigil_report__namespace(r);

	fputs("<body>\n<header>\n<h1>vigil vulnerability report</h1>\n<dl class=\"meta\">\n"
	      "<dt>Image</dt><dd id=\"image\">",
	      out);
	esc(out, vigil_scan_result_image(r));
	fputs("</dd>\n<dt>Namespace</dt><dd id=\"namespace\">", out);
	esc(out, ns ? ns : "none detected");
	fputs("</dd>\n", out);
	if (opts->created_at) {
		fputs("<dt>Generated</dt><dd>", out);
		esc(out, opts->created_at);
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n</header>\n", out);
}

/* Distinct packages with findings (findings are grouped by package). */
static size_t affected_packages(const vigil_scan_result *r)
{
	size_t i, k = 0, n = vigil_scan_result_count(r);

	for (i = 0; i < n; i++)
		if (!i || vigil_scan_result_finding(r, i)->package !=
		                  vigil_scan_result_finding(r, i - 1)->package)
			k++;
	return k;
}

static void summary(FILE *out, const vigil_scan_result *r)
{
	size_t counts[VIGIL_SEVERITY_COUNT];
	int s;

	vigil_report__count(r, counts);
	fprintf(out,
	        "<section id=\"summary\">\n<p><strong id=\"total\">%zu</strong> "
	        "vulnerabilities in <strong>%zu</strong> packages</p>\n<ul class=\"counts\">\n",
	        vigil_scan_result_count(r), affected_packages(r));
	for (s = VIGIL_SEVERITY_COUNT - 1; s >= 0; s--)
		fprintf(out, "<li class=\"%s%s\">%s: <b>%zu</b></li>\n",
		        counts[s] ? "sev-" : "zero",
		        counts[s] ? vigil_severity_name((vigil_severity)s) : "",
		        vigil_severity_name((vigil_severity)s), counts[s]);
	fputs("</ul>\n</section>\n", out);
}

static void controls(FILE *out)
{
	int s;

	fputs("<section id=\"controls\">\n<input id=\"filter\" type=\"search\" "
	      "placeholder=\"Filter: package, ID, text\" aria-label=\"Filter\">\n",
	      out);
	for (s = VIGIL_SEVERITY_COUNT - 1; s >= 0; s--)
		fprintf(out,
		        "<label><input type=\"checkbox\" class=\"sevbox\" value=\"%s\" "
		        "checked> %s</label>\n",
		        vigil_severity_name((vigil_severity)s),
		        vigil_severity_name((vigil_severity)s));
	fputs("<span id=\"shown\"></span>\n</section>\n", out);
}

static void cell(FILE *out, const char *cls, const char *s)
{
	fprintf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(out, s);
	fputs("</td>", out);
}

/* Title, then the description and vigil's explanation behind a <details>. */
static void about(FILE *out, const vigil_finding *f)
{
	fputs("<td>", out);
	esc(out, *f->title ? f->title : "");
	fputs("<details><summary>details</summary>", out);
	if (*f->description) {
		fputs("<p class=\"desc\">", out);
		esc(out, f->description);
		fputs("</p>", out);
	}
	fputs("<p class=\"why\">Matched by the ", out);
	esc(out, f->feed);
	fputs(" feed (", out);
	esc(out, f->namespace);
	fputs(") on ", out);
	esc(out, f->matched_name);
	fputs(": ", out);
	esc(out, f->reason);
	fputs("</p></details></td>", out);
}

static void id_cell(FILE *out, const vigil_finding *f)
{
	fputs("<td class=\"mono\">", out);
	if (vigil_report__is_url(f->link)) {
		fputs("<a href=\"", out);
		esc(out, f->link);
		fputs("\" rel=\"noopener noreferrer\">", out);
		esc(out, f->id);
		fputs("</a>", out);
	} else {
		esc(out, f->id);
	}
	fputs("</td>", out);
}

static void row(FILE *out, const vigil_scan_result *r, const vigil_finding *f)
{
	const char *sev = vigil_severity_name(f->severity);
	size_t layer = 0;

	(void)vigil_report__layer(r, f->package->layer, &layer);
	fprintf(out, "<tr data-sev=\"%s\">", sev);
	cell(out, NULL, f->package->name);
	cell(out, "mono", f->package->version);
	id_cell(out, f);
	fprintf(out, "<td class=\"sev sev-%s\" data-sort=\"%d\">%s</td>", sev, (int)f->severity,
	        sev);
	cell(out, "mono", *f->fixed_version ? f->fixed_version : "no fix");
	about(out, f);
	if (layer)
		fprintf(out, "<td data-sort=\"%zu\" class=\"mono\">%zu</td>", layer, layer);
	else
		fputs("<td data-sort=\"0\"></td>", out);
	fputs("</tr>\n", out);
}

static void findings(FILE *out, const vigil_scan_result *r)
{
	size_t i, n = vigil_scan_result_count(r);

	fputs("<table id=\"findings\">\n<thead><tr><th>Package</th><th>Installed</th>"
	      "<th>Vulnerability</th><th data-type=\"num\">Severity</th><th>Fixed in</th>"
	      "<th>Title</th><th data-type=\"num\">Layer</th></tr></thead>\n<tbody>\n",
	      out);
	for (i = 0; i < n; i++)
		row(out, r, vigil_scan_result_finding(r, i));
	fputs("</tbody>\n</table>\n", out);
	if (!n)
		fputs("<p id=\"empty\">No vulnerabilities found.</p>\n", out);
}

static int html_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	head(out, r);
	meta(out, r, opts);
	summary(out, r);
	controls(out);
	findings(out, r);
	fprintf(out, "<script>\n%s</script>\n</body>\n</html>\n", script);
	return vigil_report__check(out);
}

const struct vigil_report_writer vigil_report_html = {
	.name = "html",
	.write = html_write,
};
