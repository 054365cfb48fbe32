#!/usr/bin/python3
"""Generate the text/CSV benchmark corpus.

    /usr/bin/python3 bench/gen_corpus.py OUTDIR [MEGABYTES]   (default 400)

Half the bytes are CSV staff and case lists (a name, an identifier and an
e-mail on every row, as in a real export), half free text (case notes and
letters in which about one line in twelve holds personal data, with
decoys: reference numbers, dates, version numbers, amounts). Files of
about 50 MB each. Deterministic.
"""
import os
import random
import sys

out = sys.argv[1]
total_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 400
rnd = random.Random(42)
os.makedirs(out, exist_ok=True)

SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James"]
FORENAMES = ["Jack", "Thomas", "Oliver", "James", "Emily", "Chloe", "Sophie", "Olivia",
             "David", "Sarah", "Michael", "Laura", "Daniel", "Rebecca", "Mark", "Claire"]
WORDS = ("the officer attended address and spoke to the occupant who stated that vehicle "
         "was parked outside property since morning no further action was required report "
         "filed with reference to previous incident on same road witness statement taken "
         "and will be reviewed by supervisor before closing the case later this week").split()


def nino():
    while True:
        p = rnd.choice("ABCEGHJKLMNPRSTWXYZ") + rnd.choice("ABCEGHJKLMNPRSTWXYZ")
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            return "%s%06d%s" % (p, rnd.randrange(10 ** 6), rnd.choice("ABCD"))


def nhs():
    while True:
        d = [rnd.randrange(10) for _ in range(9)]
        c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        c = 0 if c == 11 else c
        if c != 10:
            s = "".join(map(str, d)) + str(c)
            return s[:3] + " " + s[3:6] + " " + s[6:]


def csv_rows(n):
    rows = []
    for i in range(n):
        sn, fn = rnd.choice(SURNAMES), rnd.choice(FORENAMES)
        rows.append("%s,%s,%s,%s,%s.%s@example.org,07%d%02d %06d,%d,%d.%02d\n" % (
            sn, fn, rnd.choice(["Constable", "Sergeant", "Inspector", "Staff"]), nino(),
            fn.lower(), sn.lower(), rnd.choice([4, 5, 7, 8, 9]), rnd.randrange(100),
            rnd.randrange(10 ** 6), rnd.randrange(10 ** 5), rnd.randrange(1000),
            rnd.randrange(100)))
    return rows


def text_lines(n):
    lines = []
    for i in range(n):
        w = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(6, 16)))
        r = rnd.randrange(24)
        if r == 0:
            w += " contact %s.%s@example.net" % (rnd.choice(FORENAMES).lower(),
                                                rnd.choice(SURNAMES).lower())
        elif r == 1:
            w += " NI number %s" % nino()
        elif r == 2:
            w += " NHS number %s" % nhs()
        elif r == 3:
            w += " ref %d/%d version 2.%d.%d" % (rnd.randrange(10 ** 6), rnd.randrange(99),
                                                 rnd.randrange(9), rnd.randrange(99))
        elif r == 4:
            w += " on %02d/%02d/20%02d amount %d.%02d" % (rnd.randrange(1, 29),
                                                         rnd.randrange(1, 13),
                                                         rnd.randrange(24), rnd.randrange(10 ** 4),
                                                         rnd.randrange(100))
        lines.append(w.capitalize() + ".\n")
    return lines


csv_pool = csv_rows(20000)
text_pool = text_lines(40000)
per_file = 50 << 20
nfiles = max(2, total_mb // 50)
for k in range(nfiles):
    is_csv = k % 2 == 0
    path = os.path.join(out, "%s_%02d.%s" % ("staff" if is_csv else "notes", k,
                                             "csv" if is_csv else "txt"))
    with open(path, "w") as f:
        written = 0
        if is_csv:
            head = "Surname,Forename,Rank,NI Number,Email,Mobile,Ref,Amount\n"
            f.write(head)
            written = len(head)
        pool = csv_pool if is_csv else text_pool
        while written < per_file:
            chunk = rnd.sample(pool, 2000)
            s = "".join(chunk)
            f.write(s)
            written += len(s)
    print(path)
