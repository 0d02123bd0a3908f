/* main.c - the phishdissect command: options, context, batch, exit status.
 *
 * Policy lives here and nowhere else: which inputs to read, how to print,
 * and how to turn verdicts and failures into an exit status (sysexits
 * style; an input error always outranks a verdict).  The analysis is the
 * library's: pd_ctx_new() once, then pd_analyze() per message from the
 * batch workers.  Option values are bounded (64 trusted relays, limits
 * fit their fields, at most PD_BATCH_MAX_JOBS threads).
 */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "phishdissect/pd.h"
#include "pd-config.h"

#include "batch.h"
#include "input.h"
#include "intelcmd.h"

#define PROG "phishdissect"

enum {
	EXIT_CLEAN = 0,
	EXIT_SUSPICIOUS = 1,
	EXIT_PHISHING = 2,
	EXIT_USAGE = 64,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_IOERR = 74,
	EXIT_CONFIG = 78,
};

#define MAX_RELAYS 64

enum {
	OPT_DATA_DIR = 256,
	OPT_AUTHSERV,
	OPT_RELAY,
	OPT_NO_UNWRAP,
	OPT_NO_DEFANG,
	OPT_COLOR,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_LIST_FINDINGS,
	OPT_LIMIT,
	OPT_IOCS,
	OPT_FEEDS,
	OPT_IP_DATA,
	OPT_KNOWN_SERVICES,
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "lang", required_argument, NULL, 'l' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
	{ "authserv-id", required_argument, NULL, OPT_AUTHSERV },
	{ "trusted-relay", required_argument, NULL, OPT_RELAY },
	{ "no-unwrap", no_argument, NULL, OPT_NO_UNWRAP },
	{ "no-defang", no_argument, NULL, OPT_NO_DEFANG },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "iocs", no_argument, NULL, OPT_IOCS },
	{ "feeds", required_argument, NULL, OPT_FEEDS },
	{ "known-services", required_argument, NULL, OPT_KNOWN_SERVICES },
	{ "ip-data", required_argument, NULL, OPT_IP_DATA },
	{ "list-findings", no_argument, NULL, OPT_LIST_FINDINGS },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The fields of struct pd_limits, by name without "max_". */
struct limit_def {
	const char *name;
	size_t off;
	bool is_size; /* size_t (bytes); otherwise unsigned (a count) */
};
#define LIMIT(f, sz) { #f, offsetof(struct pd_limits, max_##f), sz }
static const struct limit_def limit_defs[] = {
	LIMIT(message_bytes, true), LIMIT(header_bytes, true), LIMIT(headers, false),
	LIMIT(mime_depth, false),   LIMIT(parts, false),       LIMIT(text_bytes, true),
	LIMIT(hops, false),         LIMIT(urls, false),        LIMIT(html_nodes, false),
	LIMIT(attachments, false),  LIMIT(time_ms, false),
};
#define N_LIMITS (sizeof limit_defs / sizeof limit_defs[0])

static unsigned long long limit_get(const struct pd_limits *l, const struct limit_def *d)
{
	const char *p = (const char *)l + d->off;
	if (d->is_size)
		return *(const size_t *)(const void *)p;
	return *(const unsigned *)(const void *)p;
}

static void limit_set(struct pd_limits *l, const struct limit_def *d, unsigned long long v)
{
	char *p = (char *)l + d->off;
	if (d->is_size)
		*(size_t *)(void *)p = (size_t)v;
	else
		*(unsigned *)(void *)p = (unsigned)v;
}

/* "64M" for 64 << 20, and so on. */
static void fmt_amount(char *buf, size_t n, unsigned long long v)
{
	static const char suf[] = "GMK";
	for (int i = 0; i < 3; i++) {
		unsigned shift = (unsigned)(30 - 10 * i);
		unsigned long long unit = 1ull << shift;
		if (v >= unit && v % unit == 0) {
			snprintf(buf, n, "%llu%c", v / unit, suf[i]);
			return;
		}
	}
	snprintf(buf, n, "%llu", v);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try '" PROG " --help'\n", stderr);
	return EXIT_USAGE;
}

