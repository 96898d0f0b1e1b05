/*
 * Computed answers of GET /v1/layers/:name?features|vulnerabilities, kept
 * in memory under a key (the layer's row id and the query) and the data
 * generation read with it (vigil_clair_layer_stamp()). An entry is served
 * only while the database's generation is the one it was computed at; the
 * first newer generation seen drops every older entry. Bounded by bytes,
 * least recently used out first. All calls are thread-safe.
 */
#include "server.h"

#include <string.h>

#define MAX_ENTRIES 4096

struct entry {
	char *key;
	uint64_t hash;
	int64_t gen;
	char *body;
	size_t len;
	uint64_t used; /* tick of the last hit or store */
};

struct resp_cache {
	pthread_mutex_t lock;
	struct entry *e;
	size_t n, cap;
	size_t bytes, max_bytes;
	int64_t gen; /* the newest generation seen */
	uint64_t tick;
	uint64_t hits, misses;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct resp_cache *resp_cache_new(size_t max_bytes)
{
	struct resp_cache *c;

	if (max_bytes == 0)
		return NULL;
	c = vigil_calloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->max_bytes = max_bytes;
	return c;
}

static void drop(struct resp_cache *c, size_t i)
{
	c->bytes -= c->e[i].len;
	vigil_free(c->e[i].key);
	vigil_free(c->e[i].body);
	c->e[i] = c->e[--c->n];
}

/* A newer generation makes every entry stale. */
static void see_gen(struct resp_cache *c, int64_t gen)
{
	size_t i;

	if (gen <= c->gen)
		return;
	c->gen = gen;
	for (i = c->n; i-- > 0;)
		if (c->e[i].gen != gen)
			drop(c, i);
}

static struct entry *find(struct resp_cache *c, const char *key, uint64_t h)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].hash == h && strcmp(c->e[i].key, key) == 0)
			return &c->e[i];
	return NULL;
}

int resp_cache_get(struct resp_cache *c, const char *key, int64_t gen, vigil_buf *out)
{
	struct entry *e;
	int hit = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	see_gen(c, gen);
	if ((e = find(c, key, hash_key(key))) != NULL && e->gen == gen) {
		vigil_buf_reset(out);
		hit = vigil_buf_add(out, e->body, e->len) == 0;
		e->used = ++c->tick;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void resp_cache_count(struct resp_cache *c, int hit)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	if (hit)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->lock);
}

/* Drop least recently used entries until `need` more bytes and one more entry fit. */
static void make_room(struct resp_cache *c, size_t need)
{
	while (c->n > 0 && (c->bytes + need > c->max_bytes || c->n >= MAX_ENTRIES)) {
		size_t i, old = 0;
		for (i = 1; i < c->n; i++)
			if (c->e[i].used < c->e[old].used)
				old = i;
		drop(c, old);
	}
}

void resp_cache_put(struct resp_cache *c, const char *key, int64_t gen, const char *body,
                    size_t len)
{
	uint64_t h;
	struct entry *e;

	if (!c || len > c->max_bytes / 8)
		return; /* one answer never takes more than an eighth */
	h = hash_key(key);
	pthread_mutex_lock(&c->lock);
	see_gen(c, gen);
	if (gen == c->gen) {
		if ((e = find(c, key, h)) != NULL)
			drop(c, (size_t)(e - c->e));
		make_room(c, len);
		c->e = vigil_array_grow(c->e, &c->cap, c->n + 1, sizeof(*c->e));
		e = &c->e[c->n++];
		e->key = vigil_strdup(key);
		e->hash = h;
		e->gen = gen;
		e->body = vigil_malloc(len ? len : 1);
		memcpy(e->body, body, len);
		e->len = len;
		e->used = ++c->tick;
		c->bytes += len;
	}
	pthread_mutex_unlock(&c->lock);
}

void resp_cache_stats(struct resp_cache *c, struct resp_cache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	out->hits = c->hits;
	out->misses = c->misses;
	out->entries = c->n;
	out->bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}

void resp_cache_free(struct resp_cache *c)
{
	if (!c)
		return;
	while (c->n)
		drop(c, c->n - 1);
	vigil_free(c->e);
	pthread_mutex_destroy(&c->lock);
	vigil_free(c);
}
