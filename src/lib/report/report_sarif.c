/*
 * report_sarif.c - SARIF 2.1.0 for code-scanning consumers (GitHub code
 * scanning, Azure DevOps, VS Code's SARIF viewer). One run; every rule of
 * the catalogue in tool.driver.rules; a result per finding; files that
 * could not be read or were skipped as tool execution notifications.
 * Results are streamed; only the notifications wait for the end.
 *
 * Columns count Unicode code points (run.columnKind), as spillguard does.
 * Fingerprints hash the rule and the location, never the value: a hash of
 * a National Insurance number could be reversed by trying them all.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <stdlib.h>
#include <string.h>

static const char *level_of(sg_severity s)
{
    return s >= SG_SEV_HIGH ? "error" : s == SG_SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(sg_severity s)
{
    switch (s) {
    case SG_SEV_CRITICAL:
        return "9.5";
    case SG_SEV_HIGH:
        return "8.0";
    case SG_SEV_MEDIUM:
        return "5.5";
    case SG_SEV_LOW:
        return "3.0";
    default:
        return "1.0";
    }
}

/* A relative reference (RFC 3986) for a path; absolute paths as file://. */
static void uri(sgi_out *o, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    sgi_out_puts(o, "\"");
    if (*p == '/')
        sgi_out_puts(o, "file://");
    for (; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c)) {
            char ch = (char)c;
            sgi_out_put(o, &ch, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sgi_out_put(o, e, 3);
        }
    }
    sgi_out_puts(o, "\"");
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void header(sg_report *rep)
{
    sgi_out *o = &rep->out;
    sgi_out_puts(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
                    "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
                    "\"name\":\"spillguard\",\"version\":\"" SG_VERSION_STRING "\","
                    "\"semanticVersion\":\"" SG_VERSION_STRING "\",\"rules\":[");
    for (size_t i = 0; i < sg_rule_count(); i++) {
        const sg_rule_info *r = sg_rule_at(i);
        if (i)
            sgi_out_puts(o, ",");
        sgi_out_puts(o, "{\"id\":");
        sgi_out_json_str(o, r->id);
        sgi_out_puts(o, ",\"name\":");
        /* a rule name is PascalCase in SARIF convention: "pii.uk_nino" -> "PiiUkNino" */
        char nm[64];
        size_t k = 0;
        bool up = true;
        for (const char *c = r->id; *c && k + 1 < sizeof(nm); c++) {
            if (*c == '.' || *c == '_') {
                up = true;
                continue;
            }
            nm[k++] = up && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
            up = false;
        }
        nm[k] = '\0';
        sgi_out_json_str(o, nm);
        sgi_out_puts(o, ",\"shortDescription\":{\"text\":");
        sgi_out_json_str(o, r->name);
        sgi_out_puts(o, "},\"fullDescription\":{\"text\":");
        sgi_out_json_str(o, r->description);
        sgi_out_puts(o, "},\"help\":{\"text\":");
        sgi_out_json_str(o, r->description);
        sgi_out_printf(o,
                       "},\"defaultConfiguration\":{\"level\":\"%s\"},"
                       "\"properties\":{\"tags\":[\"privacy\",\"personal-data\"],"
                       "\"precision\":\"high\",\"security-severity\":\"%s\"}}",
                       level_of(r->severity), security_severity(r->severity));
    }
    sgi_out_puts(o, "]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[");
    rep->started = true;
}

static void note(sg_report *rep, const char *level, const sg_file_result *r, const char *text)
{
    sgi_out *o = &rep->notes;
    if (o->n)
        sgi_out_puts(o, ",");
    sgi_out_printf(o, "{\"level\":\"%s\",\"message\":{\"text\":", level);
    sgi_out_json_str(o, text);
    sgi_out_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri(o, r->path);
    sgi_out_puts(o, "}}}]}");
}

