"""PDFs and pictures end to end: the acceptance scenarios of issue 4 on the
fixtures tests/data/pdf/make_fixtures.py wrote (reportlab, pikepdf, PIL),
real-world PDFs (tests/data/corpus, see its SOURCES.md), and hostile files
built here.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SPILLGUARD", os.path.join(ROOT, "build", "spillguard")))
PDF = os.path.join(ROOT, "tests", "data", "pdf")
IMG = os.path.join(ROOT, "tests", "data", "images")
CORPUS = os.path.join(ROOT, "tests", "data", "corpus")

NINO = "AB 12 34 56 C"


def run(path, *extra):
    res = subprocess.run([BIN, "scan", "-f", "jsonl"] + list(extra) + [path],
                         capture_output=True, timeout=300)
    return res


def scan(path, *extra):
    res = run(path, *extra)
    recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
    return res.returncode, recs[0], [r for r in recs if r["type"] == "finding"]


def rules(findings):
    return {f["rule"] for f in findings}


def of(findings, rule):
    return [f for f in findings if f["rule"] == rule]


class Redactions(unittest.TestCase):
    """Scenarios 1 and 2: boxes over text that is still there."""

    def under_box(self, name, page, reason):
        rc, f, fs = scan(os.path.join(PDF, name))
        self.assertEqual((rc, f["verdict"], f["format"], f["error"]), (1, "block", "pdf", None))
        boxes = of(fs, "hidden.pdf_under_box")
        self.assertEqual(len(boxes), 1, fs)
        b = boxes[0]
        self.assertEqual(b["location"]["page"], page)
        self.assertEqual(b["hidden_reason"], reason)
        # the box, in points from the top-left of the page
        x0, y0, x1, y1 = b["location"]["box"]
        self.assertAlmostEqual(x0, 205, delta=1)
        self.assertAlmostEqual(x1, 520, delta=1)
        self.assertAlmostEqual(y0, 842 - 711, delta=1)
        # the NI number recovered from under it, masked
        ninos = of(fs, "pii.uk_nino")
        self.assertEqual(len(ninos), 1)
        self.assertTrue(ninos[0]["hidden"])
        self.assertEqual(ninos[0]["location"]["page"], page)
        self.assertEqual(ninos[0]["match"], "AB ** ** ** C")
        # nothing visible on the page is personal data
        self.assertFalse([x for x in fs if x["rule"].startswith("pii.") and not x["hidden"]])
        return b

    def test_black_box(self):
        b = self.under_box("black_box.pdf", 2, "text under a box")
        self.assertIn("black box", b["match"])
        self.assertNotIn("Smith", b["match"])

    def test_white_box_on_white_page(self):
        b = self.under_box("white_box.pdf", 1, "text under a box")
        self.assertIn("white box", b["match"])

    def test_redaction_annotation_never_applied(self):
        b = self.under_box("redact_annotation.pdf", 1, "text under an annotation")
        self.assertIn("redaction annotation", b["match"])

    def test_recovered_text_only_with_reveal(self):
        res = run(os.path.join(PDF, "black_box.pdf"))
        self.assertNotIn(NINO.encode(), res.stdout)
        self.assertNotIn(b"Jane Smith", res.stdout)
        res = run(os.path.join(PDF, "black_box.pdf"), "--reveal")
        self.assertIn(NINO.encode(), res.stdout)
        self.assertIn(b"Jane Smith", res.stdout)

    def test_text_report_names_the_page(self):
        res = subprocess.run([BIN, "scan", "-f", "text", "-v", os.path.join(PDF, "black_box.pdf")],
                             capture_output=True, timeout=60)
        out = res.stdout.decode()
        self.assertIn("page 2", out)
        self.assertIn("hidden.pdf_under_box", out)


class Revisions(unittest.TestCase):
    """Scenario 3: an incremental update took a victim's details out of view."""

    def test_name_and_address_recovered(self):
        rc, f, fs = scan(os.path.join(PDF, "revision.pdf"), "--reveal")
        self.assertEqual(f["verdict"], "block")
        revs = of(fs, "hidden.pdf_revision")
        self.assertEqual(len(revs), 1)
        r = revs[0]
        self.assertEqual(r["location"]["revision"], 1)
        self.assertEqual(r["location"]["page"], 1)
        self.assertIn("Jane Smith", r["value"])
        self.assertIn("12 Acacia Avenue", r["value"])
        self.assertNotIn("Jane Smith", r["match"])  # masked
        pc = of(fs, "pii.uk_postcode")
        self.assertEqual(len(pc), 1)
        self.assertEqual(pc[0]["location"]["revision"], 1)
        self.assertEqual(pc[0]["hidden_reason"], "earlier revision")
        # what the final version still shows is not reported again
        self.assertNotIn("closed on 4 April", r["value"])

    def test_linearized_file_has_no_revision(self):
        for rel in ("qpdf/digitally-signed.pdf", "pypdf/example.pdf",
                    "pypdf/Seige_of_Vicksburg_Sample_OCR.pdf"):
            rc, f, fs = scan(os.path.join(CORPUS, rel))
            self.assertFalse(of(fs, "hidden.pdf_revision"), rel)

    def test_every_update_counted(self):
        rc, f, fs = scan(os.path.join(CORPUS, "qpdf", "incremental-1.pdf"))
        revs = of(fs, "hidden.pdf_revision")
        self.assertEqual([r["location"]["revision"] for r in revs], [1, 2])
        self.assertIn("of 2", revs[0]["match"])


