/*
 * report_text.c - the report a person reads: per file the verdict first,
 * then what was found and where; a summary line at the end. Long runs of
 * the same rule are cut to a few examples unless SG_REPORT_VERBOSE.
 * Everything from a file (names, headers, values) is printed through
 * sgi_out_safe, so a hostile file name cannot drive the terminal.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

#define EXAMPLES_PER_RULE 5

static const char *colour(const sg_report *rep, const char *code)
{
    return (rep->flags & SG_REPORT_COLOR) ? code : "";
}

#define RESET "\033[0m"

static void human_size(char *buf, size_t n, unsigned long long bytes)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < SGI_ARRAY_LEN(units)) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%llu B", bytes);
    else
        snprintf(buf, n, "%.1f %s", v, units[u]);
}

static void verdict_tag(sg_report *rep, sg_verdict v)
{
    sgi_out *o = &rep->out;
    switch (v) {
    case SG_VERDICT_BLOCK:
        sgi_out_printf(o, "%sBLOCK %s ", colour(rep, "\033[1;31m"), colour(rep, RESET));
        break;
    case SG_VERDICT_REVIEW:
        sgi_out_printf(o, "%sREVIEW%s ", colour(rep, "\033[1;33m"), colour(rep, RESET));
        break;
    case SG_VERDICT_PASS:
        sgi_out_printf(o, "%sPASS  %s ", colour(rep, "\033[32m"), colour(rep, RESET));
        break;
    case SG_VERDICT_ERROR:
        sgi_out_printf(o, "%sERROR %s ", colour(rep, "\033[1;35m"), colour(rep, RESET));
        break;
    case SG_VERDICT_SKIPPED:
        sgi_out_printf(o, "%sSKIP  %s ", colour(rep, "\033[2m"), colour(rep, RESET));
        break;
    }
}

static void where(sgi_out *o, const sg_location *l)
{
    bool any = false;
    if (l->sheet) {
        sgi_out_puts(o, "sheet \"");
        sgi_out_safe(o, l->sheet);
        sgi_out_puts(o, "\"");
        if (l->cell) {
            sgi_out_puts(o, " ");
            sgi_out_safe(o, l->cell);
        }
        any = true;
    } else if (l->slide > 0) {
        sgi_out_printf(o, "slide %lld", l->slide);
        any = true;
    } else if (l->page > 0) {
        sgi_out_printf(o, "page %lld", l->page);
        any = true;
    }
    if (l->revision > 0) {
        sgi_out_printf(o, "%searlier revision %lld", any ? ", " : "", l->revision);
        any = true;
    }
    if (l->has_box) {
        sgi_out_printf(o, "%sbox %.0f,%.0f-%.0f,%.0f", any ? ", " : "", l->box[0], l->box[1],
                       l->box[2], l->box[3]);
        any = true;
    }
    if (l->text_layer) {
        sgi_out_printf(o, "%s", any ? ", " : "");
        sgi_out_safe(o, l->text_layer);
        sgi_out_puts(o, " text");
        any = true;
    }
    if (l->row > 0 && !l->cell) {
        sgi_out_printf(o, "%srow %lld", any ? ", " : "", l->row);
        any = true;
    }
    if (l->column_index > 0 && l->column) {
        sgi_out_printf(o, "%scolumn \"", any ? ", " : "");
        sgi_out_safe(o, l->column);
        sgi_out_puts(o, "\"");
        if (!l->cell)
            sgi_out_printf(o, " (%s)", l->column_letter ? l->column_letter : "?");
        any = true;
    } else if (l->column_index > 0 && !l->cell) {
        sgi_out_printf(o, "%scolumn %s", any ? ", " : "",
                       l->column_letter ? l->column_letter : "?");
        any = true;
    }
    if (l->paragraph > 0) {
        sgi_out_printf(o, "%sparagraph %lld", any ? ", " : "", l->paragraph);
        any = true;
    }
    if (l->line > 0 && l->row <= 0) {
        sgi_out_printf(o, "%sline %lld", any ? ", " : "", l->line);
        if (l->col > 0)
            sgi_out_printf(o, ", col %lld", l->col);
        any = true;
    }
    if (l->part && !l->sheet) {
        sgi_out_printf(o, "%s", any ? " in " : "");
        sgi_out_safe(o, l->part);
        any = true;
    } else if (l->part && strrchr(l->part, '!')) {
        /* a sheet inside an embedded file or an archive member: which one */
        sgi_out_puts(o, " in ");
        char m[1024];
        snprintf(m, sizeof(m), "%.*s", (int)(strrchr(l->part, '!') - l->part) + 1, l->part);
        sgi_out_safe(o, m);
        any = true;
    }
    if (!any)
        sgi_out_puts(o, "whole file");
}

