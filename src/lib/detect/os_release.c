/*
 * The OS namespace ("debian:12", "alpine:v3.18", "rhel:9") and codename, from
 * os-release and the older release files. The rules, their order and the
 * reasons are in docs/internals/detect.md.
 *
 * os-release (etc/os-release, else usr/lib/os-release) is read first; the
 * other files (sources[] below, in order) name the OS when it does not, and
 * fill in a version or codename it lacks when they name the same distribution.
 * The version is always taken from the files and then cut to the distribution's
 * namespace form (families[]).
 */
#include "detect.h"
#include "vigil/alloc.h"
#include "vigil/error.h"
#include "vigil/log.h"
#include "../limits.h"
#include "../../util/text.h"

#include <stdlib.h>
#include <string.h>

#define COMPONENT "detect.os"

/* What one release file says, as written (lower-cased). */
struct release {
	vigil_buf id;       /* "debian", "rhel"; empty when the file names none */
	vigil_buf version;  /* "12", "3.10.2", "7.6.1810", "unstable"; may be empty */
	vigil_buf codename; /* "bookworm"; may be empty */
	vigil_buf like;     /* os-release ID_LIKE ("rhel centos fedora"); may be empty */
	vigil_buf pretty;   /* os-release VERSION ("12 (bookworm)"), for the codename */
};

/* How a distribution's namespace version is cut from the file's version. */
enum vrule {
	V_FULL,   /* as written: ubuntu 18.04, sles 15.3, fedora 39 */
	V_MAJOR,  /* leading number: debian 12.5 -> 12, rhel 8.1 -> 8 */
	V_ALPINE, /* "v" + major.minor: 3.10.2 -> v3.10; a pre-release (_alpha) -> edge */
	V_AMZN,   /* YYYY.MM (Amazon Linux 1) as written, else the leading number */
};

struct family {
	const char *id;
	enum vrule rule;
	vigil_version_format format;
};

static const struct family families[] = {
	{ "debian", V_MAJOR, VIGIL_VERSION_DPKG },
	{ "ubuntu", V_FULL, VIGIL_VERSION_DPKG },
	{ "alpine", V_ALPINE, VIGIL_VERSION_APK },
	{ "rhel", V_MAJOR, VIGIL_VERSION_RPM },
	{ "centos", V_MAJOR, VIGIL_VERSION_RPM },
	{ "rocky", V_MAJOR, VIGIL_VERSION_RPM },
	{ "almalinux", V_MAJOR, VIGIL_VERSION_RPM },
	{ "ol", V_MAJOR, VIGIL_VERSION_RPM },
	{ "scientific", V_MAJOR, VIGIL_VERSION_RPM },
	{ "amzn", V_AMZN, VIGIL_VERSION_RPM },
	{ "fedora", V_FULL, VIGIL_VERSION_RPM },
	{ "sles", V_FULL, VIGIL_VERSION_RPM },
	{ "photon", V_FULL, VIGIL_VERSION_RPM },
	{ "mariner", V_FULL, VIGIL_VERSION_RPM },
	{ "azurelinux", V_FULL, VIGIL_VERSION_RPM },
	{ "wolfi", V_FULL, VIGIL_VERSION_APK },
	{ "chainguard", V_FULL, VIGIL_VERSION_APK },
};

/* ID_LIKE words that give a distribution outside families[] its version format. */
static const struct {
	const char *like;
	vigil_version_format format;
} likes[] = {
	{ "debian", VIGIL_VERSION_DPKG }, { "ubuntu", VIGIL_VERSION_DPKG },
	{ "rhel", VIGIL_VERSION_RPM },    { "fedora", VIGIL_VERSION_RPM },
	{ "centos", VIGIL_VERSION_RPM },  { "suse", VIGIL_VERSION_RPM },
	{ "opensuse", VIGIL_VERSION_RPM }, { "alpine", VIGIL_VERSION_APK },
};

