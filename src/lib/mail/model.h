/* model.h - the message model: what pd_msg_parse() builds once and every
 * analyzer reads (const).  All strings are NUL-terminated, valid UTF-8
 * (attacker bytes are sanitised on the way in) and owned by the message
 * arena.  Raw values are kept next to decoded ones as evidence.
 */
#ifndef PD_MODEL_H
#define PD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/fold.h"
#include "phishdissect/pd.h"

/* ---- addresses (From, Reply-To, ...) ------------------------------- */
struct pd_addr {
	const char *display;  /* decoded display name, NFKC-normalised; "" if none */
	const char *addr;     /* addr-spec as written (lower-cased domain); "" if none */
	const char *local;    /* local part */
	const char *domain;   /* lower-case domain, "" if none */
	bool valid;           /* has local@domain */
};

/* ---- Received hops ------------------------------------------------- */
enum pd_hop_flags {
	PD_HOP_PARSED = 1u << 0,      /* a from/by clause was recognised */
	PD_HOP_HELO_IPLIT = 1u << 1,  /* HELO is an IP literal [x.x.x.x] */
	PD_HOP_IP_PRIVATE = 1u << 2,  /* from_ip is private/loopback/link-local */
	PD_HOP_IP_LOOPBACK = 1u << 3,
	PD_HOP_HAS_DATE = 1u << 4,
	PD_HOP_LOCAL = 1u << 5,       /* local delivery/pickup: no from IP (e.g. "by x (Postfix, from userid 0)") */
};

struct pd_hop {
	const char *raw;        /* unfolded header value, whitespace collapsed */
	const char *helo;       /* name the client gave (HELO/EHLO), "" if none */
	const char *rdns;       /* reverse-DNS name the receiver recorded, "" if none/unknown */
	const char *ip;         /* client IP as text (canonical form), "" if none */
	int ip_family;          /* 0 (none), 4 or 6 */
	uint8_t ip_bytes[16];   /* network order; v4 in the first 4 bytes */
	const char *by;         /* receiving host, "" if none */
	const char *with;       /* protocol (ESMTPS, SMTP, LMTP, HTTP, ...), "" if none */
	const char *id;         /* queue id, "" if none */
	const char *for_addr;   /* envelope recipient, "" if none */
	const char *date_raw;   /* text after the last ';', "" if none */
	int64_t time;           /* seconds since epoch (UTC) when PD_HOP_HAS_DATE */
	int tz_minutes;         /* time-zone offset of date_raw, minutes east of UTC */
	unsigned flags;
	/* IP intelligence (net/intel.c, offline databases); 0 / "" unknown */
	uint32_t asn;           /* AS number of ip */
	const char *as_org;     /* AS organisation */
	const char *country;    /* ISO 3166-1 alpha-2 */
	const char *city;       /* approximate */
};

/* ---- Authentication results ---------------------------------------- */
enum pd_auth_source { PD_AUTH_AR = 0, PD_AUTH_ARC_AR, PD_AUTH_RECEIVED_SPF };

struct pd_auth_prop {
	const char *ptype;      /* smtp, header, body, policy, ... (lower-case) */
	const char *property;   /* mailfrom, helo, from, d, i, b, ... (lower-case) */
	const char *value;
};

struct pd_auth_method {
	const char *method;     /* spf, dkim, dmarc, arc, auth, iprev, ... (lower-case) */
	const char *result;     /* pass, fail, softfail, neutral, none, temperror, permerror, policy, ... (lower-case) */
	const char *reason;     /* reason="..." or "" */
	struct pd_auth_prop *props;
	unsigned nprops;
};

struct pd_authres {
	enum pd_auth_source source;
	unsigned header_index;  /* position among headers of its kind, 0 = topmost */
	const char *authserv_id;/* lower-case; for Received-SPF: "" */
	int arc_instance;       /* ARC i= (0 if none) */
	struct pd_auth_method *methods;
	unsigned nmethods;
	const char *raw;        /* unfolded header value */
};

/* ---- body ------------------------------------------------------------ */
enum pd_link_origin {
	PD_LINK_TEXT = 1,       /* found in a text/plain body */
	PD_LINK_HTML_HREF,      /* <a href>, <area href> */
	PD_LINK_HTML_FORM,      /* <form action> */
	PD_LINK_HTML_IMG,       /* <img src> */
	PD_LINK_HTML_META,      /* meta refresh */
	PD_LINK_HTML_BASE,      /* base href */
	PD_LINK_HTML_SCRIPT,    /* a URL string in a script */
	PD_LINK_HTML_OTHER,
};

struct pd_anchor {
	enum pd_link_origin origin;
	const char *href;       /* attribute value as written (entities decoded) */
	const char *text;       /* text the reader sees (whitespace collapsed), "" if none */
	const char *title;      /* title/alt attribute, "" if none */
};

enum pd_part_flags {
	PD_PART_HTML = 1u << 0,
	PD_PART_ATTACHMENT = 1u << 1,
	PD_PART_CHARSET_MISLABELLED = 1u << 2,
	PD_PART_CHARSET_DETECTED = 1u << 3,   /* no or unknown label: guessed */
	PD_PART_INVALID_BYTES = 1u << 4,      /* replacement characters inserted */
	PD_PART_TRUNCATED = 1u << 5,
	PD_PART_IN_FORWARDED = 1u << 6,
};

