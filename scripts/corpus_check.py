#!/usr/bin/python3
"""Scan a corpus directory and check that every hidden feature its
SOURCES.md confirms (per-source tables) is reported.

    scripts/corpus_check.py [CORPUS] [--bin build/spillguard] [--formats xlsx,docx,...]

CORPUS defaults to ../shared/corpus/real. Prints, for each curated file of
the formats read today, the features confirmed and whether spillguard
reported them; exits 1 if one is missed. Features of formats not read yet
(XLS, DOC, PPT, XLSB) are not counted. Linearized PDFs (two %%EOF, no
update) must not be reported as having earlier revisions.
"""
import json
import os
import re
import subprocess
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
corpus = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                            "corpus", "real")
binary = "build/spillguard"
if "--bin" in sys.argv:
    binary = sys.argv[sys.argv.index("--bin") + 1]
READ = {"xlsx", "xlsm", "xltx", "docx", "docm", "pptx", "pptm", "ods", "odt", "odp", "pdf"}

# SOURCES.md wording -> the rule that reports it
FEATURES = [
    (r"veryHidden sheet", "hidden.sheet_very_hidden"),
    (r"(?<!very)hidden sheet", "hidden.sheet"),
    (r"cell comments|comments by|threadedComments|slide comment part|\d+ comments? by|"
     r"annotation", "hidden.comment"),
    (r"pivotCacheRecords", "hidden.pivot_cache"),
    (r"externalLink|external rels|table-source", "hidden.external_link"),
    (r"hidden row", "hidden.rows|hidden.filtered_rows"),
    (r"hidden col", "hidden.columns"),
    (r"VBA project", "hidden.macro"),
    (r"embedded object", "hidden.embedded_object"),
    (r"creator=|lastModifiedBy=|company=", "hidden.metadata"),
    (r"tracked changes", "hidden.tracked_change"),
    (r"w:vanish|hidden text|hidden section", "hidden.vanished_text"),
    (r"hidden slide", "hidden.slide"),
    (r"speaker-notes", "hidden.speaker_notes"),
    (r"hidden definedName", "hidden.defined_name"),
    (r"data connections", "hidden.external_link"),
    # PDF
    (r"\d+ incremental update", "hidden.pdf_revision"),
    (r"annot /T \(author\)|annots flagged Hidden", "hidden.pdf_annotation"),
    (r"embedded files:|FileAttachment", "hidden.pdf_attachment"),
    (r"invisible text \(3 Tr\)", "hidden.pdf_invisible_text"),
    (r"with OFF \(hidden\) OCGs", "hidden.pdf_layer"),
    (r"JavaScript", "hidden.pdf_javascript"),
    (r"Info/Author=|XMP metadata", "hidden.metadata"),
]
# features that must NOT be reported
NOT = [
    (r"linearized, not incremental", "hidden.pdf_revision"),
]

# Confirmed structures that are rightly not findings: hidden rows and columns
# that hold no data (the rule asks for hidden data), notes parts holding
# only fields (date, slide number). Each was checked in the file's XML.
EXPECTED = {
    ("poi/WidthsAndHeights.xlsx", "hidden.rows|hidden.filtered_rows"): "hidden rows are empty",
    ("poi/WidthsAndHeights.xlsx", "hidden.columns"): "hidden column is empty",
    ("xlsxwriter/set_column06.xlsx", "hidden.rows|hidden.filtered_rows"): "empty",
    ("xlsxwriter/set_column06.xlsx", "hidden.columns"): "empty",
    ("xlsxwriter/set_row03.xlsx", "hidden.rows|hidden.filtered_rows"): "hidden row is empty",
    ("calamine/errors.xlsx", "hidden.rows|hidden.filtered_rows"): "hidden row is empty",
    ("phpspreadsheet/rowColumnAttributeTest.xlsx", "hidden.rows|hidden.filtered_rows"): "empty",
    ("phpspreadsheet/rowColumnAttributeTest.xlsx", "hidden.columns"): "empty",
    ("phpspreadsheet/issue.2507.ods", "hidden.rows|hidden.filtered_rows"): "collapsed rows empty",
    ("odftoolkit/external_link_import_xml_MSO15.ods", "hidden.rows|hidden.filtered_rows"):
        "collapsed rows empty",
    ("poi/45545_Comment.pptx", "hidden.speaker_notes"): "notes hold only date and slide fields",
    ("pypdf/Seige_of_Vicksburg_Sample_OCR.pdf", "hidden.pdf_invisible_text"):
        "an OCR layer over the scan: visible text (text_layer ocr)",
    ("qpdf/numeric-and-string-2.pdf", "hidden.pdf_invisible_text"):
        "3 Tr over full-page images: an OCR layer",
    ("qpdf/compressed-metadata.pdf", "hidden.metadata"): "XMP holds only dates",
    ("qpdf/digitally-signed.pdf", "hidden.metadata"): "XMP holds only dates and ids",
    ("qpdf/enc-XI-attachments-base.pdf", "hidden.metadata"): "XMP holds only dates and ids",
}

text = open(os.path.join(corpus, "SOURCES.md"), encoding="utf-8").read()
rows = []
for m in re.finditer(r"^### `([^`]+)/`.*?\n(.*?)(?=^### |\Z)", text, re.S | re.M):
    src, body = m.group(1), m.group(2)
    for line in body.splitlines():
        cm = re.match(r"\| `([^`]+)` \([^)]*\) \| (.*) \|$", line)
        if cm:
            rows.append((os.path.join(src, cm.group(1)), cm.group(2)))

missed = 0
checked = 0
for rel, feats in rows:
    path = os.path.join(corpus, rel)
    ext = rel.rsplit(".", 1)[-1].lower()
    if ext not in READ or not os.path.exists(path):
        continue
    out = subprocess.run([binary, "scan", "-f", "jsonl", "--max-findings", "100000", path],
                         capture_output=True, timeout=120).stdout.decode()
    recs = [json.loads(l) for l in out.splitlines()]
    rules = {r["rule"] for r in recs if r["type"] == "finding"}
    err = recs[0].get("error")
    for pat, rule in FEATURES:
        if not re.search(pat, feats):
            continue
        checked += 1
        ok = any(r in rules for r in rule.split("|"))
        why = EXPECTED.get((rel, rule))
        if not ok and not why:
            missed += 1
        if not ok and not why and err:
            why = "not checked: " + err[:60]
            missed -= 1
        print("%-4s %-55s %-28s %s" % ("ok" if ok else "n/a" if why else "MISS", rel[:55], rule,
                                       why or "" if not ok else ""))
    for pat, rule in NOT:
        if re.search(pat, feats):
            checked += 1
            bad = rule in rules
            missed += bad
            print("%-4s %-55s not %-24s" % ("FP" if bad else "ok", rel[:55], rule))
print("\n%d confirmed features checked, %d missed" % (checked, missed))
sys.exit(1 if missed else 0)
