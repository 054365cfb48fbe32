#!/usr/bin/python3
"""Precision and recall of spillguard (and of the peers) against the truth
that gen.py planted.

    /usr/bin/python3 bench/accuracy/eval.py OUTDIR SPILLGUARD.jsonl [PEERS.jsonl]

A finding matches a planted value of the same rule in the same file when
their normalised forms are equal (letters and digits, lower case) or, for
names, when one holds the other ("PC Smith" and "Smith"). Each planted
value is matched once. Names are scored apart in free text and in tables.
Peers (redact-pii, @redactpii/node) return redacted text, not spans: a
planted value counts as found when it no longer appears in their output,
and their precision per kind is what they found over the placeholders of
that kind they wrote (an estimate; n/a for kinds they have no label for).
"""
import collections
import json
import os
import re
import sys

out, sg_path = sys.argv[1], sys.argv[2]
peers_path = sys.argv[3] if len(sys.argv) > 3 else None
RULES = ["pii.uk_nino", "pii.nhs_number", "pii.payment_card", "pii.iban", "pii.email",
         "pii.uk_phone", "pii.uk_postcode", "pii.date_of_birth"]


def norm(v):
    return re.sub(r"[^0-9a-z@.]", "", v.lower())


truth = [json.loads(l) for l in open(os.path.join(out, "truth.jsonl"))]
pred = []
for l in open(sg_path):
    r = json.loads(l)
    if r["type"] == "finding":
        pred.append({"file": os.path.relpath(r["path"], out), "rule": r["rule"],
                     "value": r.get("value", "")})


def kind(rule, f):
    if rule == "pii.person_name":
        return "names in text" if f.startswith("text/") else "names in tables"
    return rule


def score(kinds):
    t = collections.defaultdict(lambda: collections.defaultdict(list))
    for x in truth:
        t[kind(x["rule"], x["file"])][x["file"]].append(norm(x["value"]))
    p = collections.defaultdict(lambda: collections.defaultdict(list))
    for x in pred:
        p[kind(x["rule"], x["file"])][x["file"]].append(norm(x["value"]))
    rows = []
    for k in kinds:
        tp = nt = npred = 0
        for f in set(t[k]) | set(p[k]):
            tv = list(t[k][f])
            nt += len(tv)
            npred += len(p[k][f])
            for v in p[k][f]:
                hit = None
                for i, w in enumerate(tv):
                    if v == w or (k.startswith("names") and w and v and (w in v or v in w)):
                        hit = i
                        break
                if hit is not None:
                    tv.pop(hit)
                    tp += 1
        rows.append((k, nt, npred, tp))
    return rows


def fmt(rows, title):
    print(title)
    print("%-22s %7s %7s %7s %9s %7s %7s" % ("rule", "planted", "found", "right", "precision",
                                              "recall", "F1"))
    for k, nt, npred, tp in rows:
        p = tp / npred if npred else float("nan")
        r = tp / nt if nt else float("nan")
        f1 = 2 * p * r / (p + r) if npred and nt and (p + r) else float("nan")
        print("%-22s %7d %7d %7d %9.4f %7.4f %7.4f" % (k, nt, npred, tp, p, r, f1))


fmt(score(RULES + ["names in tables", "names in text"]), "spillguard")

# tables of people
tab = {x["file"]: x["rule"] for x in truth if x["file"].startswith("tables/") and
       x["rule"] in ("dataset.personal_records", "none")}
found = {x["file"] for x in pred if x["rule"] == "dataset.personal_records"}
people = [f for f, r in tab.items() if r == "dataset.personal_records"]
things = [f for f, r in tab.items() if r == "none"]
print("\ndataset.personal_records: %d of %d tables of people found (recall %.3f); fired on %d "
      "of %d tables of things" % (sum(f in found for f in people), len(people),
                                   sum(f in found for f in people) / max(1, len(people)),
                                   sum(f in found for f in things), len(things)))

if peers_path:
    labels = {"pii.email": ["EMAIL_ADDRESS", "EMAIL"], "pii.uk_phone": ["PHONE_NUMBER"],
              "pii.payment_card": ["CREDIT_CARD_NUMBER", "CREDIT_CARD"],
              "names in text": ["NAME", "PERSON_NAME"]}
    outs = collections.defaultdict(dict)
    speed = {}
    for l in open(peers_path):
        r = json.loads(l)
        if "text" in r:
            outs[r["tool"]][r["file"]] = r["text"]
        else:
            speed[r["tool"]] = r
    for tool, docs in outs.items():
        print("\n%s (free text only; %.1f MB/s)" % (tool, speed[tool]["bytes"] / 1e6 /
                                                    (speed[tool]["ms"] / 1000)))
        print("%-22s %7s %7s %9s %7s" % ("kind", "planted", "gone", "precision", "recall"))
        for k in RULES + ["names in text"]:
            nt = gone = 0
            placeholders = 0
            for f, text in docs.items():
                rel = "text/" + f
                vals = [x["value"] for x in truth if x["file"] == rel and
                        kind(x["rule"], rel) == k]
                nt += len(vals)
                for v in vals:
                    gone += v not in text
            for f, text in docs.items():
                for lab in labels.get(k, []):
                    placeholders += len(re.findall(r"\b%s\b" % lab, text))
            prec = "%.4f" % min(1.0, gone / placeholders) if placeholders else "n/a"
            print("%-22s %7d %7d %9s %7.4f" % (k, nt, gone, prec, gone / nt if nt else 0))
