"""Office documents end to end: the acceptance scenarios of issue 3 on the
fixtures tests/data/office/make_fixtures.py wrote with real office software,
real-world documents (tests/data/corpus, see its SOURCES.md), and hostile
containers built here.
"""
import io
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SPILLGUARD", os.path.join(ROOT, "build", "spillguard")))
OFFICE = os.path.join(ROOT, "tests", "data", "office")
CORPUS = os.path.join(ROOT, "tests", "data", "corpus")

STAFF = ["Surname", "Initials", "Rank", "Department", "Location", "Contract Type", "Gender",
         "Service Number"]
VICTIMS = ["Name", "Date of Birth", "Address", "Postcode", "Offence"]


def scan(path, *extra):
    res = subprocess.run([BIN, "scan", "-f", "jsonl", "--max-findings", "100000"] + list(extra) +
                         [path], capture_output=True, timeout=300)
    recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
    return res.returncode, recs[0], [r for r in recs if r["type"] == "finding"]


def rules(findings):
    return {f["rule"] for f in findings}


def pii(findings):
    return [f for f in findings if f["rule"].startswith("pii.")]


class Scenarios(unittest.TestCase):
    """Issue 3, acceptance scenarios 1 to 4."""

    def test_psni_hidden_sheet(self):
        rc, f, fs = scan(os.path.join(OFFICE, "psni_hidden_sheet.xlsx"))
        self.assertEqual((rc, f["verdict"], f["format"]), (1, "block", "xlsx"))
        hs = [x for x in fs if x["rule"] == "hidden.sheet"]
        self.assertEqual(len(hs), 1)
        self.assertEqual(hs[0]["location"]["sheet"], "Staff")
        self.assertIn("75", hs[0]["match"])  # the cells it holds, counted
        ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(len(ds), 1)
        self.assertEqual(ds[0]["rows"], 9483)
        self.assertEqual(ds[0]["columns"], STAFF)
        self.assertEqual(ds[0]["column_kinds"][0], "surname")
        self.assertEqual(ds[0]["column_kinds"][7], "staff_number")
        self.assertTrue(ds[0]["hidden"])
        self.assertEqual(ds[0]["hidden_reason"], "hidden sheet")
        self.assertEqual(ds[0]["location"]["sheet"], "Staff")
        # every surname is a finding, on the hidden sheet, with its cell
        names = [x for x in fs if x["rule"] == "pii.person_name"]
        self.assertEqual(len(names), 9483)
        self.assertTrue(all(x["hidden_reason"] == "hidden sheet" for x in names))
        self.assertEqual(names[0]["location"]["cell"], "A2")
        # the visible summary holds no personal data
        self.assertFalse([x for x in pii(fs) if x["location"].get("sheet") == "Summary"])

    def test_norfolk_pivot_cache(self):
        rc, f, fs = scan(os.path.join(OFFICE, "norfolk_pivot_cache.xlsx"))
        self.assertEqual(f["verdict"], "block")
        pc = [x for x in fs if x["rule"] == "hidden.pivot_cache"]
        self.assertEqual(len(pc), 1)
        self.assertEqual(pc[0]["rows"], 1230)
        self.assertEqual(pc[0]["columns"], VICTIMS)
        found = pii(fs)
        self.assertGreaterEqual(len([x for x in found if x["rule"] == "pii.person_name"]), 1230)
        self.assertGreaterEqual(len([x for x in found if x["rule"] == "pii.date_of_birth"]), 1230)
        self.assertTrue(all(x["hidden"] and x["hidden_reason"] == "pivot cache" for x in found))
        self.assertTrue(all(x["location"]["part"].startswith("xl/pivotCache/") for x in found))
        ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(len(ds), 1)
        self.assertEqual(ds[0]["rows"], 1230)
        self.assertEqual(ds[0]["hidden_reason"], "pivot cache")

    def hidden_records(self, name, reason, marker):
        rc, f, fs = scan(os.path.join(OFFICE, name))
        self.assertEqual((rc, f["verdict"]), (1, "block"), name)
        self.assertIn(marker, rules(fs), name)
        hidden = [x for x in pii(fs) if x["hidden"]]
        self.assertGreaterEqual(len(hidden), 100, name)
        self.assertTrue(all(x["hidden_reason"] == reason for x in hidden), name)
        return fs

    def test_very_hidden_sheet(self):
        fs = self.hidden_records("very_hidden_sheet.xlsx", "very hidden sheet",
                                 "hidden.sheet_very_hidden")
        self.assertTrue(all(x["location"]["sheet"] == "Records" for x in pii(fs)))

    def test_hidden_columns(self):
        fs = self.hidden_records("hidden_columns.xlsx", "hidden column", "hidden.columns")
        letters = {x["location"]["column_letter"] for x in pii(fs)}
        self.assertTrue(letters <= set("EFGHI"), letters)

    def test_white_on_white(self):
        self.hidden_records("white_on_white.xlsx", "invisible format", "hidden.invisible_format")

    def test_moved_to_column_xfd(self):
        fs = self.hidden_records("column_xfd.xlsx", "remote cell", "hidden.remote_cells")
        self.assertTrue(all(x["location"]["cell"][:2] in ("XE", "XF") for x in pii(fs)))
        self.assertIn("dataset.personal_records", rules(fs))

    def test_comment(self):
        rc, f, fs = scan(os.path.join(OFFICE, "cell_comment.xlsx"))
        self.assertEqual(f["verdict"], "block")
        cm = [x for x in fs if x["rule"] == "hidden.comment"]
        self.assertEqual(len(cm), 1)
        self.assertEqual(cm[0]["location"]["cell"], "B2")
        self.assertTrue(cm[0]["match"].startswith("comment by C*** O******"))
        nino = [x for x in fs if x["rule"] == "pii.uk_nino"]
        self.assertEqual(len(nino), 1)
        self.assertEqual(nino[0]["hidden_reason"], "comment")

    def test_embedded_workbook(self):
        rc, f, fs = scan(os.path.join(OFFICE, "embedded_workbook.xlsx"))
        self.assertEqual(f["verdict"], "block")
        emb = [x for x in fs if x["rule"] == "hidden.embedded_object"]
        self.assertEqual(len(emb), 1)
        self.assertIn("scanned", emb[0]["message"])
        inner = [x for x in pii(fs) if x["location"]["part"].startswith(
            "xl/embeddings/Microsoft_Excel_Worksheet1.xlsx!xl/worksheets/")]
        self.assertGreaterEqual(len(inner), 80)
        self.assertTrue(all(x["hidden_reason"] == "embedded object" for x in inner))
        self.assertTrue(all(x["location"]["sheet"] == "Victims" for x in inner))
        ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(ds[0]["rows"], 80)

    def test_nesting_limit(self):
        rc, f, fs = scan(os.path.join(OFFICE, "embedded_workbook.xlsx"), "--max-nesting", "0")
        emb = [x for x in fs if x["rule"] == "hidden.embedded_object"]
        self.assertIn("not checked", emb[0]["message"])
        self.assertFalse(pii(fs))
        self.assertEqual(f["verdict"], "review")

    def test_docx_tracked_deletion(self):
        rc, f, fs = scan(os.path.join(OFFICE, "docx_tracked_deletion.docx"))
        self.assertEqual((f["format"], f["verdict"]), ("docx", "block"))
        tc = [x for x in fs if x["rule"] == "hidden.tracked_change"]
        self.assertEqual(len(tc), 1)
        self.assertTrue(tc[0]["match"].startswith("deletion by A*** M*****"))
        nino = [x for x in fs if x["rule"] == "pii.uk_nino"]
        self.assertEqual(nino[0]["hidden_reason"], "tracked deletion")
        self.assertEqual(nino[0]["location"], {"part": "word/document.xml", "paragraph": 1})

    def test_pptx_speaker_notes(self):
        rc, f, fs = scan(os.path.join(OFFICE, "pptx_speaker_notes.pptx"))
        self.assertEqual((f["format"], f["verdict"]), ("pptx", "block"))
        self.assertIn("hidden.speaker_notes", rules(fs))
        nino = [x for x in fs if x["rule"] == "pii.uk_nino"]
        self.assertEqual(nino[0]["hidden_reason"], "speaker notes")
        self.assertEqual(nino[0]["location"]["slide"], 1)

    def test_ods_hidden_sheet(self):
        fs = self.hidden_records("ods_hidden_sheet.ods", "hidden sheet", "hidden.sheet")
        self.assertIn("dataset.personal_records", rules(fs))

    def test_clean_documents_pass(self):
        for name in ("clean_aggregate.xlsx", "clean_report.docx", "clean_figures.ods"):
            rc, f, fs = scan(os.path.join(OFFICE, name))
            self.assertEqual((rc, f["verdict"], fs), (0, "pass", []), name)

    def test_metadata_alone_never_blocks(self):
        # a file whose author is named, with a link to a template on a disk
        rc, f, fs = scan(os.path.join(CORPUS, "poi", "52288.docx"))
        self.assertEqual(f["verdict"], "review")
        self.assertIn("hidden.metadata", rules(fs))
        meta = [x for x in fs if x["rule"] == "hidden.metadata"]
        self.assertTrue(all(x["hidden_reason"] == "metadata" for x in meta))
        self.assertTrue(all("*" in x["match"] for x in meta))  # names masked


