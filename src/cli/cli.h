/*
 * Shared plumbing of the command-line tool: the global options, and the one
 * place where library codes become exit codes and messages.
 */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include "vigil/vigil.h"

/* Exit codes (PRODUCT.md). */
enum {
	EXIT_OK = 0,
	EXIT_FOUND = 1,
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_DB = 4,
	EXIT_NET = 5,
};

struct cli_ctx {
	const char *db; /* --db, else $VIGIL_DB, else NULL (the default path) */
	int quiet;
	int debug;
};

typedef int (*cli_cmd_fn)(int argc, char **argv, struct cli_ctx *ctx);

/* One line per command: `cmd_<name>()` lives in cmd_<name>.c. */
int cmd_version(int argc, char **argv, struct cli_ctx *ctx);
int cmd_vercmp(int argc, char **argv, struct cli_ctx *ctx);
int cmd_inspect(int argc, char **argv, struct cli_ctx *ctx);
int cmd_db(int argc, char **argv, struct cli_ctx *ctx);
int cmd_scan(int argc, char **argv, struct cli_ctx *ctx);

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx);

/** Map a vigil_code to a process exit code. */
int cli_exit_code(int code);
/** Print "vigil: <last error>" on stderr and return the exit code for `code`. */
int cli_fail(int code);
/** Print "vigil: <message>" and a hint to --help on stderr; return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) VIGIL_PRINTF(2, 3);
/** 1 when `arg` is -h or --help. */
int cli_is_help(const char *arg);
/**
 * Parse a size such as "64M", "256MiB", "1G", "4096" into bytes.
 * Returns 0 or VIGIL_EUSAGE.
 */
int cli_parse_size(uint64_t *out, const char *s);

#endif
