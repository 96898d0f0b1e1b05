/* Format detection and dispatch for rpm databases (see rpmdb.h). */
#include "rpmdb.h"
#include "vigil/error.h"

#include <string.h>

#define BDB_HASH_MAGIC 0x061561u

enum vigil_rpmdb_format vigil_rpmdb_detect(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;

	if (len >= 16 && memcmp(p, "SQLite format 3", 16) == 0)
		return VIGIL_RPMDB_SQLITE;
	if (len >= 4 && memcmp(p, "RpmP", 4) == 0)
		return VIGIL_RPMDB_NDB;
	if (len >= 16) {
		uint32_t le = p[12] | (uint32_t)p[13] << 8 | (uint32_t)p[14] << 16 |
			      (uint32_t)p[15] << 24;
		uint32_t be = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
			      (uint32_t)p[14] << 8 | p[15];
		if (le == BDB_HASH_MAGIC || be == BDB_HASH_MAGIC)
			return VIGIL_RPMDB_BDB;
	}
	return VIGIL_RPMDB_UNKNOWN;
}

const char *vigil_rpmdb_format_name(enum vigil_rpmdb_format f)
{
	switch (f) {
	case VIGIL_RPMDB_BDB: return "bdb";
	case VIGIL_RPMDB_SQLITE: return "sqlite";
	case VIGIL_RPMDB_NDB: return "ndb";
	default: return "unknown";
	}
}

int vigil_rpmdb_each(const char *data, size_t len, const char *path, vigil_rpmdb_cb cb,
		     void *payload)
{
	const unsigned char *p = (const unsigned char *)data;

	if (len == 0)
		return 0;
	switch (vigil_rpmdb_detect(data, len)) {
	case VIGIL_RPMDB_BDB: return vigil_rpmdb_bdb_each(p, len, path, cb, payload);
	case VIGIL_RPMDB_SQLITE: return vigil_rpmdb_sqlite_each(p, len, path, cb, payload);
	case VIGIL_RPMDB_NDB: return vigil_rpmdb_ndb_each(p, len, path, cb, payload);
	default:
		return vigil_error_set(VIGIL_EINVALID,
				       "'%s' is not an rpm database (Berkeley DB hash, sqlite or "
				       "ndb)",
				       path);
	}
}
