"""End-to-end tests of the spillguard binary.

Run by `make cli-test` (SPILLGUARD names the binary). Each test builds what it
needs in a temporary directory; the bundled examples/ are scanned read-only.
"""
import hashlib
import json
import re
import os
import pty
import shutil
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("SPILLGUARD", os.path.join(ROOT, "build", "spillguard")))
EXAMPLES = os.path.join(ROOT, "examples")
MULTITOOL = os.path.join(ROOT, ".deps", "sarif", "node_modules", "@microsoft",
                         "sarif-multitool-linux", "Sarif.Multitool")
SARIF_SCHEMA = os.path.join(os.path.dirname(MULTITOOL), "sarif-2.1.0.json")

FILE_KEYS = {"type", "path", "format", "encoding", "size", "sha256", "verdict", "findings",
             "findings_listed", "error", "skipped"}
FINDING_KEYS = {"type", "path", "rule", "severity", "hidden", "location", "match"}
FINDING_OPTIONAL = {"value", "message", "rows", "columns", "column_kinds", "hidden_reason",
                    "special_category", "fingerprint"}
LOCATION_KEYS = {"line", "col", "offset", "row", "column", "column_index", "column_letter",
                 "part", "sheet", "cell", "slide", "paragraph", "page", "box", "revision",
                 "text_layer"}
SUMMARY_KEYS = {"type", "files", "block", "review", "pass", "errors", "skipped", "findings",
                "bytes", "seconds"}
VERDICTS = {"block", "review", "pass", "error", "skipped"}
SEVERITIES = {"info", "low", "medium", "high", "critical"}


def run(args, stdin=None, env=None, cwd=None, timeout=300):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([BIN] + args, input=stdin, capture_output=True, env=e, cwd=cwd,
                          timeout=timeout)


