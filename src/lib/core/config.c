/*
 * config.c - tuning and suppression: rules switched off or given another
 * severity, allowed values and patterns (PCRE2), baselines of reviewed
 * findings, and the YAML configuration file that sets them (libyaml).
 *
 * All of it lives in the engine, set before sg_engine_compile and read
 * by every thread after (PCRE2 patterns are compiled once, matched with a
 * match block per call).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "../sg_private.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct sgi_allow_pattern {
    int rule; /* -1: any */
    pcre2_code *re;
} sgi_allow_pattern;

#define ALLOW_MATCH_LIMIT 1000000 /* steps of PCRE2's matcher, as for custom rules */

struct sgi_config {
    bool rule_off[SGI_RULE_COUNT];
    int rule_sev[SGI_RULE_COUNT]; /* -1: the rule's own */
    uint64_t *allow;              /* hashes of (rule, value), open addressing */
    size_t nallow, capallow;
    sgi_allow_pattern *pat;
    size_t npat, cappat;
    uint64_t *base; /* fingerprints */
    size_t nbase, capbase;
    /* the allowed patterns' step limit: the values they are matched
     * against come from the documents, and a pattern that backtracks
     * without end must not hang the scan on one */
    pcre2_match_context *mctx;
};

static sgi_config *cfg(sg_engine *e)
{
    if (!e->config) {
        e->config = sgi_calloc(&e->mem, 1, sizeof(sgi_config));
        if (e->config)
            for (int i = 0; i < SGI_RULE_COUNT; i++)
                e->config->rule_sev[i] = -1;
    }
    return e->config;
}

void sgi_config_free(sg_engine *e)
{
    sgi_config *c = e->config;
    if (!c)
        return;
    for (size_t i = 0; i < c->npat; i++)
        pcre2_code_free(c->pat[i].re);
    pcre2_match_context_free(c->mctx);
    sgi_free(&e->mem, c->pat);
    sgi_free(&e->mem, c->allow);
    sgi_free(&e->mem, c->base);
    sgi_free(&e->mem, c);
    e->config = NULL;
}

/* -1 for any rule, -2 for an unknown id. */
static int rule_index(const char *id)
{
    if (!id || !*id || strcmp(id, "*") == 0)
        return -1;
    for (int i = 0; i < SGI_RULE_COUNT; i++)
        if (strcmp(sgi_rules[i].info.id, id) == 0)
            return i;
    return -2;
}

static bool set_add(const sgi_mem *mem, uint64_t **v, size_t *n, size_t *cap, uint64_t k)
{
    k = k ? k : 1;
    if ((*n + 1) * 2 > *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        uint64_t *nv = sgi_calloc(mem, nc, sizeof(uint64_t));
        if (!nv)
            return false;
        for (size_t i = 0; i < *cap; i++) {
            if (!(*v)[i])
                continue;
            size_t j = (size_t)((*v)[i] & (nc - 1));
            while (nv[j])
                j = (j + 1) & (nc - 1);
            nv[j] = (*v)[i];
        }
        sgi_free(mem, *v);
        *v = nv;
        *cap = nc;
    }
    size_t j = (size_t)(k & (*cap - 1));
    while ((*v)[j]) {
        if ((*v)[j] == k)
            return true;
        j = (j + 1) & (*cap - 1);
    }
    (*v)[j] = k;
    (*n)++;
    return true;
}

static bool set_has(const uint64_t *v, size_t cap, uint64_t k)
{
    if (!cap)
        return false;
    k = k ? k : 1;
    size_t j = (size_t)(k & (cap - 1));
    while (v[j]) {
        if (v[j] == k)
            return true;
        j = (j + 1) & (cap - 1);
    }
    return false;
}

/* A value as compared: lower case, no spaces or dashes. */
static uint64_t value_hash(int rule, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(rule + 2) * 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        h ^= c >= 'A' && c <= 'Z' ? c + 32u : c;
        h *= 1099511628211ULL;
    }
    return h;
}

