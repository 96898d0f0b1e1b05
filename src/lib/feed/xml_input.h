/*
 * libxml2's streaming reader over a feed file (vigil_feed_file_read()), for
 * the OVAL feeds: the file's own read errors (corrupt compressed data) and
 * libxml2's first error are kept, so a failed read ends in one clear line.
 */
#ifndef VIGIL_FEED_XML_INPUT_H
#define VIGIL_FEED_XML_INPUT_H

#include "feed.h"

#include <libxml/xmlreader.h>

struct vigil_xml_input {
	const struct vigil_feed_file *file;
	int io_err;    /* the stream's error (its message already set), or 0 */
	char err[256]; /* libxml2's first error, one line */
	int err_line;
};

/**
 * A reader over `file` from where its stream stands (rewind it first), no
 * network access, errors into `in`. NULL (error set) when libxml2 cannot
 * start one. Free it with xmlFreeTextReader().
 */
xmlTextReaderPtr vigil_xml_input_open(struct vigil_xml_input *in,
                                      const struct vigil_feed_file *file, int options);

/**
 * Why reading stopped: the stream's error, else VIGIL_EINVALID "'<path>':
 * malformed XML at line N: <libxml2's message>" (the reader's line when
 * libxml2 gave none).
 */
int vigil_xml_input_fail(struct vigil_xml_input *in, xmlTextReaderPtr r);

#endif
