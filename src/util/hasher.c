/*
 * The hashing worker (see hasher.h): a single-producer, single-consumer
 * ring of chunk slots under one mutex. `count` slots, from `tail`, are
 * queued; the producer fills slot `head` outside the lock (the worker never
 * touches a slot that is not queued) and the worker hashes slot `tail`
 * outside the lock, freeing it only afterwards, so count == 0 means every
 * queued byte has been hashed. Wake-ups go by half rings, not chunks (a
 * cross-CPU wake-up costs more than hashing a chunk): a producer that finds
 * the ring full sleeps until half of it is free again, and a worker that
 * emptied it sleeps until half of it is queued again (or a final wants
 * the rest, or the hasher stops).
 */
#include "hasher.h"

#include "vigil/alloc.h"

#include <pthread.h>
#include <string.h>

#define HALF (VIGIL_HASHER_SLOTS / 2)

struct slot {
	unsigned stream;
	size_t len;
	unsigned char *data; /* VIGIL_HASHER_CHUNK bytes inside `ring` */
};

struct vigil_hasher {
	struct vigil_sha256 sha[VIGIL_HASHER_STREAMS];
	struct slot slots[VIGIL_HASHER_SLOTS];
	unsigned char *ring;
	size_t head, tail, count;
	int stop;
	int worker_waiting;   /* the worker sleeps on `queued` until half the ring is queued */
	int producer_waiting; /* queue() sleeps on `freed` until half the ring is free */
	int drain_waiting;    /* vigil_hasher_final() sleeps on `freed` until count == 0 */
	int threaded;         /* 0: the worker did not start, hash inline */
	pthread_mutex_t lock;
	pthread_cond_t queued; /* count went up, or stop */
	pthread_cond_t freed;  /* count went down */
	pthread_t worker;
};

/* Sleep until there is work worth waking for: half a ring, a final's rest, or stop. */
static void worker_wait(struct vigil_hasher *h)
{
	h->worker_waiting = 1;
	while (!h->stop && h->count < HALF && !(h->count && h->drain_waiting))
		pthread_cond_wait(&h->queued, &h->lock);
	h->worker_waiting = 0;
}

static void *worker_main(void *arg)
{
	struct vigil_hasher *h = arg;
	struct slot *s;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		if (h->count == 0)
			worker_wait(h);
		if (h->stop)
			break;
		s = &h->slots[h->tail];
		pthread_mutex_unlock(&h->lock);
		vigil_sha256_update(&h->sha[s->stream], s->data, s->len);
		pthread_mutex_lock(&h->lock);
		h->tail = (h->tail + 1) % VIGIL_HASHER_SLOTS;
		h->count--;
		if ((h->producer_waiting && h->count <= HALF) ||
		    (h->drain_waiting && h->count == 0)) {
			h->producer_waiting = h->drain_waiting = 0;
			pthread_cond_signal(&h->freed);
		}
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct vigil_hasher *vigil_hasher_new(void)
{
	struct vigil_hasher *h = vigil_calloc(1, sizeof(*h));
	size_t i;

	for (i = 0; i < VIGIL_HASHER_STREAMS; i++)
		vigil_sha256_init(&h->sha[i]);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->queued, NULL);
	pthread_cond_init(&h->freed, NULL);
	return h;
}

void vigil_hasher_start(struct vigil_hasher *h)
{
	size_t i;

	if (h->threaded)
		return;
	if (!h->ring)
		h->ring = vigil_malloc(VIGIL_HASHER_SLOTS * VIGIL_HASHER_CHUNK);
	for (i = 0; i < VIGIL_HASHER_SLOTS; i++)
		h->slots[i].data = h->ring + i * VIGIL_HASHER_CHUNK;
	/* pthread_create orders the inline updates so far before the worker's */
	h->threaded = pthread_create(&h->worker, NULL, worker_main, h) == 0;
}

/* Queue one piece of at most VIGIL_HASHER_CHUNK bytes. */
static void queue(struct vigil_hasher *h, unsigned stream, const void *p, size_t n)
{
	struct slot *s;

	pthread_mutex_lock(&h->lock);
	while (h->count == VIGIL_HASHER_SLOTS) {
		h->producer_waiting = 1;
		pthread_cond_wait(&h->freed, &h->lock);
	}
	s = &h->slots[h->head];
	pthread_mutex_unlock(&h->lock);
	s->stream = stream;
	s->len = n;
	memcpy(s->data, p, n);
	pthread_mutex_lock(&h->lock);
	h->head = (h->head + 1) % VIGIL_HASHER_SLOTS;
	h->count++;
	if (h->worker_waiting && h->count >= HALF)
		pthread_cond_signal(&h->queued);
	pthread_mutex_unlock(&h->lock);
}

void vigil_hasher_update(struct vigil_hasher *h, unsigned stream, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t k;

	if (!h->threaded) {
		vigil_sha256_update(&h->sha[stream], p, n);
		return;
	}
	for (; n; b += k, n -= k) {
		k = n < VIGIL_HASHER_CHUNK ? n : VIGIL_HASHER_CHUNK;
		queue(h, stream, b, k);
	}
}

void vigil_hasher_final(struct vigil_hasher *h, unsigned stream, char out[VIGIL_DIGEST_LEN])
{
	pthread_mutex_lock(&h->lock);
	while (h->count) {
		h->drain_waiting = 1;
		if (h->worker_waiting)
			pthread_cond_signal(&h->queued);
		pthread_cond_wait(&h->freed, &h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	vigil_sha256_final(&h->sha[stream], out);
}

void vigil_hasher_free(struct vigil_hasher *h)
{
	size_t i;

	if (!h)
		return;
	if (h->threaded) {
		pthread_mutex_lock(&h->lock);
		h->stop = 1;
		pthread_cond_signal(&h->queued);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->worker, NULL);
	}
	for (i = 0; i < VIGIL_HASHER_STREAMS; i++)
		vigil_sha256_release(&h->sha[i]);
	pthread_cond_destroy(&h->freed);
	pthread_cond_destroy(&h->queued);
	pthread_mutex_destroy(&h->lock);
	vigil_free(h->ring);
	vigil_free(h);
}
