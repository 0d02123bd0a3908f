/* acmatch.c - Aho-Corasick automaton over bytes (Aho & Corasick, CACM
 * 1975) for the brand aliases and the lure lexicon.
 *
 * Construction keeps children as sibling lists; compile() computes the
 * failure and dictionary links breadth-first and flattens the children
 * into one sorted edge array per node (binary search while scanning), with
 * a dense 256-entry table for the root, where most bytes are looked up,
 * and full transition rows (failure walk resolved) for the nodes one and
 * two bytes deep, where a scan of running text spends most of its steps
 * (at most MAX_DENSE rows of 1 KB; the scan took ~10 instructions a byte
 * on English text with binary searches and failure walks, now ~4).
 * Memory is proportional to the total pattern length.  Scanning never
 * allocates and visits each text byte once; the failure walk is bounded
 * by the depth of the trie (at most 255, the pattern length limit). */
#include "base/acmatch.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

struct node {
	int32_t child, sibling;   /* construction only */
	int32_t fail, dict;       /* failure link; next node on the fail chain with output */
	int32_t out;              /* first pattern ending here, -1 none */
	uint32_t edge0;           /* first edge in edges[] after compile */
	uint16_t nedge;
	uint8_t byte;             /* label of the edge into this node */
	uint8_t depth;
};

struct edge {
	uint8_t byte;
	int32_t to;
};

struct pd_ac {
	struct node *nodes;
	unsigned nnodes, capnodes;
	struct edge *edges;
	unsigned *pat_id, *pat_len;
	int32_t *pat_next;        /* next pattern ending at the same node */
	unsigned npat, cappat;
	int32_t root_next[256];
	int32_t *dense_row;       /* per node: row in dense[], or -1 (the root's is 0) */
	int32_t *row_node;        /* per row: its node */
	int32_t *first_out;       /* per node: itself if a pattern ends there, else its dict link (0: none) */
	int32_t *dense;           /* rows of 256 next states */
	bool compiled;
};

#define MAX_DENSE 2048
#define DENSE_DEPTH 2
/* dense[] entries after compiling: the target state with flags.  DENSEF:
 * the low bits are the target's row in dense[] (the scan goes on without
 * looking the row up), else its node id; OUTF: a pattern ends there. */
#define OUTF ((int32_t)1 << 30)
#define DENSEF ((int32_t)1 << 29)
#define IDMASK (DENSEF - 1)

static int32_t new_node(struct pd_ac *ac, uint8_t byte, uint8_t depth)
{
	if (ac->nnodes == ac->capnodes) {
		ac->capnodes = ac->capnodes ? ac->capnodes * 2 : 256;
		ac->nodes = g_renew(struct node, ac->nodes, ac->capnodes);
	}
	struct node *nd = &ac->nodes[ac->nnodes];
	memset(nd, 0, sizeof *nd);
	nd->child = nd->sibling = -1;
	nd->fail = 0;
	nd->dict = -1;
	nd->out = -1;
	nd->byte = byte;
	nd->depth = depth;
	return (int32_t)ac->nnodes++;
}

struct pd_ac *pd_ac_new(void)
{
	struct pd_ac *ac = g_new0(struct pd_ac, 1);
	new_node(ac, 0, 0);
	return ac;
}

static int32_t find_child(const struct pd_ac *ac, int32_t n, uint8_t b)
{
	for (int32_t c = ac->nodes[n].child; c >= 0; c = ac->nodes[c].sibling)
		if (ac->nodes[c].byte == b)
			return c;
	return -1;
}

int pd_ac_add(struct pd_ac *ac, const char *p, size_t n, unsigned id)
{
	if (ac->compiled || n == 0 || n > 255)
		return -1;
	int32_t cur = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)p[i];
		int32_t c = find_child(ac, cur, b);
		if (c < 0) {
			c = new_node(ac, b, (uint8_t)(i + 1));
			ac->nodes[c].sibling = ac->nodes[cur].child;
			ac->nodes[cur].child = c;
		}
		cur = c;
	}
	if (ac->npat == ac->cappat) {
		ac->cappat = ac->cappat ? ac->cappat * 2 : 128;
		ac->pat_id = g_renew(unsigned, ac->pat_id, ac->cappat);
		ac->pat_len = g_renew(unsigned, ac->pat_len, ac->cappat);
		ac->pat_next = g_renew(int32_t, ac->pat_next, ac->cappat);
	}
	ac->pat_id[ac->npat] = id;
	ac->pat_len[ac->npat] = (unsigned)n;
	ac->pat_next[ac->npat] = ac->nodes[cur].out;
	ac->nodes[cur].out = (int32_t)ac->npat;
	ac->npat++;
	return 0;
}