class HiddenText(unittest.TestCase):
    """Scenario 4 and the other ways text hides."""

    def hidden_phone_or_nino(self, name, rule, reason):
        rc, f, fs = scan(os.path.join(PDF, name))
        self.assertEqual(f["verdict"], "block", fs)
        found = of(fs, rule)
        self.assertEqual(len(found), 1, fs)
        self.assertEqual(found[0]["hidden_reason"], reason)
        p = [x for x in fs if x["rule"] in ("pii.uk_phone", "pii.uk_nino")]
        self.assertTrue(p)
        self.assertTrue(all(x["hidden"] and x["hidden_reason"] == reason for x in p))
        return found[0], p

    def test_render_mode_3(self):
        f, p = self.hidden_phone_or_nino("invisible_text.pdf", "hidden.pdf_invisible_text",
                                         "invisible text (render mode 3)")
        self.assertEqual(p[0]["rule"], "pii.uk_phone")

    def test_outside_crop_box(self):
        self.hidden_phone_or_nino("outside_crop.pdf", "hidden.pdf_invisible_text",
                                  "text outside the crop box")

    def test_white_on_white(self):
        self.hidden_phone_or_nino("white_text.pdf", "hidden.pdf_invisible_text",
                                  "text the colour of its background")

    def test_layer_off_by_default(self):
        rc, f, fs = scan(os.path.join(PDF, "layer.pdf"))
        self.assertEqual(f["verdict"], "block")
        layers = of(fs, "hidden.pdf_layer")
        self.assertTrue(any("Reviewer notes" in x["match"] for x in layers))
        self.assertTrue(any(x["location"].get("page") == 1 for x in layers))
        n = of(fs, "pii.uk_nino")
        self.assertEqual(len(n), 1)
        self.assertEqual(n[0]["hidden_reason"], "hidden layer")

    def test_ocr_layer_is_visible_text(self):
        rc, f, fs = scan(os.path.join(PDF, "ocr.pdf"))
        self.assertEqual(f["verdict"], "review")
        self.assertFalse(of(fs, "hidden.pdf_invisible_text"))
        self.assertFalse(of(fs, "notice.unreadable_page"))
        p = of(fs, "pii.uk_phone")
        self.assertEqual(len(p), 1)
        self.assertFalse(p[0]["hidden"])
        self.assertEqual(p[0]["location"]["text_layer"], "ocr")

    def test_real_ocr_scan(self):
        rc, f, fs = scan(os.path.join(CORPUS, "pypdf", "Seige_of_Vicksburg_Sample_OCR.pdf"))
        self.assertFalse(of(fs, "hidden.pdf_invisible_text"))
        self.assertFalse(of(fs, "notice.unreadable_page"))


class Attachments(unittest.TestCase):
    def test_csv_of_people(self):
        rc, f, fs = scan(os.path.join(PDF, "attachment.pdf"))
        self.assertEqual(f["verdict"], "block")
        a = of(fs, "hidden.pdf_attachment")
        self.assertEqual(len(a), 1)
        self.assertIn("officers.csv", a[0]["match"])
        self.assertIn("scanned", a[0]["match"])
        ds = of(fs, "dataset.personal_records")
        self.assertEqual(len(ds), 1)
        self.assertEqual(ds[0]["rows"], 12)
        self.assertEqual(ds[0]["location"]["part"], "officers.csv!")
        self.assertTrue(ds[0]["hidden"])
        names = of(fs, "pii.person_name")
        self.assertEqual(len(names), 24)
        self.assertTrue(all(x["hidden_reason"] == "PDF attachment" for x in names))

    def test_real_attachments(self):
        for rel, n in (("qpdf/add-attachments-1.pdf", 3), ("qpdf/attachment-fields.pdf", 2),
                       ("qpdf/annotations-no-acroform.pdf", 1), ("pypdf/attachment.pdf", 1)):
            rc, f, fs = scan(os.path.join(CORPUS, rel))
            a = of(fs, "hidden.pdf_attachment")
            self.assertEqual(len(a), n, (rel, a))

    def test_attachment_beyond_part_limit(self):
        tmp = tempfile.mkdtemp(prefix="sg-pdf-")
        try:
            p = os.path.join(tmp, "bomb.pdf")
            with open(p, "wb") as fh:
                fh.write(bomb_attachment_pdf(64 << 20))
            rc, f, fs = scan(p, "--max-part", "1048576")
            a = of(fs, "hidden.pdf_attachment")
            self.assertEqual(len(a), 1, fs)
            self.assertIn("part limit", a[0]["match"])
        finally:
            shutil.rmtree(tmp)