static void finding_line(sg_report *rep, const sg_finding *f)
{
    sgi_out *o = &rep->out;
    const sg_rule_info *ri = sg_rule_find(f->rule);
    sgi_out_printf(o, "    %-26s %-8s ", f->rule, sg_severity_name(f->severity));
    if (f->columns) {
        sgi_out_safe(o, f->message ? f->message : f->match);
        if (f->location.sheet || f->location.part) {
            sgi_out_puts(o, " (");
            where(o, &f->location);
            sgi_out_puts(o, ")");
        }
        if (f->hidden) {
            sgi_out_puts(o, " [hidden: ");
            sgi_out_safe(o, f->hidden_reason ? f->hidden_reason : "yes");
            sgi_out_puts(o, "]");
        }
        sgi_out_puts(o, "\n        columns: ");
        for (size_t c = 0; c < f->ncolumns; c++) {
            if (c)
                sgi_out_puts(o, ", ");
            sgi_out_safe(o, f->columns[c]);
            if (f->column_kinds && strcmp(f->column_kinds[c], "other") != 0)
                sgi_out_printf(o, " (%s)", f->column_kinds[c]);
        }
        sgi_out_puts(o, "\n");
        return;
    }
    where(o, &f->location);
    sgi_out_puts(o, ": ");
    /* hidden content is described by a sentence; values are shown masked */
    bool described = strncmp(f->rule, "hidden.", 7) == 0 && f->message &&
                     !(rep->flags & SG_REPORT_REVEAL);
    sgi_out_safe(o, described ? f->message : sgi_report_value(rep, f));
    if (f->hidden && !described) {
        sgi_out_puts(o, " [hidden: ");
        sgi_out_safe(o, f->hidden_reason ? f->hidden_reason : "yes");
        sgi_out_puts(o, "]");
    }
    if (f->special_category)
        sgi_out_puts(o, " [special category]");
    if (ri && (rep->flags & SG_REPORT_VERBOSE))
        sgi_out_printf(o, "  (%s)", ri->name);
    sgi_out_puts(o, "\n");
}

int sgi_report_text_file(sg_report *rep, const sg_file_result *r)
{
    sgi_out *o = &rep->out;
    char size[32];
    verdict_tag(rep, r->verdict);
    sgi_out_safe(o, r->path);
    if (r->verdict == SG_VERDICT_SKIPPED) {
        sgi_out_puts(o, "  (skipped: ");
        sgi_out_safe(o, r->skip_reason);
        sgi_out_puts(o, ")\n");
        return sgi_report_flush(rep) ? 0 : 1;
    }
    human_size(size, sizeof(size), r->size > 0 ? (unsigned long long)r->size : 0);
    sgi_out_printf(o, "  (%s, %s)\n", r->format ? r->format : "?", size);
    if (r->error) {
        sgi_out_puts(o, "    ");
        sgi_out_safe(o, r->error);
        sgi_out_puts(o, "\n");
    }
    bool verbose = (rep->flags & SG_REPORT_VERBOSE) != 0;
    size_t shown[64] = {0};
    size_t nrules = SGI_MIN(r->nrule_counts, SGI_ARRAY_LEN(shown));
    /* tables of people first: they are what decides a release */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->nfindings; i++) {
            const sg_finding *f = &r->findings[i];
            bool dataset = strncmp(f->rule, "dataset.", 8) == 0;
            if (dataset != (pass == 0))
                continue;
            size_t ri = nrules;
            for (size_t k = 0; k < nrules; k++)
                if (strcmp(sg_rule_at(k)->id, f->rule) == 0)
                    ri = k;
            if (ri < nrules && !verbose && !dataset && shown[ri] >= EXAMPLES_PER_RULE)
                continue;
            if (ri < nrules)
                shown[ri]++;
            finding_line(rep, f);
        }
    }
    for (size_t k = 0; k < nrules; k++) {
        unsigned long long total = r->rule_counts[k];
        if (total > shown[k])
            sgi_out_printf(o, "    %-26s ... %llu more (%llu in all%s)\n", sg_rule_at(k)->id,
                           total - shown[k], total,
                           verbose ? "; raise --max-findings to list them"
                                   : "; --verbose lists more");
    }
    return sgi_report_flush(rep) ? 0 : 1;
}

sg_status sgi_report_text_finish(sg_report *rep, const sg_summary *s)
{
    sgi_out *o = &rep->out;
    char size[32];
    human_size(size, sizeof(size), s->bytes);
    sgi_out_printf(o, "\n%llu file%s: ", s->files, s->files == 1 ? "" : "s");
    sgi_out_printf(o, "%s%llu block%s, ", s->block ? colour(rep, "\033[1;31m") : "", s->block,
                   s->block ? colour(rep, RESET) : "");
    sgi_out_printf(o, "%s%llu review%s, ", s->review ? colour(rep, "\033[1;33m") : "",
                   s->review, s->review ? colour(rep, RESET) : "");
    sgi_out_printf(o, "%llu pass, ", s->pass);
    sgi_out_printf(o, "%s%llu error%s%s", s->errors ? colour(rep, "\033[1;35m") : "", s->errors,
                   s->errors == 1 ? "" : "s", s->errors ? colour(rep, RESET) : "");
    if (s->skipped)
        sgi_out_printf(o, ", %llu skipped", s->skipped);
    sgi_out_printf(o, "; %llu finding%s; %s in %.2f s\n", s->findings,
                   s->findings == 1 ? "" : "s", size, s->seconds);
    return sgi_report_flush(rep) ? SG_OK : SG_E_WRITE;
}