/*
 * Debian codenames by major version, normative in PRODUCT.md ("Debian"): used
 * only for old images whose files name no codename (os-release gained
 * VERSION_CODENAME in Debian 9; newer releases always carry it).
 */
static const char *const debian_codenames[] = {
	[7] = "wheezy", [8] = "jessie",    [9] = "stretch", [10] = "buster",
	[11] = "bullseye", [12] = "bookworm", [13] = "trixie", [14] = "forky",
};

static void release_init(struct release *r)
{
	static const vigil_buf empty = VIGIL_BUF_INIT;

	r->id = r->version = r->codename = r->like = r->pretty = empty;
}

static void release_free(struct release *r)
{
	vigil_buf_release(&r->id);
	vigil_buf_release(&r->version);
	vigil_buf_release(&r->codename);
	vigil_buf_release(&r->like);
	vigil_buf_release(&r->pretty);
}

static void lowercase(vigil_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->ptr[i] >= 'A' && b->ptr[i] <= 'Z')
			b->ptr[i] = (char)(b->ptr[i] - 'A' + 'a');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Replace `b` with `s` (a C string). */
static void set_str(vigil_buf *b, const char *s)
{
	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, s);
}

static void set_span(vigil_buf *b, struct vigil_span s)
{
	vigil_buf_reset(b);
	(void)vigil_buf_add(b, s.ptr, s.len);
}

/* An os-release style value, unquoted and lower-cased. */
static void set_value(vigil_buf *b, struct vigil_span v, int lower)
{
	(void)vigil_text_unquote(b, v);
	if (lower)
		lowercase(b);
}

/* The first line of data that is not blank, trimmed (an empty span when none). */
static struct vigil_span first_line(const char *data, size_t len)
{
	struct vigil_span line = { "", 0 };
	size_t pos = 0;

	while (vigil_text_next_line(data, len, &pos, &line))
		if ((line = vigil_text_trim(line)).len)
			return line;
	line.len = 0;
	return line;
}

/*
 * Release-file parsers: fill `r` from the file's text. A file that does not
 * say what they look for leaves r->id empty.
 */

/* os-release(5): KEY=value lines, '#' comments; the last assignment wins. */
static void parse_os_release(struct release *r, const char *data, size_t len)
{
	struct vigil_span line, key, val;
	size_t pos = 0;

	while (vigil_text_next_line(data, len, &pos, &line)) {
		line = vigil_text_trim(line);
		if (!line.len || line.ptr[0] == '#' || !vigil_text_split(line, '=', &key, &val))
			continue;
		if (vigil_text_eq(key, "ID"))
			set_value(&r->id, val, 1);
		else if (vigil_text_eq(key, "VERSION_ID"))
			set_value(&r->version, val, 1);
		else if (vigil_text_eq(key, "ID_LIKE"))
			set_value(&r->like, val, 1);
		else if (vigil_text_eq(key, "VERSION"))
			set_value(&r->pretty, val, 0);
		else if (vigil_text_eq(key, "VERSION_CODENAME") ||
			 (vigil_text_eq(key, "UBUNTU_CODENAME") && !r->codename.len))
			set_value(&r->codename, val, 1);
	}
}

/* lsb-release: DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME. */
static void parse_lsb(struct release *r, const char *data, size_t len)
{
	struct vigil_span line, key, val;
	size_t pos = 0;

	while (vigil_text_next_line(data, len, &pos, &line)) {
		if (!vigil_text_split(vigil_text_trim(line), '=', &key, &val))
			continue;
		if (vigil_text_eq(key, "DISTRIB_ID"))
			set_value(&r->id, val, 1);
		else if (vigil_text_eq(key, "DISTRIB_RELEASE"))
			set_value(&r->version, val, 1);
		else if (vigil_text_eq(key, "DISTRIB_CODENAME"))
			set_value(&r->codename, val, 1);
	}
}

