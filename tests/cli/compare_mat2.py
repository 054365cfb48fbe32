#!/usr/bin/python3
"""spillguard clean beside mat2 (Debian's metadata anonymisation toolkit) on
the office and PDF scenario fixtures: what each leaves behind, measured in
one run.

For every fixture both tools write a copy; each copy is then judged the
same way:
  left     the hidden.* rules `spillguard scan` still finds in it (the
           judge is spillguard's scanner; its rules are in docs/RULES.md);
  hidden   personal data the scan of the copy finds where a reader cannot
           see it (pii.* findings flagged hidden);
  look     for office files, does LibreOffice print the same words as from
           the original (same / fewer: hidden words gone / CHANGED); for
           PDFs, does the page render the same (pdftoppm, grey level off by
           more than 32 on under 0.05% of pixels) and is the text still
           text (pdftotext finds words).

  compare_mat2.py [--markdown FILE]   prints the table (and writes it)

Used by test_clean.py (Mat2 class), which keeps the table in
build/mat2-compare.md; docs/CLEAN.md quotes a run.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_clean as tc  # noqa: E402  (helpers: scan, LibreOffice, poppler)


def judge(path):
    """(hidden rules left, hidden personal data left) in a copy."""
    _, f, fs = tc.scan(path)
    if f.get("error"):
        return None, None
    left = sorted({x["rule"] for x in fs if x["rule"].startswith("hidden.")})
    pii = sum(1 for x in fs if x["rule"].startswith("pii.") and x.get("hidden"))
    return left, pii


def words(pdf):
    return collections.Counter(" ".join(tc.pdf_lines(pdf)).split())


def office_look(orig_pdf, copy_pdf):
    if not copy_pdf or not os.path.exists(copy_pdf):
        return "does not open"
    a, b = words(orig_pdf), words(copy_pdf)
    if a == b:
        return "same"
    if not (b - a):
        return "fewer words (%d of %d gone)" % (sum((a - b).values()), sum(a.values()))
    return "CHANGED (%d words new)" % sum((b - a).values())


def pdf_look(orig, copy, d):
    diff = tc.look_difference(orig, copy, d)
    text = bool(tc.pdf_lines(copy))
    if diff is None:
        look = "pages differ"
    elif diff < 0.0005:
        look = "same"
    else:
        look = "%.2f%% of pixels differ" % (diff * 100)
    return look + ("" if text else "; text gone (pages are pictures)")


def mat2_version():
    res = subprocess.run(["mat2", "--version"], capture_output=True)
    return res.stdout.decode().strip()


def compare():
    rows = []
    work = tempfile.mkdtemp(prefix="sg-mat2-")
    try:
        fixtures = [(tc.OFFICE, n) for n in tc.OFFICE_FIXTURES] + \
                   [(tc.PDFS, n) for n in tc.PDF_FIXTURES]
        copies = {}
        for d, n in fixtures:
            src = os.path.join(d, n)
            base, ext = os.path.splitext(n)
            m = os.path.join(work, "mat2", n)
            os.makedirs(os.path.dirname(m), exist_ok=True)
            shutil.copyfile(src, m)
            res = subprocess.run(["mat2", m], capture_output=True, timeout=600)
            mout = os.path.join(work, "mat2", base + ".cleaned" + ext)
            if res.returncode != 0 or not os.path.exists(mout):
                mout = None
            s = os.path.join(work, "spillguard", n)
            os.makedirs(os.path.dirname(s), exist_ok=True)
            rc, _ = tc.clean(src, s)
            copies[n] = (src, mout, s if rc == 0 else None)
        office = [n for _, n in fixtures if n.endswith(tc.OFFICE_EXT)]
        profile = os.path.join(work, "lo-profile")
        lo = {}
        for tag, idx in (("orig", 0), ("mat2", 1), ("spillguard", 2)):
            paths = [copies[n][idx] for n in office if copies[n][idx]]
            conv = tc.lo_to_pdf(paths, os.path.join(work, "lo-" + tag), profile)
            lo[tag] = {n: conv.get(os.path.basename(copies[n][idx])) if copies[n][idx] else None
                       for n in office}
        for _, n in fixtures:
            src, mout, sout = copies[n]
            before, pii_before = judge(src)
            row = {"fixture": n, "hidden": before, "pii": pii_before}
            for tag, out in (("mat2", mout), ("spillguard", sout)):
                if not out:
                    row[tag] = None
                    continue
                left, pii = judge(out)
                if n in office:
                    look = office_look(lo["orig"][n], lo[tag][n])
                else:
                    with tempfile.TemporaryDirectory() as d:
                        look = pdf_look(src, out, d)
                row[tag] = {"left": left, "pii": pii, "look": look}
            rows.append(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def short(rules):
    return ", ".join(r[len("hidden."):] for r in rules) if rules else "-"


def markdown(rows):
    out = ["Measured by tests/cli/compare_mat2.py with %s and spillguard %s." %
           (mat2_version(), subprocess.run([tc.BIN, "--version"], capture_output=True)
            .stdout.decode().split()[-1]), "",
           "| fixture | hidden in the original (hidden personal data) | left by mat2 | "
           "hidden personal data (mat2) | look (mat2) | left by spillguard | "
           "hidden personal data (spillguard) | look (spillguard) |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [r["fixture"], "%s (%d)" % (short(r["hidden"]), r["pii"])]
        for tag in ("mat2", "spillguard"):
            t = r[tag]
            if t is None:
                cells += ["(failed or refused)", "", ""]
            else:
                cells += [short(t["left"]), str(t["pii"]), t["look"]]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    rows = compare()
    md = markdown(rows)
    sys.stdout.write(md)
    if len(sys.argv) == 3 and sys.argv[1] == "--markdown":
        with open(sys.argv[2], "w") as f:
            f.write(md)
    json.dump(rows, sys.stderr)