class Metadata(unittest.TestCase):
    def test_author_names_an_officer(self):
        rc, f, fs = scan(os.path.join(PDF, "author.pdf"), "--reveal")
        self.assertEqual(f["verdict"], "review")  # metadata never blocks
        m = [x for x in of(fs, "hidden.metadata") if x["value"].startswith("author:")]
        self.assertEqual(len(m), 1)
        self.assertIn("Daniel Hughes", m[0]["value"])
        self.assertNotIn("Daniel", m[0]["match"])

    def test_comment_and_author(self):
        rc, f, fs = scan(os.path.join(PDF, "comment.pdf"), "--reveal")
        self.assertEqual(f["verdict"], "block")
        a = of(fs, "hidden.pdf_annotation")
        self.assertEqual(len(a), 1)
        self.assertIn("Sergeant Mark Evans", a[0]["value"])
        self.assertNotIn("Mark", a[0]["match"])
        self.assertEqual(of(fs, "pii.uk_nino")[0]["hidden_reason"], "annotation")

    def test_javascript(self):
        rc, f, fs = scan(os.path.join(PDF, "javascript.pdf"))
        self.assertEqual(f["verdict"], "review")
        self.assertEqual(len(of(fs, "hidden.pdf_javascript")), 1)


class Pages(unittest.TestCase):
    def test_scanned_page_is_unreadable(self):
        rc, f, fs = scan(os.path.join(PDF, "scanned.pdf"))
        self.assertEqual((rc, f["verdict"]), (1, "review"))
        u = of(fs, "notice.unreadable_page")
        self.assertEqual(len(u), 1)
        self.assertEqual(u[0]["location"]["page"], 1)

    def test_clean_pdf_passes(self):
        rc, f, fs = scan(os.path.join(PDF, "clean.pdf"))
        self.assertEqual((rc, f["verdict"], fs), (0, "pass", []))