sg_status sg_engine_rule_enable(sg_engine *e, const char *id, int enabled)
{
    if (!e || e->compiled)
        return SG_E_INVALID;
    int r = rule_index(id);
    if (r == -2) {
        snprintf(e->error, sizeof(e->error), "unknown rule '%s'", id ? id : "");
        return SG_E_INVALID;
    }
    sgi_config *c = cfg(e);
    if (!c)
        return SG_E_NOMEM;
    for (int i = 0; i < SGI_RULE_COUNT; i++)
        if (r == -1 || i == r)
            c->rule_off[i] = !enabled;
    return SG_OK;
}

sg_status sg_engine_rule_severity(sg_engine *e, const char *id, sg_severity sev)
{
    if (!e || e->compiled || (unsigned)sev > SG_SEV_CRITICAL)
        return SG_E_INVALID;
    int r = rule_index(id);
    if (r < 0) {
        snprintf(e->error, sizeof(e->error), "unknown rule '%s'", id ? id : "");
        return SG_E_INVALID;
    }
    sgi_config *c = cfg(e);
    if (!c)
        return SG_E_NOMEM;
    c->rule_sev[r] = (int)sev;
    return SG_OK;
}

sg_status sg_engine_allow_value(sg_engine *e, const char *id, const char *value)
{
    if (!e || e->compiled || !value)
        return SG_E_INVALID;
    int r = rule_index(id);
    if (r == -2) {
        snprintf(e->error, sizeof(e->error), "unknown rule '%s'", id ? id : "");
        return SG_E_INVALID;
    }
    sgi_config *c = cfg(e);
    if (!c)
        return SG_E_NOMEM;
    return set_add(&e->mem, &c->allow, &c->nallow, &c->capallow,
                   value_hash(r, value, strlen(value)))
               ? SG_OK
               : SG_E_NOMEM;
}

sg_status sg_engine_allow_pattern(sg_engine *e, const char *id, const char *pattern)
{
    if (!e || e->compiled || !pattern)
        return SG_E_INVALID;
    int r = rule_index(id);
    if (r == -2) {
        snprintf(e->error, sizeof(e->error), "unknown rule '%s'", id ? id : "");
        return SG_E_INVALID;
    }
    sgi_config *c = cfg(e);
    if (!c)
        return SG_E_NOMEM;
    int err;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &err, &at,
                                   NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(err, msg, sizeof(msg));
        snprintf(e->error, sizeof(e->error), "pattern '%s' at %zu: %s", pattern, (size_t)at,
                 (const char *)msg);
        return SG_E_INVALID;
    }
    if (!c->mctx) {
        c->mctx = pcre2_match_context_create(NULL);
        if (c->mctx)
            pcre2_set_match_limit(c->mctx, ALLOW_MATCH_LIMIT);
    }
    if (!c->mctx || !sgi_grow(&e->mem, (void **)&c->pat, &c->cappat, c->npat + 1,
                              sizeof(sgi_allow_pattern))) {
        pcre2_code_free(re);
        return SG_E_NOMEM;
    }
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* the interpreter if refused */
    c->pat[c->npat].rule = r;
    c->pat[c->npat].re = re;
    c->npat++;
    return SG_OK;
}

static bool parse_hex64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = 0;
    for (; *s && n < 16; s++, n++) {
        char c = *s;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15)
            return false;
        v = v << 4 | d;
    }
    if (n != 16)
        return false;
    *out = v;
    return true;
}

sg_status sg_engine_baseline_add(sg_engine *e, const char *fp)
{
    if (!e || e->compiled || !fp)
        return SG_E_INVALID;
    uint64_t k;
    if (!parse_hex64(fp, &k)) {
        snprintf(e->error, sizeof(e->error), "not a fingerprint: '%.40s'", fp);
        return SG_E_INVALID;
    }
    sgi_config *c = cfg(e);
    if (!c)
        return SG_E_NOMEM;
    return set_add(&e->mem, &c->base, &c->nbase, &c->capbase, k) ? SG_OK : SG_E_NOMEM;
}

