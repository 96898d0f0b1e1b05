/*
 * SQLite schema migrations. Append only: a released migration is never
 * changed. The SQL sticks to what PostgreSQL also accepts (apart from
 * INTEGER PRIMARY KEY, which becomes BIGSERIAL there) so the PostgreSQL set
 * is a transcription. Foreign keys are declared for documentation; SQLite
 * does not enforce them (PRAGMA foreign_keys is off) and the importer keeps
 * them true.
 */
#include "../migrations.h"

/* Migration 10: a trigger raising data_generation after `event` on `table`. */
#define BUMP(table, event)                                                                        \
	"CREATE TRIGGER data_generation_" table "_" event " AFTER " event " ON " table             \
	" BEGIN UPDATE data_generation SET value = value + 1; END;\n"

const struct vigil_store_migration vigil_store_sqlite_migrations[] = {
	{ 1, "initial schema",
	  /* Namespaces as Clair names them, with their version format. */
	  "CREATE TABLE namespace (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  name TEXT NOT NULL UNIQUE,\n"
	  "  version_format TEXT NOT NULL\n"
	  ");\n"
	  /* One row per feed; counts are recomputed at the end of each import. */
	  "CREATE TABLE feed (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  name TEXT NOT NULL UNIQUE,\n"
	  "  source TEXT NOT NULL DEFAULT '',\n"
	  "  imported_at TEXT NOT NULL DEFAULT '',\n"
	  "  vulnerabilities INTEGER NOT NULL DEFAULT 0,\n"
	  "  records INTEGER NOT NULL DEFAULT 0\n"
	  ");\n"
	  /* A unit: what one upstream file (or file set) states; replaced whole. */
	  "CREATE TABLE feed_unit (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  feed_id INTEGER NOT NULL REFERENCES feed (id),\n"
	  "  key TEXT NOT NULL,\n"
	  "  source TEXT NOT NULL DEFAULT '',\n"
	  "  upstream_date TEXT NOT NULL DEFAULT '',\n"
	  "  etag TEXT NOT NULL DEFAULT '',\n"
	  "  digest TEXT NOT NULL DEFAULT '',\n"
	  "  imported_at TEXT NOT NULL DEFAULT '',\n"
	  "  UNIQUE (feed_id, key)\n"
	  ");\n"
	  /* The namespaces a unit covers, even those it lists nothing for. */
	  "CREATE TABLE unit_namespace (\n"
	  "  unit_id INTEGER NOT NULL REFERENCES feed_unit (id),\n"
	  "  namespace_id INTEGER NOT NULL REFERENCES namespace (id),\n"
	  "  PRIMARY KEY (unit_id, namespace_id)\n"
	  ");\n"
	  /* Details of a vulnerability, when a feed gives some. Severity:
	   * 0 Unknown .. 6 Defcon1 (Clair's scale). */
	  "CREATE TABLE vulnerability (\n"
	  "  unit_id INTEGER NOT NULL REFERENCES feed_unit (id),\n"
	  "  namespace_id INTEGER NOT NULL REFERENCES namespace (id),\n"
	  "  name TEXT NOT NULL,\n"
	  "  description TEXT NOT NULL DEFAULT '',\n"
	  "  link TEXT NOT NULL DEFAULT '',\n"
	  "  severity INTEGER NOT NULL DEFAULT 0 CHECK (severity BETWEEN 0 AND 6),\n"
	  "  metadata TEXT,\n"
	  "  PRIMARY KEY (unit_id, namespace_id, name)\n"
	  ") WITHOUT ROWID;\n"
	  /* What a unit states about (namespace, package, vulnerability ID).
	   * status: 0 fixed in fixed_version, 1 no fix yet, 2 not affected.
	   * The matcher's lookup (namespace, package) is a prefix of the key;
	   * WITHOUT ROWID keeps the rows in that one b-tree (PostgreSQL: a
	   * plain table with this primary key). No index on unit_id: a unit's
	   * rows are found through its namespaces (unit_namespace), which
	   * keeps the import to one b-tree insert per record. */
	  "CREATE TABLE affected (\n"
	  "  namespace_id INTEGER NOT NULL REFERENCES namespace (id),\n"
	  "  package TEXT NOT NULL,\n"
	  "  name TEXT NOT NULL,\n"
	  "  unit_id INTEGER NOT NULL REFERENCES feed_unit (id),\n"
	  "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 2),\n"
	  "  fixed_version TEXT NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (namespace_id, package, name, unit_id, status, fixed_version)\n"
	  ") WITHOUT ROWID;\n"
	  /* The scan cache: one analysed layer per diff_id. */
	  "CREATE TABLE layer_analysis (\n"
	  "  diff_id TEXT PRIMARY KEY,\n"
	  "  parent TEXT,\n"
	  "  namespace TEXT,\n"
	  "  packages TEXT NOT NULL,\n"
	  "  engine INTEGER NOT NULL,\n"
	  "  created_at TEXT NOT NULL\n"
	  ");\n" },
	{ 2, "feed sources",
	  /* What `db update` last fetched for each upstream source of a feed:
	   * key is the feed's stable name for the source (its mirror path),
	   * location the URL or mirror file it came from, and the validators
	   * that make the next fetch conditional. Written only in the commit
	   * that imports the content (or records new validators for the same
	   * content), never read by `db status`. */
	  "CREATE TABLE feed_source (\n"
	  "  feed TEXT NOT NULL,\n"
	  "  key TEXT NOT NULL,\n"
	  "  location TEXT NOT NULL DEFAULT '',\n"
	  "  etag TEXT NOT NULL DEFAULT '',\n"
	  "  last_modified TEXT NOT NULL DEFAULT '',\n"
	  "  digest TEXT NOT NULL DEFAULT '',\n"
	  "  recorded_at TEXT NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (feed, key)\n"
	  ");\n" },
	{ 3, "affected.arch",
	  /* The architectures a record applies to (OVAL rpminfo_state arch):
	   * a POSIX extended regular expression searched in the installed
	   * package's arch, '' for every arch. Records of one unit that differ
	   * only in arch are merged into one alternation (see put_affected_arch). */
	  "ALTER TABLE affected ADD COLUMN arch TEXT NOT NULL DEFAULT '';\n" },
	{ 4, "index affected by unit",
	  /* Replacing a unit deleted its records through its namespaces: a
	   * scan of each namespace's whole range, fine for a few big units
	   * (Alpine's branch/repo) but quadratic for feeds with one unit per
	   * CVE (ubuntu-cve-tracker, CSAF): re-importing the 33k tracker files
	   * took minutes. With this index a unit's delete is a range of it. */
	  "CREATE INDEX affected_unit ON affected (unit_id, namespace_id);\n" },
	{ 5, "affected ranges and aliases (csaf, osv)",
	  /* Version ranges of a vulnerable package, for feeds that state them
	   * as ranges instead of one fixed version (OSV). One row per affected[]
	   * entry of a record: `seq` is the entry's position in its document;
	   * `ranges` is the JSON list of {"type", "repo"?, "events": [{"introduced"
	   * |"fixed"|"last_affected"|"limit": V}, ...]} in upstream order;
	   * `versions` the JSON list of explicitly affected versions. Keyed by
	   * the matcher's lookup (namespace, package) like affected; unlike it,
	   * indexed by unit: OSV has one small unit per record, thousands per
	   * namespace, and replacing one must not scan the namespace. */
	  "CREATE TABLE affected_range (\n"
	  "  namespace_id INTEGER NOT NULL REFERENCES namespace (id),\n"
	  "  package TEXT NOT NULL,\n"
	  "  name TEXT NOT NULL,\n"
	  "  unit_id INTEGER NOT NULL REFERENCES feed_unit (id),\n"
	  "  seq INTEGER NOT NULL,\n"
	  "  ranges TEXT NOT NULL DEFAULT '[]',\n"
	  "  versions TEXT NOT NULL DEFAULT '[]',\n"
	  "  PRIMARY KEY (namespace_id, package, name, unit_id, seq)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX affected_range_unit ON affected_range (unit_id);\n"
	  /* Other IDs of a vulnerability (OSV aliases: CVE-, GHSA-), per unit. */
	  "CREATE TABLE vulnerability_alias (\n"
	  "  unit_id INTEGER NOT NULL REFERENCES feed_unit (id),\n"
	  "  name TEXT NOT NULL,\n"
	  "  alias TEXT NOT NULL,\n"
	  "  PRIMARY KEY (unit_id, name, alias)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX vulnerability_alias_alias ON vulnerability_alias (alias);\n" },
	{ 6, "layer cache of vigil scan",
	  /* What one layer holds that the detectors read (kept files, symlinks,
	   * whiteouts...), serialized (src/lib/scan/cache.c), by diff_id.
	   * `engine` fingerprints the detectors' wanted paths: entries kept for
	   * another set are a miss and are replaced. */
	  "CREATE TABLE layer_entries (\n"
	  "  diff_id TEXT PRIMARY KEY,\n"
	  "  engine TEXT NOT NULL,\n"
	  "  entries BLOB NOT NULL,\n"
	  "  created_at TEXT NOT NULL\n"
	  ");\n" },
	{ 7, "clair api state (vigil serve)",
	  /* What `vigil serve` keeps for the Clair v1 API (docs/internals/server.md).
	   * Layers by their client-given Name, each with its whole feature list
	   * (inherited ones included) and, per feature, the layer that added it:
	   * a layer "introduces" a feature version when added_by is itself.
	   * Children are deleted with their parent by the code (no enforced FKs). */
	  "CREATE TABLE clair_layer (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  name TEXT NOT NULL UNIQUE,\n"
	  "  parent_id INTEGER REFERENCES clair_layer (id) ON DELETE CASCADE,\n"
	  "  namespace TEXT,\n"
	  "  engine INTEGER NOT NULL,\n"
	  "  created_at TEXT NOT NULL\n"
	  ");\n"
	  "CREATE INDEX clair_layer_parent ON clair_layer (parent_id);\n"
	  "CREATE TABLE clair_layer_feature (\n"
	  "  layer_id INTEGER NOT NULL REFERENCES clair_layer (id) ON DELETE CASCADE,\n"
	  "  namespace TEXT NOT NULL,\n"
	  "  name TEXT NOT NULL,\n"
	  "  version TEXT NOT NULL,\n"
	  "  version_format TEXT NOT NULL,\n"
	  "  added_by INTEGER NOT NULL,\n"
	  "  PRIMARY KEY (layer_id, namespace, name, version)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX clair_layer_feature_name ON clair_layer_feature (namespace, name);\n"
	  /* Vulnerabilities written through the API. An update inserts a new row
	   * and stamps the old one's deleted_at (Clair's versioning: the list
	   * order is the id, notifications keep pointing at old rows). */
	  "CREATE TABLE clair_vulnerability (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  namespace TEXT NOT NULL,\n"
	  "  name TEXT NOT NULL,\n"
	  "  description TEXT NOT NULL DEFAULT '',\n"
	  "  link TEXT NOT NULL DEFAULT '',\n"
	  "  severity INTEGER NOT NULL DEFAULT 0,\n"
	  "  metadata TEXT,\n"
	  "  created_at INTEGER NOT NULL,\n"
	  "  deleted_at INTEGER\n"
	  ");\n"
	  "CREATE INDEX clair_vulnerability_name ON clair_vulnerability (namespace, name);\n"
	  /* Fixed-in versions; version 'None' = every version affected. */
	  "CREATE TABLE clair_fixedin (\n"
	  "  vulnerability_id INTEGER NOT NULL REFERENCES clair_vulnerability (id),\n"
	  "  namespace TEXT NOT NULL,\n"
	  "  name TEXT NOT NULL,\n"
	  "  version TEXT NOT NULL,\n"
	  "  version_format TEXT NOT NULL DEFAULT '',\n"
	  "  PRIMARY KEY (vulnerability_id, name)\n"
	  ");\n"
	  "CREATE INDEX clair_fixedin_feature ON clair_fixedin (namespace, name);\n"
	  /* One per vulnerability change; times are unix seconds. */
	  "CREATE TABLE clair_notification (\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  name TEXT NOT NULL UNIQUE,\n"
	  "  created_at INTEGER NOT NULL,\n"
	  "  notified_at INTEGER,\n"
	  "  deleted_at INTEGER,\n"
	  "  old_id INTEGER,\n"
	  "  new_id INTEGER\n"
	  ");\n"
	  /* Server settings that must outlive a process (the pagination key). */
	  "CREATE TABLE clair_kv (\n"
	  "  key TEXT PRIMARY KEY,\n"
	  "  value TEXT NOT NULL\n"
	  ");\n" },
	{ 8, "clair leases (vigil serve)",
	  /* Leases of the work only one of several vigil serve sharing the
	   * database may do (the updater, the notifier): `owner` holds `name`
	   * until expires_at (unix seconds), renewing it while it works; an
	   * expired lease (a crashed instance) is taken over by the next asker.
	   * Taken with one upsert (vigil_clair_lease()). */
	  "CREATE TABLE clair_lease (\n"
	  "  name TEXT PRIMARY KEY,\n"
	  "  owner TEXT NOT NULL,\n"
	  "  expires_at INTEGER NOT NULL\n"
	  ");\n" },
	{ 9, "clair feature origins and adders (vigil serve)",
	  /* apk features keep their origin when it is another package (the
	   * secdb names origins: libssl3 is openssl's), "" otherwise; and the
	   * Name of the layer that added each feature (layer names never change,
	   * and a layer's ancestors outlive it), so a layer's features are one
	   * read. */
	  "ALTER TABLE clair_layer_feature ADD COLUMN source_name TEXT NOT NULL DEFAULT '';\n"
	  "ALTER TABLE clair_layer_feature ADD COLUMN added_by_name TEXT NOT NULL DEFAULT '';\n"
	  "UPDATE clair_layer_feature SET added_by_name = "
	  "(SELECT name FROM clair_layer WHERE id = clair_layer_feature.added_by);\n" },
	{ 10, "data generation (vigil serve response cache)",
	  /* One counter, raised in the same transaction as every write that can
	   * change what GET /v1/layers/:name answers: a feed import (it always
	   * ends by updating its `feed` row), a vulnerability or fixed-in row
	   * written through the API or a notification, a layer deleted (its
	   * rowid may be reused). vigil serve keeps computed answers tagged
	   * with the value it read and serves them while it is unchanged, so
	   * any process writing the database (another vigil serve, vigil db)
	   * invalidates them. */
	  "CREATE TABLE data_generation (\n"
	  "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	  "  value INTEGER NOT NULL\n"
	  ");\n"
	  "INSERT INTO data_generation (id, value) VALUES (1, 1);\n"
	  BUMP("feed", "INSERT") BUMP("feed", "UPDATE") BUMP("feed", "DELETE")
	  BUMP("clair_vulnerability", "INSERT") BUMP("clair_vulnerability", "UPDATE")
	  BUMP("clair_vulnerability", "DELETE")
	  BUMP("clair_fixedin", "INSERT") BUMP("clair_fixedin", "UPDATE")
	  BUMP("clair_fixedin", "DELETE")
	  BUMP("clair_layer", "DELETE") },
};

const size_t vigil_store_sqlite_migration_count =
        sizeof(vigil_store_sqlite_migrations) / sizeof(vigil_store_sqlite_migrations[0]);
