/*
 * Every size that comes from input is checked against one of these named
 * limits and fails with VIGIL_ETOOBIG (curl's per-use caps).
 */
#ifndef VIGIL_LIMITS_H
#define VIGIL_LIMITS_H

/* JSON documents of an image: manifest.json, index.json, manifests, configs. */
#define VIGIL_MAX_JSON_SIZE ((size_t)16 << 20)
/* Number of layers in one image (Docker itself stops at 127 for overlayfs). */
#define VIGIL_MAX_LAYERS 1024
/* Number of members of an outer archive kept as candidate JSON blobs. */
#define VIGIL_MAX_SMALL_BLOBS 4096
/* Entries (symlinks, whiteouts, kept files) remembered per layer. */
#define VIGIL_MAX_LAYER_ENTRIES 1000000
/* Uncompressed bytes of one layer. */
#define VIGIL_MAX_LAYER_SIZE ((uint64_t)64 << 30)
/* Uncompressed:compressed ratio above which a stream is a decompression bomb,
 * checked once VIGIL_BOMB_MIN_BYTES have come out. Real layers stay under 20. */
#define VIGIL_BOMB_RATIO 200
#define VIGIL_BOMB_MIN_BYTES ((uint64_t)256 << 20)
/* Symlinks followed while resolving one path (Linux's ELOOP limit). */
#define VIGIL_MAX_SYMLINKS 40
/* Length of a path inside an image. */
#define VIGIL_MAX_PATH 4096
/* Packages one database may list. */
#define VIGIL_MAX_PACKAGES 1000000

/* detect (os-release, dpkg, apk) */
/* Length of each part of an OS namespace: the id, the version, the codename. */
#define VIGIL_MAX_NAMESPACE_PART 64

/* rpm databases */
/* Bytes of one rpm header blob (rpm itself refuses more than 256 MiB of data). */
#define VIGIL_MAX_RPM_HEADER_SIZE ((size_t)256 << 20)
/* Pages of a Berkeley DB Packages file (16 GiB at 4 KiB pages). */
#define VIGIL_MAX_RPM_BDB_PAGES ((uint32_t)1 << 22)
/* Package headers one rpm database may hold (the same cap as a package list). */
#define VIGIL_MAX_RPM_PACKAGES VIGIL_MAX_PACKAGES
/* sqlite virtual-machine instructions spent on one rpmdb.sqlite, in units of
 * 1000 (the progress handler's period): a corrupt or hostile schema cannot
 * keep us busy forever. Reading 100,000 packages takes well under 1% of it. */
#define VIGIL_MAX_RPM_SQLITE_STEPS 1000000

/* store and feeds */
/* Decompressed bytes of one feed file (Debian's JSON export is ~80 MiB, OVAL streams more). */
#define VIGIL_MAX_FEED_FILE_SIZE ((size_t)1 << 30)
/* Depth of directories walked by `vigil db import DIR`. */
#define VIGIL_MAX_FEED_DIR_DEPTH 32
/* Length of one vulnerability ID, package name or version in a feed. */
#define VIGIL_MAX_FEED_FIELD 1024
/* Items (ID statements) in one feed file; also bounds YAML alias fan-out. */
#define VIGIL_MAX_FEED_ITEMS 20000000

/* image: members of one outer archive (tar of a docker-save or OCI layout). */
#define VIGIL_MAX_ARCHIVE_MEMBERS 100000
/* image: bytes of all candidate JSON blobs kept while an archive streams. */
#define VIGIL_MAX_SMALL_BLOB_BYTES ((size_t)64 << 20)
/* image: nested image indexes followed before a manifest. */
#define VIGIL_MAX_INDEX_DEPTH 4

/* scan */
/* Findings of one scan (one per binary package and vulnerability ID). */
#define VIGIL_MAX_FINDINGS 10000000

/* fetch and update (`vigil db update`, src/lib/fetch, src/lib/update.c) */
/* Bytes of one fetched file as it travels (compressed); the import still caps
 * the decompressed content at VIGIL_MAX_FEED_FILE_SIZE. */
#define VIGIL_MAX_FETCH_SIZE ((int64_t)1 << 30)
/* Redirects followed for one request (https only). */
#define VIGIL_MAX_FETCH_REDIRECTS 5
/* Seconds to connect, and the transfer is dropped when it stays under
 * VIGIL_FETCH_LOW_SPEED bytes/s for VIGIL_FETCH_LOW_SPEED_TIME seconds. */
#define VIGIL_FETCH_CONNECT_TIMEOUT 30
#define VIGIL_FETCH_LOW_SPEED 100
#define VIGIL_FETCH_LOW_SPEED_TIME 60
/* Bytes of a stored validator (ETag) or URL. */
#define VIGIL_MAX_FETCH_VALIDATOR 1024

/* debian feed */
/* Length of one line of a Debian tracker text list (DSA/DLA/DTSA, CVE/list);
 * longer lines are skipped with a warning (the longest real one is ~2 KiB). */
#define VIGIL_MAX_DEBIAN_LINE 65536
/* oval feed: tests, objects and states (together) of one OVAL file, kept in
 * memory between its two passes (Red Hat's biggest stream has ~500k). */
#define VIGIL_MAX_OVAL_ENTITIES 10000000
/* ubuntu feed (and tarball import) */
/* Members of one tarball given to `vigil db import` (the whole UCT is ~34k). */
#define VIGIL_MAX_FEED_ARCHIVE_MEMBERS 10000000
/* Status lines of one ubuntu-cve-tracker file (the biggest real one has ~2.5k). */
#define VIGIL_MAX_UBUNTU_STATUS_LINES 200000
/* Tests, objects, states and variables of one Ubuntu OVAL file. */
#define VIGIL_MAX_UBUNTU_OVAL_ITEMS 10000000

/* csaf and osv feeds */
/* CSAF: depth of product_tree branches walked (Red Hat's trees are 3 deep). */
#define VIGIL_MAX_CSAF_BRANCH_DEPTH 32
/* CSAF: relationships followed from a product to its platform (a module's
 * package is a component of a component). */
#define VIGIL_MAX_CSAF_REL_DEPTH 8
/* CSAF: length of a platform product id tried as the prefix of a product id. */
#define VIGIL_MAX_CSAF_PLATFORM_ID 256

/* update sources */
/* Bytes of a pointer source read for the name it holds (Red Hat's
 * archive_latest.txt: one name of ~30 bytes). */
#define VIGIL_MAX_SOURCE_POINTER 1024

/* postgres */
/* Seconds to wait for a PostgreSQL server to accept the connection (libpq's
 * connect_timeout, unless the DSN sets its own). */
#define VIGIL_PG_CONNECT_TIMEOUT 10

/* feed streaming (import_stream feeds: oval, ubuntu-oval, debian) */
/* Decompressed bytes of a file such a feed gets whole in memory (read once);
 * a bigger file is decompressed again from the disk at each pass, so memory
 * does not grow with it. Also the size above which a tarball member of such
 * a feed is spooled to a temporary file rather than held in memory. */
#define VIGIL_FEED_MEMORY_MAX ((size_t)16 << 20)
/* Decompressed bytes of one streamed file (a decompression bomb stops here). */
#define VIGIL_MAX_FEED_STREAM_SIZE (64ULL << 30)
/* Debian JSON export: bytes of one top-level member (a package and all its
 * IDs) handed to jansson at once; the biggest real one (linux) is ~5 MiB. */
#define VIGIL_MAX_DEBIAN_JSON_MEMBER ((size_t)64 << 20)

#endif
