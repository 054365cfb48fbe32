"""Containers end to end (issue 7): archives made by zip, 7z and tar, a
password on a document or an archive, e-mail, HTML, XML, JSON, and
hostile archives.

Needs zip, 7z (p7zip-full), tar, gzip, xz, zstd and ar (binutils), and
node with @kenjiuno/msgreader in .deps/msg (the .msg fixture):
scripts/setup.sh --test installs them. A missing tool fails the test; nothing is skipped.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SPILLGUARD", os.path.join(ROOT, "build", "spillguard")))
SANITIZED = os.environ.get("SG_SANITIZED") == "1"  # ASan's shadow memory is not ours
OFFICE = os.path.join(ROOT, "tests", "data", "office")

PSNI_PART = "release/staff/psni_hidden_sheet.xlsx!xl/worksheets/sheet2.xml"


def scan(path, *extra):
    res = subprocess.run([BIN, "scan", "-f", "jsonl", "--max-findings", "100000"] + list(extra) +
                         [path], capture_output=True, timeout=300)
    recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
    return res.returncode, recs[0], [r for r in recs if r["type"] == "finding"]


def run(args, cwd):
    res = subprocess.run(args, cwd=cwd, capture_output=True, timeout=300)
    assert res.returncode == 0, (args, res.stderr)


class Archives(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="sg-arc-")
        rel = os.path.join(cls.d, "release")
        os.makedirs(os.path.join(rel, "staff"))
        shutil.copyfile(os.path.join(OFFICE, "psni_hidden_sheet.xlsx"),
                        os.path.join(rel, "staff", "psni_hidden_sheet.xlsx"))
        with open(os.path.join(rel, "contacts.csv"), "w") as f:
            f.write("name,ni\r\nJane Smith,AB123456C\r\n")
        os.symlink("contacts.csv", os.path.join(rel, "link.csv"))
        run(["zip", "-qry", "release.zip", "release"], cls.d)
        run(["7z", "a", "-bd", "-bso0", "release.7z", "release"], cls.d)
        run(["tar", "czf", "release.tar.gz", "release"], cls.d)
        run(["tar", "cJf", "release.tar.xz", "release"], cls.d)
        run(["tar", "cf", "release.tar", "release"], cls.d)
        shutil.copyfile(os.path.join(rel, "contacts.csv"), os.path.join(cls.d, "contacts.csv"))
        run(["gzip", "-k", "contacts.csv"], cls.d)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.d, name)

    def test_psni_inside_every_archive(self):
        for name, fmt in (("release.zip", "zip"), ("release.7z", "7z"),
                          ("release.tar.gz", "tar"), ("release.tar.xz", "tar"),
                          ("release.tar", "tar")):
            with self.subTest(name):
                rc, f, fs = scan(self.path(name))
                self.assertEqual((rc, f["verdict"], f["format"], f["error"]),
                                 (1, "block", fmt, None))
                hs = [x for x in fs if x["rule"] == "hidden.sheet"]
                self.assertEqual(len(hs), 1)
                self.assertEqual(hs[0]["location"]["sheet"], "Staff")
                self.assertTrue(hs[0]["location"]["part"].startswith(
                    "release/staff/psni_hidden_sheet.xlsx!"))
                ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
                self.assertEqual(len(ds), 1)
                self.assertEqual(ds[0]["rows"], 9483)
                self.assertTrue(ds[0]["hidden"])
                names = [x for x in fs if x["rule"] == "pii.person_name"
                         and x["location"]["part"] == PSNI_PART]
                self.assertEqual(len(names), 9483)
                # the CSV is a file the recipient opens: in view, not hidden
                csv = [x for x in fs if x["location"].get("part") == "release/contacts.csv!"]
                self.assertEqual(sorted(x["rule"] for x in csv),
                                 ["pii.person_name", "pii.uk_nino"])
                self.assertFalse(any(x["hidden"] for x in csv))
                # the symbolic link is not a second copy
                self.assertFalse([x for x in fs if "link.csv" in x["location"].get("part", "")])

    def test_documents_stored_uncompressed(self):
        """zip -0 (or -n .xlsx, as some tools do for files already
        compressed): the workbook's own names show in the archive's first
        bytes, and the archive is still an archive, not a workbook."""
        d = tempfile.mkdtemp(dir=self.d)
        for doc in ("psni_hidden_sheet.xlsx", "ods_hidden_sheet.ods"):
            shutil.copyfile(os.path.join(OFFICE, doc), os.path.join(d, doc))
            run(["zip", "-q", "-0", doc + ".zip", doc], d)
            with self.subTest(doc):
                rc, f, fs = scan(os.path.join(d, doc + ".zip"))
                self.assertEqual((rc, f["verdict"], f["format"], f["error"]),
                                 (1, "block", "zip", None))
                hs = [x for x in fs if x["rule"] == "hidden.sheet"]
                self.assertEqual(len(hs), 1)
                self.assertTrue(hs[0]["location"]["part"].startswith(doc + "!"))

    def test_more_formats(self):
        """bzip2 (Python's tarfile), ar (binutils), zstd: what libarchive
        reads beyond the common three, each made by its own tool."""
        d = tempfile.mkdtemp(dir=self.d)
        shutil.copyfile(self.path("contacts.csv"), os.path.join(d, "contacts.csv"))
        import tarfile
        with tarfile.open(os.path.join(d, "release.tar.bz2"), "w:bz2") as t:
            t.add(os.path.join(d, "contacts.csv"), arcname="contacts.csv")
        run(["ar", "rc", "release.a", "contacts.csv"], d)
        run(["zstd", "-q", "contacts.csv", "-o", "contacts.csv.zst"], d)
        for name, fmt, part in (("release.tar.bz2", "tar", "contacts.csv!"),
                                ("release.a", "ar", "contacts.csv!"),
                                ("contacts.csv.zst", "zstd", "contacts.csv!")):
            with self.subTest(name):
                rc, f, fs = scan(os.path.join(d, name))
                self.assertEqual((rc, f["format"], f["error"]), (1, fmt, None))
                self.assertEqual(sorted((x["rule"], x["location"]["part"]) for x in fs),
                                 [("pii.person_name", part), ("pii.uk_nino", part)])

    def test_lone_compressed_file(self):
        rc, f, fs = scan(self.path("contacts.csv.gz"))
        self.assertEqual((rc, f["format"]), (1, "gzip"))
        self.assertEqual(sorted((x["rule"], x["location"]["part"]) for x in fs),
                         [("pii.person_name", "contacts.csv!"), ("pii.uk_nino", "contacts.csv!")])

    def test_hash_is_of_the_archive(self):
        for name in ("release.tar.gz", "release.zip"):
            rc, f, fs = scan(self.path(name))
            with open(self.path(name), "rb") as fh:
                self.assertEqual(f["sha256"], hashlib.sha256(fh.read()).hexdigest())

    def test_archive_in_archive(self):
        d = tempfile.mkdtemp(dir=self.d)
        shutil.copyfile(self.path("release.tar.gz"), os.path.join(d, "inner.tar.gz"))
        run(["zip", "-q", "outer.zip", "inner.tar.gz"], d)
        rc, f, fs = scan(os.path.join(d, "outer.zip"))
        self.assertEqual(f["verdict"], "block")
        self.assertIn("inner.tar.gz!" + PSNI_PART, {x["location"]["part"] for x in fs})

    def test_nesting_limit(self):
        d = tempfile.mkdtemp(dir=self.d)
        shutil.copyfile(self.path("contacts.csv"), os.path.join(d, "l0.csv"))
        inner = "l0.csv"
        for i in range(1, 7):
            run(["zip", "-q", "l%d.zip" % i, inner], d)
            inner = "l%d.zip" % i
        rc, f, fs = scan(os.path.join(d, inner))
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("levels deep", f["error"])
        rc, f, fs = scan(os.path.join(d, inner), "--max-nesting", "8")
        self.assertEqual((rc, f["error"]), (1, None))
        self.assertEqual(fs[0]["location"]["part"],
                         "l5.zip!l4.zip!l3.zip!l2.zip!l1.zip!l0.csv!")

    def test_passwords(self):
        d = tempfile.mkdtemp(dir=self.d)
        shutil.copyfile(self.path("contacts.csv"), os.path.join(d, "contacts.csv"))
        run(["zip", "-q", "-P", "secret", "enc.zip", "contacts.csv"], d)
        run(["7z", "a", "-bd", "-bso0", "-psecret", "enc.7z", "contacts.csv"], d)
        run(["7z", "a", "-bd", "-bso0", "-psecret", "-mhe=on", "hdr.7z", "contacts.csv"], d)
        for name, part in (("enc.zip", "contacts.csv"), ("enc.7z", "contacts.csv"),
                           ("hdr.7z", None)):
            with self.subTest(name):
                rc, f, fs = scan(os.path.join(d, name))
                self.assertEqual((rc, f["verdict"], f["error"]), (1, "review", None))
                self.assertEqual([x["rule"] for x in fs], ["notice.encrypted"])
                self.assertEqual(fs[0]["location"].get("part"), part)


class Email(unittest.TestCase):
    """A message built by Python's email package (Debian's python3)."""

    @classmethod
    def setUpClass(cls):
        from email.message import EmailMessage
        cls.d = tempfile.mkdtemp(prefix="sg-eml-")
        rel = os.path.join(cls.d, "release", "staff")
        os.makedirs(rel)
        shutil.copyfile(os.path.join(OFFICE, "psni_hidden_sheet.xlsx"),
                        os.path.join(rel, "psni_hidden_sheet.xlsx"))
        run(["zip", "-qr", "release.zip", "release"], cls.d)
        m = EmailMessage()
        m["From"] = "Information Rights Team <foi@police.example.gov.uk>"
        m["To"] = "Jane Smith <jane.smith@journalist.co.uk>"
        m["Cc"] = "John Brown <john.brown@police.example.gov.uk>"
        m["Subject"] = "FOI 2023/0815: your request"
        m.set_content("Dear Ms Smith,\n\nOur response is attached.\n")
        m.add_alternative("<html><body><p>Call 020 8123 4567</p></body></html>",
                          subtype="html")
        with open(os.path.join(cls.d, "release.zip"), "rb") as f:
            m.add_attachment(f.read(), maintype="application", subtype="zip",
                             filename="release.zip")
        fwd = EmailMessage()
        fwd["From"] = "Case Officer <case@police.example.gov.uk>"
        fwd["To"] = "foi@police.example.gov.uk"
        fwd["Subject"] = "notes"
        fwd.set_content("Victim: Mary Jones, DOB 12/03/1981, NI AB123456C\n")
        m.add_attachment(fwd)
        cls.eml = os.path.join(cls.d, "foi.eml")
        with open(cls.eml, "wb") as f:
            f.write(bytes(m))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    def test_psni_in_a_zip_in_a_message(self):
        rc, f, fs = scan(self.eml)
        self.assertEqual((rc, f["verdict"], f["format"], f["error"]), (1, "block", "eml", None))
        parts = {x["location"].get("part") for x in fs}
        self.assertIn("release.zip!" + PSNI_PART, parts)
        hs = [x for x in fs if x["rule"] == "hidden.sheet"]
        self.assertEqual(len(hs), 1)
        self.assertEqual(hs[0]["location"]["part"], "release.zip!" + PSNI_PART)
        ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(ds[0]["rows"], 9483)

    def test_headers_bodies_and_attached_message(self):
        rc, f, fs = scan(self.eml, "--reveal")
        got = {(x["rule"], x["location"].get("part"), x["value"]) for x in fs
               if not x["location"].get("part", "").startswith("release.zip!")}
        for want in (("pii.email", "headers!", "jane.smith@journalist.co.uk"),
                     ("pii.person_name", "headers!", "Jane Smith"),
                     ("pii.person_name", "headers!", "John Brown"),
                     ("pii.uk_phone", "body.html.2!html", "020 8123 4567"),
                     ("pii.uk_nino", "message.eml!body!", "AB123456C"),
                     ("pii.date_of_birth", "message.eml!body!", "12/03/1981")):
            self.assertIn(want, got)
        # what the recipient reads is in view
        self.assertFalse(any(x["hidden"] for x in fs
                             if x["location"].get("part", "").startswith(("headers", "body"))))

    def test_damaged_messages(self):
        data = open(self.eml, "rb").read()
        for cut in (len(data) // 3, len(data) // 2, 400):
            p = os.path.join(self.d, "cut%d.eml" % cut)
            with open(p, "wb") as f:
                f.write(data[:cut])
            with self.subTest(cut):
                rc, f, fs = scan(p)
                self.assertIn(rc, (0, 1, 2))
                self.assertEqual(f["format"], "eml")


class Outlook(unittest.TestCase):
    """An Outlook .msg written by msgreader's compound-file writer (npm
    @kenjiuno/msgreader, installed by scripts/setup.sh --test into .deps/)
    laid out as [MS-OXMSG] says (make_msg.js), and read back by msgreader's
    own reader before spillguard judges it."""

    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="sg-msg-")
        rel = os.path.join(cls.d, "release", "staff")
        os.makedirs(rel)
        shutil.copyfile(os.path.join(OFFICE, "psni_hidden_sheet.xlsx"),
                        os.path.join(rel, "psni_hidden_sheet.xlsx"))
        run(["zip", "-qr", "release.zip", "release"], cls.d)
        cls.msg = os.path.join(cls.d, "foi.msg")
        env = dict(os.environ, NODE_PATH=os.path.join(ROOT, ".deps", "msg", "node_modules"))
        res = subprocess.run(["node", os.path.join(ROOT, "tests", "cli", "make_msg.js"), cls.msg,
                              os.path.join(cls.d, "release.zip")],
                             capture_output=True, timeout=120, env=env)
        assert res.returncode == 0, res.stderr.decode()
        cls.seen = json.loads(res.stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    def test_fixture_is_the_message_meant(self):
        s = self.seen
        self.assertEqual(s["subject"], "FOI 2023/118 release")
        self.assertEqual(s["recipients"], [
            ["Priya Natarajan", "priya.natarajan@example.org", "to"],
            ["Disclosure Unit", "foi@police.example.gov.uk", "cc"]])
        self.assertEqual(s["attachments"][0], {"fileName": "release.zip", "same": True,
                                               "length": s["attachments"][0]["length"]})
        self.assertEqual(s["attachments"][1]["message"], "Original report")

    def test_psni_in_a_zip_in_a_message(self):
        rc, f, fs = scan(self.msg)
        self.assertEqual((rc, f["verdict"], f["format"], f["error"]), (1, "block", "msg", None))
        hs = [x for x in fs if x["rule"] == "hidden.sheet"]
        self.assertEqual([x["location"]["part"] for x in hs], ["release.zip!" + PSNI_PART])
        ds = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(ds[0]["rows"], 9483)

    def test_headers_body_and_embedded_message(self):
        rc, f, fs = scan(self.msg, "--reveal")
        got = {(x["rule"], x["location"].get("part"), x["value"]) for x in fs
               if not x["location"].get("part", "").startswith("release.zip!")}
        for want in (("pii.person_name", "headers!", "Priya Natarajan"),  # To
                     ("pii.email", "headers!", "priya.natarajan@example.org"),
                     ("pii.email", "headers!", "foi@police.example.gov.uk"),  # Cc
                     ("pii.email", "headers!", "alan.mcbride@police.example.gov.uk"),  # From
                     ("pii.uk_nino", "body!", "AB123456C"),
                     ("pii.person_name", "Original report.msg!body!", "Tom Hughes"),
                     ("pii.date_of_birth", "Original report.msg!body!", "12/03/1981")):
            self.assertIn(want, got)
        self.assertFalse(any(x["hidden"] for x in fs
                             if x["location"].get("part", "").startswith(("headers", "body"))))

    def test_damaged(self):
        with open(self.msg, "rb") as fh:
            data = fh.read()
        for cut in (600, len(data) // 3, len(data) - 700):
            p = os.path.join(self.d, "cut%d.msg" % cut)
            with open(p, "wb") as fh:
                fh.write(data[:cut])
            with self.subTest(cut):
                rc, f, fs = scan(p)
                self.assertIn(rc, (1, 2))
                self.assertIn(f["format"], ("msg", "ole2"))


class Html(unittest.TestCase):
    """HTML read for what a browser shows; what it hides reported."""

    PAGE = ("<!DOCTYPE html>\n<html><head><title>FOI response</title>"
            "<style>p { color: black }</style></head><body>\n"
            "<p>Dear Jane Smith,</p><p>Please call 020 8123 4567.</p>\n"
            "<!-- reviewer: victim Mary Jones DOB 12/03/1981 NI AB123456C -->\n"
            "<div style=\"DISPLAY: none\">NI JK123456C</div>\n"
            "<p hidden>witness Peter Green</p>\n"
            "<form><input type=\"hidden\" name=\"n\" value=\"AB123456C\"></form>\n"
            "<script>var c = \"jbrown@police.example.gov.uk\";</script>\n"
            "</body></html>\n")

    def test_shown_and_hidden(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "page.html")
            with open(p, "w") as f:
                f.write(self.PAGE)
            rc, f, fs = scan(p, "--reveal")
            self.assertEqual((rc, f["verdict"], f["format"]), (1, "block", "html"))
            got = {(x["rule"], x["value"], x.get("hidden_reason")) for x in fs}
            for want in (("pii.person_name", "Jane Smith", None),
                         ("pii.uk_phone", "020 8123 4567", None),
                         ("pii.uk_nino", "AB123456C", "HTML comment"),
                         ("pii.date_of_birth", "12/03/1981", "HTML comment"),
                         ("pii.uk_nino", "JK123456C", "element not displayed"),
                         ("pii.uk_nino", "AB123456C", "hidden form input"),
                         ("pii.email", "jbrown@police.example.gov.uk", "script")):
                self.assertIn(want, got)
            h = [x for x in fs if x["rule"] == "hidden.html"]
            self.assertEqual(len(h), 1)
            self.assertIn("1 comments, 2 elements not displayed, 1 hidden inputs, 1 scripts",
                          h[0]["match"])
            # markup is not text: no finding in a tag or a style
            self.assertFalse([x for x in fs if "color" in x["value"]])

    def test_plain_page_in_view(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "page.htm")
            with open(p, "w") as f:
                f.write("<html><body><table><tr><td>Jane Smith</td><td>AB123456C</td></tr>"
                        "</table></body></html>")
            rc, f, fs = scan(p)
            self.assertEqual((f["verdict"], f["format"]), ("review", "html"))
            self.assertFalse(any(x["hidden"] for x in fs))


class Xml(unittest.TestCase):
    def test_elements_and_attributes_with_their_names(self):
        doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<cases><case id="C1"><victim>'
               "<name>Mary Jones</name><dateOfBirth>12/03/1981</dateOfBirth>"
               "<ni>AB123456C</ni></victim>"
               '<officer collar="PC 4471" email="jbrown@police.example.gov.uk"/>'
               "</case></cases>\n")
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "export.xml")
            with open(p, "w") as f:
                f.write(doc)
            rc, f, fs = scan(p, "--reveal")
            self.assertEqual((f["format"], f["error"]), ("xml", None))
            got = {(x["rule"], x["value"]) for x in fs}
            for want in (("pii.person_name", "Mary Jones"),
                         ("pii.date_of_birth", "12/03/1981"),  # by its element's name
                         ("pii.uk_nino", "AB123456C"),
                         ("pii.email", "jbrown@police.example.gov.uk")):
                self.assertIn(want, got)
            # markup is not text
            self.assertFalse([x for x in fs if "<" in x["value"]])

    def test_entities_refused(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "bomb.xml")
            with open(p, "w") as f:
                f.write('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaa">'
                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<x>&b;</x>\n')
            rc, f, fs = scan(p)
            self.assertEqual((rc, f["verdict"]), (2, "error"))
            self.assertIn("entity", f["error"])


class Json(unittest.TestCase):
    """JSON written by Python's json module, as an API export would be."""

    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="sg-json-")

    def tearDown(self):
        shutil.rmtree(self.d, ignore_errors=True)

    def write(self, name, text):
        p = os.path.join(self.d, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    @staticmethod
    def officers(n):
        sn = ["Brown", "Patel", "Murphy", "Smith", "Jones", "Taylor", "Wilson", "Evans"]
        fn = ["John", "Sarah", "Michael", "Emma", "David", "Laura"]
        ranks = ["Constable", "Sergeant", "Inspector"]
        return [{"surname": sn[i % len(sn)], "forename": fn[i % len(fn)],
                 "rank": ranks[i % len(ranks)], "unit": "Response",
                 "serviceNumber": str(4000 + 37 * i)} for i in range(n)]

    def test_array_of_objects_is_a_table_of_people(self):
        p = self.write("staff.json", json.dumps(
            {"force": "Example", "data": {"officers": self.officers(40)}}, indent=1))
        rc, f, fs = scan(p, "--reveal")
        self.assertEqual((rc, f["format"], f["verdict"], f["error"]), (1, "json", "block", None))
        tables = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual(len(tables), 1)
        self.assertEqual(tables[0]["location"]["part"], "$.data.officers")
        names = [x for x in fs if x["rule"] == "pii.person_name"]
        self.assertTrue(names)
        # located by the object (row) and the key (column)
        loc = [x["location"] for x in names if x["value"] == "Patel"][0]
        self.assertEqual((loc["row"], loc["column"]), (2, "surname"))

    def test_json_lines_is_one_table(self):
        p = self.write("staff.jsonl", "".join(json.dumps(r) + "\n" for r in self.officers(40)))
        rc, f, fs = scan(p)
        self.assertEqual((f["format"], f["verdict"]), ("json", "block"))
        tables = [x for x in fs if x["rule"] == "dataset.personal_records"]
        self.assertEqual([t["location"]["part"] for t in tables], ["$"])
        # the extension is not what decides it: the same lines as .txt
        with open(p) as src:
            q = self.write("staff.txt", src.read())
        rc, f, fs = scan(q)
        self.assertEqual((f["format"], f["verdict"]), ("json", "block"))

    def test_values_by_their_keys_and_lines(self):
        doc = json.dumps({"case": "C1", "victim": {"fullName": "Mary Jones",
                                                     "dateOfBirth": "12/03/1981",
                                                     "ni": "AB123456C"},
                          "notes": ["seen by PC 4471", "call 028 9065 0222"]}, indent=2)
        p = self.write("case.json", doc)
        rc, f, fs = scan(p, "--reveal")
        self.assertEqual((f["format"], f["error"]), ("json", None))
        got = {(x["rule"], x["value"], x["location"]["line"]) for x in fs}
        lines = doc.splitlines()
        def line_of(s):
            return [i + 1 for i, l in enumerate(lines) if s in l][0]
        for rule, v in (("pii.person_name", "Mary Jones"),
                        ("pii.date_of_birth", "12/03/1981"),  # by its key
                        ("pii.uk_nino", "AB123456C")):
            self.assertIn((rule, v, line_of(v)), got)
        self.assertFalse([x for x in fs if '"' in x["value"] or "{" in x["value"]])

    def test_a_date_without_a_birth_key_is_not_a_birth_date(self):
        p = self.write("d.json", json.dumps({"published": "12/03/1981"}))
        rc, f, fs = scan(p)
        self.assertEqual((f["format"], [x["rule"] for x in fs]), ("json", []))

    def test_hostile(self):
        deep = self.write("deep.json", "[" * 100000 + "]" * 100000)
        rc, f, fs = scan(deep)
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("nested deeper", f["error"])
        # a syntax error after the first chunk: an error with its line, what
        # came before still read
        body = ",\n".join(json.dumps({"n": i}) for i in range(20000))
        bad = self.write("bad.json", '{"who": "Mary Jones", "rows": [' + body + ",}")
        rc, f, fs = scan(bad)
        self.assertEqual((rc, f["format"], f["verdict"]), (2, "json", "error"))
        self.assertRegex(f["error"], r"JSON: .* at line 20000")
        self.assertIn("pii.person_name", [x["rule"] for x in fs])
        # a token yajl would have to buffer past 16 MiB is refused; values
        # that end (even bare true/false/null) are not tokens to buffer
        big = self.write("big.json", '{"n": "' + "A" * (17 << 20) + '"}')
        rc, f, fs = scan(big)
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("without a value ending", f["error"])
        flags = self.write("flags.json", "[" + "true,null," * (2 << 20) + "false]")
        rc, f, fs = scan(flags)
        self.assertEqual((f["format"], f["error"]), ("json", None))
        # text that starts like JSON but is not is read as text
        t = self.write("notes.txt", "[1] Introduction\nJohn Brown, SW1A 2AA\n")
        rc, f, fs = scan(t)
        self.assertEqual(f["format"], "text")
        self.assertIn("pii.person_name", [x["rule"] for x in fs])


class LazyLibraries(unittest.TestCase):
    """libarchive, GMime, libgsf and libheif (with the libraries they pull
    in) are opened when a file needs one, inside the sandbox, not at
    start-up (src/lib/readers/lazylib.c): the loader's own trace
    (LD_DEBUG=files) says which it opened."""
    SONAMES = ("libarchive.so", "libgmime-3.0.so", "libgsf-1.so", "libheif.so")

    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="sg-lazy-")
        with open(os.path.join(cls.d, "note.txt"), "w") as f:
            f.write("Contact Jane Smith, NI number AB123456C.\n")
        run(["tar", "czf", "note.tar.gz", "note.txt"], cls.d)
        with open(os.path.join(cls.d, "note.eml"), "w") as f:
            f.write("From: a@example.org\r\nTo: b@example.org\r\nSubject: note\r\n"
                    "Content-Type: text/plain\r\n\r\nNI number AB123456C\r\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    def opened(self, path):
        res = subprocess.run([BIN, "scan", "-f", "jsonl", path], capture_output=True, timeout=120,
                             env=dict(os.environ, LD_DEBUG="files"))
        trace = res.stderr.decode(errors="replace")
        self.assertIn("file=libcrypto.so", trace)  # the trace is there at all
        recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
        loaded = {so: ("file=" + so) in trace for so in self.SONAMES}
        for so in self.SONAMES:  # by dlopen, never as a link-time dependency
            lines = [l for l in trace.splitlines() if ("file=" + so) in l]
            self.assertFalse([l for l in lines if "needed by" in l], so)
            self.assertEqual(loaded[so], any("dynamically loaded by" in l for l in lines), so)
        return loaded, recs[0], [r for r in recs if r["type"] == "finding"]

    def test_plain_text_opens_none(self):
        loaded, summary, fs = self.opened(os.path.join(self.d, "note.txt"))
        self.assertEqual(loaded, {so: False for so in self.SONAMES})
        self.assertTrue(any(f["rule"] == "pii.uk_nino" for f in fs))

    def test_each_reader_opens_its_library(self):
        for name, so in (("note.tar.gz", "libarchive.so"), ("note.eml", "libgmime-3.0.so"),
                         (os.path.join(ROOT, "tests", "data", "corpus", "poi",
                                       "TwoSheetsOneHidden.xls"), "libgsf-1.so"),
                         (os.path.join(ROOT, "tests", "data", "images", "gps.heic"),
                          "libheif.so")):
            loaded, summary, fs = self.opened(os.path.join(self.d, name))
            self.assertEqual(loaded, {s: s == so for s in self.SONAMES}, name)
            self.assertIsNone(summary["error"], name)
            self.assertTrue(fs, name)


class Streamed(unittest.TestCase):
    """An archive's member goes to its reader as a stream: a text or CSV
    member is read as it inflates, so it is checked whatever its size and
    memory does not grow with it; a member its reader needs whole (an
    office file) is held to --max-part. A ZIP on disk is not held either."""

    ROWS = 400_000  # ~33 MB of CSV: more than a run that held it whole peaks at

    @classmethod
    def setUpClass(cls):
        cls.d = tempfile.mkdtemp(prefix="sg-arc-stream-")
        names = ["Wright", "Hall", "Patel", "Evans", "Khan", "Morgan"]
        with open(os.path.join(cls.d, "staff.csv"), "w") as f:
            f.write("Surname,Forename,NI Number,Email,Amount\n")
            for i in range(cls.ROWS):
                f.write("%s,%s,%s%06d%s,%s.%d@example.org,%d.%02d\n" % (
                    names[i % 6], names[(i + 2) % 6], "JKLMNP"[i % 6] + "ABCEGH"[i % 6],
                    100000 + i, "ABCD"[i % 4], names[i % 6].lower(), i, i % 997, i % 100))
        run(["gzip", "-k", "-1", "staff.csv"], cls.d)
        run(["tar", "czf", "staff.tar.gz", "staff.csv"], cls.d)
        run(["zip", "-q", "-1", "staff.zip", "staff.csv"], cls.d)
        shutil.copyfile(os.path.join(OFFICE, "psni_hidden_sheet.xlsx"),
                        os.path.join(cls.d, "psni.xlsx"))
        run(["tar", "cf", "book.tar", "psni.xlsx"], cls.d)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.d, ignore_errors=True)

    @staticmethod
    def counted(path, *extra):
        """(file record, {rule: count}, peak resident MiB) of one scan."""
        with tempfile.NamedTemporaryFile("r") as peak:
            res = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, BIN, "scan",
                                  "-f", "jsonl", "--reveal"] + list(extra) + [path],
                                 capture_output=True, timeout=600)
            rss = int(peak.read().split()[-1]) / 1024
        recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
        listed = [(r["rule"], r["value"], r["location"].get("row")) for r in recs[1:]
                  if r["type"] == "finding"]
        return recs[0], listed, rss

    def test_member_larger_than_the_part_limit(self):
        plain, listed, _ = self.counted(os.path.join(self.d, "staff.csv"))
        self.assertIsNone(plain["error"])
        self.assertGreater(plain["findings"], 4 * self.ROWS)  # names, NI numbers, e-mails
        for name in ("staff.csv.gz", "staff.tar.gz", "staff.zip"):
            with self.subTest(name):
                # a thirtieth of the member, and less than the archive: both
                # were refused so before (a ZIP was held whole to read its
                # central directory; on disk it is read where libarchive seeks)
                path = os.path.join(self.d, name)
                self.assertGreater(os.path.getsize(path), 1 << 20)
                f, got, rss = self.counted(path, "--max-part", str(1 << 20))
                self.assertIsNone(f["error"])
                self.assertEqual((f["verdict"], f["findings"]),
                                 (plain["verdict"], plain["findings"]))
                self.assertEqual(got, listed)
                if not SANITIZED:  # ASan's shadow memory is not ours
                    self.assertLess(rss, 40)  # nothing grows with the member

    def test_member_its_reader_needs_whole(self):
        f, listed, _ = self.counted(os.path.join(self.d, "book.tar"))
        self.assertIsNone(f["error"])
        self.assertIn("hidden.sheet", [r for r, v, row in listed])
        f, listed, _ = self.counted(os.path.join(self.d, "book.tar"), "--max-part", "4096")
        self.assertEqual(f["verdict"], "error")
        self.assertIn("--max-part", f["error"])
        self.assertIn("psni.xlsx", f["error"])


