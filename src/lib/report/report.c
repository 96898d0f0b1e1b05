/*
 * The report writer registry (writers.def) and the public entry points:
 * pick the writer by name, run it, turn a failed write into VIGIL_EIO.
 */
#include "writer.h"
#include "vigil/error.h"

#include <errno.h>
#include <string.h>

#define VIGIL_WRITER(n) extern const struct vigil_report_writer vigil_report_##n;
#include "writers.def"
#undef VIGIL_WRITER

static const struct vigil_report_writer *const writers[] = {
#define VIGIL_WRITER(n) &vigil_report_##n,
#include "writers.def"
#undef VIGIL_WRITER
};

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

/* ", clair, cyclonedx, ..." from the same list; the caller skips the first ", ". */
static const char format_list[] =
#define VIGIL_WRITER(n) ", " #n
#include "writers.def"
#undef VIGIL_WRITER
        ;

static const struct vigil_report_writer *find(const char *format)
{
	size_t i;

	for (i = 0; format && i < NWRITERS; i++)
		if (strcmp(writers[i]->name, format) == 0)
			return writers[i];
	return NULL;
}

int vigil_report_format_known(const char *format)
{
	return find(format) != NULL;
}

const char *vigil_report_formats(void)
{
	return format_list + 2;
}

int vigil_report_write(FILE *out, const char *format, const vigil_scan_result *r,
                       const vigil_report_opts *opts)
{
	static const vigil_report_opts defaults = VIGIL_REPORT_OPTS_INIT;
	const struct vigil_report_writer *w = find(format);
	int err;

	if (!w)
		return vigil_error_set(VIGIL_EINVALID, "unknown report format '%s' (use %s)",
		                       format ? format : "", vigil_report_formats());
	err = w->write(out, r, opts ? opts : &defaults);
	if (err == 0 && fflush(out) != 0)
		err = VIGIL_EIO;
	if (err == VIGIL_EIO)
		return vigil_error_set(VIGIL_EIO, "cannot write the %s report: %s", w->name,
		                       strerror(ferror(out) ? errno : EIO));
	return err;
}
