/* libxml2's reader over a feed file (xml_input.h). */
#include "xml_input.h"
#include "vigil/error.h"

#include <stdio.h>
#include <string.h>

static int xml_read(void *arg, char *buf, int len)
{
	struct vigil_xml_input *in = arg;
	long n;

	if (len <= 0)
		return 0;
	if ((n = vigil_feed_file_read(in->file, buf, (size_t)len)) < 0) {
		in->io_err = (int)n;
		return -1;
	}
	return (int)n;
}

#if LIBXML_VERSION >= 21200
static void xml_error(void *arg, const xmlError *e)
#else
static void xml_error(void *arg, xmlErrorPtr e)
#endif
{
	struct vigil_xml_input *in = arg;
	size_t n;

	if (in->err[0] || !e || e->level < XML_ERR_ERROR)
		return;
	snprintf(in->err, sizeof(in->err), "%s", e->message ? e->message : "syntax error");
	in->err[strcspn(in->err, "\n")] = '\0';
	n = strlen(in->err);
	while (n > 0 && in->err[n - 1] == ' ')
		in->err[--n] = '\0';
	in->err_line = e->line;
}

xmlTextReaderPtr vigil_xml_input_open(struct vigil_xml_input *in,
                                      const struct vigil_feed_file *file, int options)
{
	xmlTextReaderPtr r;

	memset(in, 0, sizeof(*in));
	in->file = file;
	r = xmlReaderForIO(xml_read, NULL, in, NULL, NULL, options | XML_PARSE_NONET);
	if (!r) {
		vigil_error_set(VIGIL_ERROR, "'%s': cannot start the XML reader", file->path);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(r, xml_error, in);
	return r;
}

int vigil_xml_input_fail(struct vigil_xml_input *in, xmlTextReaderPtr r)
{
	int line;

	if (in->io_err < 0)
		return in->io_err;
	line = in->err_line > 0 ? in->err_line : xmlTextReaderGetParserLineNumber(r);
	return vigil_error_set(VIGIL_EINVALID, "'%s': malformed XML at line %d: %s",
	                       in->file->path, line, in->err[0] ? in->err : "syntax error");
}
