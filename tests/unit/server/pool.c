/* Unit tests for src/server/pool.c: with every handle lent, waiters get
 * handles in the order they asked (each handed over directly), and a handle
 * given back with nobody waiting goes back to the pool. Real handles on a
 * scratch SQLite store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server.h"

#define WAITERS 8

static struct server srv;
static int order[WAITERS], served;

static void *take(void *arg)
{
	vigil_clair *c = server_db_get(&srv);

	pthread_mutex_lock(&srv.pool_lock);
	order[served++] = (int)(intptr_t)arg;
	pthread_mutex_unlock(&srv.pool_lock);
	usleep(500); /* hold it a little: the others stay queued */
	server_db_put(&srv, c);
	return NULL;
}

static void wait_queued(size_t n)
{
	int i;

	for (i = 0; i < 5000 && pool_waiting(&srv) != n; i++)
		usleep(1000);
	assert_int_equal(pool_waiting(&srv), n);
}

static void test_first_come(void **state)
{
	char dir[] = "/tmp/vigil-pool.XXXXXX", dsn[64];
	pthread_t t[WAITERS];
	vigil_clair *a, *b;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(dsn, sizeof(dsn), "%s/store.db", dir);
	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.pool_lock, NULL);
	srv.cfg.pool_size = 2;
	assert_int_equal(pool_open(&srv, dsn), 0);

	/* both handles lent: each asker queues, in the order it came */
	a = server_db_get(&srv);
	b = server_db_get(&srv);
	assert_ptr_not_equal(a, b);
	for (i = 0; i < WAITERS; i++) {
		assert_int_equal(pthread_create(&t[i], NULL, take, (void *)(intptr_t)i), 0);
		wait_queued((size_t)i + 1);
	}
	server_db_put(&srv, a); /* goes to waiter 0, who passes it on when done */
	for (i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(served, WAITERS);
	for (i = 0; i < WAITERS; i++)
		assert_int_equal(order[i], i);
	assert_int_equal(pool_waiting(&srv), 0);

	/* nobody waiting: handles go back to the pool and come out again */
	assert_int_equal(srv.pool_free, 1);
	server_db_put(&srv, b);
	assert_int_equal(srv.pool_free, 2);
	a = server_db_get(&srv);
	server_db_put(&srv, a);
	assert_int_equal(srv.pool_free, 2);
	pool_close(&srv);
	pthread_mutex_destroy(&srv.pool_lock);
	for (i = 0; i < 3; i++) {
		char f[96];
		snprintf(f, sizeof(f), "%s%s", dsn, (const char *[]){ "", "-wal", "-shm" }[i]);
		unlink(f);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_come),
	};
	return cmocka_run_group_tests_name("server/pool", tests, NULL, NULL);
}
