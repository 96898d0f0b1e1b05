/*
 * dpkg: installed packages from var/lib/dpkg/status and from distroless
 * var/lib/dpkg/status.d/ (one or more control stanzas per file).
 *
 * A stanza counts when its Status' last word is "installed" (a status.d
 * stanza may have no Status: it counts) and it has a Package and a Version.
 * Source is "name" or "name (version)"; without it the source is the package
 * itself; without a version in it the source version is the Version.
 *
 * The status file must parse (dpkg itself refuses one that does not):
 * binary data or a line that is not a field is VIGIL_EINVALID naming it. A
 * status.d file that does not parse is skipped with a warning, since each
 * holds other packages than its neighbours.
 */
#include "detect.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "vigil/alloc.h"
#include "../../util/text.h"

#include <string.h>

#define COMPONENT "detect.dpkg"
#define STATUS "var/lib/dpkg/status"
#define STATUS_D "var/lib/dpkg/status.d"

/* The fields of one stanza that matter; spans into the file. */
struct stanza {
	struct vigil_span package, version, source, status, arch;
	int has_status;
};

/* Files in status.d beside the control files: dpkg's per-package info files. */
static const char *const info_suffixes[] = {
	".md5sums", ".preinst", ".postinst", ".prerm", ".postrm", ".conffiles",
	".list", ".config", ".templates", ".triggers", ".shlibs", ".symbols",
};

/* 1 when the last whitespace-separated word of a Status value is "installed". */
static int status_installed(struct vigil_span status)
{
	size_t n = status.len;

	while (n && status.ptr[n - 1] != ' ' && status.ptr[n - 1] != '\t')
		n--;
	status.ptr += n;
	status.len -= n;
	return vigil_text_eq(status, "installed");
}

/* Split "name (version)" or "name" into *name and *version (empty when absent). */
static void split_source(struct vigil_span src, struct vigil_span *name,
			 struct vigil_span *version)
{
	const char *end = src.ptr + src.len, *p;
	size_t n = 0;

	while (n < src.len && src.ptr[n] != ' ' && src.ptr[n] != '\t' && src.ptr[n] != '(')
		n++;
	name->ptr = src.ptr;
	name->len = n;
	version->ptr = end;
	version->len = 0;
	p = memchr(src.ptr + n, '(', src.len - n);
	if (!p)
		return;
	version->ptr = p + 1;
	p = memchr(version->ptr, ')', (size_t)(end - version->ptr));
	version->len = (size_t)((p ? p : end) - version->ptr);
	*version = vigil_text_trim(*version);
}

/* Append the package a finished stanza describes, when it is an installed one. */
static int add_stanza(struct vigil_pkglist *out, const struct stanza *s, int status_optional)
{
	struct vigil_span src_name = s->package, src_version = { "", 0 };
	char *name, *version, *sname, *sversion, *arch;
	int err;

	if (!s->package.len || !s->version.len)
		return 0;
	if (s->has_status ? !status_installed(s->status) : !status_optional)
		return 0;
	if (s->source.len)
		split_source(s->source, &src_name, &src_version);
	if (!src_name.len)
		src_name = s->package;
	name = vigil_text_dup(s->package);
	version = vigil_text_dup(s->version);
	sname = vigil_text_dup(src_name);
	sversion = vigil_text_dup(src_version);
	arch = vigil_text_dup(s->arch);
	err = vigil_pkglist_add(out, VIGIL_VERSION_DPKG, name, version, sname, sversion, arch);
	vigil_free(name);
	vigil_free(version);
	vigil_free(sname);
	vigil_free(sversion);
	vigil_free(arch);
	return err;
}

static void take_field(struct stanza *s, struct vigil_span name, struct vigil_span value)
{
	/* field names are case-insensitive, as dpkg reads them */
	if (vigil_text_eq_nocase(name, "Package"))
		s->package = value;
	else if (vigil_text_eq_nocase(name, "Version"))
		s->version = value;
	else if (vigil_text_eq_nocase(name, "Source"))
		s->source = value;
	else if (vigil_text_eq_nocase(name, "Architecture"))
		s->arch = value;
	else if (vigil_text_eq_nocase(name, "Status")) {
		s->status = value;
		s->has_status = 1;
	}
}

/* Check that `data` is a control file; VIGIL_EINVALID (message set) when not. */
static int check_syntax(const char *path, const char *data, size_t len)
{
	struct vigil_stanza_reader r;
	struct vigil_span name, value;
	int rc;

	if (vigil_text_has_nul(data, len))
		return vigil_error_set(VIGIL_EINVALID,
				       "invalid dpkg database '%s': binary data (NUL byte)", path);
	vigil_stanza_init(&r, data, len);
	while ((rc = vigil_stanza_next(&r, &name, &value)) >= 0)
		;
	if (rc == VIGIL_EINVALID)
		return vigil_error_set(VIGIL_EINVALID, "invalid dpkg database '%s': line %zu: %s",
				       path, r.line, r.error);
	return 0;
}

/* Append the installed packages of one status or status.d file. */
static int parse_file(struct vigil_pkglist *out, const char *path, const char *data, size_t len,
		      int status_optional)
{
	struct vigil_stanza_reader r;
	struct vigil_span name, value;
	struct stanza s;
	int rc, err;

	if ((err = check_syntax(path, data, len)) < 0)
		return err;
	memset(&s, 0, sizeof(s));
	vigil_stanza_init(&r, data, len);
	while ((rc = vigil_stanza_next(&r, &name, &value)) != VIGIL_ITEROVER) {
		if (rc == 1) {
			take_field(&s, name, value);
			continue;
		}
		if ((err = add_stanza(out, &s, status_optional)) < 0)
			return err;
		memset(&s, 0, sizeof(s));
	}
	return 0;
}

static int is_info_file(const char *path)
{
	size_t i, n = strlen(path), k;

	for (i = 0; i < sizeof(info_suffixes) / sizeof(info_suffixes[0]); i++) {
		k = strlen(info_suffixes[i]);
		if (n > k && strcmp(path + n - k, info_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int status_d_file(const char *path, const char *data, size_t len, void *payload)
{
	int err;

	if (is_info_file(path))
		return 0;
	err = parse_file(payload, path, data, len, 1);
	if (err == VIGIL_EINVALID) {
		vigil_log(WARN, COMPONENT, "skipped: %s", vigil_error_last());
		vigil_error_clear();
		return 0;
	}
	return err;
}

static int dpkg_packages(struct vigil_pkglist *out, const struct vigil_fsview *view)
{
	const char *data;
	size_t len;
	int err = vigil_fsview_read(view, STATUS, &data, &len);

	if (err == VIGIL_ENOTFOUND)
		vigil_error_clear();
	else if (err < 0 || (err = parse_file(out, STATUS, data, len, 0)) < 0)
		return err;
	return vigil_fsview_list(view, STATUS_D, status_d_file, out);
}

static const char *const paths[] = {
	STATUS,
	STATUS_D "/",
	NULL,
};

const struct vigil_detector vigil_detector_dpkg = {
	.name = "dpkg",
	.paths = paths,
	.packages = dpkg_packages,
};
