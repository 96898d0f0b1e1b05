/* PLACEHOLDER */
#include "cli.h"

int cmd_inspect(int argc, char **argv, struct cli_ctx *ctx)
{
	return cli_usage("inspect", "not built yet");
}
