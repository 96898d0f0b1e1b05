/*
 * SARIF 2.1.0 (OASIS, errata01): one run of tool "vigil" with one rule per
 * vulnerability ID and one result per finding. A result's level comes from
 * its severity (Critical, Defcon1, High: error; Medium: warning; others:
 * note), its location is the image (artifactLocation, a relative URI made
 * of the image argument percent-encoded) and the package (a logical
 * location), and its properties carry the package, versions, both severity
 * scales and vigil's match explanation. Rules carry GitHub's
 * "security-severity" score so code scanning ranks them.
 */
#include "writer.h"
#include "vigil/alloc.h"
#include "vigil/vigil.h"

#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA                                                                               \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"                      \
	"sarif-schema-2.1.0.json"

static const char *level(vigil_severity s)
{
	return s >= VIGIL_SEVERITY_HIGH ? "error" : s == VIGIL_SEVERITY_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning's score bands: critical >= 9, high >= 7, medium >= 4, low > 0. */
static const char *security_severity(vigil_severity s)
{
	static const char *const score[VIGIL_SEVERITY_COUNT] = {
		"0.0", "1.0", "2.0", "5.5", "8.0", "9.5", "10.0",
	};

	return (unsigned)s < VIGIL_SEVERITY_COUNT ? score[s] : score[0];
}

static json_t *text(const char *s)
{
	return json_pack("{s:o}", "text", vigil_report__jstr(s));
}

/* A finding's ID and index: sorted by ID (then index), they number the rules. */
struct idref {
	const char *id;
	size_t i;
};

static int by_id(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static json_t *rule(const vigil_finding *f)
{
	json_t *o = json_object(), *props = json_object();
	vigil_buf help = VIGIL_BUF_INIT;

	json_object_set_new(o, "id", vigil_report__jstr(f->id));
	json_object_set_new(o, "name", json_string("OsPackageVulnerability"));
	json_object_set_new(o, "shortDescription", text(*f->title ? f->title : f->id));
	json_object_set_new(o, "fullDescription",
	                    text(*f->description ? f->description
	                         : *f->title     ? f->title
	                                         : f->id));
	json_object_set_new(o, "defaultConfiguration",
	                    json_pack("{s:s}", "level", level(f->severity)));
	if (vigil_report__is_url(f->link))
		json_object_set_new(o, "helpUri", json_string(f->link));
	(void)vigil_buf_printf(&help, "Vulnerability %s\nSeverity: %s\n%s%s", f->id,
	                       vigil_severity_name(f->severity), *f->link ? "Link: " : "", f->link);
	json_object_set_new(o, "help", text(help.ptr));
	vigil_buf_release(&help);
	json_object_set_new(props, "tags",
	                    json_pack("[s,s,s]", "vulnerability", "security",
	                              vigil_severity_trivy(f->severity)));
	json_object_set_new(props, "precision", json_string("very-high"));
	json_object_set_new(props, "security-severity",
	                    json_string(security_severity(f->severity)));
	json_object_set_new(o, "properties", props);
	return o;
}

/* The image argument as a relative URI reference: unreserved characters and '/' kept. */
static json_t *image_uri(const vigil_scan_result *r)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)vigil_scan_result_image(r);
	vigil_buf b = VIGIL_BUF_INIT;
	json_t *j;

	for (; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			(void)vigil_buf_putc(&b, (char)*p);
		else
			(void)vigil_buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	j = json_string(b.len ? b.ptr : "image");
	vigil_buf_release(&b);
	return j;
}

static json_t *location(const vigil_scan_result *r, const vigil_finding *f)
{
	vigil_buf fq = VIGIL_BUF_INIT;
	json_t *loc, *logical;

	(void)vigil_buf_printf(&fq, "%s@%s", f->package->name, f->package->version);
	logical = json_pack("[{s:o,s:o,s:s}]", "name", vigil_report__jstr(f->package->name),
	                    "fullyQualifiedName", vigil_report__jstr(fq.ptr), "kind", "package");
	loc = json_pack("{s:{s:{s:o},s:{s:i,s:i,s:i,s:i}},s:o,s:o}", "physicalLocation",
	                "artifactLocation", "uri", image_uri(r), "region", "startLine", 1,
	                "startColumn", 1, "endLine", 1, "endColumn", 1, "logicalLocations", logical,
	                "message", text(fq.ptr));
	vigil_buf_release(&fq);
	return loc;
}

static json_t *message(const vigil_finding *f)
{
	vigil_buf b = VIGIL_BUF_INIT;
	json_t *m;

	(void)vigil_buf_printf(&b,
	                       "Package: %s\nInstalled Version: %s\nVulnerability %s\n"
	                       "Severity: %s\nFixed Version: %s\nLink: %s",
	                       f->package->name, f->package->version, f->id,
	                       vigil_severity_name(f->severity),
	                       *f->fixed_version ? f->fixed_version : "no fix", f->link);
	m = text(b.ptr);
	vigil_buf_release(&b);
	return m;
}

static json_t *properties(const vigil_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "PkgName", vigil_report__jstr(f->package->name));
	json_object_set_new(o, "InstalledVersion", vigil_report__jstr(f->package->version));
	json_object_set_new(o, "FixedVersion", vigil_report__jstr(f->fixed_version));
	json_object_set_new(o, "Status",
	                    json_string(f->status == VIGIL_FINDING_FIXED ? "fixed" : "affected"));
	json_object_set_new(o, "Severity", json_string(vigil_severity_trivy(f->severity)));
	json_object_set_new(o, "ClairSeverity", json_string(vigil_severity_name(f->severity)));
	if (f->package->layer)
		json_object_set_new(o, "Layer", vigil_report__jstr(f->package->layer));
	json_object_set_new(o, "VigilMatch",
	                    json_pack("{s:o,s:o,s:o,s:o}", "Feed", vigil_report__jstr(f->feed),
	                              "Namespace", vigil_report__jstr(f->namespace), "MatchedName",
	                              vigil_report__jstr(f->matched_name), "Reason",
	                              vigil_report__jstr(f->reason)));
	return o;
}