/* Products of "<Product> release <version> (<name>)" files that are not their first word. */
static const struct {
	const char *prefix;
	const char *id;
} products[] = {
	{ "Red Hat", "rhel" },          { "Oracle Linux", "ol" },
	{ "Amazon Linux", "amzn" },     { "CentOS", "centos" },
	{ "Rocky Linux", "rocky" },     { "AlmaLinux", "almalinux" },
	{ "Scientific Linux", "scientific" },
};

/* redhat-release and its kin: "CentOS Linux release 7.6.1810 (Core)". */
static void parse_redhat(struct release *r, const char *data, size_t len)
{
	struct vigil_span line = first_line(data, len), product, ver;
	const char *rel = NULL;
	size_t i, n;

	for (i = 0; i + 9 <= line.len; i++)
		if (memcmp(line.ptr + i, " release ", 9) == 0) {
			rel = line.ptr + i;
			break;
		}
	if (!rel)
		return;
	product.ptr = line.ptr;
	product.len = (size_t)(rel - line.ptr);
	ver.ptr = rel + 9;
	for (n = 0; ver.ptr + n < line.ptr + line.len && ver.ptr[n] != ' ' && ver.ptr[n] != '(';)
		n++;
	ver.len = n;
	if (!product.len || !ver.len || !is_digit(ver.ptr[0]))
		return;
	for (i = 0; i < sizeof(products) / sizeof(products[0]); i++)
		if (vigil_text_starts_with(product, products[i].prefix)) {
			set_str(&r->id, products[i].id);
			break;
		}
	if (!r->id.len) {
		for (n = 0; n < product.len && product.ptr[n] != ' ';)
			n++;
		product.len = n;
		set_span(&r->id, product);
		lowercase(&r->id);
	}
	set_span(&r->version, ver);
	set_str(&r->like, "rhel");
}

/* CPE vendors that are not the distribution's id. */
static const struct {
	const char *vendor;
	const char *id;
} cpe_vendors[] = {
	{ "redhat", "rhel" },         { "oracle", "ol" },
	{ "amazon", "amzn" },         { "fedoraproject", "fedora" },
	{ "scientificlinux", "scientific" },
};

