#!/usr/bin/python3
"""Labelled evaluation documents for bench/accuracy/run.sh.

    /usr/bin/python3 bench/accuracy/gen.py OUTDIR POOL.json [DOCS]

Writes OUTDIR/text/*.txt (free text: FOI letters, case notes, statements),
OUTDIR/tables/*.csv and *.xlsx (tables of people, and tables of things),
and OUTDIR/truth.jsonl: one line per planted value {"file", "rule",
"value"} and per table {"file", "rule": "dataset.personal_records" or
"none"}. Decoys (values that look like personal data and are not) are
planted too and are not in the truth: anything found in them is a false
positive. Names come from @faker-js/faker en_GB (POOL.json, faker_pool.js),
not from spillguard's own lists; identifiers are generated with valid
checksums (decoys with broken ones).
"""
import json
import os
import random
import sys

out, pool_path = sys.argv[1], sys.argv[2]
ndocs = int(sys.argv[3]) if len(sys.argv) > 3 else 400
rnd = random.Random(4242)
pool = json.load(open(pool_path))
truth = []
os.makedirs(os.path.join(out, "text"), exist_ok=True)
os.makedirs(os.path.join(out, "tables"), exist_ok=True)


def first():
    return rnd.choice(pool["first"])


def last():
    return rnd.choice(pool["last"])


# ------------------------------------------------------------ identifiers

NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino(spaced=None):
    while True:
        p = rnd.choice(NINO_FIRST) + rnd.choice(NINO_SECOND)
        if p not in BAD_PREFIXES:
            break
    d = "%06d" % rnd.randrange(10**6)
    s = rnd.choice("ABCD")
    if spaced if spaced is not None else rnd.random() < 0.5:
        return "%s %s %s %s %s" % (p, d[:2], d[2:4], d[4:], s)
    return p + d + s


def bad_nino():
    p = rnd.choice(["QQ", "BG", "GB", "DA", "FI", "NT", "ZZ", "UV"])
    return p + "%06d" % rnd.randrange(10**6) + rnd.choice("ABCD")


def nhs(valid=True):
    while True:
        d = [rnd.randrange(10) for _ in range(9)]
        if d[0] == 0:
            continue
        s = sum(x * (10 - i) for i, x in enumerate(d))
        c = 11 - s % 11
        c = 0 if c == 11 else c
        if c == 10:
            continue
        if not valid:
            c = (c + rnd.randrange(1, 10)) % 10
        n = "".join(map(str, d)) + str(c)
        return "%s %s %s" % (n[:3], n[3:6], n[6:])


def luhn_digit(digits):
    s = 0
    for i, ch in enumerate(reversed(digits)):
        x = int(ch)
        if i % 2 == 0:
            x *= 2
            if x > 9:
                x -= 9
        s += x
    return str((10 - s % 10) % 10)


def card(valid=True):
    body = "4" + "".join(str(rnd.randrange(10)) for _ in range(14))
    c = luhn_digit(body)
    if not valid:
        c = str((int(c) + rnd.randrange(1, 10)) % 10)
    n = body + c
    return " ".join(n[i:i + 4] for i in range(0, 16, 4))


def iban(valid=True):
    bank = rnd.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"])
    rest = "%06d%08d" % (rnd.randrange(10**6), rnd.randrange(10**8))
    base = bank + rest + "GB00"
    num = "".join(str(int(ch, 36)) for ch in base)
    chk = 98 - int(num) % 97
    if not valid:
        chk = (chk + rnd.randrange(1, 50)) % 100
    s = "GB%02d%s%s" % (chk, bank, rest)
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def email(f=None, l=None):
    f = f or first()
    l = l or last()
    dom = rnd.choice(["example.org", "mail.example.com", "example.co.uk", "police.example.uk"])
    user = rnd.choice(["%s.%s", "%s%s", "%s_%s"]) % (f.lower(), l.lower())
    user = "".join(ch for ch in user if ch.isalnum() or ch in "._")
    return "%s@%s" % (user, dom)


def mobile():
    while True:
        n = "07%d%02d %06d" % (rnd.choice([4, 5, 7, 8, 9]), rnd.randrange(100), rnd.randrange(10**6))
        if not n.startswith("07700 9"):
            return n


def london():
    return "020 %d%03d %04d" % (rnd.choice([3, 7, 8]), rnd.randrange(1000), rnd.randrange(10**4))


def phone():
    return mobile() if rnd.random() < 0.6 else london()


def drama_phone():
    return rnd.choice(["07700 900%03d", "01632 960%03d", "020 7946 0%03d"]) % rnd.randrange(1000)


AREAS = ["SW1A", "NR2", "NR14", "IP1", "IP33", "BT5", "BT9", "BT28", "M1", "LS6", "B15", "CF10",
         "EH1", "G12", "BS8", "OX1", "CB2", "L18", "NE1", "SO17"]


def postcode():
    return "%s %d%s%s" % (rnd.choice(AREAS), rnd.randrange(10), rnd.choice("ABDEFGHJLNPQRSTUWXYZ"),
                          rnd.choice("ABDEFGHJLNPQRSTUWXYZ"))