class RealWorld(unittest.TestCase):
    """Documents from other software: features their sources confirm."""

    EXPECT = {
        "poi/TwoSheetsOneHidden.xlsx": {"hidden.sheet", "hidden.metadata"},
        "poi/customIndexedColors.xlsx": {"hidden.sheet_very_hidden"},
        "poi/SimpleWithComments.xlsx": {"hidden.comment"},
        "poi/64759.xlsx": {"hidden.comment"},
        "poi/54436.xlsx": {"hidden.pivot_cache"},
        "poi/56502.xlsx": {"hidden.external_link"},
        "poi/55923.xlsx": {"hidden.external_link"},
        "poi/AverageTaxRates.xlsx": {"hidden.rows", "hidden.columns"},
        "xlsxwriter/autofilter02.xlsx": {"hidden.filtered_rows", "hidden.defined_name"},
        "poi/delins.docx": {"hidden.tracked_change"},
        "poi/Tika-792.docx": {"hidden.tracked_change"},
        "openxml-powertools/HC019-Hidden-Run.docx": {"hidden.vanished_text"},
        "mammoth/comments.docx": {"hidden.comment"},
        "poi/52288.docx": {"hidden.external_link"},
        "openxml-powertools/HiddenPresentation.pptx": {"hidden.slide"},
        "odfdo/tracked_changes.odt": {"hidden.tracked_change"},
        "odfdo/note.odt": {"hidden.comment"},
        "odfdo/minimal_hidden.ods": {"hidden.sheet"},
        "calamine/with-annotation.ods": {"hidden.comment"},
        "odftoolkit/feature_fields_update.odt": {"hidden.vanished_text"},
    }

    def test_confirmed_features(self):
        for rel, want in self.EXPECT.items():
            rc, f, fs = scan(os.path.join(CORPUS, rel))
            self.assertIsNone(f["error"], rel)
            self.assertTrue(want <= rules(fs), "%s: %s missing" % (rel, want - rules(fs)))

    def test_tracked_changes_counted(self):
        rc, f, fs = scan(os.path.join(CORPUS, "odfdo", "tracked_changes.odt"))
        self.assertEqual(len([x for x in fs if x["rule"] == "hidden.tracked_change"]), 3)

    def test_malformed_files_fail_cleanly(self):
        fuzz = os.path.join(CORPUS, "poi", "fuzz")
        names = sorted(os.listdir(fuzz))
        self.assertGreaterEqual(len(names), 20)
        res = subprocess.run([BIN, "scan", "-f", "jsonl", fuzz], capture_output=True,
                             timeout=120)
        self.assertIn(res.returncode, (1, 2))
        recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
        files = [r for r in recs if r["type"] == "file"]
        self.assertEqual(len(files), len(names))  # one result each, none lost
        for r in files:
            if r["verdict"] == "error":
                self.assertTrue(r["error"], r)


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WB = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
      '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
          '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
          'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
          '</Relationships>')


