/*
 * The server's database handles (one vigil_clair each,
 * clair.database.options.poolsize of them), borrowed per request and by the
 * updater and notifier.
 */
#include "server.h"

/*
 * Handles go to waiters in the order they asked, each handed over directly:
 * with more connections than handles, a signal-and-retake pool let some
 * requests wait seconds while others barged ahead (PostgreSQL, 64 wrk
 * connections on 16 handles: p99 375 ms, timeouts).
 */
struct pool_waiter {
	pthread_cond_t cond;
	vigil_clair *c; /* set by server_db_put() */
	struct pool_waiter *next;
};

vigil_clair *server_db_get(struct server *s)
{
	vigil_clair *c;

	pthread_mutex_lock(&s->pool_lock);
	if (s->pool_free > 0 && !s->pool_waiters) {
		c = s->pool[--s->pool_free];
	} else {
		struct pool_waiter w = { .c = NULL, .next = NULL }, **tail = &s->pool_waiters;
		pthread_cond_init(&w.cond, NULL);
		while (*tail)
			tail = &(*tail)->next;
		*tail = &w;
		while (!w.c)
			pthread_cond_wait(&w.cond, &s->pool_lock);
		pthread_cond_destroy(&w.cond);
		c = w.c;
	}
	pthread_mutex_unlock(&s->pool_lock);
	/* After a PostgreSQL restart: a new connection, else this use fails (500) */
	(void)vigil_clair_reconnect(c);
	return c;
}

void server_db_put(struct server *s, vigil_clair *c)
{
	struct pool_waiter *w;

	if (!c)
		return;
	pthread_mutex_lock(&s->pool_lock);
	if ((w = s->pool_waiters) != NULL) {
		s->pool_waiters = w->next;
		w->c = c;
		pthread_cond_signal(&w->cond);
	} else {
		s->pool[s->pool_free++] = c;
	}
	pthread_mutex_unlock(&s->pool_lock);
}

size_t pool_waiting(struct server *s)
{
	const struct pool_waiter *w;
	size_t n = 0;

	pthread_mutex_lock(&s->pool_lock);
	for (w = s->pool_waiters; w; w = w->next)
		n++;
	pthread_mutex_unlock(&s->pool_lock);
	return n;
}

int pool_open(struct server *s, const char *dsn)
{
	int i, err;

	s->pool = vigil_calloc((size_t)s->cfg.pool_size, sizeof(*s->pool));
	for (i = 0; i < s->cfg.pool_size; i++) {
		if ((err = vigil_clair_open(&s->pool[i], dsn)) < 0)
			return err;
		s->pool_free++;
	}
	return 0;
}

void pool_close(struct server *s)
{
	size_t i;

	for (i = 0; i < s->pool_free; i++)
		vigil_clair_free(s->pool[i]);
	vigil_free(s->pool);
	s->pool = NULL;
	s->pool_free = 0;
}