class Pictures(unittest.TestCase):
    """Scenario 6, and pictures inside documents."""

    def test_gps(self):
        rc, f, fs = scan(os.path.join(IMG, "gps.jpg"), "--reveal")
        self.assertEqual((f["verdict"], f["format"]), ("review", "jpeg"))
        gps = [x for x in of(fs, "hidden.exif") if x["value"].startswith("GPS position")]
        self.assertEqual(len(gps), 1)
        lat, lon = [float(v) for v in gps[0]["value"].split(":")[1].split(",")]
        self.assertAlmostEqual(lat, 51.500722, places=4)
        self.assertAlmostEqual(lon, -0.124667, places=4)
        self.assertNotIn("51.50", gps[0]["match"])
        self.assertTrue(any("Daniel Hughes" in x["value"] for x in of(fs, "hidden.exif")))

    def test_gps_in_every_format(self):
        for name, fmt in (("gps.tif", "tiff"), ("gps.webp", "webp"), ("gps.heic", "heic")):
            rc, f, fs = scan(os.path.join(IMG, name), "--reveal")
            self.assertEqual((f["verdict"], f["format"]), ("review", fmt), name)
            gps = [x for x in of(fs, "hidden.exif") if x["value"].startswith("GPS position")]
            self.assertEqual(len(gps), 1, name)
            self.assertIn("51.50", gps[0]["value"])

    def test_gif_comment_scanned(self):
        rc, f, fs = scan(os.path.join(IMG, "comment.gif"))
        self.assertEqual(f["verdict"], "review")  # metadata: reviewed, never blocked
        self.assertEqual(of(fs, "hidden.exif")[0]["location"]["part"], "GIF comment")
        self.assertEqual(len(of(fs, "pii.uk_phone")), 1)

    def test_png_appended_to_png(self):
        rc, f, fs = scan(os.path.join(IMG, "appended.png"))
        self.assertEqual((f["verdict"], f["format"]), ("review", "png"))
        t = of(fs, "hidden.trailing_data")
        self.assertEqual(len(t), 1)
        self.assertIn("IEND", t[0]["match"])
        self.assertIn("read as png", t[0]["match"])
        self.assertGreater(t[0]["location"]["offset"], 0)

    def test_personal_data_appended_blocks(self):
        rc, f, fs = scan(os.path.join(IMG, "trailing_text.jpg"))
        self.assertEqual(f["verdict"], "block")
        n = of(fs, "pii.uk_nino")
        self.assertEqual(len(n), 1)
        self.assertEqual(n[0]["hidden_reason"], "data after the picture")

    def test_thumbnail_of_another_shape(self):
        rc, f, fs = scan(os.path.join(IMG, "thumbnail.jpg"))
        t = of(fs, "hidden.thumbnail")
        self.assertEqual(len(t), 1)
        self.assertIn("160x120", t[0]["match"])
        self.assertIn("800x200", t[0]["match"])

    def test_photo_inside_a_pdf(self):
        rc, f, fs = scan(os.path.join(PDF, "photo.pdf"))
        self.assertEqual(f["verdict"], "review")
        gps = [x for x in of(fs, "hidden.exif") if x["match"].startswith("GPS position")]
        self.assertEqual(len(gps), 1)
        self.assertEqual(gps[0]["location"]["part"], "page 1 image 1!EXIF")
        self.assertEqual(gps[0]["hidden_reason"], "metadata")

    def test_plain_pictures_pass(self):
        for name in ("plain.jpg", "plain.png"):
            rc, f, fs = scan(os.path.join(IMG, name))
            self.assertEqual((f["verdict"], fs), ("pass", []), name)

    def test_photo_inside_a_document(self):
        rc, f, fs = scan(os.path.join(IMG, "photo.docx"))
        gps = [x for x in of(fs, "hidden.exif") if x["match"].startswith("GPS position")]
        self.assertEqual(len(gps), 1)
        self.assertEqual(gps[0]["location"]["part"], "word/media/image1.jpg!EXIF")


class Streams(unittest.TestCase):
    """A PDF or picture read from a pipe is the same as from its file."""

    def test_stdin_same_as_file(self):
        for path in (os.path.join(PDF, "black_box.pdf"), os.path.join(IMG, "gps.jpg"),
                     os.path.join(PDF, "revision.pdf")):
            a = scan(path)
            with open(path, "rb") as fh:
                res = subprocess.run([BIN, "scan", "-f", "jsonl", "-"], stdin=fh,
                                     capture_output=True, timeout=60)
            recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
            b = (res.returncode, recs[0], [r for r in recs if r["type"] == "finding"])
            self.assertEqual(a[0], b[0])
            for k in ("format", "size", "sha256", "verdict", "findings"):
                self.assertEqual(a[1][k], b[1][k], (path, k))
            strip = lambda fs: [(f["rule"], f["location"], f["match"]) for f in fs]
            self.assertEqual(strip(a[2]), strip(b[2]))


class RealWorld(unittest.TestCase):
    """Scenario 8 for the PDFs kept here (every PDF of the shared corpus is
    checked by scripts/corpus_check.py and the sanitizer run)."""

    EXPECT = {
        "qpdf/comment-annotation.pdf": {"hidden.pdf_annotation"},
        "qpdf/incremental-2.pdf": {"hidden.pdf_revision"},
        "qpdf/enc-XI-attachments-base.pdf": {"hidden.pdf_attachment", "hidden.pdf_javascript"},
        "pypdf/SF424_page2.pdf": {"hidden.pdf_javascript", "hidden.pdf_invisible_text"},
        "pypdf/commented.pdf": {"hidden.pdf_annotation", "hidden.pdf_revision"},
        "pypdf/example.pdf": {"hidden.pdf_annotation", "hidden.pdf_attachment",
                              "hidden.metadata"},
        "safedocs/CompactedPDFSyntaxTest.pdf": {"hidden.pdf_javascript", "hidden.metadata"},
        "presidio/sample.pdf": {"pii.email", "pii.uk_phone"},
    }

    def test_confirmed_features(self):
        for rel, want in self.EXPECT.items():
            rc, f, fs = scan(os.path.join(CORPUS, rel))
            self.assertIsNone(f["error"], rel)
            self.assertTrue(want <= rules(fs), "%s: %s missing" % (rel, want - rules(fs)))

    def test_encrypted_is_a_notice_not_a_pass(self):
        rc, f, fs = scan(os.path.join(CORPUS, "pypdf", "libreoffice-writer-password.pdf"))
        self.assertEqual((rc, f["verdict"], f["error"]), (1, "review", None))
        self.assertEqual([x["rule"] for x in fs], ["notice.encrypted"])
        self.assertIn("password", fs[0]["match"])

    def test_every_pdf_gets_a_result(self):
        dirs = [os.path.join(CORPUS, d) for d in ("qpdf", "pypdf", "safedocs", "presidio")]
        names = sum((len(os.listdir(d)) for d in dirs), 0)
        res = subprocess.run([BIN, "scan", "-f", "jsonl", "-j", "2"] + dirs,
                             capture_output=True, timeout=300)
        self.assertIn(res.returncode, (1, 2))
        files = [json.loads(l) for l in res.stdout.decode().splitlines()]
        files = [r for r in files if r["type"] == "file"]
        self.assertEqual(len(files), names)
        self.assertTrue(all(r["format"] == "pdf" for r in files))
        for r in files:
            if r["verdict"] == "error":
                self.assertTrue(r["error"], r)


