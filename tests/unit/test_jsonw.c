/* test_jsonw.c - the streaming JSON writer (report/jsonw.c) against json-c.
 *
 * The writer replaced json-c in the JSON renderer and promises the very
 * bytes json-c prints (NOSLASHESCAPE, PLAIN or PRETTY|SPACED).  Random
 * documents - nested objects and arrays, empty ones, every scalar, keys
 * and strings with quotes, backslashes, slashes, every control byte and
 * multi-byte UTF-8 - are built both ways and compared byte for byte, and
 * the writer's output must parse back with json-c's strict parser. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "check.h"
#include "report/jsonw.h"

static unsigned seed = 20261128;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* A random NUL-terminated string: ASCII, JSON specials, control bytes,
 * 2-, 3- and 4-byte UTF-8. */
static const char *rstr(struct pd_arena *a)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t",
		"\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe3\x81\x82", "\xf0\x9f\x98\x80",
		"\xe2\x80\xae", "<", "&", "'", "}", "]", ":", ",",
	};
	unsigned n = rnd(12);
	char *s = pd_arena_alloc(a, n * 4 + 1), *p = s;
	for (unsigned i = 0; i < n; i++) {
		const char *x = pieces[rnd(sizeof pieces / sizeof *pieces)];
		size_t k = strlen(x);
		memcpy(p, x, k);
		p += k;
	}
	*p = '\0';
	return s;
}

/* Build one random value both ways: into json-c (returned) and into w
 * under key k (NULL in arrays).  Keys in one object are distinct, as the
 * renderer's are, because json-c replaces a repeated key in place. */
static json_object *gen(struct pd_arena *a, struct pd_jw *w, const char *k, int depth)
{
	unsigned kind = depth >= 5 ? 2 + rnd(5) : rnd(7);
	switch (kind) {
	case 0: { /* object */
		json_object *o = json_object_new_object();
		pd_jw_obj(w, k);
		unsigned n = rnd(5);
		for (unsigned i = 0; i < n; i++) {
			const char *key = pd_arena_printf(a, "%s#%u", rstr(a), i);
			json_object_object_add(o, key, gen(a, w, key, depth + 1));
		}
		pd_jw_end_obj(w);
		return o;
	}
	case 1: { /* array */
		json_object *o = json_object_new_array();
		pd_jw_arr(w, k);
		unsigned n = rnd(5);
		for (unsigned i = 0; i < n; i++)
			json_object_array_add(o, gen(a, w, NULL, depth + 1));
		pd_jw_end_arr(w);
		return o;
	}
	case 2: {
		const char *s = rstr(a);
		pd_jw_str(w, k, s);
		return json_object_new_string(s);
	}
	case 3: {
		int64_t v = (int64_t)rnd(1u << 30) * (rnd(2) ? 1 : -1) * (rnd(4) ? 1 : 8589934592LL);
		pd_jw_int(w, k, v);
		return json_object_new_int64(v);
	}
	case 4: {
		bool v = rnd(2);
		pd_jw_bool(w, k, v);
		return json_object_new_boolean(v);
	}
	case 5:
		pd_jw_null(w, k);
		return NULL;
	default: {
		const char *t = pd_arena_printf(a, "%u.%u", rnd(100), 1 + rnd(99));
		pd_jw_raw_num(w, k, t);
		double d;
		sscanf(t, "%lf", &d);
		return json_object_new_double_s(d, t);
	}
	}
}

static bool parses(const char *s)
{
	json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, s, (int)strlen(s));
	bool ok = o && json_tokener_get_error(tok) == json_tokener_success;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

int main(void)
{
	struct pd_arena *a = pd_arena_new(0);

	/* fixed cases, written out by hand */
	struct { int pretty; const char *want; } fixed[] = {
		{ 0, "{\"s\":\"a\\\"b\\\\c/d\\n\\u0001\\u001f\x7f\",\"e\":[],\"o\":{},\"n\":null,\"t\":true,\"i\":-42}" },
		{ 1, "{\n  \"s\": \"a\\\"b\\\\c/d\\n\\u0001\\u001f\x7f\",\n  \"e\": [\n  ],\n  \"o\": {\n  },\n"
		     "  \"n\": null,\n  \"t\": true,\n  \"i\": -42\n}" },
	};
	for (size_t c = 0; c < sizeof fixed / sizeof *fixed; c++) {
		struct pd_jw w;
		pd_jw_init(&w, a, fixed[c].pretty);
		pd_jw_obj(&w, NULL);
		pd_jw_str(&w, "s", "a\"b\\c/d\n\x01\x1f\x7f");
		pd_jw_arr(&w, "e");
		pd_jw_end_arr(&w);
		pd_jw_obj(&w, "o");
		pd_jw_end_obj(&w);
		pd_jw_null(&w, "n");
		pd_jw_bool(&w, "t", true);
		pd_jw_int(&w, "i", -42);
		pd_jw_end_obj(&w);
		CHECK_STREQ(pd_jw_done(&w), fixed[c].want, fixed[c].pretty ? "pretty" : "plain");
	}

	/* random documents: same bytes as json-c, and valid */
	unsigned same = 0, valid = 0, n = 3000;
	for (unsigned i = 0; i < n; i++) {
		int pretty = (int)(i & 1);
		struct pd_jw w;
		pd_jw_init(&w, a, pretty);
		pd_jw_obj(&w, NULL);
		json_object *root = json_object_new_object();
		unsigned m = rnd(6);
		for (unsigned k = 0; k < m; k++) {
			const char *key = pd_arena_printf(a, "k%u%s", k, rstr(a));
			json_object_object_add(root, key, gen(a, &w, key, 1));
		}
		pd_jw_end_obj(&w);
		const char *mine = pd_jw_done(&w);
		int fl = JSON_C_TO_STRING_NOSLASHESCAPE |
		         (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
		const char *theirs = json_object_to_json_string_ext(root, fl);
		if (strcmp(mine, theirs) == 0)
			same++;
		else if (same + 5 > i) /* show the first differences only */
			fprintf(stderr, "differs:\n  jsonw:  %s\n  json-c: %s\n", mine, theirs);
		valid += parses(mine);
		json_object_put(root);
		pd_arena_reset(a);
	}
	CHECK(same == n, "%u of %u random documents byte-identical to json-c", same, n);
	CHECK(valid == n, "%u of %u random documents parse", valid, n);
	pd_arena_free(a);
	return CHECK_DONE();
}
