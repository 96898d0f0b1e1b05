/*
 * `vigil serve [--config FILE]`: the Clair v1 API server (src/server/).
 */
#include "cli.h"
#include "../server/server.h"

#include <curl/curl.h>
#include <stdio.h>

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
	int err;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	err = server_main(argc, argv, ctx->db);
	curl_global_cleanup();
	if (err == 1)
		return EXIT_OK; /* --help */
	if (err < 0)
		return err == VIGIL_EUSAGE
		               ? (fprintf(stderr, "vigil: %s\n", vigil_error_last()), EXIT_USAGE)
		               : cli_fail(err);
	return EXIT_OK;
}