def records(out):
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def rule_ids():
    out = run(["rules"]).stdout.decode()
    return {line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")}


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


PEOPLE_CSV = "Surname,Forename,NI Number,Email\n" + "".join(
    "Smith%d,John,AB1234%02dC,js%d@example.org\n" % (i, i, i) for i in range(20))


class Examples(unittest.TestCase):
    """The bundled examples: verdicts and the JSON Lines contract."""

    @classmethod
    def setUpClass(cls):
        cls.res = run(["scan", "-f", "jsonl", "examples/"], cwd=ROOT)
        cls.recs = records(cls.res.stdout)

    def files(self):
        return {r["path"]: r for r in self.recs if r["type"] == "file"}

    def test_verdicts(self):
        self.assertEqual(self.res.returncode, 1, self.res.stderr)
        f = self.files()
        self.assertEqual(f["examples/staff_list.csv"]["verdict"], "block")
        self.assertEqual(f["examples/victims_export.txt"]["verdict"], "block")
        self.assertEqual(f["examples/foi_response_letter.txt"]["verdict"], "review")
        self.assertEqual(f["examples/incident_log.txt"]["verdict"], "review")
        self.assertEqual(f["examples/crime_figures_2023.csv"]["verdict"], "pass")
        self.assertEqual(f["examples/press_release.txt"]["verdict"], "pass")
        self.assertEqual(f["examples/foi_response_redacted.pdf"]["verdict"], "block")
        s = self.recs[-1]
        self.assertEqual((s["files"], s["block"], s["review"], s["pass"], s["errors"]),
                         (7, 3, 2, 2, 0))

    def test_staff_list_is_a_table_of_people(self):
        ds = [r for r in self.recs if r.get("rule") == "dataset.personal_records"
              and r["path"] == "examples/staff_list.csv"]
        self.assertEqual(len(ds), 1)
        d = ds[0]
        self.assertEqual(d["rows"], 250)
        self.assertEqual(d["columns"], ["Surname", "Initials", "Rank/Grade", "Department",
                                        "Location", "Contract Type", "Gender",
                                        "Service Number", "Email"])
        self.assertEqual(d["column_kinds"][0], "surname")
        self.assertEqual(d["column_kinds"][7], "staff_number")

    def test_contract(self):
        rules = rule_ids()
        self.assertEqual(self.recs[-1]["type"], "summary")
        self.assertEqual(set(self.recs[-1]), SUMMARY_KEYS)
        current = None
        listed = 0
        for r in self.recs[:-1]:
            if r["type"] == "file":
                if current:
                    self.assertEqual(listed, current["findings_listed"])
                current, listed = r, 0
                self.assertEqual(set(r), FILE_KEYS)
                self.assertIn(r["verdict"], VERDICTS)
                path = os.path.join(ROOT, r["path"])
                with open(path, "rb") as fh:
                    data = fh.read()
                self.assertEqual(r["size"], len(data))
                self.assertEqual(r["sha256"], hashlib.sha256(data).hexdigest())
                self.assertIsNone(r["error"])
                self.assertGreaterEqual(r["findings"], r["findings_listed"])
                continue
            self.assertEqual(r["type"], "finding")
            self.assertEqual(r["path"], current["path"])  # findings follow their file
            listed += 1
            self.assertTrue(FINDING_KEYS <= set(r) <= FINDING_KEYS | FINDING_OPTIONAL, r)
            self.assertNotIn("value", r)  # masked unless --reveal
            self.assertIn(r["rule"], rules)
            self.assertIn(r["severity"], SEVERITIES)
            self.assertIsInstance(r["hidden"], bool)
            self.assertTrue(set(r["location"]) <= LOCATION_KEYS)
            self.assertEqual("hidden_reason" in r, r["hidden"])
            if current["format"] in ("csv", "tsv"):
                self.assertIn("row", r["location"])
                if not r["rule"].startswith("dataset."):
                    self.assertIn("column_index", r["location"])
            elif current["format"] == "pdf":
                self.assertGreaterEqual(r["location"]["page"], 1)
                box = r["location"]["box"]
                self.assertTrue(len(box) == 4 and box[0] <= box[2] and box[1] <= box[3])
            else:
                self.assertTrue({"line", "col", "offset"} <= set(r["location"]))
            if r["rule"].startswith("dataset."):
                self.assertEqual(len(r["columns"]), len(r["column_kinds"]))
                self.assertGreater(r["rows"], 0)

    def test_text_offsets_point_at_the_value(self):
        recs = records(run(["scan", "-f", "jsonl", "--reveal", "examples/incident_log.txt"],
                           cwd=ROOT).stdout)
        with open(os.path.join(EXAMPLES, "incident_log.txt"), "rb") as fh:
            data = fh.read()
        lines = data.split(b"\n")
        found = [r for r in recs if r["type"] == "finding"]
        self.assertGreaterEqual(len(found), 6)
        for r in found:
            v = r["value"].encode()
            loc = r["location"]
            self.assertEqual(data[loc["offset"]:loc["offset"] + len(v)], v)
            line = lines[loc["line"] - 1].decode()
            self.assertEqual(line[loc["col"] - 1:loc["col"] - 1 + len(r["value"])], r["value"])

    def test_no_value_leaks_without_reveal(self):
        revealed = records(run(["scan", "-f", "jsonl", "--reveal", "--max-findings", "100000",
                                "examples/"], cwd=ROOT).stdout)
        values = {r["value"] for r in revealed
                  if r["type"] == "finding" and not r["rule"].startswith("dataset.")}
        self.assertGreater(len(values), 300)
        for fmt in ("text", "jsonl", "sarif"):
            out = run(["scan", "-f", fmt, "-v", "--max-findings", "100000", "examples/"],
                      cwd=ROOT).stdout.decode()
            out = re.sub(r"[0-9a-f]{64}|[0-9a-f]{16}", "", out)  # digests hold digits too
            for v in values:
                if len(v) >= 5:  # short surnames also occur as words
                    self.assertNotIn(v, out, "%s leaks %r" % (fmt, v))

    def test_reveal_shows_values(self):
        out = run(["scan", "-f", "jsonl", "--reveal", "examples/incident_log.txt"],
                  cwd=ROOT).stdout
        vals = [r["value"] for r in records(out) if r["type"] == "finding"]
        self.assertIn("MORGA753116SM9IJ", vals)


class Limits(unittest.TestCase):
    """Past --max-findings a finding is only counted (sgi_emit_counted skips
    locating it): counts, verdicts and the findings listed must be those of
    a run that lists everything."""

    @staticmethod
    def corpus(d):
        """A staff list and case notes far past a limit of 2, and the examples."""
        rows = ["Surname,Forename,Ethnicity,NI Number,Email,Mobile,Staff No"]
        notes = []
        names = ["Wright", "Hall", "Patel", "Evans", "Khan", "Morgan"]
        for i in range(400):
            ni = "%s%06d%s" % ("JKLMNP"[i % 6] + "ABCEGH"[i % 6], 100000 + i * 7, "ABCD"[i % 4])
            rows.append("%s,%s,%s,%s,%s.%d@example.org,07%03d %06d,%05d" % (
                names[i % 6], names[(i + 2) % 6], "White British" if i % 2 else "Asian",
                ni, names[i % 6].lower(), i, 700 + i % 200, 100000 + i, 30000 + i))
            notes.append("Spoke to %s %s, ni number %s, victim of assault, on 0%d/03/2021."
                         % (names[(i + 1) % 6], names[i % 6], ni, 1 + i % 9))
        write(os.path.join(d, "staff.csv"), "\n".join(rows) + "\n")
        write(os.path.join(d, "notes.txt"), "\n".join(notes) + "\n")
        shutil.copytree(EXAMPLES, os.path.join(d, "examples"))

    @staticmethod
    def files(recs):
        return {r["path"]: (r["verdict"], r["findings"], r.get("suppressed", 0)) for r in recs
                if r["type"] == "file"}

    @staticmethod
    def listed(recs, limit):
        seen, out = {}, []
        for r in recs:
            if r["type"] != "finding":
                continue
            k = (r["path"], r["rule"])
            seen[k] = seen.get(k, 0) + 1
            if seen[k] <= limit:
                out.append(r)
        return out

    def test_findings_past_the_limit_are_counted_exactly(self):
        with tempfile.TemporaryDirectory() as d:
            self.corpus(d)
            full = records(run(["scan", "-f", "jsonl", "--reveal", "--max-findings", "1000000",
                                d]).stdout)
            some = records(run(["scan", "-f", "jsonl", "--reveal", "--max-findings", "2",
                                d]).stdout)
        files = self.files
        self.assertEqual(files(full), files(some))
        self.assertEqual(self.listed(full, 2), self.listed(some, 2))
        staff = [p for p in files(full) if p.endswith("staff.csv")][0]
        self.assertGreater(files(full)[staff][1], 2000)  # far past the limit of 2
        self.assertEqual(full[-1]["findings"], some[-1]["findings"])

    def test_configuration_applies_past_the_limit(self):
        # a finding past the limit is only counted when the configuration
        # cannot drop it: a rule switched off counts nothing, and allowed
        # values, allowed patterns and a baseline still drop theirs
        with tempfile.TemporaryDirectory() as d:
            self.corpus(os.path.join(d, "in"))
            base = os.path.join(d, "base.jsonl")
            res = run(["scan", "-f", "jsonl", "--max-findings", "1000000", "--only",
                       "pii.uk_phone", os.path.join(d, "in", "staff.csv")])
            # every other mobile number reviewed: the rest are found past the limit
            lines = res.stdout.decode().splitlines()
            phones = [ln for ln in lines if '"pii.uk_phone"' in ln]
            self.assertEqual(len(phones), 400)
            write(base, "\n".join([ln for ln in lines if ln not in phones] + phones[1::2]) + "\n")
            cfgs = {
                "off": "rules:\n  pii.uk_nino: off\n  pii.email: {severity: high}\n",
                "values": "allow:\n  pii.uk_phone:\n    values: ['07700 100000', "
                          "'07710 100010']\n",
                "pattern": "allow:\n  patterns: ['wright\\..*']\n",
            }
            runs = {}
            for name, text in list(cfgs.items()) + [("baseline", None)]:
                args = ["--baseline", base, "--no-config"]
                if text is not None:
                    path = os.path.join(d, name + ".yml")
                    write(path, "version: 1\n" + text)
                    args = ["--config", path]
                for cap in ("1000000", "2"):
                    runs[name, cap] = records(run(["scan", "-f", "jsonl", "--reveal",
                                                   "--max-findings", cap] + args +
                                                  [os.path.join(d, "in")]).stdout)
        for name in list(cfgs) + ["baseline"]:
            full, some = runs[name, "1000000"], runs[name, "2"]
            self.assertEqual(self.files(full), self.files(some), name)
            self.assertEqual(self.listed(full, 2), self.listed(some, 2), name)
        staff = lambda recs: [v for p, v in self.files(recs).items() if p.endswith("staff.csv")][0]
        rules = lambda recs: {r["rule"] for r in recs if r["type"] == "finding"}
        self.assertNotIn("pii.uk_nino", rules(runs["off", "2"]))
        self.assertIn("pii.email", rules(runs["off", "2"]))
        self.assertEqual(staff(runs["values", "2"])[2], 2)
        self.assertEqual(staff(runs["pattern", "2"])[2], 67)  # wright.0, wright.6 ... wright.396
        self.assertEqual(staff(runs["baseline", "2"])[2], 200)  # every other mobile number


class Walk(unittest.TestCase):
    """Walking, ordering, special files, inputs."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-cli-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def test_order_is_the_same_whatever_the_threads(self):
        import random
        rnd = random.Random(7)
        for i in range(150):
            d = self.p("d%d" % (i % 7), "e%d" % (i % 3))
            body = "note %d\n" % i
            if i % 4 == 0:
                body += "NI AB1234%02dC mail x%d@example.org\n" % (i % 100, i)
            if i % 9 == 0:
                body = PEOPLE_CSV
            write(os.path.join(d, "f%03d-%d.txt" % (rnd.randrange(1000), i)), body)
        outs = []
        for j in ("1", "2", "8"):
            res = run(["scan", "-f", "jsonl", "-j", j, self.tmp])
            self.assertEqual(res.returncode, 1, res.stderr)
            recs = records(res.stdout)
            recs[-1]["seconds"] = 0
            outs.append(recs)
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])
        # the order is a walk with every directory sorted bytewise
        expected = []

        def walk(d):
            for name in sorted(os.listdir(d)):
                full = os.path.join(d, name)
                if os.path.isdir(full):
                    walk(full)
                else:
                    expected.append(full)
        walk(self.tmp)
        got = [r["path"] for r in outs[0] if r["type"] == "file"]
        self.assertEqual(got, expected)

    def test_symlinks_not_followed_unless_asked(self):
        write(self.p("real", "a.csv"), PEOPLE_CSV)
        os.makedirs(self.p("top"))
        os.symlink(self.p("real", "a.csv"), self.p("top", "link.csv"))
        os.symlink(self.p("real"), self.p("top", "linkdir"))
        recs = records(run(["scan", "-f", "jsonl", self.p("top")]).stdout)
        files = [r for r in recs if r["type"] == "file"]
        self.assertEqual([r["verdict"] for r in files], ["skipped", "skipped"])
        self.assertIn("symbolic link", files[0]["skipped"])
        recs = records(run(["scan", "-f", "jsonl", "--follow", self.p("top")]).stdout)
        files = [r for r in recs if r["type"] == "file"]
        self.assertEqual([r["verdict"] for r in files], ["block", "block"])
        # a symlink named on the command line is followed
        recs = records(run(["scan", "-f", "jsonl", self.p("top", "link.csv")]).stdout)
        self.assertEqual(recs[0]["verdict"], "block")

    def test_symlink_loop_ends(self):
        write(self.p("a", "x.txt"), "hello\n")
        os.symlink(self.p("a"), self.p("a", "loop"))
        res = run(["scan", "-f", "jsonl", "--follow", self.p("a")], timeout=30)
        recs = records(res.stdout)
        skipped = [r for r in recs if r["type"] == "file" and r["verdict"] == "skipped"]
        self.assertEqual(len(skipped), 1)
        self.assertIn("loop", skipped[0]["skipped"])

    def test_fifo_and_devices_are_skipped_not_read(self):
        write(self.p("d", "a.txt"), "AB123456C\n")
        os.mkfifo(self.p("d", "pipe"))  # opening it for reading would hang
        res = run(["scan", "-f", "jsonl", self.p("d"), "/dev/null"], timeout=30)
        recs = records(res.stdout)
        by = {r["path"]: r for r in recs if r["type"] == "file"}
        self.assertEqual(by[self.p("d", "pipe")]["verdict"], "skipped")
        self.assertEqual(by[self.p("d", "pipe")]["skipped"], "a FIFO")
        self.assertEqual(by["/dev/null"]["skipped"], "a character device")
        self.assertEqual(by[self.p("d", "a.txt")]["verdict"], "review")
        self.assertEqual(recs[-1]["skipped"], 2)
        self.assertEqual(res.returncode, 1)

    def test_files_from(self):
        write(self.p("a.csv"), PEOPLE_CSV)
        write(self.p("b.txt"), "nothing here\n")
        write(self.p("list"), "%s\r\n\n%s\n" % (self.p("b.txt"), self.p("a.csv")))
        recs = records(run(["scan", "-f", "jsonl", "--files-from", self.p("list")]).stdout)
        self.assertEqual([r["path"] for r in recs if r["type"] == "file"],
                         [self.p("b.txt"), self.p("a.csv")])
        lst = ("%s\0%s\0" % (self.p("a.csv"), self.p("b.txt"))).encode()
        recs = records(run(["scan", "-f", "jsonl", "--files-from", "-", "-0"], stdin=lst).stdout)
        self.assertEqual([r["verdict"] for r in recs if r["type"] == "file"], ["block", "pass"])

    def test_stdin(self):
        res = run(["scan", "-f", "jsonl", "-"], stdin=PEOPLE_CSV.encode())
        recs = records(res.stdout)
        self.assertEqual(recs[0]["path"], "-")
        self.assertEqual(recs[0]["format"], "csv")
        self.assertEqual(recs[0]["verdict"], "block")
        self.assertEqual(recs[0]["size"], len(PEOPLE_CSV))
        self.assertEqual(recs[0]["sha256"], hashlib.sha256(PEOPLE_CSV.encode()).hexdigest())

    def test_errors_are_per_file_and_the_scan_goes_on(self):
        write(self.p("good.csv"), PEOPLE_CSV)
        write(self.p("garbage.bin"), bytes(range(256)) * 40, "wb")
        write(self.p("doc.pdf"), b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "wb")  # cut short
        res = run(["scan", "-f", "jsonl", self.p("missing.txt"), self.p("garbage.bin"),
                   self.p("doc.pdf"), self.p("good.csv")])
        self.assertEqual(res.returncode, 2)
        recs = records(res.stdout)
        files = [r for r in recs if r["type"] == "file"]
        self.assertEqual([r["verdict"] for r in files], ["error", "error", "error", "block"])
        self.assertIn("No such file", files[0]["error"])
        self.assertIn("binary", files[1]["error"])
        self.assertEqual(files[2]["format"], "pdf")
        self.assertIn("damaged PDF", files[2]["error"])
        self.assertEqual(recs[-1]["errors"], 3)

    def test_hostile_file_names(self):
        name = b"we\nird\x1b[31m\xff.txt"
        path = os.path.join(self.tmp.encode(), name)
        with open(path, "w") as f:
            f.write("AB123456C\n")
        recs = records(run(["scan", "-f", "jsonl", self.tmp]).stdout)
        self.assertTrue(recs[0]["path"].endswith("we\nird\x1b[31m\ufffd.txt"))
        out = run(["scan", "-f", "text", self.tmp]).stdout
        self.assertNotIn(b"\x1b", out)
        self.assertNotIn(b"we\nird", out)
        self.assertIn(b"we\\x0aird\\x1b[31m\\xff.txt", out)


class ExitCodes(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-exit-")
        write(os.path.join(self.tmp, "clean.txt"), "The weather was fine.\n")
        write(os.path.join(self.tmp, "review.txt"), "Contact me: someone@example.org\n")
        write(os.path.join(self.tmp, "block.csv"), PEOPLE_CSV)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def code(self, *args):
        return run(["scan", "-q"] + list(args)).returncode

    def test_codes(self):
        t = lambda n: os.path.join(self.tmp, n)
        self.assertEqual(self.code(t("clean.txt")), 0)
        self.assertEqual(self.code(t("review.txt")), 1)
        self.assertEqual(self.code("--fail-on", "block", t("review.txt")), 0)
        self.assertEqual(self.code("--fail-on", "block", t("block.csv")), 1)
        self.assertEqual(self.code("--fail-on", "review", t("block.csv")), 1)
        self.assertEqual(self.code(t("clean.txt"), t("nope")), 2)

    def test_usage_errors(self):
        for args in (["scan"], ["scan", "-j", "0", "x"], ["scan", "-f", "xml", "x"],
                     ["scan", "--fail-on", "maybe", "x"], ["scan", "--bogus", "x"],
                     ["frobnicate"], ["scan", "-0", "x"], []):
            res = run(args)
            self.assertEqual(res.returncode, 2, args)
            self.assertTrue(res.stderr, args)


class Output(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-out-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_report_is_private_until_complete(self):
        # issue 8: the temporary report is 0600 while it is written (here:
        # while the scan waits on its standard input), and the report gets a
        # new file's mode only when it is placed
        out = os.path.join(self.tmp, "r.jsonl")
        p = subprocess.Popen([BIN, "scan", "-o", out, "-"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            temps = []
            for _ in range(200):
                temps = [f for f in os.listdir(self.tmp) if f.startswith(".spillguard-")]
                if temps:
                    break
                time.sleep(0.05)
            self.assertEqual(len(temps), 1)
            self.assertEqual(os.stat(os.path.join(self.tmp, temps[0])).st_mode & 0o777, 0o600)
            p.stdin.write(b"NI number AB123456C\n")
            p.stdin.close()
            self.assertEqual(p.wait(timeout=60), 1)
        finally:
            if p.poll() is None:
                p.kill()
            p.stdout.close()
            p.stderr.close()
        um = os.umask(0)
        os.umask(um)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o666 & ~um)
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".spillguard-")], [])

    def test_sandbox_on_by_default_and_switchable(self):
        # issue 8: the CLI confines itself before reading; -v says how
        # (tests/unit/test_sandbox.c checks what the confinement refuses)
        res = run(["scan", "-v", "-q", "examples/"], cwd=ROOT)
        self.assertEqual(res.returncode, 1)
        self.assertRegex(res.stderr.decode(), r"sandbox: landlock (on|off), seccomp on "
                                              r"\(no file writes\)")
        out = os.path.join(self.tmp, "r.jsonl")
        res = run(["scan", "-v", "-o", out, "examples/"], cwd=ROOT)
        self.assertRegex(res.stderr.decode(), r"sandbox: landlock (on|off), seccomp on\n")
        self.assertTrue(os.path.exists(out))  # the report's directory stays writable
        for args, env in ((["--no-sandbox"], None), ([], {"SPILLGUARD_NO_SANDBOX": "1"})):
            res = run(["scan", "-v", "-q"] + args + ["examples/"], cwd=ROOT, env=env)
            self.assertIn("sandbox: off", res.stderr.decode())

    def test_output_file_is_written_atomically(self):
        out = os.path.join(self.tmp, "report.jsonl")
        write(out, "old contents\n")
        res = run(["scan", "-o", out, "examples/"], cwd=ROOT)
        self.assertEqual(res.returncode, 1)
        self.assertEqual(res.stdout, b"")
        with open(out, "rb") as f:
            recs = records(f.read())  # jsonl by default with -o
        self.assertEqual(recs[-1]["type"], "summary")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["report.jsonl"])  # no temp left

    def test_failed_run_keeps_the_old_report(self):
        out = os.path.join(self.tmp, "report.jsonl")
        write(out, "old contents\n")
        self.assertEqual(run(["scan", "-o", out, "--bogus", "x"]).returncode, 2)
        self.assertEqual(open(out).read(), "old contents\n")
        res = run(["scan", "-o", os.path.join(self.tmp, "no", "such", "dir", "r.jsonl"),
                   "examples/"], cwd=ROOT)
        self.assertEqual(res.returncode, 2)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["report.jsonl"])

    def test_terminal_gets_text_and_colour(self):
        def on_tty(extra_env):
            master, slave = pty.openpty()
            e = dict(os.environ)
            e.pop("NO_COLOR", None)
            e.update(extra_env)
            p = subprocess.Popen([BIN, "scan", "examples/staff_list.csv"], stdout=slave,
                                 stderr=subprocess.DEVNULL, cwd=ROOT, env=e)
            os.close(slave)
            chunks = []
            while True:
                try:
                    b = os.read(master, 65536)
                except OSError:
                    break
                if not b:
                    break
                chunks.append(b)
            p.wait(timeout=60)
            os.close(master)
            return b"".join(chunks)
        out = on_tty({})
        self.assertIn(b"BLOCK", out)
        self.assertIn(b"\x1b[", out)
        out = on_tty({"NO_COLOR": "1"})
        self.assertIn(b"BLOCK", out)
        self.assertNotIn(b"\x1b[", out)
        # not a terminal: JSON Lines, no colour
        out = run(["scan", "examples/staff_list.csv"], cwd=ROOT).stdout
        self.assertEqual(json.loads(out.splitlines()[0])["type"], "file")


class Sarif(unittest.TestCase):
    """SARIF 2.1.0 checked by Microsoft's validator and the OASIS schema."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sg-sarif-")
        write(os.path.join(cls.tmp, "in", "staff.csv"), PEOPLE_CSV)
        write(os.path.join(cls.tmp, "in", "bad.bin"), bytes(range(256)), "wb")
        shutil.copy(os.path.join(EXAMPLES, "incident_log.txt"), os.path.join(cls.tmp, "in"))
        for name in ("cell_comment.xlsx", "docx_tracked_deletion.docx", "embedded_workbook.xlsx"):
            shutil.copy(os.path.join(ROOT, "tests", "data", "office", name),
                        os.path.join(cls.tmp, "in"))
        cls.sarif = os.path.join(cls.tmp, "out.sarif")
        res = run(["scan", "-f", "sarif", "-o", cls.sarif, "in"], cwd=cls.tmp)
        assert res.returncode == 2, res.stderr  # bad.bin cannot be read
        with open(cls.sarif) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def validate(self, path):
        self.assertTrue(os.access(MULTITOOL, os.X_OK),
                        "SARIF validator missing: run scripts/setup.sh --test")
        log = path + ".validation.sarif"
        subprocess.run([MULTITOOL, "validate", "--rule-kind", "Sarif;Gh", "--level",
                        "Error;Warning;Note", "-o", log, path], capture_output=True,
                       timeout=300, check=False)
        with open(log) as f:
            res = json.load(f)["runs"][0].get("results", [])
        return [r for r in res if r.get("level") == "error"], res

    def test_multitool_accepts_it(self):
        errors, all_results = self.validate(self.sarif)
        self.assertEqual(errors, [], json.dumps(errors, indent=1)[:2000])
        # Notes are advice, some declined on purpose: code snippets (SARIF2010,
        # 2011) would copy the personal data into the report, and rule ids are
        # spillguard's public contract (SARIF2009). Warnings must not appear but
        # for the informationUri one: the project has no public URL yet.
        warnings = {r["ruleId"] for r in all_results if r.get("level", "warning") == "warning"}
        self.assertTrue(warnings <= {"SARIF2005"}, warnings)

    def test_multitool_catches_a_broken_log(self):
        broken = os.path.join(self.tmp, "broken.sarif")
        doc = json.loads(json.dumps(self.doc))
        del doc["runs"][0]["tool"]["driver"]["name"]
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
        with open(broken, "w") as f:
            json.dump(doc, f)
        errors, _ = self.validate(broken)
        self.assertTrue(errors)

    def test_schema(self):
        import jsonschema
        with open(SARIF_SCHEMA) as f:
            schema = json.load(f)
        jsonschema.validate(self.doc, schema)

    def test_content(self):
        run0 = self.doc["runs"][0]
        rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
        self.assertEqual(set(rules), rule_ids())
        res = run0["results"]
        self.assertTrue(any(r["ruleId"] == "dataset.personal_records" for r in res))
        for r in res:
            self.assertEqual(rules[r["ruleIndex"]], r["ruleId"])
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            self.assertTrue(uri.startswith("in/"), uri)
        notes = run0["invocations"][0]["toolExecutionNotifications"]
        self.assertEqual(len(notes), 1)
        self.assertIn("binary", notes[0]["message"]["text"])
        self.assertFalse(run0["invocations"][0]["executionSuccessful"])


class Config(unittest.TestCase):
    """Configuration (YAML) and baselines."""

    TEXT = ("Call 020 7123 4567 or 07911 123456. Mail press.office@example.police.uk, "
            "foi@x.example.police.uk, jane@example.org. IP 81.2.69.160, postcode SW1A 1AA.\n")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sg-cfg-")
        write(os.path.join(self.tmp, "a.txt"), self.TEXT)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def scan(self, *args):
        res = run(["scan", "-f", "jsonl"] + list(args) + ["a.txt"], cwd=self.tmp)
        recs = records(res.stdout)
        return res, recs[0], [r for r in recs if r["type"] == "finding"]

    def test_allow_rules_thresholds(self):
        write(os.path.join(self.tmp, ".spillguard.yml"), """version: 1
allow:
  values: ["press.office@example.police.uk"]
  patterns: ['foi@.*\\.example\\.police\\.uk']
  pii.uk_phone:
    values: ["0207 123 4567"]
rules:
  pii.ip_address: off
  pii.uk_postcode: info
  pii.email: {severity: high}
""")
        res, f, fs = self.scan()  # ./.spillguard.yml is read by default
        got = {(x["rule"], x["match"], x["severity"]) for x in fs}
        self.assertEqual(got, {("pii.uk_phone", "07*** ****56", "medium"),
                               ("pii.email", "j***@e******.org", "high"),
                               ("pii.uk_postcode", "SW1A ***", "info")})
        self.assertEqual(f["suppressed"], 3)  # two e-mails and a phone allowed
        res, f, fs = self.scan("--no-config")
        self.assertEqual(len(fs), 7)
        self.assertNotIn("suppressed", f)

    def test_bad_configuration_is_a_usage_error(self):
        cases = {"rules:\n  pii.nope: off\n": "unknown rule 'pii.nope'",
                 "allow: [1, 2\n": "bad.yml:",
                 "thresholds:\n  min_k: -1\n": "min_k",
                 "allow:\n  patterns: ['(']\n": "pattern",
                 "colour: red\n": "unknown key 'colour'"}
        for text, msg in cases.items():
            write(os.path.join(self.tmp, "bad.yml"), text)
            res, *_ = (run(["scan", "--config", "bad.yml", "a.txt"], cwd=self.tmp),)
            self.assertEqual(res.returncode, 2, text)
            self.assertIn(msg, res.stderr.decode(), text)
            self.assertEqual(res.stdout, b"")

    def test_custom_rules(self):
        write(os.path.join(self.tmp, "c.yml"), """custom:
  - id: custom.crime_ref
    name: Crime reference
    pattern: 'CR/[0-9]{6}/[0-9]{2}'
    context: [crime]
    severity: high
  - id: custom.member_no
    pattern: '[0-9]{8}'
    check: luhn
""")
        write(os.path.join(self.tmp, "a.txt"),
              "Crime CR/123456/23 logged; CR/654321/22 in the index.\n"
              "Member 79927398 and 79927391.\n\n\n\n\nIndex: CR/111111/11\n")
        res, f, fs = self.scan("--config", "c.yml", "--reveal")
        got = [(x["rule"], x["value"], x["severity"]) for x in fs]
        self.assertEqual(got, [("custom.crime_ref", "CR/123456/23", "high"),
                               ("custom.crime_ref", "CR/654321/22", "high"),
                               ("custom.member_no", "79927398", "medium")])  # Luhn checked
        self.assertEqual(f["verdict"], "review")
        self.assertEqual(fs[0]["match"], "CR/******/23")
        res = run(["scan", "-f", "sarif", "--config", "c.yml", "a.txt"], cwd=self.tmp)
        doc = json.loads(res.stdout)
        ids = [r["ruleId"] for r in doc["runs"][0]["results"]]
        self.assertEqual(ids, ["custom.crime_ref", "custom.crime_ref", "custom.member_no"])
        for bad, msg in (("custom:\n  - {id: crime, pattern: 'x'}\n", "custom.<name>"),
                         ("custom:\n  - {id: custom.x, pattern: '('}\n", "pattern"),
                         ("custom:\n  - {id: custom.x, pattern: 'x', check: crc}\n", "check")):
            write(os.path.join(self.tmp, "c.yml"), bad)
            res = run(["scan", "--config", "c.yml", "a.txt"], cwd=self.tmp)
            self.assertEqual(res.returncode, 2, bad)
            self.assertIn(msg, res.stderr.decode(), bad)

    def test_custom_rule_found_everywhere_and_bounded(self):
        # custom patterns are PCRE2's: found past Vectorscan 5.4.9's blind
        # spot (a pattern it misses ~60 bytes into a buffer on AVX-512), in
        # PCRE2 syntax Vectorscan refused (a look-behind), and a pattern that
        # backtracks without end makes its file an error, not a hang
        write(os.path.join(self.tmp, "c.yml"), """custom:
  - id: custom.ref
    pattern: '[a-z]+-[a-z]+'
    whole_words: false
  - id: custom.after
    pattern: '(?<=Ref: )[0-9]{5}'
  - id: custom.bomb
    pattern: '(x+)+$'
""")
        lines = ["%s foo-bar Ref: 12345" % ("lorem ipsum " * n)[:n] for n in range(0, 200, 7)]
        write(os.path.join(self.tmp, "a.txt"), "\n".join(lines) + "\n")
        res, f, fs = self.scan("--config", "c.yml", "--reveal")
        refs = [x for x in fs if x["rule"] == "custom.ref" and x["value"] == "foo-bar"]
        after = [x for x in fs if x["rule"] == "custom.after" and x["value"] == "12345"]
        self.assertEqual(len(refs), len(lines))
        self.assertEqual(len(after), len(lines))
        write(os.path.join(self.tmp, "b.txt"), "x" * 5000 + "y\n")
        res = run(["scan", "-f", "jsonl", "--config", "c.yml", "b.txt", "a.txt"], cwd=self.tmp)
        recs = [r for r in records(res.stdout) if r["type"] == "file"]
        self.assertEqual(res.returncode, 2)
        self.assertEqual(recs[0]["verdict"], "error")
        self.assertIn("custom rule 'custom.bomb'", recs[0]["error"])
        self.assertIn("not fully checked", recs[0]["error"])
        self.assertEqual(recs[1]["path"], "a.txt")
        self.assertNotEqual(recs[1]["verdict"], "error")

    def test_baseline_survives_edits(self):
        res, f, fs = self.scan("--no-config")
        write(os.path.join(self.tmp, "base.jsonl"), res.stdout.decode())
        self.assertTrue(all(len(x["fingerprint"]) == 16 for x in fs))
        # the file edited above and between the findings: still suppressed
        write(os.path.join(self.tmp, "a.txt"), "New first line.\n\n" + self.TEXT.replace(
            ". Mail", ".\nMail") + "A new number: 07911 654321.\n")
        res, f, fs = self.scan("--no-config", "--baseline", "base.jsonl")
        self.assertEqual([x["match"] for x in fs], ["07*** ****21"])  # only the new one
        self.assertEqual(f["suppressed"], 7)
        res = run(["scan", "--baseline", "a.txt", "a.txt"], cwd=self.tmp)
        self.assertEqual(res.returncode, 2)
        self.assertIn("no fingerprints", res.stderr.decode())


class Memory(unittest.TestCase):
    """Streaming: peak memory does not grow with the input."""

    def peak_kb(self, path):
        # through a fresh small process: a child's peak RSS starts from its
        # parent's at fork (Linux keeps the high-water mark across exec), and
        # this test process may have grown large reading other tests' reports
        meter = ("import os, subprocess, sys\n"
                 "p = subprocess.Popen(sys.argv[1:])\n"
                 "_, _, ru = os.wait4(p.pid, 0)\n"
                 "print(ru.ru_maxrss)\n")
        res = subprocess.run(["/usr/bin/python3", "-c", meter, BIN, "scan", "-q", "-j", "1",
                              path], capture_output=True, timeout=300)
        return int(res.stdout.decode().split()[-1])

    def test_memory_does_not_grow_with_file_size(self):
        tmp = tempfile.mkdtemp(prefix="sg-mem-")
        try:
            row = "Smith,John,AB123456C,john.smith@example.org,07911 123456,SW1A 1AA\n"
            small, big = os.path.join(tmp, "small.csv"), os.path.join(tmp, "big.csv")
            with open(small, "w") as f:
                f.write("Surname,Forename,NI,Email,Phone,Postcode\n" + row * 100_000)
            with open(big, "w") as f:
                f.write("Surname,Forename,NI,Email,Phone,Postcode\n")
                for _ in range(14):
                    f.write(row * 100_000)
            self.assertGreater(os.path.getsize(big), 80 << 20)
            s, b = self.peak_kb(small), self.peak_kb(big)
            self.assertLess(b - s, 8 << 10, (s, b))  # under 8 MB more for 14x the data
            self.assertLess(b, 64 << 10, b)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