/* system-release-cpe: "cpe:/o:centos:linux:6:GA" or "cpe:2.3:o:amazon:amazon_linux:2". */
static void parse_cpe(struct release *r, const char *data, size_t len)
{
	struct vigil_span line = first_line(data, len), part[6];
	size_t i, n = 0, first;
	const char *p = line.ptr, *end = line.ptr + line.len;

	while (n < 6 && p <= end) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		part[n].ptr = p;
		part[n].len = c ? (size_t)(c - p) : (size_t)(end - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	if (n < 5 || !vigil_text_eq(part[0], "cpe"))
		return;
	first = vigil_text_eq(part[1], "2.3") ? 3 : 2; /* the vendor */
	if (first + 2 >= n)
		return;
	if (!part[first + 2].len || !is_digit(part[first + 2].ptr[0]) || !part[first].len)
		return;
	set_span(&r->id, part[first]);
	lowercase(&r->id);
	for (i = 0; i < sizeof(cpe_vendors) / sizeof(cpe_vendors[0]); i++)
		if (strcmp(r->id.ptr, cpe_vendors[i].vendor) == 0)
			set_str(&r->id, cpe_vendors[i].id);
	set_span(&r->version, part[first + 2]);
	set_str(&r->like, "rhel");
}

/* alpine-release: "3.10.2", "3.19_alpha20230901". */
static void parse_alpine(struct release *r, const char *data, size_t len)
{
	struct vigil_span line = first_line(data, len);

	if (!line.len)
		return;
	set_str(&r->id, "alpine");
	set_span(&r->version, line);
	lowercase(&r->version);
}

/* debian_version: "12.5", or "trixie/sid" on testing and unstable. */
static void parse_debian_version(struct release *r, const char *data, size_t len)
{
	struct vigil_span line = first_line(data, len);
	const char *slash;
	size_t i;

	if (!line.len)
		return;
	if (is_digit(line.ptr[0])) {
		set_str(&r->id, "debian");
		set_span(&r->version, line);
		return;
	}
	slash = memchr(line.ptr, '/', line.len);
	if (slash)
		line.len = (size_t)(slash - line.ptr);
	for (i = 0; i < line.len; i++)
		if (!(line.ptr[i] >= 'a' && line.ptr[i] <= 'z'))
			return; /* not a codename: not a debian_version */
	set_str(&r->id, "debian");
	set_span(&r->codename, line);
	set_str(&r->version, "unstable");
}

/*
 * SuSE-release (SLES 11/12): "SUSE Linux Enterprise Server 12 (x86_64)",
 * "VERSION = 12", "PATCHLEVEL = 3".
 */
static void parse_suse(struct release *r, const char *data, size_t len)
{
	struct vigil_span line = first_line(data, len), key, val, version = { "", 0 },
			  patch = { "", 0 };
	size_t pos = 0;

	if (vigil_text_starts_with(line, "SUSE Linux Enterprise Server"))
		set_str(&r->id, "sles");
	else if (vigil_text_starts_with(line, "SUSE Linux Enterprise Desktop"))
		set_str(&r->id, "sled");
	else if (vigil_text_starts_with(line, "openSUSE"))
		set_str(&r->id, "opensuse");
	else
		return;
	while (vigil_text_next_line(data, len, &pos, &line)) {
		if (!vigil_text_split(line, '=', &key, &val))
			continue;
		if (vigil_text_eq(key, "VERSION"))
			version = val;
		else if (vigil_text_eq(key, "PATCHLEVEL"))
			patch = val;
	}
	set_span(&r->version, version);
	if (version.len && patch.len && !vigil_text_eq(patch, "0")) {
		(void)vigil_buf_putc(&r->version, '.');
		(void)vigil_buf_add(&r->version, patch.ptr, patch.len);
	}
	set_str(&r->like, "suse");
}

/* The files read after os-release, in priority order. */
static const struct source {
	const char *path;
	void (*parse)(struct release *r, const char *data, size_t len);
} sources[] = {
	{ "etc/lsb-release", parse_lsb },
	{ "etc/oracle-release", parse_redhat },
	{ "etc/centos-release", parse_redhat },
	{ "etc/rocky-release", parse_redhat },
	{ "etc/almalinux-release", parse_redhat },
	{ "etc/fedora-release", parse_redhat },
	{ "etc/redhat-release", parse_redhat },
	{ "etc/system-release", parse_redhat },
	{ "etc/system-release-cpe", parse_cpe },
	{ "etc/alpine-release", parse_alpine },
	{ "etc/debian_version", parse_debian_version },
	{ "etc/SuSE-release", parse_suse },
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

/*
 * The text of `path`: 1 when it is a text file in the view, 0 when absent or
 * binary (a release file of junk names no OS), or an error of the view (a
 * symbolic-link loop).
 */
static int read_text(const struct vigil_fsview *view, const char *path, const char **data,
		     size_t *len)
{
	int err = vigil_fsview_read(view, path, data, len);

	if (err == VIGIL_ENOTFOUND) {
		vigil_error_clear();
		return 0;
	}
	if (err < 0)
		return err;
	if (vigil_text_has_nul(*data, *len)) {
		vigil_log(WARN, COMPONENT, "'%s' holds binary data: ignored", path);
		return 0;
	}
	return 1;
}

/* Read one release file into `r` (left empty when absent). Returns 0 or an error. */
static int read_release(struct release *r, const struct vigil_fsview *view, const char *path,
			void (*parse)(struct release *r, const char *data, size_t len))
{
	const char *data;
	size_t len;
	int err = read_text(view, path, &data, &len);

	if (err > 0)
		parse(r, data, len);
	return err < 0 ? err : 0;
}

/* etc/os-release, else usr/lib/os-release: one that names no ID counts as absent. */
static int read_os_release(struct release *r, const struct vigil_fsview *view)
{
	int err = read_release(r, view, "etc/os-release", parse_os_release);

	if (err < 0 || r->id.len)
		return err;
	release_free(r);
	release_init(r);
	return read_release(r, view, "usr/lib/os-release", parse_os_release);
}

static void copy_buf(vigil_buf *to, const vigil_buf *from)
{
	vigil_buf_reset(to);
	(void)vigil_buf_add(to, from->ptr, from->len);
}

/*
 * Let the other files name the OS when os-release did not, and fill in the
 * version or codename os-release left out when they name the same one. One
 * of them that cannot be read (a symbolic-link loop: a rootfs link to the
 * host's "/etc/debian_version" is one) names nothing; only os-release's
 * errors are the image's.
 */
static void complete(struct release *r, const struct vigil_fsview *view)
{
	struct release alt;
	size_t i;

	for (i = 0; i < NSOURCES && !(r->id.len && r->version.len && r->codename.len); i++) {
		release_init(&alt);
		if (read_release(&alt, view, sources[i].path, sources[i].parse) < 0) {
			vigil_log(WARN, COMPONENT, "ignored: %s", vigil_error_last());
			vigil_error_clear();
		}
		if (!r->id.len && alt.id.len && alt.version.len) {
			release_free(r);
			*r = alt;
			continue;
		}
		if (r->id.len && alt.id.len && strcmp(r->id.ptr, alt.id.ptr) == 0) {
			if (!r->version.len)
				copy_buf(&r->version, &alt.version);
			if (!r->codename.len)
				copy_buf(&r->codename, &alt.codename);
		}
		release_free(&alt);
	}
}

static const struct family *find_family(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcmp(families[i].id, id) == 0)
			return &families[i];
	return NULL;
}

/* The version format of a distribution outside families[], from its ID_LIKE words. */
static vigil_version_format format_from_like(const char *like)
{
	const char *p = like;
	size_t i, n;

	while (*p) {
		n = strcspn(p, " \t");
		for (i = 0; i < sizeof(likes) / sizeof(likes[0]); i++)
			if (n == strlen(likes[i].like) && strncmp(p, likes[i].like, n) == 0)
				return likes[i].format;
		p += n;
		p += strspn(p, " \t");
	}
	return VIGIL_VERSION_UNKNOWN;
}

static size_t leading_digits(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

/* Cut the file's version `v` to the namespace form of `rule` into `out` (empty: unusable). */
static void namespace_version(vigil_buf *out, enum vrule rule, const char *v)
{
	size_t major = leading_digits(v), minor;

	vigil_buf_reset(out);
	switch (rule) {
	case V_FULL:
		(void)vigil_buf_puts(out, v);
		return;
	case V_ALPINE:
		if (v[0] == 'v')
			major = leading_digits(++v);
		if (strcmp(v, "edge") == 0 || strstr(v, "_alpha")) {
			(void)vigil_buf_puts(out, "edge");
			return;
		}
		if (!major || v[major] != '.' || !(minor = leading_digits(v + major + 1)))
			return;
		(void)vigil_buf_putc(out, 'v');
		(void)vigil_buf_add(out, v, major + 1 + minor);
		return;
	case V_AMZN:
		/* Amazon Linux 1 is named by YYYY.MM (amzn:2018.03); later ones by their major */
		if (major && v[major] == '.' && (minor = leading_digits(v + major + 1)) &&
		    !v[major + 1 + minor]) {
			(void)vigil_buf_puts(out, v);
			return;
		}
		/* fall through */
	case V_MAJOR:
		(void)vigil_buf_add(out, v, major ? major : strlen(v));
		return;
	}
}

/*
 * The codename in a VERSION such as "12 (bookworm)", "18.04.6 LTS (Bionic Beaver)"
 * or "12.04.5 LTS, Precise Pangolin": the first word in parentheses or after a comma.
 */
static void codename_from_pretty(vigil_buf *out, const char *pretty)
{
	const char *p = strchr(pretty, '(');

	if (p)
		p++;
	else if ((p = strchr(pretty, ',')) != NULL)
		p += 1 + strspn(p + 1, " ");
	else
		return;
	vigil_buf_reset(out);
	(void)vigil_buf_add(out, p, strcspn(p, " )"));
	lowercase(out);
}

/* 1 when `s` is a plausible namespace part: 1..VIGIL_MAX_NAMESPACE_PART of [a-z0-9._+~-]. */
static int valid_part(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > VIGIL_MAX_NAMESPACE_PART)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || strchr("._+~-", s[i])))
			return 0;
	return 1;
}

