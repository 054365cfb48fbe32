#!/usr/bin/python3
"""A text PDF of N pages for bench/pdf_bench.sh: a bundle of witness
statements, 45 lines a page, a name, phone number or NI number every few
lines (all invented), typeset by reportlab.

    /usr/bin/python3 bench/gen_pdf.py OUT.pdf [PAGES]
"""
import random
import sys

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

out = sys.argv[1]
pages = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rnd = random.Random(4)
FIRST = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "George", "Mia", "Noah", "Ella"]
LAST = ["Patel", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker"]
WORDS = ("the witness said that she saw a man leave the premises at about ten past "
         "eleven and walk towards the station where officers later found the vehicle "
         "parked outside number twelve with its lights on and the engine running").split()


def line():
    r = rnd.random()
    words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 13)))
    if r < 0.08:
        return "Contact %s %s on 020 7%03d %04d, %s." % (
            rnd.choice(FIRST), rnd.choice(LAST), rnd.randint(100, 999), rnd.randint(0, 9999),
            words)
    if r < 0.12:
        return "NI number AB %02d %02d %02d C recorded; %s." % (
            rnd.randint(10, 99), rnd.randint(10, 99), rnd.randint(10, 99), words)
    return words.capitalize() + "."


c = canvas.Canvas(out, pagesize=A4, invariant=1)
for p in range(pages):
    c.setFont("Helvetica", 10)
    y = 800
    c.drawString(56, y, "Statement bundle, page %d of %d" % (p + 1, pages))
    for _ in range(45):
        y -= 16
        c.drawString(56, y, line())
    c.showPage()
c.save()
