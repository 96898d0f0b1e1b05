/*
 * PostgreSQL schema migrations: the SQLite set (migrations/sqlite.c)
 * transcribed, with the same numbers and names, so that a schema version
 * means the same tables on both backends. Append only.
 *
 * The transcription:
 *   - INTEGER PRIMARY KEY becomes BIGSERIAL, other integer ids BIGINT;
 *   - WITHOUT ROWID is dropped (a plain table with the same primary key);
 *   - every TEXT column is COLLATE "C": comparisons and ORDER BY are byte
 *     order, as SQLite's BINARY collation, whatever the database's locale
 *     (lookups are ordered by ID and fixed version; db status must not depend
 *     on the server's locale), and the keys compare with memcmp;
 *   - foreign keys are left out: SQLite does not enforce the ones it
 *     declares and the store keeps them true; PostgreSQL would check each on
 *     every insert of an import (documented in docs/internals/store.md).
 */
#include "../migrations.h"

#define T "TEXT COLLATE \"C\""

/* Migration 10: raise data_generation at commit after `events` on `table`. */
#define BUMP(table, events)                                                                       \
	"CREATE CONSTRAINT TRIGGER data_generation_" table " AFTER " events " ON " table           \
	" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_generation_bump();\n"

const struct vigil_store_migration vigil_store_postgres_migrations[] = {
	{ 1, "initial schema",
	  "CREATE TABLE namespace (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  name " T " NOT NULL UNIQUE,\n"
	  "  version_format " T " NOT NULL\n"
	  ");\n"
	  "CREATE TABLE feed (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  name " T " NOT NULL UNIQUE,\n"
	  "  source " T " NOT NULL DEFAULT '',\n"
	  "  imported_at " T " NOT NULL DEFAULT '',\n"
	  "  vulnerabilities BIGINT NOT NULL DEFAULT 0,\n"
	  "  records BIGINT NOT NULL DEFAULT 0\n"
	  ");\n"
	  "CREATE TABLE feed_unit (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  feed_id BIGINT NOT NULL,\n"
	  "  key " T " NOT NULL,\n"
	  "  source " T " NOT NULL DEFAULT '',\n"
	  "  upstream_date " T " NOT NULL DEFAULT '',\n"
	  "  etag " T " NOT NULL DEFAULT '',\n"
	  "  digest " T " NOT NULL DEFAULT '',\n"
	  "  imported_at " T " NOT NULL DEFAULT '',\n"
	  "  UNIQUE (feed_id, key)\n"
	  ");\n"
	  "CREATE TABLE unit_namespace (\n"
	  "  unit_id BIGINT NOT NULL,\n"
	  "  namespace_id BIGINT NOT NULL,\n"
	  "  PRIMARY KEY (unit_id, namespace_id)\n"
	  ");\n"
	  "CREATE TABLE vulnerability (\n"
	  "  unit_id BIGINT NOT NULL,\n"
	  "  namespace_id BIGINT NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  description " T " NOT NULL DEFAULT '',\n"
	  "  link " T " NOT NULL DEFAULT '',\n"
	  "  severity INTEGER NOT NULL DEFAULT 0 CHECK (severity BETWEEN 0 AND 6),\n"
	  "  metadata " T ",\n"
	  "  PRIMARY KEY (unit_id, namespace_id, name)\n"
	  ");\n"
	  "CREATE TABLE affected (\n"
	  "  namespace_id BIGINT NOT NULL,\n"
	  "  package " T " NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  unit_id BIGINT NOT NULL,\n"
	  "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 2),\n"
	  "  fixed_version " T " NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (namespace_id, package, name, unit_id, status, fixed_version)\n"
	  ");\n"
	  "CREATE TABLE layer_analysis (\n"
	  "  diff_id " T " PRIMARY KEY,\n"
	  "  parent " T ",\n"
	  "  namespace " T ",\n"
	  "  packages " T " NOT NULL,\n"
	  "  engine INTEGER NOT NULL,\n"
	  "  created_at " T " NOT NULL\n"
	  ");\n" },
	{ 2, "feed sources",
	  "CREATE TABLE feed_source (\n"
	  "  feed " T " NOT NULL,\n"
	  "  key " T " NOT NULL,\n"
	  "  location " T " NOT NULL DEFAULT '',\n"
	  "  etag " T " NOT NULL DEFAULT '',\n"
	  "  last_modified " T " NOT NULL DEFAULT '',\n"
	  "  digest " T " NOT NULL DEFAULT '',\n"
	  "  recorded_at " T " NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (feed, key)\n"
	  ");\n" },
	{ 3, "affected.arch", "ALTER TABLE affected ADD COLUMN arch " T " NOT NULL DEFAULT '';\n" },
	{ 4, "index affected by unit",
	  "CREATE INDEX affected_unit ON affected (unit_id, namespace_id);\n" },
	{ 5, "affected ranges and aliases (csaf, osv)",
	  "CREATE TABLE affected_range (\n"
	  "  namespace_id BIGINT NOT NULL,\n"
	  "  package " T " NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  unit_id BIGINT NOT NULL,\n"
	  "  seq INTEGER NOT NULL,\n"
	  "  ranges " T " NOT NULL DEFAULT '[]',\n"
	  "  versions " T " NOT NULL DEFAULT '[]',\n"
	  "  PRIMARY KEY (namespace_id, package, name, unit_id, seq)\n"
	  ");\n"
	  "CREATE INDEX affected_range_unit ON affected_range (unit_id);\n"
	  "CREATE TABLE vulnerability_alias (\n"
	  "  unit_id BIGINT NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  alias " T " NOT NULL,\n"
	  "  PRIMARY KEY (unit_id, name, alias)\n"
	  ");\n"
	  "CREATE INDEX vulnerability_alias_alias ON vulnerability_alias (alias);\n" },
	{ 6, "layer cache of vigil scan",
	  "CREATE TABLE layer_entries (\n"
	  "  diff_id " T " PRIMARY KEY,\n"
	  "  engine " T " NOT NULL,\n"
	  "  entries BYTEA NOT NULL,\n"
	  "  created_at " T " NOT NULL\n"
	  ");\n" },
	/* vigil serve's tables (src/lib/clair/state.c, through store/sql.h). */
	{ 7, "clair api state (vigil serve)",
	  "CREATE TABLE clair_layer (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  name " T " NOT NULL UNIQUE,\n"
	  "  parent_id BIGINT,\n"
	  "  namespace " T ",\n"
	  "  engine BIGINT NOT NULL,\n"
	  "  created_at " T " NOT NULL\n"
	  ");\n"
	  "CREATE INDEX clair_layer_parent ON clair_layer (parent_id);\n"
	  "CREATE TABLE clair_layer_feature (\n"
	  "  layer_id BIGINT NOT NULL,\n"
	  "  namespace " T " NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  version " T " NOT NULL,\n"
	  "  version_format " T " NOT NULL,\n"
	  "  added_by BIGINT NOT NULL,\n"
	  "  PRIMARY KEY (layer_id, namespace, name, version)\n"
	  ");\n"
	  "CREATE INDEX clair_layer_feature_name ON clair_layer_feature (namespace, name);\n"
	  "CREATE TABLE clair_vulnerability (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  namespace " T " NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  description " T " NOT NULL DEFAULT '',\n"
	  "  link " T " NOT NULL DEFAULT '',\n"
	  "  severity BIGINT NOT NULL DEFAULT 0,\n"
	  "  metadata " T ",\n"
	  "  created_at BIGINT NOT NULL,\n"
	  "  deleted_at BIGINT\n"
	  ");\n"
	  "CREATE INDEX clair_vulnerability_name ON clair_vulnerability (namespace, name);\n"
	  "CREATE TABLE clair_fixedin (\n"
	  "  vulnerability_id BIGINT NOT NULL,\n"
	  "  namespace " T " NOT NULL,\n"
	  "  name " T " NOT NULL,\n"
	  "  version " T " NOT NULL,\n"
	  "  version_format " T " NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (vulnerability_id, name)\n"
	  ");\n"
	  "CREATE INDEX clair_fixedin_feature ON clair_fixedin (namespace, name);\n"
	  "CREATE TABLE clair_notification (\n"
	  "  id BIGSERIAL PRIMARY KEY,\n"
	  "  name " T " NOT NULL UNIQUE,\n"
	  "  created_at BIGINT NOT NULL,\n"
	  "  notified_at BIGINT,\n"
	  "  deleted_at BIGINT,\n"
	  "  old_id BIGINT,\n"
	  "  new_id BIGINT\n"
	  ");\n"
	  "CREATE TABLE clair_kv (\n"
	  "  key " T " PRIMARY KEY,\n"
	  "  value " T " NOT NULL\n"
	  ");\n" },
	{ 8, "clair leases (vigil serve)",
	  "CREATE TABLE clair_lease (\n"
	  "  name " T " PRIMARY KEY,\n"
	  "  owner " T " NOT NULL,\n"
	  "  expires_at BIGINT NOT NULL\n"
	  ");\n" },
	{ 9, "clair feature origins and adders (vigil serve)",
	  "ALTER TABLE clair_layer_feature ADD COLUMN source_name " T " NOT NULL DEFAULT '';\n"
	  "ALTER TABLE clair_layer_feature ADD COLUMN added_by_name " T " NOT NULL DEFAULT '';\n"
	  "UPDATE clair_layer_feature SET added_by_name = "
	  "(SELECT name FROM clair_layer WHERE id = clair_layer_feature.added_by);\n" },
	{ 10, "data generation (vigil serve response cache)",
	  /* The triggers are deferred constraint triggers: they run at commit,
	   * after every other lock the transaction takes, so writers contend on
	   * the counter's row only at the end and never deadlock on it. */
	  "CREATE TABLE data_generation (\n"
	  "  id BIGINT PRIMARY KEY CHECK (id = 1),\n"
	  "  value BIGINT NOT NULL\n"
	  ");\n"
	  "INSERT INTO data_generation (id, value) VALUES (1, 1);\n"
	  "CREATE FUNCTION data_generation_bump() RETURNS trigger LANGUAGE plpgsql AS "
	  "$$BEGIN UPDATE data_generation SET value = value + 1; RETURN NULL; END$$;\n"
	  BUMP("feed", "INSERT OR UPDATE OR DELETE")
	  BUMP("clair_vulnerability", "INSERT OR UPDATE OR DELETE")
	  BUMP("clair_fixedin", "INSERT OR UPDATE OR DELETE")
	  BUMP("clair_layer", "DELETE") },
};

const size_t vigil_store_postgres_migration_count =
        sizeof(vigil_store_postgres_migrations) / sizeof(vigil_store_postgres_migrations[0]);