def bad_postcode():
    return "%s%d %d%s%s" % (rnd.choice(["QQ", "ZX", "XV", "QZ"]), rnd.randrange(10),
                            rnd.randrange(10), rnd.choice("ABD"), rnd.choice("EFG"))


def date(lo=1940, hi=2010):
    return "%02d/%02d/%d" % (rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(lo, hi))


# ------------------------------------------------------------ free text

def plant(doc, rule, value):
    truth.append({"file": doc, "rule": rule, "value": value})
    return value


def name_mention(doc):
    """A person named in one of the ways people are named."""
    f, l = first(), last()
    form = rnd.randrange(7)
    if form == 0:
        return plant(doc, "pii.person_name", "%s %s" % (f, l))
    if form == 1:
        t = rnd.choice(["Mr", "Mrs", "Ms", "Dr", "PC", "DC", "DS", "Sgt", "Insp"])
        return plant(doc, "pii.person_name", "%s %s" % (t, l))
    if form == 2:
        return plant(doc, "pii.person_name", "%s. %s" % (f[0], l))
    if form == 3:
        return "the %s %s" % (rnd.choice(["victim", "witness", "suspect", "complainant"]),
                              plant(doc, "pii.person_name", "%s %s" % (f, l)))
    if form == 4:
        return plant(doc, "pii.person_name", "%s, %s" % (l.upper(), f))
    if form == 5:
        t = rnd.choice(["Detective Sergeant", "Police Constable", "Inspector", "Constable"])
        return plant(doc, "pii.person_name", "%s %s %s" % (t, f, l))
    return plant(doc, "pii.person_name", "%s %s. %s" % (f, rnd.choice("ABCDEJKMR"), l))


DECOY_TEXT = [
    lambda: "The meeting moved to %s Road near St Helens." % rnd.choice(["Victoria", "Albert", "Church", "Station"]),
    lambda: "May the committee note that Will is a verb and Hope a virtue.",
    lambda: "Annual Report on Crime and Disorder, Section %d.%d." % (rnd.randrange(9), rnd.randrange(9)),
    lambda: "Invoice %d paid on %s; order ref %s." % (rnd.randrange(10**8), date(2015, 2024), bad_nino()),
    lambda: "Software version %d.%d.%d was installed on %s." % (rnd.randrange(9), rnd.randrange(9), rnd.randrange(99), date(2018, 2024)),
    lambda: "For television, call %s (a drama number)." % drama_phone(),
    lambda: "Card %s was declined (not a valid number)." % card(False),
    lambda: "Reference %s was rejected; account GB%s." % (nhs(False), iban(False).replace(" ", "")[2:]),
    lambda: "Product code %s is out of stock at the %s depot." % (bad_postcode(), rnd.choice(pool["town"])),
    lambda: "See image@2x.png and follow @police on social media.",
    lambda: "Grace Church and Victoria Park were closed on Bank Holiday Monday.",
    lambda: "Figures for North Walsham and Great Yarmouth are in Table 4.",
    lambda: "%s Ltd supplied %d radios to %s." % (rnd.choice(pool["company"]).split()[0], rnd.randrange(500), rnd.choice(pool["town"])),
]


def sentence(doc):
    k = rnd.randrange(12)
    n = name_mention(doc)
    if k == 0:
        return "%s can be reached on %s." % (n, plant(doc, "pii.uk_phone", phone()))
    if k == 1:
        return "Please write to %s at %s." % (n, plant(doc, "pii.email", email()))
    if k == 2:
        return "%s, NI number %s, attended." % (n, plant(doc, "pii.uk_nino", nino()))
    if k == 3:
        return "%s (date of birth %s) was interviewed." % (n, plant(doc, "pii.date_of_birth", date()))
    if k == 4:
        return "%s lives at %d %s, %s %s." % (n, rnd.randrange(1, 200), rnd.choice(pool["street"]),
                                             rnd.choice(pool["town"]),
                                             plant(doc, "pii.uk_postcode", postcode()))
    if k == 5:
        return "NHS number %s belongs to %s." % (plant(doc, "pii.nhs_number", nhs()), n)
    if k == 6:
        return "%s paid with card %s." % (n, plant(doc, "pii.payment_card", card()))
    if k == 7:
        return "Refund to %s, IBAN %s." % (n, plant(doc, "pii.iban", iban()))
    if k == 8:
        return "The statement was taken by %s on %s." % (n, date(2019, 2024))
    if k == 9:
        return "Officers spoke to %s about the incident." % n
    if k == 10:
        return "%s said nothing further." % n
    return "A letter from %s was received." % n


OPEN = ["Dear Sir or Madam,", "Case notes:", "Statement:", "Freedom of Information request:",
        "Incident summary:"]
FILL = ["The matter was reviewed by the team.", "No further action was taken at this stage.",
        "The information requested is held by the force.", "A copy was sent by post.",
        "The request was received on time and logged."]