sg_status sg_engine_load_baseline(sg_engine *e, const char *path)
{
    if (!e || e->compiled || !path)
        return SG_E_INVALID;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(e->error, sizeof(e->error), "%s: %s", path, strerror(errno));
        return SG_E_OPEN;
    }
    /* JSON Lines that spillguard wrote: only "fingerprint":"<16 hex>" */
    static const char key[] = "\"fingerprint\":\"";
    char *line = NULL;
    size_t cap = 0;
    sg_status st = SG_OK;
    unsigned long long n = 0;
    while (st == SG_OK && getline(&line, &cap, f) >= 0) {
        const char *p = strstr(line, key);
        if (!p)
            continue;
        char fp[17];
        memcpy(fp, p + sizeof(key) - 1, 16);
        fp[16] = '\0';
        st = sg_engine_baseline_add(e, fp);
        n++;
    }
    free(line);
    if (ferror(f) && st == SG_OK) {
        snprintf(e->error, sizeof(e->error), "%s: read error", path);
        st = SG_E_IO;
    }
    fclose(f);
    if (st == SG_OK && n == 0) {
        snprintf(e->error, sizeof(e->error),
                 "%s: no fingerprints (a JSON Lines report of spillguard 0.1 or later?)", path);
        st = SG_E_INVALID;
    }
    return st;
}

/* ---------------------------------------------------------- judging */

/* The finding's fingerprint: what names it apart from where it is in the
 * file, so that edits elsewhere leave it the same. */
