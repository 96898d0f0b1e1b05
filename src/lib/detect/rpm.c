/*
 * rpm: installed packages from the rpm database (lib/rpmdb/).
 *
 * One database per image. The candidates are tried in the order of `paths`
 * and the first file that exists is read:
 *
 *   - usr/lib/sysimage/rpm before var/lib/rpm: rpm moved its database there
 *     (Fedora 36+, openSUSE, SLES 15 SP4+), leaving var/lib/rpm a symlink to
 *     it; a system that has moved keeps any old var/lib/rpm only as a leftover.
 *   - in each directory rpmdb.sqlite, then Packages.db (ndb), then Packages
 *     (Berkeley DB): after `rpmdb --rebuilddb` into a newer backend, the older
 *     file may stay behind, stale, while rpm reads the newer one.
 *
 * The merged view resolves symlinks, so var/lib/rpm -> ../../usr/lib/sysimage/rpm
 * finds the same file under both names.
 *
 * Each package: Version is "VERSION-RELEASE", with "EPOCH:" in front only when
 * the header has an EPOCH tag; Arch is ARCH ("" without one, as for
 * gpg-pubkey); SourceName and SourceVersion come from SOURCERPM
 * ("util-linux-2.32.1-42.el8.src.rpm" -> "util-linux", "2.32.1-42.el8"), and
 * are the package's own name and version when there is none (or it does not
 * read as NAME-VERSION-RELEASE).
 */
#include "detect.h"
#include "vigil/error.h"
#include "../rpmdb/rpmdb.h"

static const char *const paths[] = {
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages.db",
	"usr/lib/sysimage/rpm/Packages",
	"var/lib/rpm/rpmdb.sqlite",
	"var/lib/rpm/Packages.db",
	"var/lib/rpm/Packages",
	NULL,
};

struct collect {
	struct vigil_pkglist *out;
	const char *path;
	size_t n;
	vigil_buf evr, sname, sevr;
};

static int add_header(const unsigned char *blob, size_t len, void *payload)
{
	struct collect *c = payload;
	struct vigil_rpm_header h;
	const char *sname = NULL, *sevr = NULL;
	int err;

	c->n++;
	if ((err = vigil_rpm_header_parse(blob, len, &h)) < 0)
		return vigil_error_prefix(err, "bad rpm database '%s': header %zu", c->path, c->n);
	vigil_buf_reset(&c->evr);
	vigil_buf_reset(&c->sname);
	vigil_buf_reset(&c->sevr);
	if ((err = vigil_rpm_header_evr(&h, &c->evr)) < 0)
		return err;
	if (h.sourcerpm && *h.sourcerpm &&
	    vigil_rpm_srpm_split(h.sourcerpm, &c->sname, &c->sevr) == 0) {
		sname = c->sname.ptr;
		sevr = c->sevr.ptr;
	}
	vigil_error_clear();
	return vigil_pkglist_add(c->out, VIGIL_VERSION_RPM, h.name, c->evr.ptr, sname,
				 sevr ? sevr : c->evr.ptr, h.arch ? h.arch : "");
}

static int rpm_packages(struct vigil_pkglist *out, const struct vigil_fsview *view)
{
	struct collect c = { out, NULL, 0, VIGIL_BUF_INIT, VIGIL_BUF_INIT, VIGIL_BUF_INIT };
	const char *const *p;
	const char *data = NULL;
	size_t len = 0;
	int err;

	for (p = paths; *p; p++) {
		err = vigil_fsview_read(view, *p, &data, &len);
		if (err == VIGIL_ENOTFOUND)
			continue;
		if (err < 0)
			return err;
		break;
	}
	if (!*p)
		return 0;
	c.path = *p;
	err = vigil_rpmdb_each(data, len, c.path, add_header, &c);
	vigil_buf_release(&c.evr);
	vigil_buf_release(&c.sname);
	vigil_buf_release(&c.sevr);
	return err;
}

const struct vigil_detector vigil_detector_rpm = {
	.name = "rpm",
	.paths = paths,
	.packages = rpm_packages,
};
