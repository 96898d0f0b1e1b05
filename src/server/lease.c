/*
 * Leases of the work only one of several instances sharing a database does:
 * the updater's runs and the notifier's deliveries (vigil_clair_lease(), a
 * row of clair_lease per name). Each instance names itself once at start
 * (host, pid and random bytes: unique across restarts and machines); a lease
 * it stops renewing (a crash) is taken over by another once it expires.
 */
#include "server.h"

#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

void lease_owner_init(struct server *s)
{
	char host[64] = "";
	unsigned char r[6] = { 0 };

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "unknown");
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r[0] = (unsigned char)getpid(); /* pid and host still tell instances apart */
	snprintf(s->instance, sizeof(s->instance), "%s/%ld/%02x%02x%02x%02x%02x%02x", host,
	         (long)getpid(), r[0], r[1], r[2], r[3], r[4], r[5]);
}

int lease_take(struct server *s, const char *name, int64_t ttl_s)
{
	vigil_clair *db = server_db_get(s);
	int held = 0;

	if (vigil_clair_lease(db, name, s->instance, ttl_s, &held) < 0) {
		vigil_buf m = VIGIL_BUF_INIT;
		json_str(&m, vigil_error_last());
		server_log(VIGIL_LOG_WARN, "cannot take a lease", "\"lease\":\"%s\",\"error\":%s",
		           name, m.ptr);
		vigil_buf_release(&m);
		held = 0;
	}
	server_db_put(s, db);
	return held;
}

void lease_release(struct server *s, const char *name)
{
	vigil_clair *db = server_db_get(s);

	(void)vigil_clair_lease_release(db, name, s->instance);
	server_db_put(s, db);
}