/* How much of each text part the phrase and brand matchers read. */
#define PD_TEXT_SCAN_MAX (32 * 1024)

struct pd_text_part {
	unsigned part_index;    /* index in msg->parts */
	const char *text;       /* decoded, UTF-8, NFKC-normalised; HTML turned into text */
	size_t len;
	unsigned flags;
	/* base/fold.h form of text[0..PD_TEXT_SCAN_MAX) (cut on a character
	 * boundary), made once for every matcher, with its marks */
	const char *fold;
	size_t fold_len;
	struct pd_fold_marks *fold_marks;
	const char *title;      /* HTML <title> (NFKC), "" if none or not HTML */
};

struct pd_part {
	unsigned index;         /* depth-first order, 0 = the message itself */
	unsigned depth;
	const char *path;       /* "1.2.1"-style MIME part number, "" for the root */
	const char *content_type; /* lower-case "type/subtype" */
	const char *charset_declared; /* as labelled, "" if none */
	const char *charset_used;     /* what we decoded with, "" for non-text */
	const char *encoding;   /* content-transfer-encoding, lower-case, "" if none */
	const char *filename;   /* decoded (RFC 2231 / 2047), "" if none */
	size_t size;            /* decoded size in bytes */
	char sha256[65];        /* hex, of decoded content, for leaf non-text or attachment */
	unsigned flags;
};

struct pd_url {
	const char *raw;        /* as found */
	enum pd_link_origin origin;
	unsigned part_index;
	const char *shown;      /* anchor text for HTML links, "" otherwise */
	const char *scheme;     /* lower-case */
	const char *host;       /* lower-case, IDN in A-label (punycode) form; "" if none */
	const char *host_unicode; /* U-label form for display ("" if same as host) */
	const char *domain;     /* registrable domain (PSL), "" for IPs / unknown */
	const char *path;       /* path+query+fragment as written */
	bool host_is_ip;
	/* IP intelligence for IP-literal hosts (net/intel.c); 0 / "" unknown */
	uint32_t ip_asn;
	const char *ip_org, *ip_country, *ip_city;
	/* link forensics (net/linkdata.c, pd_url_enrich) */
	const char *userinfo;   /* text before '@' in the authority, "" if none */
	int port;               /* explicit port, -1 if none */
	unsigned flags;         /* enum pd_url_flag (net/url.h) */
	const char *lookalike_of; /* protected domain this host imitates, "" if none */
	const char *via;        /* for an unwrapped layer: the rewriter that held it, "" otherwise */
	const struct pd_url *inner; /* the URL this one wraps (SafeLinks, url=...), NULL if none */
};

/* ---- anomalies ------------------------------------------------------ */
struct pd_anomaly {
	const char *code;       /* finding id, e.g. "PARSE_MIME_WARNING" */
	const char *where;      /* header name / part path */
	const char *detail;
};

/* ---- the message ----------------------------------------------------- */
struct pd_header {
	const char *name;       /* as written */
	const char *raw;        /* raw value, unfolded, bounded */
	const char *decoded;    /* RFC 2047 decoded, sanitised UTF-8 */
	unsigned line;          /* 1-based line number of the field in the message */
};

struct pd_msg {
	struct pd_arena *arena;
	const char *source;
	size_t size;

	struct pd_header *headers;
	unsigned nheaders;

	struct pd_addr from;        /* first mailbox of From */
	unsigned from_count;        /* mailboxes in From (more than 1 is odd) */
	struct pd_addr sender, reply_to, return_path;
	struct pd_addr *to;         /* To + Cc recipients */
	unsigned nto;
	const char *subject;        /* decoded */
	const char *subject_raw;
	const char *message_id;     /* without <> */
	const char *date_raw;
	int64_t date;               /* valid if has_date */
	int date_tz_minutes;
	bool has_date;
	const char *delivered_to;   /* Delivered-To / X-Original-To, "" if none */

	struct pd_hop *hops;        /* hops[0] = topmost Received (nearest us) */
	unsigned nhops;
	int origin_hop;             /* index in hops of the origin, -1 unknown */
	const char *origin_reason;  /* why that hop was chosen */

	struct pd_authres *auth;
	unsigned nauth;

	struct pd_part *parts;
	unsigned nparts;
	struct pd_text_part *texts;
	unsigned ntexts;
	struct pd_anchor *anchors;
	unsigned nanchors;
	unsigned *anchor_part;      /* part index of each anchor */
	struct pd_url *urls;
	unsigned nurls;

	struct pd_anomaly *anomalies;
	unsigned nanomalies;

	bool forwarded;             /* analysed message was attached to an outer one */
	struct pd_addr outer_from;  /* the reporter, when forwarded */
	const char *outer_subject;
	/* forwarded inline (fwdinline.c): the original's header block quoted
	 * at the top of the first text; the From above is then the forwarder */
	bool fwd_inline;
	struct pd_addr fwd_from;    /* the quoted original sender ("" fields if none) */
	const char *fwd_subject, *fwd_date; /* as quoted, "" if none */
	unsigned fwd_part, fwd_line; /* part index of that text, line of the block in it */
	size_t fwd_body;            /* offset in that text where the quoted body starts */

	const char *recipient_domain; /* lower-case, our side ("" unknown) */
	const char *recipient_addr;
};

#endif