class Hostile(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(prefix="sg-arc-bad-")

    def tearDown(self):
        shutil.rmtree(self.d, ignore_errors=True)

    def test_bomb(self):
        # 200 MB of zeros in a 200 KB member: past --max-ratio
        with open(os.path.join(self.d, "zeros.csv"), "wb") as f:
            f.truncate(200 << 20)
        run(["zip", "-q", "bomb.zip", "zeros.csv"], self.d)
        run(["tar", "czf", "bomb.tar.gz", "zeros.csv"], self.d)
        os.unlink(os.path.join(self.d, "zeros.csv"))
        for name in ("bomb.zip", "bomb.tar.gz"):
            with self.subTest(name):
                rc, f, fs = scan(os.path.join(self.d, name), "--max-ratio", "100")
                self.assertEqual((rc, f["verdict"]), (2, "error"))
                self.assertIn("--max-ratio", f["error"])
                rc, f, fs = scan(os.path.join(self.d, name), "--max-inflated", "1000000")
                self.assertIn("--max-inflated", f["error"])

    def test_many_members(self):
        for i in range(30):
            with open(os.path.join(self.d, "f%02d.txt" % i), "w") as f:
                f.write("nothing\n")
        run(["tar", "cf", "many.tar"] + ["f%02d.txt" % i for i in range(30)], self.d)
        rc, f, fs = scan(os.path.join(self.d, "many.tar"), "--max-members", "10")
        self.assertEqual((rc, f["verdict"]), (2, "error"))
        self.assertIn("--max-members", f["error"])
        self.assertEqual(scan(os.path.join(self.d, "many.tar"))[1]["verdict"], "pass")

    def test_damaged(self):
        with open(os.path.join(self.d, "a.csv"), "w") as f:
            f.write("name,ni\r\nJane Smith,AB123456C\r\n" * 2000)
        run(["tar", "czf", "a.tar.gz", "a.csv"], self.d)
        run(["zip", "-q", "a.zip", "a.csv"], self.d)
        for name in ("a.tar.gz", "a.zip"):
            data = open(os.path.join(self.d, name), "rb").read()
            for cut in (len(data) // 2, 40):
                p = os.path.join(self.d, "cut-%d-%s" % (cut, name))
                with open(p, "wb") as f:
                    f.write(data[:cut])
                with self.subTest(p):
                    rc, f, fs = scan(p)
                    self.assertEqual((rc, f["verdict"]), (2, "error"), f)
            # garbage after a good start
            p = os.path.join(self.d, "junk-" + name)
            with open(p, "wb") as f:
                f.write(data[:200] + os.urandom(5000))
            rc, f, fs = scan(p)
            self.assertIn(rc, (1, 2))
            self.assertIsNotNone(f["verdict"])

    def test_scan_goes_on_after_a_bad_archive(self):
        with open(os.path.join(self.d, "bad.7z"), "wb") as f:
            f.write(b"7z\xbc\xaf\x27\x1c" + os.urandom(3000))
        with open(os.path.join(self.d, "good.csv"), "w") as f:
            f.write("name,ni\r\nJane Smith,AB123456C\r\n")
        res = subprocess.run([BIN, "scan", "-f", "jsonl", self.d], capture_output=True,
                             timeout=120)
        recs = [json.loads(l) for l in res.stdout.decode().splitlines()]
        files = {os.path.basename(r["path"]): r for r in recs if r["type"] == "file"}
        self.assertEqual(files["bad.7z"]["verdict"], "error")
        self.assertEqual(files["good.csv"]["verdict"], "review")
        self.assertEqual(res.returncode, 2)


if __name__ == "__main__":
    unittest.main()
