/* vigil version */
#include "cli.h"

#include <stdio.h>

int cmd_version(int argc, char **argv, struct cli_ctx *ctx)
{
	(void)ctx;
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: vigil version\n\nPrint vigil's version.\n");
		return EXIT_OK;
	}
	if (argc > 1)
		return cli_usage("version", "unexpected argument '%s'", argv[1]);
	printf("vigil %s\n", vigil_version());
	return EXIT_OK;
}