/* Unsigned decimal with an optional K/M/G suffix (powers of 1024).
 * 0 ok, -1 malformed or above max. */
static int parse_amount(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	unsigned shift = 0;
	switch (s[i]) {
	case '\0': break;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	default: return -1;
	}
	if (shift) {
		if (s[i + 1] != '\0')
			return -1;
		if (v > (ULLONG_MAX >> shift))
			return -1;
		v <<= shift;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_limit(struct pd_limits *l, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct limit_def *d = NULL;
	for (size_t i = 0; i < N_LIMITS; i++)
		if (strlen(limit_defs[i].name) == nlen && strncmp(limit_defs[i].name, arg, nlen) == 0)
			d = &limit_defs[i];
	if (!d) {
		char names[256] = "";
		size_t o = 0;
		for (size_t i = 0; i < N_LIMITS && o < sizeof names; i++) {
			int n = snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "",
			                 limit_defs[i].name);
			if (n < 0)
				break;
			o += (size_t)n;
		}
		return usage_error("--limit: unknown name '%.*s' (valid names: %s)",
		                   (int)(nlen > 64 ? 64 : nlen), arg, names);
	}
	if (!eq)
		return usage_error("--limit %s: expected NAME=VALUE, e.g. %s=100", d->name, d->name);
	unsigned long long max = d->is_size ? (unsigned long long)SIZE_MAX / 2 : UINT_MAX;
	unsigned long long v;
	if (parse_amount(eq + 1, max, &v) != 0 || v == 0)
		return usage_error("--limit %s: '%s' is not a number from 1 to %llu "
		                   "(K, M, G suffixes allowed)", d->name, eq + 1, max);
	limit_set(l, d, v);
	return 0;
}

static enum pd_lang lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "ja", 2) == 0 ? PD_LANG_JA : PD_LANG_EN;
	}
	return PD_LANG_EN;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > PD_BATCH_MAX_JOBS ? PD_BATCH_MAX_JOBS : (unsigned)n;
}

