#!/usr/bin/python3
"""Write a large XLSX for the benchmark: one sheet of ROWS rows x 8 columns
(surname, forename, rank, station, service number, NI number, start date,
hours), a shared-strings table as Excel writes one, and a date style.

    /usr/bin/python3 bench/gen_xlsx.py OUT.xlsx [ROWS]      (default 1,000,000)

The parts are written directly (streamed into the ZIP) so that a million
rows take seconds, not the gigabytes a workbook object would.
"""
import random
import sys
import zipfile

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rnd = random.Random(9)
SUR = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
       "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood"]
FORE = ["Jack", "Thomas", "Oliver", "James", "Emily", "Chloe", "Sophie", "Olivia", "David",
        "Sarah", "Michael", "Laura", "Daniel", "Rebecca"]
RANK = ["Constable", "Sergeant", "Inspector", "Chief Inspector", "Police Staff"]
STATION = ["Norwich", "Ipswich", "Lowestoft", "Bury St Edmunds", "King's Lynn", "Thetford"]
HEAD = ["Surname", "Forename", "Rank", "Station", "Service Number", "NI Number", "Start Date",
        "Hours"]

sst, index = [], {}


def s(v):
    if v not in index:
        index[v] = len(sst)
        sst.append(v)
    return index[v]


def nino(i):
    letters = "ABCEGHJKLMNPRSTWXYZ"
    return "%s%s%06d%s" % (letters[i % 19], letters[(i // 19) % 19], i % 1000000, "ABCD"[i % 4])


CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
      'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
      'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
      'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
      'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+'
      'xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.spreadsheetml.styles+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
      'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
      'officeDocument/2006/relationships"><sheets><sheet name="Staff" sheetId="1" r:id="rId1"/>'
      '</sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://'
          'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
          'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target'
          '="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats'
          '.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
          '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
          'relationships/styles" Target="styles.xml"/></Relationships>')
STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://'
          'schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"'
          '/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType='
          '"none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count='
          '"1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
          'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0"'
          ' borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
          'applyNumberFormat="1"/></cellXfs></styleSheet>')

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
    z.writestr("xl/styles.xml", STYLES)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
                b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H'
                + str(rows + 1).encode() + b'"/><sheetData>')
        buf = ['<row r="1">' + "".join('<c r="%s1" t="s"><v>%d</v></c>' % (c, s(h))
                                       for c, h in zip("ABCDEFGH", HEAD)) + "</row>"]
        for r in range(2, rows + 2):
            buf.append(
                '<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c>'
                '<c r="C%d" t="s"><v>%d</v></c><c r="D%d" t="s"><v>%d</v></c><c r="E%d"><v>%d</v>'
                '</c><c r="F%d" t="s"><v>%d</v></c><c r="G%d" s="1"><v>%d</v></c><c r="H%d"><v>%s'
                '</v></c></row>' % (r, r, s(rnd.choice(SUR)), r, s(rnd.choice(FORE)), r,
                                    s(rnd.choice(RANK)), r, s(rnd.choice(STATION)), r,
                                    10000 + r, r, s(nino(r)), r, 36000 + r % 9000, r,
                                    "%.1f" % (rnd.randrange(100, 400) / 10)))
            if len(buf) >= 20000:
                f.write("".join(buf).encode())
                buf = []
        f.write("".join(buf).encode())
        f.write(b"</sheetData></worksheet>")
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
        f.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
                 'schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
                 % (len(sst), len(sst))).encode())
        for i in range(0, len(sst), 20000):
            f.write("".join("<si><t>%s</t></si>" % v.replace("&", "&amp;")
                            for v in sst[i:i + 20000]).encode())
        f.write(b"</sst>")
