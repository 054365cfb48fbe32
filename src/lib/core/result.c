/*
 * result.c - one file's result as it is built: findings with their values
 * copied and masked into the result's arena, exact counts per rule, a cap
 * on how many are listed (memory stays bounded on a file with millions of
 * findings), and the verdict.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

void sgi_result_init(sgi_result *r, const sgi_mem *mem)
{
    memset(r, 0, sizeof(*r));
    sgi_arena_init(&r->arena, mem);
    sgi_result_reset(r);
}

void sgi_result_reset(sgi_result *r)
{
    sgi_arena_reset(&r->arena);
    memset(&r->pub, 0, sizeof(r->pub));
    r->pub.size = -1;
    r->nfindings = 0;
    memset(r->counts, 0, sizeof(r->counts));
    r->sha256[0] = '\0';
    r->nomem = false;
    r->worst = SG_VERDICT_PASS;
}

void sgi_result_free(sgi_result *r)
{
    sgi_config_scratch_free(&r->allow_scratch);
    sgi_arena_free(&r->arena);
    sgi_free(r->arena.mem, r->findings);
    r->findings = NULL;
    r->capfindings = 0;
}

void sgi_result_set_path(sgi_result *r, const char *path)
{
    r->pub.path = sgi_arena_strndup(&r->arena, path, strlen(path));
    if (!r->pub.path)
        r->pub.path = "(out of memory)";
}

void sgi_result_error(sgi_result *r, sg_status st, const char *fmt, ...)
{
    if (r->pub.status != SG_OK) /* the first error is the cause */
        return;
    r->pub.status = st;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->pub.error = sgi_arena_strndup(&r->arena, msg, strlen(msg));
    if (!r->pub.error)
        r->pub.error = sg_strerror(st);
}

sg_finding *sgi_result_add(sgi_result *r, const sg_engine *eng, int rule, unsigned flags,
                           const char *reason, const char *value, size_t vlen,
                           const char *masked, const sg_location *loc)
{
    /* configuration: a rule switched off, an allowed value, a finding
     * reviewed before (in the baseline) */
    uint64_t fp = 0;
    if (eng->config) {
        if (sgi_config_rule_off(eng, rule))
            return NULL;
        if (sgi_config_allowed(eng, rule, value, vlen, &r->allow_scratch)) {
            r->pub.suppressed++;
            return NULL;
        }
        if (sgi_config_has_baseline(eng)) {
            fp = sgi_fingerprint(rule, r->pub.path, loc, value, vlen);
            if (sgi_config_in_baseline(eng, fp)) {
                r->pub.suppressed++;
                return NULL;
            }
        }
    }
    r->counts[rule]++;
    r->pub.findings_total++;
    /* a rule's verdict for visible findings is the same every time */
    if (r->counts[rule] == 1 || flags) {
        sg_verdict v = sgi_rule_verdict(rule, flags);
        if (v > r->worst)
            r->worst = v;
    }
    if (eng->opt_max_findings && r->counts[rule] > eng->opt_max_findings)
        return NULL;
    const sgi_mem *mem = r->arena.mem;
    if (!sgi_grow(mem, (void **)&r->findings, &r->capfindings, r->nfindings + 1,
                  sizeof(sg_finding))) {
        r->nomem = true;
        return NULL;
    }
    char *val = sgi_arena_strndup(&r->arena, value, vlen);
    char *m = masked ? sgi_arena_strndup(&r->arena, masked, strlen(masked))
                     : sgi_arena_alloc(&r->arena, vlen + 1);
    if (!val || !m) {
        r->nomem = true;
        return NULL;
    }
    if (!masked)
        sgi_mask(sgi_rules[rule].mask, value, vlen, m);
    sg_finding *f = &r->findings[r->nfindings++];
    memset(f, 0, sizeof(*f));
    f->rule = sgi_rules[rule].info.id;
    f->severity = sgi_rules[rule].info.severity;
    f->hidden = (flags & SGI_F_HIDDEN) != 0;
    int sev = sgi_config_severity(eng, rule);
    if (sev >= 0)
        f->severity = (sg_severity)sev;
    if (rule >= SGI_R_CUSTOM_0 && (size_t)(rule - SGI_R_CUSTOM_0) < eng->ncustom) {
        const sgi_custom *c = &eng->custom[rule - SGI_R_CUSTOM_0];
        f->rule = c->id; /* the engine outlives its results' reports */
        f->severity = (sg_severity)c->severity;
    }
    if (!fp)
        fp = sgi_fingerprint(rule, r->pub.path, loc, value, vlen);
    char *hex = sgi_arena_alloc(&r->arena, 17); /* "%016llx", without printf's cost */
    if (hex) {
        for (int i = 15; i >= 0; i--, fp >>= 4)
            hex[i] = "0123456789abcdef"[fp & 15];
        hex[16] = '\0';
    }
    f->fingerprint = hex;
    if ((flags & SGI_F_SPECIAL) && sgi_id_is_pii(f->rule)) {
        f->special_category = 1;
        if (f->severity < SG_SEV_CRITICAL)
            f->severity = (sg_severity)(f->severity + 1);
    }
    f->hidden_reason = f->hidden ? reason : NULL;
    f->value = val;
    f->match = m;
    if (loc) {
        f->location = *loc;
    } else {
        f->location.offset = -1;
    }
    return f;
}

void sgi_result_rejudge(sgi_result *r, const sg_finding *f, unsigned flags)
{
    for (int k = 0; k < SGI_RULE_COUNT; k++) {
        if (sgi_rules[k].info.id == f->rule) {
            sg_verdict v = sgi_rule_verdict(k, flags);
            if (v > r->worst)
                r->worst = v;
            return;
        }
    }
}

void sgi_result_seal(sgi_result *r)
{
    r->pub.findings = r->findings;
    r->pub.nfindings = r->nfindings;
    r->pub.nrule_counts = SGI_RULE_COUNT;
    r->pub.rule_counts = r->counts;
    if (r->nomem && r->pub.status == SG_OK)
        sgi_result_error(r, SG_E_NOMEM, "out of memory while storing findings");
    if (r->pub.skip_reason)
        r->pub.verdict = SG_VERDICT_SKIPPED;
    else if (r->pub.status != SG_OK)
        r->pub.verdict = SG_VERDICT_ERROR;
    else
        r->pub.verdict = r->worst;
    if (r->sha256[0])
        r->pub.sha256 = r->sha256;
}