/* 1 when the file's version is one token: no spaces, controls, ':' or non-ASCII bytes. */
static int plain_token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || *s == ':')
			return 0;
	return 1;
}

static void find_codename(vigil_buf *out, const struct release *r, vigil_version_format fmt,
			  const char *version)
{
	long major;

	copy_buf(out, &r->codename);
	if (!out->len && fmt == VIGIL_VERSION_DPKG)
		codename_from_pretty(out, r->pretty.ptr);
	if (!out->len && strcmp(r->id.ptr, "debian") == 0 && leading_digits(version) &&
	    leading_digits(version) <= 2) {
		major = strtol(version, NULL, 10);
		if (major < (long)(sizeof(debian_codenames) / sizeof(debian_codenames[0])) &&
		    debian_codenames[major])
			(void)vigil_buf_puts(out, debian_codenames[major]);
	}
}

/* Fill *out from what the files said; leave it empty when they name no usable OS. */
static int name_os(struct vigil_os *out, const struct release *r)
{
	const struct family *fam;
	vigil_buf version = VIGIL_BUF_INIT, codename = VIGIL_BUF_INIT, name = VIGIL_BUF_INIT;
	vigil_version_format fmt;

	if (!valid_part(r->id.ptr, r->id.len) || !plain_token(r->version.ptr))
		return 0;
	fam = find_family(r->id.ptr);
	fmt = fam ? fam->format : format_from_like(r->like.ptr);
	namespace_version(&version, fam ? fam->rule : V_FULL, r->version.ptr);
	if (!version.len && strcmp(r->id.ptr, "debian") == 0)
		(void)vigil_buf_puts(&version, "unstable"); /* testing/sid: no VERSION_ID */
	if (!valid_part(version.ptr, version.len))
		goto out;
	find_codename(&codename, r, fmt, version.ptr);
	(void)vigil_buf_printf(&name, "%s:%s", r->id.ptr, version.ptr);
	out->id = vigil_strdup(r->id.ptr);
	out->version = vigil_buf_detach(&version, NULL);
	out->codename = valid_part(codename.ptr, codename.len) ? vigil_strdup(codename.ptr) : NULL;
	out->name = vigil_buf_detach(&name, NULL);
	out->format = fmt;
out:
	vigil_buf_release(&version);
	vigil_buf_release(&codename);
	vigil_buf_release(&name);
	return 0;
}

static int detect_os(struct vigil_os *out, const struct vigil_fsview *view)
{
	struct release r;
	int err;

	release_init(&r);
	if ((err = read_os_release(&r, view)) < 0)
		goto out;
	complete(&r, view);
	err = name_os(out, &r);
	if (out->name)
		vigil_log(DEBUG, COMPONENT, "namespace %s, codename %s", out->name,
			  out->codename ? out->codename : "(none)");
out:
	release_free(&r);
	return err;
}

static const char *const paths[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/lsb-release",
	"etc/redhat-release",
	"etc/centos-release",
	"etc/alpine-release",
	"etc/debian_version",
	"etc/oracle-release",
	"etc/system-release",
	"etc/system-release-cpe",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/fedora-release",
	"etc/SuSE-release",
	NULL,
};

const struct vigil_detector vigil_detector_os_release = {
	.name = "os-release",
	.paths = paths,
	.os = detect_os,
};
