/*
 * status.c - the permanent tables: status messages, severity and verdict
 * names, the rule catalogue, and which verdict a finding asks for.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

const char *sg_version(void)
{
    return SG_VERSION_STRING;
}

const char *sg_strerror(sg_status st)
{
    switch (st) {
    case SG_OK:
        return "success";
    case SG_E_NOMEM:
        return "out of memory";
    case SG_E_INVALID:
        return "invalid argument";
    case SG_E_OPEN:
        return "cannot open";
    case SG_E_IO:
        return "read error";
    case SG_E_FORMAT:
        return "damaged or malformed input";
    case SG_E_UNSUPPORTED:
        return "format not supported";
    case SG_E_LIMIT:
        return "limit reached";
    case SG_E_ENGINE:
        return "pattern engine failure";
    case SG_E_WRITE:
        return "write error";
    case SG_E_THREAD:
        return "cannot start thread";
    case SG_E_ABORTED:
        return "aborted";
    case SG_E_NOT_CLEAN:
        return "hidden content remained after cleaning";
    }
    return "unknown status";
}

const char *sg_severity_name(sg_severity sev)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    return (unsigned)sev < SGI_ARRAY_LEN(names) ? names[sev] : "unknown";
}

const char *sg_verdict_name(sg_verdict v)
{
    static const char *const names[] = {"pass", "review", "block", "error", "skipped"};
    return (unsigned)v < SGI_ARRAY_LEN(names) ? names[v] : "unknown";
}

const sgi_rule_def sgi_rules[SGI_RULE_COUNT] = {
#define SGI_RULE(e, id, name, sev, mask, desc) {{id, name, desc, sev}, mask},
#include "../detectors/rules.def"
#undef SGI_RULE
};

size_t sg_rule_count(void)
{
    return SGI_RULE_COUNT;
}

const sg_rule_info *sg_rule_at(size_t i)
{
    return i < SGI_RULE_COUNT ? &sgi_rules[i].info : NULL;
}

const sg_rule_info *sg_rule_find(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < SGI_RULE_COUNT; i++)
        if (strcmp(sgi_rules[i].info.id, id) == 0)
            return &sgi_rules[i].info;
    return NULL;
}

/*
 * The verdict rules, in one place. A whole table of people blocks a
 * release wherever it is; personal data hidden from the reader blocks it;
 * visible personal data, hidden content without personal data, metadata
 * (even naming a person), small counts and tables that may single people
 * out ask for a review.
 */
sg_verdict sgi_rule_verdict(int rule, unsigned flags)
{
    const char *id = sgi_rules[rule].info.id;
    if (rule == SGI_R_DATASET_PERSONAL)
        return SG_VERDICT_BLOCK;
    if (sgi_id_is_pii(id) || strncmp(id, "custom.", 7) == 0)
        return (flags & SGI_F_HIDDEN) && !(flags & SGI_F_META) ? SG_VERDICT_BLOCK
                                                               : SG_VERDICT_REVIEW;
    return SG_VERDICT_REVIEW;
}
