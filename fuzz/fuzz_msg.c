/* fuzz_msg.c - the whole pipeline: raw bytes -> pd_analyze -> every
 * renderer.  Checks the output promises: JSON is valid UTF-8 and parses;
 * text reports (en, ja, defanged or not) carry nothing a terminal would
 * act on; coloured text carries only SGR colour sequences.
 * Run: build-fuzz/fuzz/fuzz_msg -dict=fuzz/mail.dict fuzz/seeds/msg */
#include <json-c/json.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "pd-config.h"
#include "base/arena.h"
#include "phishdissect/pd.h"

static struct pd_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pd_global_init();
	struct pd_options opt = PD_OPTIONS_INIT;
	const char *env = getenv("PHISHDISSECT_DATA");
	opt.data_dir = env && *env ? env : PD_DATADIR_SOURCE;
	opt.ipdb_dir = ""; /* no IP databases: deterministic and fast */
	opt.now = 1700000000;
	/* smaller bounds than the defaults so that the fuzzer reaches them */
	opt.limits.max_parts = 64;
	opt.limits.max_urls = 64;
	opt.limits.max_hops = 16;
	opt.limits.max_headers = 200;
	opt.limits.max_html_nodes = 2000;
	opt.limits.max_text_bytes = 64u << 10;
	char *err = NULL;
	ctx = pd_ctx_new(&opt, &err);
	if (!ctx) {
		fprintf(stderr, "fuzz_msg: %s\n", err ? err : "no context");
		abort();
	}
	return 0;
}

static void check_json(const char *s)
{
	fuzz_check_utf8(s);
	json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, s, (int)strlen(s));
	if (!o || json_tokener_get_error(tok) != json_tokener_success)
		fuzz_fail("JSON does not parse", s, 0);
	json_object_put(o);
	json_tokener_free(tok);
}

/* Colour output: every ESC starts an SGR sequence ESC [ digits/; m. */
static void check_colour(const char *s)
{
	fuzz_check_utf8(s);
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1B) {
			size_t k = i + 1;
			if (k >= n || s[k] != '[')
				fuzz_fail("ESC not starting a colour sequence", s, i);
			for (k++; k < n && ((s[k] >= '0' && s[k] <= '9') || s[k] == ';'); k++)
				;
			if (k >= n || s[k] != 'm')
				fuzz_fail("ESC not starting a colour sequence", s, i);
			i = k;
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
			fuzz_fail("control character in coloured text", s, i);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena *a = pd_arena_new(0);
	struct pd_report *r = NULL;
	const char *err = NULL;
	int rc = pd_analyze(ctx, a, (const char *)data, size, "fuzz", false, &r, &err);
	if (rc == 0) {
		check_json(pd_render_json(ctx, a, r, 1));
		check_json(pd_render_json(ctx, a, r, 0));
		fuzz_check_term(pd_render_text(ctx, a, r, PD_LANG_EN, 0), true);
		fuzz_check_term(pd_render_text(ctx, a, r, PD_LANG_JA, 0), true);
		fuzz_check_term(pd_render_text(ctx, a, r, PD_LANG_EN, PD_TEXT_NO_DEFANG), true);
		check_colour(pd_render_text(ctx, a, r, PD_LANG_JA, PD_TEXT_COLOR));
		fuzz_check_term(pd_render_iocs(ctx, a, r, 0), true);
		fuzz_check_term(pd_render_iocs(ctx, a, r, PD_TEXT_NO_DEFANG), true);
	} else {
		if (!err)
			fuzz_fail("pd_analyze failed without a reason", "", 0);
		check_json(pd_render_json_error(a, "fuzz", err));
	}
	pd_arena_free(a);
	return 0;
}
