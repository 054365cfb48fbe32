/*
 * report_jsonl.c - JSON Lines, the machine format (docs/FORMAT.md).
 * Per file: a "file" record, then its "finding" records; last, one
 * "summary" record. Field names are a public contract: add, never rename.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#include "../sg_private.h"

#include <string.h>

static void location(sgi_out *o, const sg_location *l)
{
    bool first = true;
#define SEP() (first ? (first = false, "") : ",")
    sgi_out_puts(o, "{");
    if (l->line > 0)
        sgi_out_printf(o, "%s\"line\":%lld", SEP(), l->line);
    if (l->col > 0)
        sgi_out_printf(o, "%s\"col\":%lld", SEP(), l->col);
    if (l->offset >= 0)
        sgi_out_printf(o, "%s\"offset\":%lld", SEP(), l->offset);
    if (l->row > 0)
        sgi_out_printf(o, "%s\"row\":%lld", SEP(), l->row);
    if (l->column_index > 0) {
        sgi_out_printf(o, "%s\"column\":", SEP());
        sgi_out_json_str(o, l->column);
        sgi_out_printf(o, ",\"column_index\":%lld", l->column_index);
        if (l->column_letter) {
            sgi_out_puts(o, ",\"column_letter\":");
            sgi_out_json_str(o, l->column_letter);
        }
    }
    if (l->part) {
        sgi_out_printf(o, "%s\"part\":", SEP());
        sgi_out_json_str(o, l->part);
    }
    if (l->sheet) {
        sgi_out_printf(o, "%s\"sheet\":", SEP());
        sgi_out_json_str(o, l->sheet);
    }
    if (l->cell) {
        sgi_out_printf(o, "%s\"cell\":", SEP());
        sgi_out_json_str(o, l->cell);
    }
    if (l->slide > 0)
        sgi_out_printf(o, "%s\"slide\":%lld", SEP(), l->slide);
    if (l->paragraph > 0)
        sgi_out_printf(o, "%s\"paragraph\":%lld", SEP(), l->paragraph);
    if (l->page > 0)
        sgi_out_printf(o, "%s\"page\":%lld", SEP(), l->page);
    if (l->has_box)
        sgi_out_printf(o, "%s\"box\":[%.1f,%.1f,%.1f,%.1f]", SEP(), l->box[0], l->box[1],
                       l->box[2], l->box[3]);
    if (l->revision > 0)
        sgi_out_printf(o, "%s\"revision\":%lld", SEP(), l->revision);
    if (l->text_layer) {
        sgi_out_printf(o, "%s\"text_layer\":", SEP());
        sgi_out_json_str(o, l->text_layer);
    }
#undef SEP
    sgi_out_puts(o, "}");
}

int sgi_report_jsonl_file(sg_report *rep, const sg_file_result *r)
{
    sgi_out *o = &rep->out;
    sgi_out_puts(o, "{\"type\":\"file\",\"path\":");
    sgi_out_json_str(o, r->path);
    sgi_out_puts(o, ",\"format\":");
    sgi_out_json_str(o, r->format);
    sgi_out_puts(o, ",\"encoding\":");
    sgi_out_json_str(o, r->encoding);
    if (r->size >= 0)
        sgi_out_printf(o, ",\"size\":%lld", r->size);
    else
        sgi_out_puts(o, ",\"size\":null");
    sgi_out_puts(o, ",\"sha256\":");
    sgi_out_json_str(o, r->sha256);
    sgi_out_printf(o, ",\"verdict\":\"%s\",\"findings\":%llu,\"findings_listed\":%zu",
                   sg_verdict_name(r->verdict), r->findings_total, r->nfindings);
    sgi_out_puts(o, ",\"error\":");
    sgi_out_json_str(o, r->error);
    sgi_out_puts(o, ",\"skipped\":");
    sgi_out_json_str(o, r->skip_reason);
    if (r->suppressed)
        sgi_out_printf(o, ",\"suppressed\":%llu", r->suppressed);
    sgi_out_puts(o, "}\n");

    for (size_t i = 0; i < r->nfindings; i++) {
        const sg_finding *f = &r->findings[i];
        sgi_out_puts(o, "{\"type\":\"finding\",\"path\":");
        sgi_out_json_str(o, r->path);
        sgi_out_puts(o, ",\"rule\":");
        sgi_out_json_str(o, f->rule);
        sgi_out_printf(o, ",\"severity\":\"%s\",\"hidden\":%s,",
                       sg_severity_name(f->severity), f->hidden ? "true" : "false");
        if (f->hidden) {
            sgi_out_puts(o, "\"hidden_reason\":");
            sgi_out_json_str(o, f->hidden_reason);
            sgi_out_puts(o, ",");
        }
        if (f->special_category)
            sgi_out_puts(o, "\"special_category\":true,");
        sgi_out_puts(o, "\"location\":");
        location(o, &f->location);
        sgi_out_puts(o, ",\"match\":");
        sgi_out_json_str(o, f->match);
        if (f->fingerprint) {
            sgi_out_puts(o, ",\"fingerprint\":");
            sgi_out_json_str(o, f->fingerprint);
        }
        if ((rep->flags & SG_REPORT_REVEAL) && f->value) {
            sgi_out_puts(o, ",\"value\":");
            sgi_out_json_str(o, f->value);
        }
        if (f->message) {
            sgi_out_puts(o, ",\"message\":");
            sgi_out_json_str(o, f->message);
        }
        if (f->columns) {
            sgi_out_printf(o, ",\"rows\":%lld,\"columns\":[", f->rows);
            for (size_t c = 0; c < f->ncolumns; c++) {
                if (c)
                    sgi_out_puts(o, ",");
                sgi_out_json_str(o, f->columns[c]);
            }
            sgi_out_puts(o, "]");
            if (f->column_kinds) {
                sgi_out_puts(o, ",\"column_kinds\":[");
                for (size_t c = 0; c < f->ncolumns; c++) {
                    if (c)
                        sgi_out_puts(o, ",");
                    sgi_out_json_str(o, f->column_kinds[c]);
                }
                sgi_out_puts(o, "]");
            }
        }
        sgi_out_puts(o, "}\n");
        /* flush now and then: a file's findings are capped, but large */
        if (o->n > (1u << 20) && !sgi_report_flush(rep))
            return 1;
    }
    return sgi_report_flush(rep) ? 0 : 1;
}

sg_status sgi_report_jsonl_finish(sg_report *rep, const sg_summary *s)
{
    sgi_out_printf(&rep->out,
                   "{\"type\":\"summary\",\"files\":%llu,\"block\":%llu,\"review\":%llu,"
                   "\"pass\":%llu,\"errors\":%llu,\"skipped\":%llu,\"findings\":%llu,"
                   "\"bytes\":%llu,\"seconds\":%.3f}\n",
                   s->files, s->block, s->review, s->pass, s->errors, s->skipped, s->findings,
                   s->bytes, s->seconds);
    return sgi_report_flush(rep) ? SG_OK : SG_E_WRITE;
}