static void help(void)
{
	static const struct pd_limits defaults = PD_LIMITS_INIT;
	printf(
	    "Usage: " PROG " [OPTION]... [PATH]...\n"
	    "Analyse e-mail messages for signs of phishing and explain what was found.\n"
	    "\n"
	    "PATH is a message file (.eml), an mbox file (recognised by content: it\n"
	    "starts with \"From \"), a directory (read recursively in name order; in a\n"
	    "Maildir only cur/ and new/), or - for standard input.  Without PATH,\n"
	    "standard input is read.  Messages in an mbox are named path#1, path#2, ...\n"
	    "and path#N on the command line analyses only that message again.\n"
	    "\n"
	    "Output:\n"
	    "  -f, --format FMT     text (default): a report for people;\n"
	    "                       json: one indented JSON object per message;\n"
	    "                       jsonl: one JSON object per line (for batches)\n"
	    "  -l, --lang LANG      language of text reports: en or ja (default: from\n"
	    "                       LC_ALL, LC_MESSAGES, LANG: ja* gives ja, else en)\n"
	    "      --color WHEN     auto, always or never (default: auto = colour when\n"
	    "                       stdout is a terminal and NO_COLOR is not set)\n"
	    "      --iocs           print only indicators: every URL (unwrapped layers\n"
	    "                       too), then domains, then IPs, one per line,\n"
	    "                       defanged (raw with --no-defang)\n"
	    "      --no-defang      show links and addresses as written in the message\n"
	    "                       (default: defanged, e.g. hxxps://example[.]com)\n"
	    "      --progress       show progress on stderr even when it is not a terminal\n"
	    "      --no-progress    never show progress (default: only on a terminal)\n"
	    "\n"
	    "Analysis:\n"
	    "      --data-dir DIR   data files to use (default: $PHISHDISSECT_DATA, then\n"
	    "                       " PD_DATADIR_INSTALLED ")\n"
	    "      --authserv-id ID trust only Authentication-Results headers added by\n"
	    "                       this server (default: the topmost header)\n"
	    "      --trusted-relay HOST|CIDR\n"
	    "                       a relay of your own, so its Received line is not\n"
	    "                       taken for the origin; repeatable, up to %d\n"
	    "      --no-unwrap      when a message only forwards another one as an\n"
	    "                       attachment, analyse the outer message (default:\n"
	    "                       analyse the attached one)\n"
	    "      --feeds FILE     threat feeds listed in FILE (docs/FEEDS.md; default:\n"
	    "                       $PHISHDISSECT_FEEDS; '' = none)\n"
	    "      --ip-data DIR    IP databases (default: DATA_DIR/fetched/ipdb, installed\n"
	    "                       by scripts/fetch-data; '' = none)\n"
	    "      --known-services FILE\n"
	    "                       services your organisation uses and the address each\n"
	    "                       knows: lines 'BRAND-ID<TAB>address...' (ids from\n"
	    "                       data/brands.txt); mail claiming another brand, or a\n"
	    "                       known one sent to another address, is reported\n"
	    "      --limit NAME=VALUE\n"
	    "                       change a safety bound; repeatable; VALUE may end\n"
	    "                       in K, M or G (x1024).  Names and defaults:\n",
	    MAX_RELAYS);
	size_t col = 0;
	for (size_t i = 0; i < N_LIMITS; i++) {
		char v[32];
		fmt_amount(v, sizeof v, limit_get(&defaults, &limit_defs[i]));
		size_t w = strlen(limit_defs[i].name) + 1 + strlen(v);
		if (col == 0) {
			fputs("                      ", stdout);
			col = 22;
		} else if (col + 1 + w > 78) {
			fputs("\n                      ", stdout);
			col = 22;
		}
		printf(" %s=%s", limit_defs[i].name, v);
		col += 1 + w;
	}
	printf(
	    "\n"
	    "\n"
	    "Batch:\n"
	    "  -j, --jobs N         analyse on N threads (default: online CPUs, here %u;\n"
	    "                       0 = the same); output keeps input order\n"
	    "\n"
	    "Subcommands:\n"
	    "  " PROG " update-data [--latest]  fetch the free-mail list and IP databases\n"
	    "  " PROG " feeds [--feeds FILE]    check the threat feeds: entries, bad lines\n"
	    "\n"
	    "      --list-findings  print every finding id with its weight and explanation\n"
	    "                       (Markdown; docs/FINDINGS.md is this output) and exit\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           print this help and exit\n"
	    "\n"
	    "Examples:\n"
	    "  " PROG " suspicious.eml                  report in the terminal\n"
	    "  " PROG " -l ja < message.eml             Japanese report from stdin\n"
	    "  " PROG " -f json message.eml             full report as JSON\n"
	    "  " PROG " --format jsonl ~/Maildir > out.jsonl\n"
	    "                                     every message of a Maildir, one per line\n"
	    "  " PROG " -f jsonl -j 4 archive.mbox |\n"
	    "      jq -r 'select(.verdict == \"phishing\") | .source'\n"
	    "                                     which messages of an mbox are phishing\n"
	    "\n"
	    "Each JSON object has \"source\" (path, or path#N in an mbox), \"verdict\"\n"
	    "(clean, suspicious, phishing), \"score\" and \"findings\"; a message that\n"
	    "could not be analysed gives {\"source\": ..., \"error\": ...} instead.\n"
	    "\n"
	    "Exit status:\n"
	    "   0  every message was analysed and all are clean\n"
	    "   1  the worst verdict is suspicious\n"
	    "   2  the worst verdict is phishing\n"
	    "  64  usage error (unknown option, bad value)\n"
	    "  66  an input could not be read or was not mail, or no message was found;\n"
	    "      this wins over 0-2, so an error is never taken for a verdict\n"
	    "  70  internal error\n"
	    "  74  the output could not be written\n"
	    "  78  configuration or data error (e.g. data files missing or invalid)\n"
	    "\n"
	    "Safety: " PROG " works offline.  It never contacts, resolves or fetches\n"
	    "any host, address or link named in a message, and never runs attachments.\n"
	    "Links and addresses in its output are defanged unless --no-defang is given.\n"
	    "\n"
	    "See the phishdissect(1) manual page for details.\n",
	    online_cpus());
}