def workbook(sheet_xml, extra=(), wbrels=WBRELS):
    return zip_bytes([("[Content_Types].xml", CT), ("_rels/.rels", RELS),
                      ("xl/workbook.xml", WB), ("xl/_rels/workbook.xml.rels", wbrels),
                      ("xl/worksheets/sheet1.xml", sheet_xml)] + list(extra))


SHEET = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>')


class Encrypted(unittest.TestCase):
    """Issue 7: a document a password protects is a notice (review), never
    a pass and not an error."""

    def check(self, path, fmt):
        rc, f, fs = scan(path)
        self.assertEqual((rc, f["verdict"], f["error"], f["format"]), (1, "review", None, fmt))
        self.assertEqual([x["rule"] for x in fs], ["notice.encrypted"])
        self.assertIn("password", fs[0]["match"])

    def test_real_encrypted_files(self):
        # an XLSX Excel encrypted (ECMA-376 agile, in an OLE2 container), an
        # ODT LibreOffice encrypted
        self.check(os.path.join(CORPUS, "calamine", "pass_protected.xlsx"), "ole2")
        self.check(os.path.join(CORPUS, "odftoolkit", "PasswordProtected.odt"), "odt")


class Hostile(unittest.TestCase):
    """Containers built to hurt: each ends in a clear per-file error."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-hostile-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, data):
        p = os.path.join(self.tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_inline_workbook_is_read(self):
        # the control: the hand-built workbook is readable
        row = '<row r="1"><c r="A1" t="inlineStr"><is><t>AB123456C</t></is></c></row>'
        rc, f, fs = scan(self.write("ok.xlsx", workbook(SHEET % row)))
        self.assertIsNone(f["error"])
        self.assertEqual(rules(fs), {"pii.uk_nino"})
        self.assertEqual(fs[0]["location"]["cell"], "A1")

    def test_zip_bomb_ratio(self):
        # a sheet of 64 MB that deflates to 64 KB
        p = self.write("bomb.xlsx", workbook(b"0" * (64 << 20)))
        rc, f, fs = scan(p, "--max-ratio", "100")
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("ratio", f["error"])

    def test_inflate_limit(self):
        rows = "".join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                       for i in range(1, 20001))
        p = self.write("big.xlsx", workbook(SHEET % rows))
        rc, f, fs = scan(p, "--max-inflated", "100000")
        self.assertEqual(f["verdict"], "error")
        self.assertIn("inflate limit", f["error"])
        rc, f, fs = scan(p)
        self.assertIsNone(f["error"])

    def test_member_limit(self):
        p = self.write("many.xlsx", workbook(SHEET % "", [("x%d" % i, "x") for i in range(50)]))
        rc, f, fs = scan(p, "--max-members", "20")
        self.assertEqual(f["verdict"], "error")
        self.assertIn("members", f["error"])

    def test_billion_laughs_refused(self):
        lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i else "&lol;") * 10)
                         for i in range(1, 10))
               + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
               '</sheetData></worksheet>')
        rc, f, fs = scan(self.write("lol.xlsx", workbook(lol)))
        self.assertEqual(f["verdict"], "error")
        self.assertIn("entity", f["error"])

    def test_external_entity_refused(self):
        xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
               '</sheetData></worksheet>')
        rc, f, fs = scan(self.write("xxe.xlsx", workbook(xxe)), "--reveal")
        self.assertEqual(f["verdict"], "error")
        self.assertFalse(fs)

    def test_deep_nesting_refused(self):
        deep = SHEET % ("<x>" * 5000 + "</x>" * 5000)
        rc, f, fs = scan(self.write("deep.xlsx", workbook(deep)))
        self.assertEqual(f["verdict"], "error")
        self.assertIn("nested too deep", f["error"])

    def test_truncated_and_garbage(self):
        good = workbook(SHEET % "")
        rc, f, fs = scan(self.write("cut.xlsx", good[: len(good) // 2]))
        self.assertEqual(f["verdict"], "error")
        self.assertIn("ZIP", f["error"])
        rc, f, fs = scan(self.write("junk.docx", b"PK\x03\x04" + os.urandom(3000)))
        self.assertEqual(f["verdict"], "error")

    def test_huge_claimed_sheet(self):
        # a sheet claiming the last cell of the grid holds one value there
        row = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x@example.org</t>' \
              '</is></c></row>'
        rc, f, fs = scan(self.write("far.xlsx", workbook(SHEET % row)))
        self.assertIsNone(f["error"])
        self.assertEqual(fs[0]["location"]["cell"], "XFD1048576")


if __name__ == "__main__":
    unittest.main()