uint64_t sgi_fingerprint(int rule, const char *path, const sg_location *loc, const char *value,
                         size_t vlen)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    uint64_t h = 0;
    if (!x)
        return 0;
    if (EVP_DigestInit_ex(x, sgi_sha256(), NULL) == 1) {
        const char *parts[] = {sgi_rules[rule].info.id, path ? path : "",
                               loc && loc->part ? loc->part : "",
                               loc && loc->sheet ? loc->sheet : "",
                               loc && loc->column ? loc->column : ""};
        for (size_t i = 0; i < SGI_ARRAY_LEN(parts); i++)
            EVP_DigestUpdate(x, parts[i], strlen(parts[i]) + 1);
        /* the value as compared: lower case, no spaces */
        char buf[256];
        size_t k = 0;
        for (size_t i = 0; i < vlen; i++) {
            unsigned char c = (unsigned char)value[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                continue;
            buf[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (k == sizeof(buf)) {
                EVP_DigestUpdate(x, buf, k);
                k = 0;
            }
        }
        EVP_DigestUpdate(x, buf, k);
        if (EVP_DigestFinal_ex(x, md, &mdlen) == 1 && mdlen >= 8)
            for (int i = 0; i < 8; i++)
                h = h << 8 | md[i];
    }
    EVP_MD_CTX_free(x);
    return h;
}

bool sgi_config_rule_off(const sg_engine *e, int rule)
{
    return e->config && e->config->rule_off[rule];
}

int sgi_config_severity(const sg_engine *e, int rule)
{
    return e->config ? e->config->rule_sev[rule] : -1;
}

bool sgi_config_has_baseline(const sg_engine *e)
{
    return e->config && e->config->nbase;
}

bool sgi_config_in_baseline(const sg_engine *e, uint64_t fp)
{
    return e->config && set_has(e->config->base, e->config->capbase, fp);
}

bool sgi_config_allowed(const sg_engine *e, int rule, const char *v, size_t n, void **scratch)
{
    const sgi_config *c = e->config;
    if (!c)
        return false;
    if (c->nallow && (set_has(c->allow, c->capallow, value_hash(rule, v, n)) ||
                      set_has(c->allow, c->capallow, value_hash(-1, v, n))))
        return true;
    if (!c->npat)
        return false;
    /* one match data for every call: made for each, with the frames
     * pcre2_match then allocates, it was a fifth of a dense file's scan */
    pcre2_match_data *md = *scratch;
    if (!md) {
        md = pcre2_match_data_create(1, NULL);
        if (!md)
            return false;
        *scratch = md;
    }
    for (size_t i = 0; i < c->npat; i++) {
        if (c->pat[i].rule != -1 && c->pat[i].rule != rule)
            continue;
        /* past the step limit: not allowed, so the finding is reported */
        if (pcre2_match(c->pat[i].re, (PCRE2_SPTR)v, n, 0, 0, md, c->mctx) >= 0)
            return true;
    }
    return false;
}

void sgi_config_scratch_free(void **scratch)
{
    pcre2_match_data_free(*scratch);
    *scratch = NULL;
}

/* --------------------------------------------------------------- YAML */

typedef struct yload {
    sg_engine *e;
    yaml_document_t doc;
    const char *path;
    sg_status st;
} yload;

static sg_status yfail(yload *y, const yaml_node_t *n, const char *fmt, ...) SGI_PRINTF(3, 4);

static sg_status yfail(yload *y, const yaml_node_t *n, const char *fmt, ...)
{
    if (y->st == SG_OK) {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        snprintf(y->e->error, sizeof(y->e->error), "%s:%zu: %s", y->path,
                 n ? (size_t)n->start_mark.line + 1 : (size_t)0, msg);
        y->st = SG_E_INVALID;
    }
    return y->st;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(yload *y, yaml_node_item_t i)
{
    return yaml_document_get_node(&y->doc, i);
}

static int severity_of(const char *s)
{
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i < 5; i++)
        if (s && strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

static bool truth(const char *s, bool *v)
{
    if (!s)
        return false;
    if (!strcasecmp(s, "on") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) {
        *v = true;
        return true;
    }
    if (!strcasecmp(s, "off") || !strcasecmp(s, "false") || !strcasecmp(s, "no")) {
        *v = false;
        return true;
    }
    return false;
}

/* allow: values: [...] / patterns: [...], or a rule id mapping to those */
static void y_allow_list(yload *y, const char *rule, yaml_node_t *m)
{
    if (!m || m->type != YAML_MAPPING_NODE) {
        yfail(y, m, "%s: expected 'values:' and 'patterns:' lists", "allow");
        return;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(y, p->key));
        yaml_node_t *v = node(y, p->value);
        bool values = k && strcmp(k, "values") == 0, pats = k && strcmp(k, "patterns") == 0;
        if (!values && !pats) {
            if (k && rule_index(k) >= 0 && !rule) {
                y_allow_list(y, k, v); /* allow: pii.uk_phone: values: [...] */
                continue;
            }
            yfail(y, node(y, p->key), "allow: unknown key '%s'", k ? k : "?");
            return;
        }
        if (!v || v->type != YAML_SEQUENCE_NODE) {
            yfail(y, v, "allow: %s must be a list", k ? k : "?");
            return;
        }
        for (yaml_node_item_t *it = v->data.sequence.items.start;
             it < v->data.sequence.items.top; it++) {
            const char *s = scalar(node(y, *it));
            if (!s) {
                yfail(y, node(y, *it), "allow: %s holds something that is not text", k ? k : "?");
                return;
            }
            sg_status st = values ? sg_engine_allow_value(y->e, rule, s)
                                  : sg_engine_allow_pattern(y->e, rule, s);
            if (st != SG_OK) {
                char why[256];
                snprintf(why, sizeof(why), "%s", y->e->error);
                yfail(y, node(y, *it), "allow: %s", why);
                return;
            }
        }
    }
}

static void y_rules(yload *y, yaml_node_t *m)
{
    if (!m || m->type != YAML_MAPPING_NODE) {
        yfail(y, m, "%s: expected a mapping of rule ids", "rules");
        return;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *id = scalar(node(y, p->key));
        yaml_node_t *v = node(y, p->value);
        if (!id || (rule_index(id) == -2)) {
            yfail(y, node(y, p->key), "rules: unknown rule '%s' (spillguard rules lists them)",
                  id ? id : "?");
            return;
        }
        bool on;
        if (truth(scalar(v), &on)) { /* pii.ip_address: off */
            sg_engine_rule_enable(y->e, id, on);
            continue;
        }
        if (severity_of(scalar(v)) >= 0) { /* pii.uk_postcode: info */
            sg_engine_rule_severity(y->e, id, (sg_severity)severity_of(scalar(v)));
            continue;
        }
        if (!v || v->type != YAML_MAPPING_NODE) {
            yfail(y, v, "rules: %s takes on, off, a severity, or enabled:/severity:", id ? id : "?");
            return;
        }
        for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top;
             q++) {
            const char *k = scalar(node(y, q->key));
            const char *val = scalar(node(y, q->value));
            if (k && strcmp(k, "enabled") == 0 && truth(val, &on)) {
                sg_engine_rule_enable(y->e, id, on);
            } else if (k && strcmp(k, "severity") == 0 && severity_of(val) >= 0) {
                sg_engine_rule_severity(y->e, id, (sg_severity)severity_of(val));
            } else {
                yfail(y, node(y, q->key), "rules: '%s' is not enabled: or severity:", k ? k : "?");
                return;
            }
        }
    }
}

static void y_thresholds(yload *y, yaml_node_t *m)
{
    static const struct {
        const char *key;
        sg_option opt;
    } keys[] = {{"table_min_rows", SG_OPT_TABLE_MIN_ROWS},
                {"small_counts", SG_OPT_SMALL_COUNT},
                {"min_k", SG_OPT_MIN_K},
                {"max_findings", SG_OPT_MAX_FINDINGS_PER_RULE}};
    if (!m || m->type != YAML_MAPPING_NODE) {
        yfail(y, m, "%s: expected a mapping", "thresholds");
        return;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(y, p->key));
        const char *v = scalar(node(y, p->value));
        size_t i = 0;
        while (i < SGI_ARRAY_LEN(keys) && !(k && strcmp(k, keys[i].key) == 0))
            i++;
        char *end = NULL;
        unsigned long long n = v ? strtoull(v, &end, 10) : 0;
        if (i == SGI_ARRAY_LEN(keys)) {
            yfail(y, node(y, p->key), "thresholds: unknown '%s'", k ? k : "?");
            return;
        }
        if (!v || !*v || *end || *v == '-' || sg_engine_set(y->e, keys[i].opt, n) != SG_OK) {
            yfail(y, node(y, p->value), "thresholds: %s takes a number in range", k ? k : "?");
            return;
        }
    }
}