def text_docs():
    for i in range(ndocs):
        doc = "text/doc%04d.txt" % i
        lines = [rnd.choice(OPEN)]
        for _ in range(rnd.randint(4, 9)):
            r = rnd.random()
            if r < 0.55:
                lines.append(sentence(doc))
            elif r < 0.8:
                lines.append(rnd.choice(DECOY_TEXT)())
            else:
                lines.append(rnd.choice(FILL))
        with open(os.path.join(out, doc), "w") as f:
            f.write("\n".join(lines) + "\n")


# ------------------------------------------------------------ tables

PEOPLE_LAYOUTS = [
    (["Surname", "Forename", "Rank", "Station", "Phone"], lambda f, l: [l, f, rnd.choice(["PC", "Sgt", "Insp"]), rnd.choice(pool["town"]), phone()]),
    (["Name", "Date of Birth", "Postcode", "Offence"], lambda f, l: ["%s %s" % (f, l), date(), postcode(), rnd.choice(["Theft", "Assault", "Criminal damage"])]),
    (["Full name", "Email", "Department"], lambda f, l: ["%s %s" % (f, l), email(f, l), rnd.choice(["HR", "CID", "Roads"])]),
    (["Officer", "Shift", "Team"], lambda f, l: ["%s %s" % (f, l), rnd.choice(["Early", "Late", "Night"]), rnd.choice(["Response", "Roads", "CID"])]),
    (["Staff", "Grade", "Salary band"], lambda f, l: ["%s %s" % (f, l), rnd.choice(["A", "B", "C"]), rnd.choice(["1", "2", "3"])]),
    (["Last name", "First name", "NI Number"], lambda f, l: [l, f, nino()]),
]

THING_LAYOUTS = [
    (["Item", "Quantity", "Unit cost"], lambda: [rnd.choice(["Radio", "Vest", "Torch", "Cuffs", "Baton"]), str(rnd.randrange(1, 500)), "%.2f" % (rnd.random() * 100)]),
    (["Station", "Address", "Postcode", "Opening hours"], lambda: ["%s Police Station" % rnd.choice(pool["town"]), "%d %s" % (rnd.randrange(1, 99), rnd.choice(pool["street"])), postcode(), "9-5"]),
    (["Category", "2022", "2023", "Change"], lambda: [rnd.choice(["Burglary", "Robbery", "Theft", "Fraud"]), str(rnd.randrange(100, 900)), str(rnd.randrange(100, 900)), "%+d%%" % rnd.randrange(-20, 20)]),
    (["Budget line", "Forecast", "Actual"], lambda: [rnd.choice(["Fuel", "Estates", "IT", "Training"]), str(rnd.randrange(10**5, 10**7)), str(rnd.randrange(10**5, 10**7))]),
    (["Supplier", "Contract", "Value"], lambda: [rnd.choice(pool["company"]), "C%05d" % rnd.randrange(10**5), str(rnd.randrange(10**4, 10**6))]),
]


def write_table(path, header, rows):
    full = os.path.join(out, path)
    if path.endswith(".csv"):
        import csv
        with open(full, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    else:
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Data"
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(full)


COLUMN_RULES = {
    "Surname": "pii.person_name", "Last name": "pii.person_name", "Forename": "pii.person_name",
    "First name": "pii.person_name", "Name": "pii.person_name", "Full name": "pii.person_name",
    "Officer": "pii.person_name", "Staff": "pii.person_name", "Phone": "pii.uk_phone",
    "Email": "pii.email", "NI Number": "pii.uk_nino", "Date of Birth": "pii.date_of_birth",
    "Postcode": "pii.uk_postcode",
}


def label_cells(path, header, row):
    for h, v in zip(header, row):
        if h in COLUMN_RULES:
            truth.append({"file": path, "rule": COLUMN_RULES[h], "value": v})


def tables():
    k = 0
    for rep in range(8):
        for li, (header, make) in enumerate(PEOPLE_LAYOUTS):
            ext = "xlsx" if rep % 2 else "csv"
            path = "tables/people%03d.%s" % (k, ext)
            k += 1
            rows = []
            for _ in range(rnd.randint(12, 60)):
                f, l = first(), last()
                row = make(f, l)
                rows.append(row)
                label_cells(path, header, row)
            write_table(path, header, rows)
            truth.append({"file": path, "rule": "dataset.personal_records", "value": ""})
    for rep in range(8):
        for header, make in THING_LAYOUTS:
            ext = "xlsx" if rep % 2 else "csv"
            path = "tables/things%03d.%s" % (k, ext)
            k += 1
            rows = [make() for _ in range(rnd.randint(12, 60))]
            for row in rows:
                label_cells(path, header, row)  # a station's postcode is a postcode
            write_table(path, header, rows)
            truth.append({"file": path, "rule": "none", "value": ""})


text_docs()
tables()
with open(os.path.join(out, "truth.jsonl"), "w") as f:
    for t in truth:
        f.write(json.dumps(t) + "\n")
print("%d documents, %d tables, %d planted values" % (
    ndocs, len({t["file"] for t in truth if t["file"].startswith("tables/")}), len(truth)))
