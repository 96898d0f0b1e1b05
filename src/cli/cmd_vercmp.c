/* PLACEHOLDER */
#include "cli.h"

int cmd_vercmp(int argc, char **argv, struct cli_ctx *ctx)
{
	return cli_usage("vercmp", "not built yet");
}
