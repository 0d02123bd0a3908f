/* catalog.c - the finding catalog table generated from findings.def. */
#include "report/report.h"

#include <string.h>

const struct pd_catalog_entry pd_catalog[PD_F_COUNT] = {
#define X(id, group, sev, w, en, ja) { #id, PD_G_##group, PD_SEV_##sev, w, en, ja },
#include "report/findings.def"
#undef X
};

static const char *const group_names[PD_G_COUNT] = {
	"sender", "route", "auth", "link", "content", "attachment", "mime",
};

const char *pd_group_name(enum pd_group g)
{
	return (unsigned)g < PD_G_COUNT ? group_names[g] : "?";
}

const char *pd_severity_name(enum pd_severity s)
{
	switch (s) {
	case PD_SEV_INFO: return "info";
	case PD_SEV_LOW: return "low";
	case PD_SEV_MEDIUM: return "medium";
	case PD_SEV_HIGH: return "high";
	}
	return "?";
}

int pd_fid_lookup(const char *name)
{
	for (int i = 0; i < PD_F_COUNT; i++)
		if (strcmp(pd_catalog[i].id, name) == 0)
			return i;
	return -1;
}
