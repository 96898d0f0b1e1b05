/*
 * /v1/notifications/:name: GET (pages of the layers each side of the change
 * affects, `limit` per side, `page` tokens) and DELETE (mark read;
 * idempotent). As recorded from Clair v2.0.9, including limit=0 (no
 * layers, a NextPage) and a negative limit (accepted, no layers).
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct layers_out {
	vigil_buf ordered, names;
	int n;
};

static int layer_item(int64_t id, const char *name, void *payload)
{
	struct layers_out *o = payload;
	int first = 1;

	if (o->n++) {
		(void)vigil_buf_putc(&o->ordered, ',');
		(void)vigil_buf_putc(&o->names, ',');
	}
	(void)vigil_buf_putc(&o->ordered, '{');
	json_key(&o->ordered, &first, "Index");
	(void)vigil_buf_printf(&o->ordered, "%lld", (long long)id);
	json_key(&o->ordered, &first, "LayerName");
	json_str(&o->ordered, name);
	(void)vigil_buf_putc(&o->ordered, '}');
	json_str(&o->names, name);
	return 0;
}

/*
 * Append one side ("Old" or "New"): the vulnerability row with its fixes,
 * and the layers from cursor `from` (-1: this side is exhausted). *next
 * gets the side's next cursor, or -1.
 */
static int side(struct request *r, int *first, const char *key, int64_t vuln_id, int64_t from,
                int limit, int64_t *next)
{
	vigil_buf *b = &r->resp.body;
	struct layers_out o = { VIGIL_BUF_INIT, VIGIL_BUF_INIT, 0 };
	vigil_clair_vuln v;
	int err, f2 = 1;

	*next = -1;
	if (!vuln_id)
		return 0;
	if ((err = vigil_clair_vuln_by_id(r->db, vuln_id, &v)) < 0)
		return err == VIGIL_ENOTFOUND ? 0 : err;
	if (from >= 0 && limit > 0)
		err = vigil_clair_affected_layers(r->db, vuln_id, from, limit, layer_item, &o,
		                                  next);
	if (err == 0) {
		json_key(b, first, key);
		(void)vigil_buf_putc(b, '{');
		json_key(b, &f2, "Vulnerability");
		vuln_json(b, &v, 1, NULL);
		if (o.n) {
			json_key(b, &f2, "OrderedLayersIntroducingVulnerability");
			(void)vigil_buf_printf(b, "[%s]", o.ordered.ptr);
			json_key(b, &f2, "LayersIntroducingVulnerability");
			(void)vigil_buf_printf(b, "[%s]", o.names.ptr);
		}
		(void)vigil_buf_putc(b, '}');
	}
	vigil_clair_vuln_release(&v);
	vigil_buf_release(&o.ordered);
	vigil_buf_release(&o.names);
	return err;
}

static void stamp(vigil_buf *b, int *first, const char *key, int64_t t)
{
	if (!t)
		return;
	json_key(b, first, key);
	(void)vigil_buf_printf(b, "\"%lld\"", (long long)t);
}

void api_notification_get(struct request *r)
{
	vigil_clair_notification n;
	vigil_buf *b = &r->resp.body;
	vigil_buf cursor = VIGIL_BUF_INIT, tok = VIGIL_BUF_INIT;
	long long old_from = 0, new_from = 0;
	int64_t old_next = -1, new_next = -1;
	const char *page;
	int limit, err, first = 1;

	memset(&n, 0, sizeof(n));
	if (req_limit(r, &limit) < 0)
		return;
	page = req_arg(r, "page");
	if (page && *page) {
		if (token_open(r->srv, page, &cursor) < 0 ||
		    sscanf(cursor.ptr, "n:%lld,%lld", &old_from, &new_from) != 2) {
			resp_error(r, VIGIL_EINVALID,
			           "invalid page format: invalid or expired pagination token");
			goto out;
		}
	}
	if ((err = vigil_clair_notification_get(req_db(r), r->params[0], &n)) < 0) {
		resp_error(r, err,
		           err == VIGIL_ENOTFOUND ? "the resource cannot be found"
		                                  : vigil_error_last());
		goto out;
	}
	vigil_buf_reset(&cursor);
	(void)vigil_buf_printf(&cursor, "n:%lld,%lld", old_from, new_from);
	token_make(r->srv, cursor.ptr, &tok);
	vigil_buf_reset(b);
	(void)vigil_buf_puts(b, "{\"Notification\":{");
	json_kv_opt(b, &first, "Name", n.name);
	stamp(b, &first, "Created", n.created);
	stamp(b, &first, "Notified", n.notified);
	stamp(b, &first, "Deleted", n.deleted);
	if (limit) {
		json_key(b, &first, "Limit");
		(void)vigil_buf_printf(b, "%d", limit);
	}
	json_kv_opt(b, &first, "Page", tok.ptr);
	{
		/* members after Page: built aside, NextPage must come before Old/New */
		vigil_buf sides = VIGIL_BUF_INIT;
		vigil_buf saved = *b;
		int sf = 0; /* a comma before each side */
		*b = sides;
		err = side(r, &sf, "Old", n.old_id, old_from, limit, &old_next);
		if (err == 0)
			err = side(r, &sf, "New", n.new_id, new_from, limit, &new_next);
		sides = *b;
		*b = saved;
		if (err < 0) {
			vigil_buf_release(&sides);
			resp_fail(r, err);
			goto out;
		}
		if (limit == 0 || old_next >= 0 || new_next >= 0) {
			vigil_buf_reset(&cursor);
			(void)vigil_buf_printf(&cursor, "n:%lld,%lld", (long long)old_next,
			                       (long long)new_next);
			token_make(r->srv, limit == 0 ? "n:0,0" : cursor.ptr, &tok);
			json_kv_opt(b, &first, "NextPage", tok.ptr);
		}
		(void)vigil_buf_add(b, sides.ptr, sides.len);
		vigil_buf_release(&sides);
	}
	(void)vigil_buf_puts(b, "}}");
	resp_json(r, MHD_HTTP_OK);
out:
	vigil_clair_notification_release(&n);
	vigil_buf_release(&cursor);
	vigil_buf_release(&tok);
}

void api_notification_delete(struct request *r)
{
	int err = vigil_clair_notification_delete(req_db(r), r->params[0]);

	if (err == VIGIL_ENOTFOUND)
		resp_error(r, err, "the resource cannot be found");
	else if (err < 0)
		resp_fail(r, err);
	else
		resp_empty(r, MHD_HTTP_OK);
}