static bool is_long(const char *arg)
{
	return strncmp(arg, "--", 2) == 0;
}

/* Length of an option word up to "=value", bounded for messages. */
static int opt_len(const char *arg)
{
	size_t n = strcspn(arg, "=");
	return n > 64 ? 64 : (int)n;
}

static int parse_choice(const char *opt, const char *arg, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
	char list[128] = "";
	size_t o = 0;
	for (size_t i = 0; i < n && o < sizeof list; i++) {
		int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	usage_error("%s: '%s' is not one of %s", opt, arg, list);
	return -1;
}

int main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "jsonl" };
	static const char *const langs[] = { "en", "ja" };
	static const char *const colors[] = { "auto", "always", "never" };

	struct pd_options opt = PD_OPTIONS_INIT;
	const char *relays[MAX_RELAYS + 1];
	size_t nrelays = 0;
	enum pd_out_format format = PD_OUT_TEXT;
	enum pd_lang lang = lang_from_env();
	unsigned jobs = 0;
	int color = 0;    /* auto */
	int progress = -1; /* auto */
	bool defang = true;

	/* subcommands (src/cli/intelcmd.c) */
	if (argc > 1 && strcmp(argv[1], "update-data") == 0)
		return pd_cmd_update_data(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "feeds") == 0)
		return pd_cmd_feeds(argc - 1, argv + 1);
	if (getenv("PHISHDISSECT_FEEDS") && *getenv("PHISHDISSECT_FEEDS"))
		opt.feeds_conf = getenv("PHISHDISSECT_FEEDS");

	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":f:l:j:Vh", longopts, NULL);
		if (c == -1)
			break;
		int k;
		unsigned long long v;
		switch (c) {
		case 'f':
			k = parse_choice("--format", optarg, formats, 3);
			if (k < 0)
				return EXIT_USAGE;
			format = (enum pd_out_format)k;
			break;
		case 'l':
			k = parse_choice("--lang", optarg, langs, 2);
			if (k < 0)
				return EXIT_USAGE;
			lang = k ? PD_LANG_JA : PD_LANG_EN;
			break;
		case 'j':
			if (parse_amount(optarg, PD_BATCH_MAX_JOBS, &v) != 0 || strpbrk(optarg, "kKmMgG"))
				return usage_error("--jobs: '%s' is not a number from 0 to %d", optarg,
				                   PD_BATCH_MAX_JOBS);
			jobs = (unsigned)v;
			break;
		case OPT_DATA_DIR:
			if (!*optarg)
				return usage_error("--data-dir: empty directory name");
			opt.data_dir = optarg;
			break;
		case OPT_AUTHSERV:
			if (!*optarg)
				return usage_error("--authserv-id: empty id");
			opt.authserv_id = optarg;
			break;
		case OPT_RELAY:
			if (!*optarg)
				return usage_error("--trusted-relay: empty host");
			if (nrelays == MAX_RELAYS)
				return usage_error("--trusted-relay: at most %d relays", MAX_RELAYS);
			relays[nrelays++] = optarg;
			break;
		case OPT_NO_UNWRAP:
			opt.unwrap_forwarded = false;
			break;
		case OPT_NO_DEFANG:
			defang = false;
			break;
		case OPT_IOCS:
			format = PD_OUT_IOCS;
			break;
		case OPT_COLOR:
			color = parse_choice("--color", optarg, colors, 3);
			if (color < 0)
				return EXIT_USAGE;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_LIMIT:
			if (parse_limit(&opt.limits, optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_FEEDS:
			opt.feeds_conf = *optarg ? optarg : NULL;
			break;
		case OPT_IP_DATA:
			opt.ipdb_dir = optarg;
			break;
		case OPT_KNOWN_SERVICES:
			opt.known_services = *optarg ? optarg : NULL;
			break;
		case OPT_LIST_FINDINGS: {
			struct pd_arena *la = pd_arena_new(0);
			fputs(pd_findings_markdown(la), stdout);
			pd_arena_free(la);
			return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_CLEAN : EXIT_IOERR;
		}
		case 'V':
			printf(PROG " %s (report schema %s)\n", PD_VERSION, PD_SCHEMA_VERSION);
			return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_CLEAN : EXIT_IOERR;
		case 'h':
			help();
			return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_CLEAN : EXIT_IOERR;
		case ':':
			if (is_long(argv[optind - 1]) || !optopt)
				return usage_error("option '%.*s' needs a value", opt_len(argv[optind - 1]),
				                   argv[optind - 1]);
			return usage_error("option '-%c' needs a value", optopt);
		default:
			if (is_long(argv[optind - 1]) || !optopt)
				return usage_error("unknown option '%.*s'", opt_len(argv[optind - 1]),
				                   argv[optind - 1]);
			return usage_error("unknown option '-%c'", optopt);
		}
	}
	relays[nrelays] = NULL;
	if (nrelays)
		opt.trusted_relays = relays;

	const char *const *paths = (const char *const *)argv + optind;
	size_t npaths = (size_t)(argc - optind);
	static const char *const stdin_path[] = { "-" };
	if (npaths == 0) {
		if (isatty(STDIN_FILENO)) {
			fputs(PROG ": no PATH given and standard input is a terminal\n"
			      "usage: " PROG " [OPTION]... [PATH]...   (try '" PROG " --help')\n",
			      stderr);
			return EXIT_USAGE;
		}
		paths = stdin_path;
		npaths = 1;
	}

	unsigned flags = 0;
	if (!defang)
		flags |= PD_TEXT_NO_DEFANG;
	if (color == 1 || (color == 0 && isatty(STDOUT_FILENO) &&
	                   !(getenv("NO_COLOR") && *getenv("NO_COLOR"))))
		flags |= PD_TEXT_COLOR;

	pd_global_init();
	char *err = NULL;
	struct pd_ctx *ctx = pd_ctx_new(&opt, &err);
	if (!ctx) {
		fprintf(stderr, PROG ": %s\n", err ? err : "cannot load the analysis data");
		free(err);
		pd_global_shutdown();
		return EXIT_CONFIG;
	}

	/* One byte over the limit, so the library sees the message was
	 * longer and reports the cut itself. */
	size_t cap = opt.limits.max_message_bytes;
	cap = cap < SIZE_MAX - 1 ? cap + 1 : cap;
	struct pd_input *in = pd_input_new(paths, npaths, cap);

	struct pd_batch_opts bo = {
		.ctx = ctx,
		.jobs = jobs ? jobs : online_cpus(),
		.format = format,
		.lang = lang,
		.text_flags = flags,
		.progress = progress < 0 ? isatty(STDERR_FILENO) != 0 : progress != 0,
		.out = stdout,
		.err = stderr,
	};
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

	struct pd_batch_stats st;
	int rc = pd_batch_run(&bo, in, &st);
	pd_input_free(in);
	pd_ctx_free(ctx);
	pd_global_shutdown();

	if (rc != 0) {
		fputs(PROG ": cannot start worker threads\n", stderr);
		return EXIT_SOFTWARE;
	}
	if (st.internal_error)
		return EXIT_SOFTWARE;
	if (st.write_error) {
		fputs(PROG ": error writing the output\n", stderr);
		return EXIT_IOERR;
	}
	if (st.errors)
		return EXIT_NOINPUT;
	if (st.messages == 0) {
		fputs(PROG ": no messages found\n", stderr);
		return EXIT_NOINPUT;
	}
	if (st.verdicts[PD_VERDICT_PHISHING])
		return EXIT_PHISHING;
	if (st.verdicts[PD_VERDICT_SUSPICIOUS])
		return EXIT_SUSPICIOUS;
	return EXIT_CLEAN;
}