static void result(sg_report *rep, const sg_file_result *r, const sg_finding *f)
{
    sgi_out *o = &rep->out;
    const sg_location *l = &f->location;
    size_t index = 0;
    const sg_rule_info *ri = NULL;
    for (size_t i = 0; i < sg_rule_count(); i++)
        if (strcmp(sg_rule_at(i)->id, f->rule) == 0) {
            index = i;
            ri = sg_rule_at(i);
        }
    if (rep->results++)
        sgi_out_puts(o, ",");
    sgi_out_puts(o, "{\"ruleId\":");
    sgi_out_json_str(o, f->rule);
    if (ri) /* a custom rule has an id of its own, not in the catalogue */
        sgi_out_printf(o, ",\"ruleIndex\":%zu", index);
    sgi_out_printf(o, ",\"level\":\"%s\",\"message\":{\"text\":", level_of(f->severity));
    sgi_out sub = {0};
    if (f->message) {
        sgi_out_puts(&sub, f->message);
    } else {
        sgi_out_printf(&sub, "%s: %s", ri ? ri->name : f->rule, sgi_report_value(rep, f));
        if (l->sheet && l->cell)
            sgi_out_printf(&sub, " (sheet \"%s\" %s)", l->sheet, l->cell);
        else if (l->slide > 0)
            sgi_out_printf(&sub, " (slide %lld)", l->slide);
        else if (l->page > 0)
            sgi_out_printf(&sub, " (page %lld)", l->page);
        else if (l->row > 0 && l->column)
            sgi_out_printf(&sub, " (row %lld, column \"%s\")", l->row, l->column);
        else if (l->row > 0)
            sgi_out_printf(&sub, " (row %lld, column %s)", l->row,
                           l->column_letter ? l->column_letter : "?");
    }
    if (f->hidden)
        sgi_out_printf(&sub, " [hidden: %s]", f->hidden_reason ? f->hidden_reason : "yes");
    sgi_out_json_str(o, sub.nomem ? f->rule : sub.p);
    free(sub.p);
    sgi_out_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri(o, r->path);
    sgi_out_printf(o, "},\"region\":{\"startLine\":%lld", l->line > 0 ? l->line : 1);
    if (l->col > 0)
        sgi_out_printf(o, ",\"startColumn\":%lld", l->col);
    sgi_out_puts(o, "}}}]");
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, f->rule, strlen(f->rule));
    h = fnv(h, r->path, strlen(r->path));
    long long key[9] = {l->line, l->col, l->row, l->column_index, l->offset, l->slide,
                        l->paragraph, l->page, l->revision};
    h = fnv(h, key, sizeof(key));
    if (l->part)
        h = fnv(h, l->part, strlen(l->part));
    if (l->sheet)
        h = fnv(h, l->sheet, strlen(l->sheet));
    if (l->cell)
        h = fnv(h, l->cell, strlen(l->cell));
    sgi_out_printf(o, ",\"partialFingerprints\":{\"spillguardLocation/v1\":\"%016llx\"",
                   (unsigned long long)h);
    if (f->fingerprint)
        sgi_out_printf(o, ",\"spillguardFinding/v1\":\"%s\"", f->fingerprint);
    sgi_out_puts(o, "}");
    sgi_out_printf(o, ",\"properties\":{\"severity\":\"%s\",\"hidden\":%s,\"match\":",
                   sg_severity_name(f->severity), f->hidden ? "true" : "false");
    sgi_out_json_str(o, f->match);
    if ((rep->flags & SG_REPORT_REVEAL) && f->value) {
        sgi_out_puts(o, ",\"value\":");
        sgi_out_json_str(o, f->value);
    }
    if (l->row > 0)
        sgi_out_printf(o, ",\"row\":%lld", l->row);
    if (l->column_index > 0) {
        sgi_out_puts(o, ",\"column\":");
        sgi_out_json_str(o, l->column);
        sgi_out_printf(o, ",\"column_index\":%lld", l->column_index);
    }
    if (l->offset >= 0)
        sgi_out_printf(o, ",\"offset\":%lld", l->offset);
    static const char *const keys[] = {"part", "sheet", "cell"};
    const char *vals[] = {l->part, l->sheet, l->cell};
    for (size_t k = 0; k < 3; k++) {
        if (vals[k]) {
            sgi_out_printf(o, ",\"%s\":", keys[k]);
            sgi_out_json_str(o, vals[k]);
        }
    }
    if (l->slide > 0)
        sgi_out_printf(o, ",\"slide\":%lld", l->slide);
    if (l->paragraph > 0)
        sgi_out_printf(o, ",\"paragraph\":%lld", l->paragraph);
    if (l->page > 0)
        sgi_out_printf(o, ",\"page\":%lld", l->page);
    if (l->has_box)
        sgi_out_printf(o, ",\"box\":[%.1f,%.1f,%.1f,%.1f]", l->box[0], l->box[1], l->box[2],
                       l->box[3]);
    if (l->revision > 0)
        sgi_out_printf(o, ",\"revision\":%lld", l->revision);
    if (l->text_layer) {
        sgi_out_puts(o, ",\"text_layer\":");
        sgi_out_json_str(o, l->text_layer);
    }
    if (f->special_category)
        sgi_out_puts(o, ",\"special_category\":true");
    if (f->hidden) {
        sgi_out_puts(o, ",\"hidden_reason\":");
        sgi_out_json_str(o, f->hidden_reason);
    }
    if (f->columns) {
        sgi_out_printf(o, ",\"rows\":%lld,\"columns\":[", f->rows);
        for (size_t c = 0; c < f->ncolumns; c++) {
            if (c)
                sgi_out_puts(o, ",");
            sgi_out_json_str(o, f->columns[c]);
        }
        sgi_out_puts(o, "]");
    }
    sgi_out_puts(o, "}}");
}

int sgi_report_sarif_file(sg_report *rep, const sg_file_result *r)
{
    if (!rep->started)
        header(rep);
    if (r->verdict == SG_VERDICT_SKIPPED) {
        char msg[600];
        snprintf(msg, sizeof(msg), "skipped: %s", r->skip_reason ? r->skip_reason : "");
        note(rep, "note", r, msg);
    } else if (r->error) {
        note(rep, "error", r, r->error);
    }
    for (size_t i = 0; i < r->nfindings; i++) {
        result(rep, r, &r->findings[i]);
        if (rep->out.n > (1u << 20) && !sgi_report_flush(rep))
            return 1;
    }
    if (rep->notes.nomem)
        rep->failed = true;
    return sgi_report_flush(rep) ? 0 : 1;
}

sg_status sgi_report_sarif_finish(sg_report *rep, const sg_summary *s)
{
    if (!rep->started)
        header(rep);
    sgi_out *o = &rep->out;
    sgi_out_printf(o, "],\"invocations\":[{\"executionSuccessful\":%s,"
                      "\"toolExecutionNotifications\":[",
                   s->errors ? "false" : "true");
    if (rep->notes.n)
        sgi_out_put(o, rep->notes.p, rep->notes.n);
    sgi_out_printf(o,
                   "]}],\"properties\":{\"summary\":{\"files\":%llu,\"block\":%llu,"
                   "\"review\":%llu,\"pass\":%llu,\"errors\":%llu,\"skipped\":%llu,"
                   "\"findings\":%llu,\"bytes\":%llu,\"seconds\":%.3f}}}]}\n",
                   s->files, s->block, s->review, s->pass, s->errors, s->skipped, s->findings,
                   s->bytes, s->seconds);
    return sgi_report_flush(rep) ? SG_OK : SG_E_WRITE;
}
