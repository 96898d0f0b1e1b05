/*
 * rpmdb.sqlite (rpm >= 4.16): table Packages (hnum INTEGER PRIMARY KEY, blob
 * BLOB), one header blob per row. The file is opened from memory with
 * sqlite3_deserialize(), read-only.
 *
 * rpm keeps the database in WAL mode (file format bytes 18 and 19 are 2).
 * sqlite's in-memory VFS cannot open a WAL database, and an image holds no
 * -wal file anyway (rpm checkpoints it when it closes the database), so a
 * WAL database is read from a copy with those two bytes set back to 1
 * (rollback journal), which changes nothing else about the file. Other files
 * are read in place: with SQLITE_DESERIALIZE_READONLY sqlite never writes to
 * the buffer.
 *
 * The file is untrusted: defensive mode, no views or triggers, schema
 * functions restricted, values capped at the header size limit, and a
 * progress handler that gives up after VIGIL_MAX_RPM_SQLITE_STEPS thousand
 * virtual-machine instructions.
 */
#include "rpmdb.h"
#include "vigil/error.h"
#include "../limits.h"

#include <sqlite3.h>
#include <string.h>

#define SQLITE_HEADER_SIZE 100

static int progress(void *payload)
{
	unsigned long *steps = payload;

	return ++*steps > VIGIL_MAX_RPM_SQLITE_STEPS;
}

static int bad(sqlite3 *db, const char *path, unsigned long steps)
{
	if (steps > VIGIL_MAX_RPM_SQLITE_STEPS)
		return vigil_error_set(VIGIL_ETOOBIG,
				       "rpm database '%s': reading it takes more than %d000 sqlite "
				       "steps",
				       path, VIGIL_MAX_RPM_SQLITE_STEPS);
	return vigil_error_set(VIGIL_EINVALID, "bad sqlite rpm database '%s': %s", path,
			       db ? sqlite3_errmsg(db) : "out of memory");
}

static void harden(sqlite3 *db)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)VIGIL_MAX_RPM_HEADER_SIZE);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
}

int vigil_rpmdb_sqlite_each(const unsigned char *data, size_t len, const char *path,
			    vigil_rpmdb_cb cb, void *payload)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *buf = (unsigned char *)data; /* read-only: see above */
	unsigned flags = SQLITE_DESERIALIZE_READONLY;
	unsigned long steps = 0;
	size_t count = 0;
	int rc, err = 0;

	if (len < SQLITE_HEADER_SIZE)
		return vigil_error_set(VIGIL_EINVALID,
				       "bad sqlite rpm database '%s': %zu bytes is shorter than "
				       "its header",
				       path, len);
	if (data[18] == 2 || data[19] == 2) {
		if (!(buf = sqlite3_malloc64(len)))
			return bad(NULL, path, 0);
		memcpy(buf, data, len);
		buf[18] = buf[19] = 1;
		flags |= SQLITE_DESERIALIZE_FREEONCLOSE;
	}
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		if (flags & SQLITE_DESERIALIZE_FREEONCLOSE)
			sqlite3_free(buf);
		err = bad(db, path, 0);
		goto out;
	}
	harden(db);
	/* On failure sqlite frees a FREEONCLOSE buffer itself. */
	if (sqlite3_deserialize(db, "main", buf, (sqlite3_int64)len, (sqlite3_int64)len,
				flags) != SQLITE_OK) {
		err = bad(db, path, 0);
		goto out;
	}
	sqlite3_progress_handler(db, 1000, progress, &steps);
	if (sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		err = bad(db, path, steps);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob;
		int n;

		if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
			err = vigil_error_set(VIGIL_EINVALID,
					      "bad sqlite rpm database '%s': a Packages row holds "
					      "no blob",
					      path);
			goto out;
		}
		blob = sqlite3_column_blob(st, 0);
		n = sqlite3_column_bytes(st, 0);
		if (++count > VIGIL_MAX_RPM_PACKAGES) {
			err = vigil_error_set(VIGIL_ETOOBIG,
					      "rpm database '%s' has more than %d packages", path,
					      VIGIL_MAX_RPM_PACKAGES);
			goto out;
		}
		if ((err = cb(blob ? blob : "", n > 0 ? (size_t)n : 0, payload)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = bad(db, path, steps);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return err;
}
