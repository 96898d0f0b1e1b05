/*
 * GET /health on the health port: 200 with an empty body when the database
 * answers, else 500 (Clair pings PostgreSQL). HEAD answers as GET (Clair: 405).
 */
#include "server.h"

void api_health(struct request *r)
{
	int err = vigil_clair_ping(req_db(r));

	resp_empty(r, err == 0 ? MHD_HTTP_OK : MHD_HTTP_INTERNAL_SERVER_ERROR);
	r->resp.server_header = 1;
	if (err < 0)
		server_log(VIGIL_LOG_ERROR, "health check failed", NULL);
}
