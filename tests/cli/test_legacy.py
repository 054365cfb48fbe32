"""Legacy formats (issue 7): the office scenario fixtures converted to Excel,
Word and PowerPoint 97-2003 (.xls, .doc, .ppt) and to Rich Text Format by
LibreOffice headless in this run, judged as their originals are; real XLS files written by Excel
(tests/data/corpus).

Needs LibreOffice (scripts/setup.sh --test). Nothing is skipped.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SPILLGUARD", os.path.join(ROOT, "build", "spillguard")))
OFFICE = os.path.join(ROOT, "tests", "data", "office")
CORPUS = os.path.join(ROOT, "tests", "data", "corpus")

STAFF = ["Surname", "Initials", "Rank", "Department", "Location", "Contract Type", "Gender",
         "Service Number"]
VICTIMS = ["Name", "Date of Birth", "Address", "Postcode", "Offence"]


# damaged OLE2 files reach libgsf's leak (tests/lsan.supp), whose suppression
# needs full stacks in an ASan build (no effect on others)
ENV = dict(os.environ, ASAN_OPTIONS="fast_unwind_on_malloc=0")


def scan(path, *extra):
    res = subprocess.run([BIN, "scan", "-f", "jsonl", "--max-findings", "100000"] + list(extra) +
                         [path], capture_output=True, timeout=300, env=ENV)
    recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
    return res.returncode, recs[0], [r for r in recs if r["type"] == "finding"]


def of(fs, rule):
    return [x for x in fs if x["rule"] == rule]


TMP = None
XLS = {}


def setUpModule():
    global TMP
    TMP = tempfile.mkdtemp(prefix="sg-legacy-")
    names = ["psni_hidden_sheet", "norfolk_pivot_cache", "hidden_columns", "cell_comment",
             "very_hidden_sheet", "clean_aggregate"]
    res = subprocess.run(["soffice", "-env:UserInstallation=file://" + os.path.join(TMP, "lo"),
                          "--headless", "--convert-to", "xls", "--outdir", TMP] +
                         [os.path.join(OFFICE, n + ".xlsx") for n in names],
                         capture_output=True, timeout=600)
    assert res.returncode == 0, res.stderr
    for n in names:
        XLS[n] = os.path.join(TMP, n + ".xls")
        assert os.path.exists(XLS[n]), n
    # Word and PowerPoint 97-2003 from the DOCX and PPTX scenarios, and a
    # letter whose personal data is in plain view
    with open(os.path.join(TMP, "letter.txt"), "w") as f:
        f.write("Dear Jane Smith,\n\nYour NI number AB123456C is on file.\n")
    for fmt, srcs in (("doc", [os.path.join(OFFICE, "docx_tracked_deletion.docx"),
                               os.path.join(OFFICE, "clean_report.docx"),
                               os.path.join(TMP, "letter.txt"),
                               os.path.join(CORPUS, "openxml-powertools",
                                            "HC019-Hidden-Run.docx")]),
                      ("rtf", [os.path.join(OFFICE, "docx_tracked_deletion.docx"),
                               os.path.join(TMP, "letter.txt"),
                               os.path.join(CORPUS, "mammoth", "comments.docx"),
                               os.path.join(CORPUS, "openxml-powertools",
                                            "HC019-Hidden-Run.docx")]),
                      ("ppt", [os.path.join(OFFICE, "pptx_speaker_notes.pptx"),
                               os.path.join(CORPUS, "openxml-powertools",
                                            "HiddenPresentation.pptx")])):
        res = subprocess.run(["soffice", "-env:UserInstallation=file://" +
                              os.path.join(TMP, "lo"), "--headless", "--convert-to", fmt,
                              "--outdir", TMP] + srcs, capture_output=True, timeout=600)
        assert res.returncode == 0, res.stderr
        for src in srcs:
            n = os.path.splitext(os.path.basename(src))[0]
            key = n + ".rtf" if fmt == "rtf" else n
            XLS[key] = os.path.join(TMP, n + "." + fmt)
            assert os.path.exists(XLS[key]), key


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


class Scenarios(unittest.TestCase):
    def test_psni_as_xls(self):
        rc, f, fs = scan(XLS["psni_hidden_sheet"])
        self.assertEqual((rc, f["verdict"], f["format"], f["error"]), (1, "block", "xls", None))
        hs = of(fs, "hidden.sheet")
        self.assertEqual(len(hs), 1)
        self.assertEqual(hs[0]["location"]["sheet"], "Staff")
        ds = of(fs, "dataset.personal_records")
        self.assertEqual(len(ds), 1)
        self.assertEqual((ds[0]["rows"], ds[0]["columns"]), (9483, STAFF))
        self.assertEqual(ds[0]["hidden_reason"], "hidden sheet")
        names = of(fs, "pii.person_name")
        self.assertEqual(len(names), 9483)
        self.assertEqual(names[0]["location"]["cell"], "A2")
        self.assertTrue(all(x["hidden_reason"] == "hidden sheet" for x in names))
        self.assertFalse([x for x in fs if x["rule"].startswith("pii.")
                          and x["location"].get("sheet") == "Summary"])

    def test_norfolk_as_xls(self):
        rc, f, fs = scan(XLS["norfolk_pivot_cache"])
        self.assertEqual((f["verdict"], f["format"]), ("block", "xls"))
        pc = of(fs, "hidden.pivot_cache")
        self.assertEqual(len(pc), 1)
        self.assertEqual((pc[0]["rows"], pc[0]["columns"]), (1230, VICTIMS))
        self.assertTrue(pc[0]["location"]["part"].startswith("_SX_DB_CUR/"))
        cached = [x for x in fs if x["location"].get("part", "").startswith("_SX_DB_CUR/")]
        self.assertGreaterEqual(len(of(cached, "pii.person_name")), 1230)
        self.assertGreaterEqual(len(of(cached, "pii.date_of_birth")), 1230)
        self.assertTrue(all(x["hidden"] for x in cached))
        ds = [x for x in of(fs, "dataset.personal_records") if x["hidden_reason"] == "pivot cache"]
        self.assertEqual(len(ds), 1)
        self.assertEqual(ds[0]["rows"], 1230)

    def test_hidden_columns_and_comments(self):
        rc, f, fs = scan(XLS["hidden_columns"])
        self.assertEqual(len(of(fs, "hidden.columns")), 1)
        self.assertTrue(all(x["hidden_reason"] == "hidden column"
                            for x in of(fs, "pii.date_of_birth")))
        rc, f, fs = scan(XLS["cell_comment"])
        c = of(fs, "hidden.comment")
        self.assertEqual(len(c), 1)
        self.assertEqual(c[0]["location"]["cell"], "B2")
        self.assertIn("pii.uk_nino", {x["rule"] for x in fs if x["hidden_reason"] == "comment"})

    def test_dates_read_as_dates(self):
        rc, f, fs = scan(XLS["very_hidden_sheet"], "--reveal")
        dobs = of(fs, "pii.date_of_birth")
        self.assertGreaterEqual(len(dobs), 100)
        self.assertRegex(dobs[0]["value"], r"^\d{4}-\d{2}-\d{2}$|^\d{2}/\d{2}/\d{4}$")

    def test_clean_workbook_passes(self):
        rc, f, fs = scan(XLS["clean_aggregate"])
        self.assertEqual((rc, f["verdict"]), (0, "pass"), [x["rule"] for x in fs])


class WordAndPowerPoint(unittest.TestCase):
    def test_doc_tracked_deletion(self):
        rc, f, fs = scan(XLS["docx_tracked_deletion"])
        self.assertEqual((f["verdict"], f["format"], f["error"]), ("block", "doc", None))
        self.assertEqual(len(of(fs, "hidden.tracked_change")), 1)
        deleted = [x for x in fs if x["rule"].startswith("pii.")]
        self.assertIn("pii.uk_nino", {x["rule"] for x in deleted})
        self.assertTrue(all(x["hidden_reason"] == "tracked deletion" for x in deleted))

    def test_doc_text_in_view(self):
        rc, f, fs = scan(XLS["letter"], "--reveal")
        self.assertEqual((f["verdict"], f["format"]), ("review", "doc"))
        got = {(x["rule"], x["value"], x["hidden"], x["location"]["part"]) for x in fs}
        self.assertIn(("pii.uk_nino", "AB123456C", False, "main text"), got)
        self.assertIn(("pii.person_name", "Jane Smith", False, "main text"), got)
        rc, f, fs = scan(XLS["clean_report"])
        self.assertEqual((rc, f["verdict"]), (0, "pass"), [x["rule"] for x in fs])

    def test_doc_hidden_text(self):
        # Open XML PowerTools' hidden run, as Word 97 hidden (vanished) text
        rc, f, fs = scan(XLS["HC019-Hidden-Run"])
        v = of(fs, "hidden.vanished_text")
        self.assertEqual(len(v), 1)
        self.assertIn("92 characters", v[0]["match"])
        rc, f, fs = scan(XLS["docx_tracked_deletion"])
        self.assertEqual(of(fs, "hidden.vanished_text"), [])

    def test_ppt_speaker_notes(self):
        rc, f, fs = scan(XLS["pptx_speaker_notes"])
        self.assertEqual((f["verdict"], f["format"]), ("block", "ppt"))
        self.assertEqual(len(of(fs, "hidden.speaker_notes")), 1)
        notes = [x for x in fs if x["rule"].startswith("pii.")]
        self.assertTrue(notes)
        self.assertTrue(all(x["hidden_reason"] == "speaker notes" for x in notes))


    def test_ppt_hidden_slide(self):
        rc, f, fs = scan(XLS["HiddenPresentation"], "--reveal")
        self.assertEqual(f["format"], "ppt")
        hs = of(fs, "hidden.slide")
        self.assertEqual(len(hs), 1)
        self.assertIn("1 hidden slide", hs[0]["match"])
        rc, f, fs = scan(XLS["pptx_speaker_notes"])
        self.assertEqual(of(fs, "hidden.slide"), [])


class RealWorld(unittest.TestCase):
    """XLS files Excel wrote (Apache POI's and SheetJS's test files)."""

    def test_hidden_sheets_metadata_macros(self):
        rc, f, fs = scan(os.path.join(CORPUS, "poi", "45761.xls"))
        self.assertEqual(f["format"], "xls")
        rules = {x["rule"] for x in fs}
        self.assertTrue({"hidden.sheet", "hidden.sheet_very_hidden", "hidden.macro",
                         "hidden.metadata"} <= rules, rules)
        rc, f, fs = scan(os.path.join(CORPUS, "sheetjs", "sheet_visibility.xls"))
        self.assertEqual({x["location"]["sheet"] for x in of(fs, "hidden.sheet")}, {"Hidden"})
        self.assertEqual({x["location"]["sheet"] for x in of(fs, "hidden.sheet_very_hidden")},
                         {"VeryHidden"})
        rc, f, fs = scan(os.path.join(CORPUS, "poi", "TwoSheetsOneHidden.xls"), "--reveal")
        who = {x["value"] for x in of(fs, "hidden.metadata")}
        self.assertTrue(any("Noel Markham" in v for v in who), who)

    def test_password(self):
        rc, f, fs = scan(os.path.join(CORPUS, "poi", "password.xls"))
        self.assertEqual((rc, f["verdict"], f["error"]), (1, "review", None))
        self.assertEqual([x["rule"] for x in fs], ["notice.encrypted"])

    def test_damaged(self):
        data = open(XLS["psni_hidden_sheet"], "rb").read()
        with tempfile.TemporaryDirectory() as d:
            for cut in (512, 4096, len(data) // 2):
                p = os.path.join(d, "cut%d.xls" % cut)
                with open(p, "wb") as fh:
                    fh.write(data[:cut])
                rc, f, fs = scan(p)
                self.assertIn(rc, (1, 2))
                self.assertEqual(f["format"], "xls")
            # the Workbook stream's records garbled past the globals
            p = os.path.join(d, "garbled.xls")
            b = bytearray(data)
            for i in range(20000, len(b), 997):
                b[i] = (b[i] * 7 + 13) & 0xFF
            with open(p, "wb") as fh:
                fh.write(bytes(b))
            rc, f, fs = scan(p)
            self.assertIn(rc, (0, 1, 2))


class RichText(unittest.TestCase):
    def test_tracked_deletion(self):
        rc, f, fs = scan(XLS["docx_tracked_deletion.rtf"])
        self.assertEqual((f["verdict"], f["format"], f["error"]), ("block", "rtf", None))
        self.assertEqual(len(of(fs, "hidden.tracked_change")), 1)
        deleted = [x for x in fs if x["rule"].startswith("pii.") and x["location"]["part"] == "text"]
        self.assertIn("pii.uk_nino", {x["rule"] for x in deleted})
        self.assertTrue(all(x["hidden_reason"] == "tracked deletion" for x in deleted))
        # who made the change: the revision table, as metadata
        rc, f, fs = scan(XLS["docx_tracked_deletion.rtf"], "--reveal")
        self.assertIn("tracked changes by: Alex Morgan", {x["value"] for x in of(fs, "hidden.metadata")})

    def test_text_in_view(self):
        rc, f, fs = scan(XLS["letter.rtf"], "--reveal")
        self.assertEqual((f["verdict"], f["format"]), ("review", "rtf"))
        got = {(x["rule"], x["value"], x["hidden"], x["location"]["part"]) for x in fs}
        self.assertIn(("pii.uk_nino", "AB123456C", False, "text"), got)
        self.assertIn(("pii.person_name", "Jane Smith", False, "text"), got)
        # fonts, colours and styles are not text
        self.assertFalse([x for x in fs if "\\" in x["value"] or "Times" in x["value"]])

    def test_hidden_text(self):
        rc, f, fs = scan(XLS["HC019-Hidden-Run.rtf"])
        self.assertEqual(len(of(fs, "hidden.vanished_text")), 1)
        rc, f, fs = scan(XLS["letter.rtf"])
        self.assertEqual(of(fs, "hidden.vanished_text"), [])

    def test_comments_and_their_author(self):
        rc, f, fs = scan(XLS["comments.rtf"], "--reveal")
        c = of(fs, "hidden.comment")
        self.assertEqual([x["value"] for x in c],
                         ["comment by Michael Williamson: A tachyon walks into a bar.",
                          "comment by Michael Williamson: Fin."])
        authors = [x for x in of(fs, "pii.person_name") if x.get("hidden_reason") == "comment author"]
        self.assertEqual({x["value"] for x in authors}, {"Michael Williamson"})
        # masked unless revealed
        rc, f, fs = scan(XLS["comments.rtf"])
        self.assertFalse([x for x in fs if "Williamson" in x["match"]])

    def test_characters_objects_and_skipped_destinations(self):
        # written by hand from the RTF 1.9.1 specification: Windows-1252
        # escapes, \u with its fallback, an embedded object, a picture and
        # an unknown ignorable destination (not text), \bin data
        doc = (r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}"
               r"{\info{\operator Siobh\'e1n Kelly}}"
               "\n\\pard Contact Siobh\\'e1n O\\u8217?Neill on 028 9065 0222.\\par\n"
               r"{\*\unknowndest Mary Jones AB123456C}{\pict\pngblip 89504e47 Mary Jones}"
               r"{\object\objemb{\*\objclass Excel.Sheet.12}{\*\objdata 0105}{\result Summary}}\par "
               r"{\bin4 {{{}End.\par }")
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "hand.rtf")
            with open(p, "w") as fh:
                fh.write(doc)
            rc, f, fs = scan(p, "--reveal")
        self.assertEqual((f["format"], f["error"]), ("rtf", None))
        got = {(x["rule"], x["value"]) for x in fs}
        self.assertIn(("pii.person_name", "Siobh\u00e1n O\u2019Neill"), got)
        self.assertIn(("hidden.metadata", "last saved by: Siobh\u00e1n Kelly"), got)
        self.assertIn(("hidden.embedded_object", "embedded object (Excel.Sheet.12)"), got)
        self.assertFalse([x for x in fs if "Mary" in x["value"] or x["rule"] == "pii.uk_nino"])

    def test_hostile(self):
        with tempfile.TemporaryDirectory() as d:
            deep = os.path.join(d, "deep.rtf")
            with open(deep, "w") as fh:
                fh.write("{\\rtf1 " + "{" * 100000 + "John Brown")
            rc, f, fs = scan(deep)
            self.assertEqual((rc, f["format"], f["verdict"]), (2, "rtf", "error"))
            self.assertIn("nested deeper", f["error"])
            with open(XLS["docx_tracked_deletion.rtf"], "rb") as fh:
                data = fh.read()
            for cut in (5, 100, len(data) // 2, len(data) - 3):
                p = os.path.join(d, "cut%d.rtf" % cut)
                with open(p, "wb") as fh:
                    fh.write(data[:cut])
                rc, f, fs = scan(p)
                self.assertIn(rc, (0, 1))
                self.assertEqual(f["format"], "rtf")


if __name__ == "__main__":
    unittest.main()