/* custom: - {id:, name:, pattern:, check:, context: [...], severity:, whole_words:} */
static void y_custom(yload *y, yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE) {
        yfail(y, seq, "%s", "custom: expected a list of rules");
        return;
    }
    for (yaml_node_item_t *it = seq->data.sequence.items.start;
         it < seq->data.sequence.items.top && y->st == SG_OK; it++) {
        yaml_node_t *m = node(y, *it);
        if (!m || m->type != YAML_MAPPING_NODE) {
            yfail(y, m, "%s", "custom: each rule is a mapping (id:, pattern:, ...)");
            return;
        }
        sg_custom_rule r;
        memset(&r, 0, sizeof(r));
        r.severity = SG_SEV_MEDIUM;
        r.whole_words = 1;
        const char *ctx[33];
        size_t nctx = 0;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
             p++) {
            const char *k = scalar(node(y, p->key));
            yaml_node_t *v = node(y, p->value);
            const char *val = scalar(v);
            bool b;
            if (k && strcmp(k, "id") == 0 && val) {
                r.id = val;
            } else if (k && strcmp(k, "name") == 0 && val) {
                r.name = val;
            } else if (k && strcmp(k, "pattern") == 0 && val) {
                r.pattern = val;
            } else if (k && strcmp(k, "check") == 0 && val) {
                r.check = val;
            } else if (k && strcmp(k, "severity") == 0 && severity_of(val) >= 0) {
                r.severity = (sg_severity)severity_of(val);
            } else if (k && strcmp(k, "whole_words") == 0 && truth(val, &b)) {
                r.whole_words = b;
            } else if (k && strcmp(k, "context") == 0 && v && v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *w = v->data.sequence.items.start;
                     w < v->data.sequence.items.top; w++) {
                    const char *word = scalar(node(y, *w));
                    if (!word || nctx == 32) {
                        yfail(y, node(y, *w), "%s", "custom: context is up to 32 words");
                        return;
                    }
                    ctx[nctx++] = word;
                }
            } else {
                yfail(y, node(y, p->key), "custom: '%s' is not id, name, pattern, check, "
                      "context, severity or whole_words (or its value is wrong)",
                      k ? k : "?");
                return;
            }
        }
        ctx[nctx] = NULL;
        r.context = nctx ? ctx : NULL;
        if (!r.id || !r.pattern) {
            yfail(y, m, "%s", "custom: a rule needs an id: and a pattern:");
            return;
        }
        if (sg_engine_add_rule(y->e, &r) != SG_OK) {
            char why[256];
            snprintf(why, sizeof(why), "%s", y->e->error);
            yfail(y, m, "%s", why);
            return;
        }
    }
}