# ----------------------------------------------------------------- hostile

def pdf_file(objects, root=1):
    """A PDF with a correct xref from a list of object bodies (bytes)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, body in enumerate(objects, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, x)
    return bytes(out)


def stream(data, extra=b""):
    z = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(z), extra) + z + \
        b"\nendstream"


def one_page(content, extra_root=b"", more=()):
    objs = [b"<< /Type /Catalog /Pages 2 0 R " + extra_root + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << >> >>",
            stream(content)]
    return pdf_file(objs + list(more))


def bomb_attachment_pdf(size):
    data = b"\0" * size
    ef = stream(data, b"/Type /EmbeddedFile")
    return one_page(b"", b"/Names << /EmbeddedFiles << /Names [(zeros.bin) 6 0 R] >> >>",
                    [ef, b"<< /Type /Filespec /F (zeros.bin) /EF << /F 5 0 R >> >>"])


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-pdf-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, data):
        p = os.path.join(self.tmp, name)
        with open(p, "wb") as fh:
            fh.write(data)
        return p

    def test_page_count_that_lies(self):
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
        rc, f, fs = scan(self.write("lies.pdf", pdf_file(objs)))
        self.assertEqual(f["verdict"], "error")
        self.assertIn("claims", f["error"])

    def test_cycles_and_garbage(self):
        cyc = pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>",
                        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])
        self.write("cycle.pdf", cyc)
        self.write("truncated.pdf", one_page(b"BT /F1 12 Tf (x) Tj ET")[:150])
        self.write("garbage.pdf", b"%PDF-1.4\n" + os.urandom(4096))
        res = subprocess.run([BIN, "scan", "-f", "jsonl", self.tmp], capture_output=True,
                             timeout=120)
        files = [json.loads(l) for l in res.stdout.decode().splitlines()]
        files = [r for r in files if r["type"] == "file"]
        self.assertEqual(len(files), 3)
        for r in files:
            self.assertIn(r["verdict"], ("error", "pass"), r)
            if r["verdict"] == "error":
                self.assertTrue(r["error"])

    def test_time_limit(self):
        # 40 pages sharing one content stream of 3 million clips: about a
        # minute of work in a 140 KB file, stopped by --timeout
        n = 40
        kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
                stream(b"q 0 0 1 1 re W n Q\n" * 3000000)]
        objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
        p = self.write("slow.pdf", pdf_file(objs))
        rc, f, fs = scan(p, "--timeout", "1")
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("time limit", f["error"])

    def test_memory_limit(self):
        # an attachment of 64 MiB (64 KiB in the file) read into memory
        # capped at 16 MiB: an error for the file, not a crash
        p = self.write("big.pdf", bomb_attachment_pdf(64 << 20))
        rc, f, fs = scan(p, "--max-memory", str(16 << 20))
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("--max-memory", f["error"])

    def test_deep_forms(self):
        # form XObjects nested 300 deep
        n = 300
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /XObject << /X 5 0 R >> >> >>",
                stream(b"/X Do")]
        for i in range(n):
            nxt = 5 + i + 1
            res = b"/Resources << /XObject << /X %d 0 R >> >>" % nxt if i < n - 1 else b""
            objs.append(stream(b"/X Do" if i < n - 1 else b"BT ET",
                               b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] " + res))
        rc, f, fs = scan(self.write("deep.pdf", pdf_file(objs)))
        self.assertIn(f["verdict"], ("pass", "error"))


if __name__ == "__main__":
    unittest.main()