static json_t *result(const vigil_scan_result *r, const vigil_finding *f, size_t rule_index)
{
	json_t *o = json_object();

	json_object_set_new(o, "ruleId", vigil_report__jstr(f->id));
	json_object_set_new(o, "ruleIndex", json_integer((json_int_t)rule_index));
	json_object_set_new(o, "level", json_string(level(f->severity)));
	json_object_set_new(o, "message", message(f));
	json_object_set_new(o, "locations", json_pack("[o]", location(r, f)));
	json_object_set_new(o, "properties", properties(f));
	return o;
}

/* rules[] (one per ID, in ID order) and rule_of[i], the rule of finding i. */
static json_t *rules(const vigil_scan_result *r, size_t *rule_of)
{
	size_t i, n = vigil_scan_result_count(r), nrules = 0;
	struct idref *order = vigil_calloc(n ? n : 1, sizeof(*order));
	const vigil_finding *f, *prev = NULL;
	json_t *a = json_array();

	for (i = 0; i < n; i++) {
		order[i].id = vigil_scan_result_finding(r, i)->id;
		order[i].i = i;
	}
	if (n > 1)
		qsort(order, n, sizeof(*order), by_id);
	for (i = 0; i < n; i++) {
		f = vigil_scan_result_finding(r, order[i].i);
		if (!prev || strcmp(prev->id, f->id) != 0) {
			json_array_append_new(a, rule(f));
			nrules++;
			prev = f;
		}
		rule_of[order[i].i] = nrules - 1;
	}
	vigil_free(order);
	return a;
}

static json_t *run(const vigil_scan_result *r)
{
	size_t i, n = vigil_scan_result_count(r);
	size_t *rule_of = vigil_calloc(n ? n : 1, sizeof(*rule_of));
	json_t *o = json_object(), *results = json_array(), *driver, *props;
	const char *ns = vigil_report__namespace(r);

	driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "vigil", "fullName",
	                   "vigil container image vulnerability scanner", "version",
	                   vigil_version(), "rules", rules(r, rule_of));
	json_object_set_new(o, "tool", json_pack("{s:o}", "driver", driver));
	for (i = 0; i < n; i++)
		json_array_append_new(results,
		                      result(r, vigil_scan_result_finding(r, i), rule_of[i]));
	json_object_set_new(o, "results", results);
	json_object_set_new(o, "columnKind", json_string("utf16CodeUnits"));
	props = json_pack("{s:o}", "ArtifactName", vigil_report__jstr(vigil_scan_result_image(r)));
	if (ns)
		json_object_set_new(props, "Namespace", vigil_report__jstr(ns));
	json_object_set_new(o, "properties", props);
	vigil_free(rule_of);
	return o;
}

static int sarif_write(FILE *out, const vigil_scan_result *r, const vigil_report_opts *opts)
{
	json_t *root = json_object();
	int err;

	json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", json_pack("[o]", run(r)));
	if (opts->created_at)
		json_object_set_new(json_array_get(json_object_get(root, "runs"), 0), "invocations",
		                    json_pack("[{s:b,s:o}]", "executionSuccessful", 1,
		                              "startTimeUtc",
		                              vigil_report__jstr(opts->created_at)));
	err = vigil_report__dump(out, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return err;
}

const struct vigil_report_writer vigil_report_sarif = {
	.name = "sarif",
	.write = sarif_write,
};