/* Load from a parser whose input is set; name labels messages. */
static sg_status load(sg_engine *e, yaml_parser_t *parser, const char *name)
{
    yload y;
    memset(&y, 0, sizeof(y));
    y.e = e;
    y.path = name;
    if (!yaml_parser_load(parser, &y.doc)) {
        snprintf(e->error, sizeof(e->error), "%s:%zu: %s", name,
                 (size_t)parser->problem_mark.line + 1,
                 parser->problem ? parser->problem : "not YAML");
        return SG_E_INVALID;
    }
    yaml_node_t *root = yaml_document_get_root_node(&y.doc);
    if (root && root->type != YAML_MAPPING_NODE) {
        yfail(&y, root, "%s", "the file must be a mapping (version:, allow:, rules:, thresholds:)");
    } else if (root) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top && y.st == SG_OK; p++) {
            const char *k = scalar(node(&y, p->key));
            yaml_node_t *v = node(&y, p->value);
            if (k && strcmp(k, "version") == 0) {
                if (!scalar(v) || strcmp(scalar(v), "1") != 0)
                    yfail(&y, v, "%s", "version: only 1 is known");
            } else if (k && strcmp(k, "allow") == 0) {
                y_allow_list(&y, NULL, v);
            } else if (k && strcmp(k, "rules") == 0) {
                y_rules(&y, v);
            } else if (k && strcmp(k, "thresholds") == 0) {
                y_thresholds(&y, v);
            } else if (k && strcmp(k, "custom") == 0) {
                y_custom(&y, v);
            } else {
                yfail(&y, node(&y, p->key), "unknown key '%s'", k ? k : "?");
            }
        }
    }
    yaml_document_delete(&y.doc);
    return y.st;
}

sg_status sg_engine_load_config(sg_engine *e, const char *path)
{
    if (!e || e->compiled || !path)
        return SG_E_INVALID;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(e->error, sizeof(e->error), "%s: %s", path, strerror(errno));
        return SG_E_OPEN;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return SG_E_NOMEM;
    }
    yaml_parser_set_input_file(&parser, f);
    sg_status st = load(e, &parser, path);
    yaml_parser_delete(&parser);
    fclose(f);
    return st;
}

sg_status sg_engine_load_config_buffer(sg_engine *e, const char *data, size_t len,
                                       const char *name)
{
    if (!e || e->compiled || (!data && len))
        return SG_E_INVALID;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return SG_E_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)(data ? data : ""), len);
    sg_status st = load(e, &parser, name ? name : "(configuration)");
    yaml_parser_delete(&parser);
    return st;
}
