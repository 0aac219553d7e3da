/* unicode.c -- lower(NFKC(s)), as Jitsi computes a room's backend name
 * (String.prototype.normalize('NFKC') and toLowerCase() of a browser).
 *
 * Unicode Standard Annex #15: full compatibility decomposition, canonical
 * ordering, canonical composition; Hangul syllables by arithmetic.  Then
 * the full lowercase mapping with the Final_Sigma context (Unicode 3.13).
 * The tables in unicode-tables.h are generated from Node.js's ICU by
 * src/jitsi/gen-unicode.mjs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unicode.h"
#include "util.h"
#include "unicode-tables.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Hangul (Unicode 3.12) */
#define SBASE	0xAC00
#define LBASE	0x1100
#define VBASE	0x1161
#define TBASE	0x11A7
#define LCOUNT	19
#define VCOUNT	21
#define TCOUNT	28
#define NCOUNT	(VCOUNT * TCOUNT)
#define SCOUNT	(LCOUNT * NCOUNT)

struct cps {
	uint32_t	*v;
	size_t		 n, cap;
};

static void
push(struct cps *a, uint32_t c)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = jo_xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = c;
}

static const struct jo_umap *
find_map(const struct jo_umap *t, size_t n, uint32_t c)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t[mid].cp == c)
			return &t[mid];
		if (t[mid].cp < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static unsigned
ccc(uint32_t c)
{
	size_t	 lo = 0, hi = N(jo_uccc), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (jo_uccc[mid].cp == c)
			return jo_uccc[mid].ccc;
		if (jo_uccc[mid].cp < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static uint32_t
compose(uint32_t a, uint32_t b)
{
	size_t	 lo = 0, hi = N(jo_ucomp), mid;

	if (a >= LBASE && a < LBASE + LCOUNT && b >= VBASE &&
	    b < VBASE + VCOUNT)
		return SBASE + ((a - LBASE) * VCOUNT + (b - VBASE)) * TCOUNT;
	if (a >= SBASE && a < SBASE + SCOUNT && (a - SBASE) % TCOUNT == 0 &&
	    b > TBASE && b < TBASE + TCOUNT)
		return a + (b - TBASE);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (jo_ucomp[mid].a == a && jo_ucomp[mid].b == b)
			return jo_ucomp[mid].c;
		if (jo_ucomp[mid].a < a ||
		    (jo_ucomp[mid].a == a && jo_ucomp[mid].b < b))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
in_ranges(const struct jo_urange *t, size_t n, uint32_t c)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c < t[mid].lo)
			hi = mid;
		else if (c > t[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* UTF-8 (already validated) to code points. */
static void
decode(const unsigned char *s, struct cps *out)
{
	uint32_t	 c;

	while (*s != '\0') {
		if (*s < 0x80)
			c = *s++;
		else if ((*s & 0xe0) == 0xc0) {
			c = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
			s += 2;
		} else if ((*s & 0xf0) == 0xe0) {
			c = (uint32_t)(s[0] & 0x0f) << 12 |
			    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
			s += 3;
		} else {
			c = (uint32_t)(s[0] & 0x07) << 18 |
			    (uint32_t)(s[1] & 0x3f) << 12 |
			    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
			s += 4;
		}
		push(out, c);
	}
}

static void
encode(struct jo_buf *b, uint32_t c)
{
	unsigned char	 u[4];
	size_t		 n;

	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | c >> 6);
		u[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | c >> 12);
		u[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | c >> 18);
		u[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	jo_buf_add(b, u, n);
}

static void
nfkc(const struct cps *in, struct cps *out)
{
	const struct jo_umap	*m;
	struct cps		 d = { 0 };
	size_t			 i, j, k, starter;
	uint32_t		 c, s, t;
	unsigned		 last, cc;

	/* decompose */
	for (i = 0; i < in->n; i++) {
		c = in->v[i];
		if (c >= SBASE && c < SBASE + SCOUNT) {
			s = c - SBASE;
			push(&d, LBASE + s / NCOUNT);
			push(&d, VBASE + (s % NCOUNT) / TCOUNT);
			if ((t = s % TCOUNT) != 0)
				push(&d, TBASE + t);
		} else if ((m = find_map(jo_udecomp, N(jo_udecomp), c)) != NULL)
			for (j = 0; j < m->len; j++)
				push(&d, jo_udecomp_seq[m->off + j]);
		else
			push(&d, c);
	}
	/* canonical ordering: a stable sort of each run of marks */
	for (i = 1; i < d.n; i++) {
		c = d.v[i];
		if ((cc = ccc(c)) == 0)
			continue;
		for (j = i; j > 0 && ccc(d.v[j - 1]) > cc; j--)
			d.v[j] = d.v[j - 1];
		d.v[j] = c;
	}
	/* canonical composition */
	out->n = 0;
	if (d.n == 0)
		goto end;
	push(out, d.v[0]);
	starter = ccc(d.v[0]) == 0 ? 0 : (size_t)-1;
	last = ccc(d.v[0]);
	for (k = 1; k < d.n; k++) {
		c = d.v[k];
		cc = ccc(c);
		if (starter != (size_t)-1 &&
		    (last < cc || (last == 0 && out->n - 1 == starter)) &&
		    (t = compose(out->v[starter], c)) != 0) {
			out->v[starter] = t;
			continue;
		}
		if (cc == 0)
			starter = out->n;
		last = cc;
		push(out, c);
	}
end:
	free(d.v);
}

/* Final_Sigma (Unicode 3.13, Table 3-17): a capital sigma after a cased
 * letter and not before one, case-ignorable characters skipped. */
static int
final_sigma(const struct cps *a, size_t i)
{
	size_t	 j;

	for (j = i; j > 0; j--) {
		if (in_ranges(jo_uignorable, N(jo_uignorable), a->v[j - 1]))
			continue;
		if (!in_ranges(jo_ucased, N(jo_ucased), a->v[j - 1]))
			return 0;
		break;
	}
	if (j == 0)
		return 0;
	for (j = i + 1; j < a->n; j++) {
		if (in_ranges(jo_uignorable, N(jo_uignorable), a->v[j]))
			continue;
		return !in_ranges(jo_ucased, N(jo_ucased), a->v[j]);
	}
	return 1;
}

char *
jo_nfkc_lower(const char *s)
{
	const struct jo_umap	*m;
	struct cps		 in = { 0 }, n = { 0 };
	struct jo_buf		 b = { 0 };
	size_t			 i, j;

	decode((const unsigned char *)s, &in);
	nfkc(&in, &n);
	for (i = 0; i < n.n; i++) {
		if (n.v[i] == 0x3a3 && final_sigma(&n, i))
			encode(&b, 0x3c2);
		else if ((m = find_map(jo_ulower, N(jo_ulower), n.v[i])) !=
		    NULL)
			for (j = 0; j < m->len; j++)
				encode(&b, jo_ulower_seq[m->off + j]);
		else
			encode(&b, n.v[i]);
	}
	free(in.v);
	free(n.v);
	if (b.p == NULL)
		jo_buf_adds(&b, "");
	return jo_buf_take(&b);
}
