#!/usr/bin/python3
"""The many-files benchmark set: COUNT office documents and PDFs of the
sizes an FOI or HR folder holds, a third each of XLSX, DOCX and PDF.

    /usr/bin/python3 bench/gen_office.py OUTDIR [COUNT]       (default 200)

- XLSX (XlsxWriter): a staff or incident list of 200 to 20,000 rows (about
  10 KB to 1 MB zipped), one in four with a hidden sheet of the same kind,
  some with comments and a hidden column;
- DOCX (python-docx): a letter or report of 2 to 40 pages of prose in which
  one paragraph in eight names a person with a phone number, an NI number
  or an e-mail address, some with a table of people;
- PDF (reportlab): a statement bundle of 2 to 60 pages, 45 lines a page.

All names and numbers are invented (NI numbers use the prefixes HMRC never
issues, phone numbers Ofcom's drama ranges). Deterministic: the same COUNT
gives the same files.
"""
import os
import random
import sys

import docx
import xlsxwriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
rnd = random.Random(2026)
os.makedirs(out, exist_ok=True)

FIRST = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "George", "Mia", "Noah", "Ella",
         "Siobhan", "Ciaran", "Aoife", "Declan", "Priya", "Mohammed", "Fatima", "Grace"]
LAST = ["Patel", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker",
        "O'Neill", "McAllister", "Quinn", "Hughes", "Khan", "Murphy", "Campbell", "Kelly"]
RANKS = ["Constable", "Sergeant", "Inspector", "Chief Inspector", "Police Staff"]
UNITS = ["Response", "CID", "Roads Policing", "Custody", "Public Protection", "Contact Centre"]
STATIONS = ["Musgrave", "Lisburn Road", "Strandtown", "Antrim", "Coleraine", "Omagh", "Newry"]
WORDS = ("the officer attended the address at about ten past eleven and spoke to the "
         "occupant who said that the vehicle had been parked outside since the previous "
         "evening and that nobody had been seen near it during the night the matter was "
         "recorded and referred to the local policing team for further enquiries").split()


def person():
    return rnd.choice(FIRST), rnd.choice(LAST)


def ni():
    # prefixes never issued (first letter D, F, I, Q, U or V): a valid shape,
    # no real person's number
    return "%s%s %02d %02d %02d %s" % (rnd.choice("DFQUV"), rnd.choice("ABCEGHJKLMNPRSTWXYZ"),
                                       rnd.randrange(100), rnd.randrange(100),
                                       rnd.randrange(100), rnd.choice("ABCD"))


def phone():
    return "07700 900%03d" % rnd.randrange(1000)


def sentence(n):
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_xlsx(path, rows):
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheets = [("Staff", rows)]
    if rnd.random() < 0.25:
        sheets.append(("Sheet2", rows // 2))
    for k, (name, n) in enumerate(sheets):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, ["Surname", "Forename", "Rank", "Unit", "Station", "Service No",
                            "NI number", "Phone", "Hours"])
        for r in range(1, n + 1):
            f, l = person()
            ws.write_row(r, 0, [l, f, rnd.choice(RANKS), rnd.choice(UNITS),
                                rnd.choice(STATIONS), "%06d" % rnd.randrange(10**6), ni(),
                                phone(), rnd.randrange(16, 40)])
        if k == 1:
            ws.hide()
        elif rnd.random() < 0.3:
            ws.set_column(6, 6, None, None, {"hidden": True})
        if rnd.random() < 0.3:
            ws.write_comment(1, 0, "checked by %s %s" % person())
    wb.close()


def write_docx(path, pages):
    d = docx.Document()
    d.add_heading("Report %d" % rnd.randrange(10000), 1)
    for p in range(pages * 6):
        text = " ".join(sentence(rnd.randrange(12, 30)) for _ in range(3))
        if p % 8 == 0:
            f, l = person()
            text += " The witness, %s %s (%s, %s), was spoken to." % (f, l, phone(), ni())
        d.add_paragraph(text)
    if rnd.random() < 0.3:
        t = d.add_table(rows=1, cols=4)
        for c, h in enumerate(["Name", "Rank", "Service No", "Phone"]):
            t.rows[0].cells[c].text = h
        for _ in range(rnd.randrange(10, 60)):
            cells = t.add_row().cells
            cells[0].text = "%s %s" % person()
            cells[1].text = rnd.choice(RANKS)
            cells[2].text = "%06d" % rnd.randrange(10**6)
            cells[3].text = phone()
    d.save(path)


def write_pdf(path, pages):
    c = canvas.Canvas(path, pagesize=A4)
    for p in range(pages):
        y = 800
        c.setFont("Helvetica", 10)
        for line in range(45):
            if line % 6 == 0:
                f, l = person()
                text = "Statement of %s %s, telephone %s, NI %s." % (f, l, phone(), ni())
            else:
                text = sentence(rnd.randrange(8, 14))
            c.drawString(50, y, text[:110])
            y -= 17
        c.showPage()
    c.save()


for i in range(count):
    kind = i % 3
    if kind == 0:
        # most lists are small, a few large: 200 .. 20,000 rows
        rows = int(200 * (100 ** rnd.random()))
        write_xlsx(os.path.join(out, "list_%03d.xlsx" % i), rows)
    elif kind == 1:
        write_docx(os.path.join(out, "report_%03d.docx" % i), rnd.randrange(2, 41))
    else:
        write_pdf(os.path.join(out, "statements_%03d.pdf" % i), rnd.randrange(2, 61))