static int cmp_edge(const void *a, const void *b)
{
	return (int)((const struct edge *)a)->byte - (int)((const struct edge *)b)->byte;
}

static int32_t go(const struct pd_ac *ac, int32_t n, uint8_t b)
{
	if (n == 0)
		return ac->root_next[b];
	const struct node *nd = &ac->nodes[n];
	const struct edge *e = ac->edges + nd->edge0;
	unsigned lo = 0, hi = nd->nedge;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (e[mid].byte == b)
			return e[mid].to;
		if (e[mid].byte < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Node t as the scan carries it (see OUTF). */
static int32_t state_of(const struct pd_ac *ac, int32_t t)
{
	int32_t v = ac->dense_row[t] >= 0 ? ac->dense_row[t] | DENSEF : t;
	return ac->first_out[t] > 0 ? v | OUTF : v;
}

void pd_ac_compile(struct pd_ac *ac)
{
	if (ac->compiled)
		return;
	/* flatten children into sorted edge runs */
	ac->edges = g_new(struct edge, ac->nnodes ? ac->nnodes : 1);
	unsigned ne = 0;
	for (unsigned i = 0; i < ac->nnodes; i++) {
		struct node *nd = &ac->nodes[i];
		nd->edge0 = ne;
		for (int32_t c = nd->child; c >= 0; c = ac->nodes[c].sibling) {
			ac->edges[ne].byte = ac->nodes[c].byte;
			ac->edges[ne].to = c;
			ne++;
			nd->nedge++;
		}
		qsort(ac->edges + nd->edge0, nd->nedge, sizeof *ac->edges, cmp_edge);
	}
	for (int b = 0; b < 256; b++)
		ac->root_next[b] = 0;
	for (unsigned k = 0; k < ac->nodes[0].nedge; k++)
		ac->root_next[ac->edges[ac->nodes[0].edge0 + k].byte] = ac->edges[ac->nodes[0].edge0 + k].to;
	/* breadth-first failure links */
	int32_t *queue = g_new(int32_t, ac->nnodes);
	unsigned qh = 0, qt = 0;
	for (unsigned k = 0; k < ac->nodes[0].nedge; k++) {
		int32_t c = ac->edges[ac->nodes[0].edge0 + k].to;
		ac->nodes[c].fail = 0;
		queue[qt++] = c;
	}
	while (qh < qt) {
		int32_t n = queue[qh++];
		struct node *nd = &ac->nodes[n];
		for (unsigned k = 0; k < nd->nedge; k++) {
			int32_t c = ac->edges[nd->edge0 + k].to;
			uint8_t b = ac->edges[nd->edge0 + k].byte;
			int32_t f = nd->fail;
			int32_t t;
			while ((t = go(ac, f, b)) < 0)
				f = ac->nodes[f].fail;
			if (t == c)
				t = 0;
			ac->nodes[c].fail = t;
			ac->nodes[c].dict = ac->nodes[t].out >= 0 ? t : ac->nodes[t].dict;
			queue[qt++] = c;
		}
	}
	/* full rows for the root and the shallow nodes, in breadth-first order
	 * so that a node's failure target (shallower) already has its row */
	ac->dense_row = g_new(int32_t, ac->nnodes);
	for (unsigned i = 0; i < ac->nnodes; i++)
		ac->dense_row[i] = -1;
	ac->row_node = g_new(int32_t, (size_t)(qt < MAX_DENSE ? qt : MAX_DENSE) + 1);
	unsigned nrows = 0;
	ac->dense_row[0] = (int32_t)nrows;
	ac->row_node[nrows++] = 0;
	for (unsigned k = 0; k < qt; k++)
		if (ac->nodes[queue[k]].depth <= DENSE_DEPTH && nrows < MAX_DENSE) {
			ac->dense_row[queue[k]] = (int32_t)nrows;
			ac->row_node[nrows++] = queue[k];
		}
	ac->dense = g_new(int32_t, (size_t)nrows * 256);
	for (unsigned r = 0; r < nrows; r++) {
		int32_t n = ac->row_node[r];
		int32_t *row = ac->dense + (size_t)r * 256;
		for (int b = 0; b < 256; b++) {
			int32_t s = n, t = -1;
			while (s != 0 && (t = go(ac, s, (uint8_t)b)) < 0)
				s = ac->nodes[s].fail;
			row[b] = s == 0 ? ac->root_next[b] : t;
		}
	}
	g_free(queue);
	/* the scan asks at every byte whether anything ends here: one int
	 * per node instead of the node's record */
	ac->first_out = g_new(int32_t, ac->nnodes ? ac->nnodes : 1);
	for (unsigned i = 0; i < ac->nnodes; i++)
		ac->first_out[i] = ac->nodes[i].out >= 0 ? (int32_t)i : ac->nodes[i].dict;
	/* ... and the full rows say it themselves, with the target's row: in
	 * the dense part the scan makes one load per byte (perf: the row
	 * lookup and first_out were most of the scan's time) */
	for (size_t k = 0; k < (size_t)nrows * 256; k++)
		ac->dense[k] = state_of(ac, ac->dense[k]);
	ac->compiled = true;
}

unsigned pd_ac_npatterns(const struct pd_ac *ac)
{
	return ac->npat;
}

/* The node a scan state stands for. */
static inline int32_t node_of(const struct pd_ac *ac, int32_t v)
{
	return v & DENSEF ? ac->row_node[v & IDMASK] : v & IDMASK;
}

/* One byte for one matcher: the next state (see OUTF). */
static inline int32_t step(const struct pd_ac *ac, int32_t v, uint8_t b)
{
	if (v & DENSEF)
		return ac->dense[(size_t)(v & IDMASK) * 256 + b];
	int32_t s = v & IDMASK, t;
	for (;;) {
		if ((t = go(ac, s, b)) >= 0)
			return state_of(ac, t);
		s = ac->nodes[s].fail;
		if (ac->dense_row[s] >= 0)
			return ac->dense[(size_t)ac->dense_row[s] * 256 + b];
	}
}

void pd_ac_scan(const struct pd_ac *ac, const char *text, size_t n, pd_ac_fn fn, void *ud)
{
	if (!ac || !ac->compiled || !text)
		return;
	int32_t v = DENSEF; /* the root: row 0 */
	for (size_t i = 0; i < n; i++) {
		v = step(ac, v, (uint8_t)text[i]);
		if (!(v & OUTF))
			continue;
		for (int32_t d = ac->first_out[node_of(ac, v)]; d > 0; d = ac->nodes[d].dict)
			for (int32_t p = ac->nodes[d].out; p >= 0; p = ac->pat_next[p])
				if (!fn(ud, ac->pat_id[p], i + 1 - ac->pat_len[p], i + 1))
					return;
	}
}

/* Record the matches ending at i + 1 in state v; false when over cap. */
static bool record(const struct pd_ac *ac, int32_t v, size_t i, struct pd_ac_hit *h, size_t *nh, size_t cap)
{
	for (int32_t d = ac->first_out[node_of(ac, v)]; d > 0; d = ac->nodes[d].dict)
		for (int32_t p = ac->nodes[d].out; p >= 0; p = ac->pat_next[p]) {
			if (*nh >= cap)
				return false;
			h[(*nh)++] = (struct pd_ac_hit){ ac->pat_id[p], (uint32_t)(i + 1 - ac->pat_len[p]), (uint32_t)(i + 1) };
		}
	return true;
}

bool pd_ac_scan_pair(const struct pd_ac *const ac[2], const char *text, size_t n, struct pd_ac_hit *const hits[2],
                     size_t nhits[2], size_t cap)
{
	nhits[0] = nhits[1] = 0;
	if (n >= UINT32_MAX)
		return false;
	bool on0 = ac[0] && ac[0]->compiled && text, on1 = ac[1] && ac[1]->compiled && text;
	if (on0 && on1) {
		int32_t v0 = DENSEF, v1 = DENSEF;
		for (size_t i = 0; i < n; i++) {
			uint8_t b = (uint8_t)text[i];
			v0 = step(ac[0], v0, b);
			v1 = step(ac[1], v1, b);
			if (((v0 | v1) & OUTF) &&
			    (((v0 & OUTF) && !record(ac[0], v0, i, hits[0], &nhits[0], cap)) ||
			     ((v1 & OUTF) && !record(ac[1], v1, i, hits[1], &nhits[1], cap))))
				return false;
		}
		return true;
	}
	for (int k = 0; k < 2; k++) {
		if (!(k == 0 ? on0 : on1))
			continue;
		int32_t v = DENSEF;
		for (size_t i = 0; i < n; i++) {
			v = step(ac[k], v, (uint8_t)text[i]);
			if ((v & OUTF) && !record(ac[k], v, i, hits[k], &nhits[k], cap))
				return false;
		}
	}
	return true;
}

void pd_ac_free(struct pd_ac *ac)
{
	if (!ac)
		return;
	g_free(ac->nodes);
	g_free(ac->edges);
	g_free(ac->pat_id);
	g_free(ac->pat_len);
	g_free(ac->pat_next);
	g_free(ac->dense_row);
	g_free(ac->dense);
	g_free(ac->first_out);
	g_free(ac->row_node);
	g_free(ac);
}
