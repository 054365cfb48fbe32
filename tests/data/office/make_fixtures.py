#!/usr/bin/python3
"""Write the office fixtures of the acceptance scenarios (issue 3).

    tests/data/office/make_fixtures.py [OUTDIR]     (default: this directory)

Needs Debian's python3-openpyxl, python3-xlsxwriter, python3-docx and
python3-uno with LibreOffice (calc, writer, impress); scripts/setup.sh
--fixtures installs them. The files are committed: tests do not need
LibreOffice. Deterministic but for the timestamps office software writes.

People, numbers and addresses are invented; identifiers are made to pass
their checks.
"""
import io
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
rnd = random.Random(2023)

SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips",
            "Mason", "Mitchell", "Morgan", "Moore", "Campbell", "Kelly", "McLaughlin", "O'Neill",
            "Quinn", "Doherty", "Murphy", "Hughes", "Edwards", "Turner", "Cooper"]
FORENAMES = ["Jack", "Thomas", "Oliver", "James", "Emily", "Chloe", "Sophie", "Olivia",
             "David", "Sarah", "Michael", "Laura", "Daniel", "Rebecca", "Mark", "Claire",
             "Paul", "Nicola", "Stephen", "Karen", "Aoife", "Ciaran", "Niamh", "Sean"]
RANKS = ["Constable"] * 12 + ["Sergeant"] * 4 + ["Inspector"] * 2 + [
    "Chief Inspector", "Superintendent", "Police Staff", "Police Staff", "Police Staff"]
DEPTS = ["Response", "Neighbourhood", "CID", "Roads Policing", "Custody", "Call Handling",
         "Public Protection", "Intelligence"]
LOCATIONS = ["Belfast", "Derry", "Lisburn", "Newry", "Armagh", "Enniskillen", "Omagh",
             "Coleraine", "Ballymena", "Craigavon"]
OFFENCES = ["Assault", "Burglary dwelling", "Harassment", "Theft from person",
            "Criminal damage", "Domestic abuse", "Robbery", "Sexual offence"]
STREETS = ["Mill Road", "Station Road", "Church Lane", "King's Avenue", "Orchard Way",
           "Castle Street", "Park Drive", "Riverside"]
AREAS = ["NR1", "NR2", "NR14", "NR31", "IP1", "IP4", "IP33", "IP28", "PE30", "CB9"]


def nino():
    while True:
        p = rnd.choice("ABCEGHJKLMNPRSTWXYZ") + rnd.choice("ABCEGHJKLMNPRSTWXYZ")
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            return "%s%06d%s" % (p, rnd.randrange(10 ** 6), rnd.choice("ABCD"))


def postcode():
    return "%s %d%s%s" % (rnd.choice(AREAS), rnd.randrange(10), rnd.choice("ABDEFGHJLNPQRSTUWXYZ"),
                          rnd.choice("ABDEFGHJLNPQRSTUWXYZ"))


def dob():
    return "%02d/%02d/%d" % (rnd.randrange(1, 29), rnd.randrange(1, 13), rnd.randrange(1940, 2008))


def staff_rows(n):
    rows = []
    for _ in range(n):
        rows.append([rnd.choice(SURNAMES), rnd.choice(FORENAMES)[0] + rnd.choice(FORENAMES)[0],
                     rnd.choice(RANKS), rnd.choice(DEPTS), rnd.choice(LOCATIONS),
                     rnd.choice(["Full time", "Part time"]), rnd.choice(["M", "F"]),
                     "%05d" % rnd.randrange(10 ** 5)])
    return rows


STAFF_HEADER = ["Surname", "Initials", "Rank", "Department", "Location", "Contract Type",
                "Gender", "Service Number"]


def victim_rows(n):
    return [["%s %s" % (rnd.choice(FORENAMES), rnd.choice(SURNAMES)), dob(),
             "%d %s" % (rnd.randrange(1, 200), rnd.choice(STREETS)), postcode(),
             rnd.choice(OFFENCES)] for _ in range(n)]


VICTIM_HEADER = ["Name", "Date of Birth", "Address", "Postcode", "Offence"]


def out(name):
    return os.path.join(OUT, name)


def no_metadata_openpyxl(wb):
    wb.properties.creator = ""
    wb.properties.lastModifiedBy = ""


# ---------------------------------------------------------------- openpyxl/xlsxwriter

def psni():
    """Scenario 1: counts by rank in view, 9,483 staff on a hidden sheet."""
    import xlsxwriter
    rows = staff_rows(9483)
    wb = xlsxwriter.Workbook(out("psni_hidden_sheet.xlsx"))
    wb.set_properties({"author": "", "company": ""})
    s = wb.add_worksheet("Summary")
    s.write_row(0, 0, ["Rank", "Officers and staff"])
    counts = {}
    for r in rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
    for i, (k, v) in enumerate(sorted(counts.items())):
        s.write_row(i + 1, 0, [k, v])
    h = wb.add_worksheet("Staff")
    h.write_row(0, 0, STAFF_HEADER)
    for i, r in enumerate(rows):
        h.write_row(i + 1, 0, r)
    h.hide()
    wb.close()


def records_workbook(path, where):
    """Scenario 3: the same victims hidden another way."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    wb = openpyxl.Workbook()
    no_metadata_openpyxl(wb)
    s = wb.active
    s.title = "Summary"
    s.append(["Offence", "Recorded"])
    for o in OFFENCES:
        s.append([o, rnd.randrange(5, 90)])
    rows = victim_rows(120)
    if where == "very_hidden":
        h = wb.create_sheet("Records")
        h.append(VICTIM_HEADER)
        for r in rows:
            h.append(r)
        h.sheet_state = "veryHidden"
    elif where == "hidden_columns":
        for i, name in enumerate(VICTIM_HEADER):
            s.cell(row=1, column=5 + i, value=name)
        for j, r in enumerate(rows):
            for i, v in enumerate(r):
                s.cell(row=2 + j, column=5 + i, value=v)
        for letter in "EFGHI":
            s.column_dimensions[letter].hidden = True
    elif where == "white_on_white":
        white = Font(color="FFFFFF")
        fill = PatternFill("solid", fgColor="FFFFFF")
        for i, name in enumerate(VICTIM_HEADER):
            c = s.cell(row=12, column=1 + i, value=name)
            c.font, c.fill = white, fill
        for j, r in enumerate(rows):
            for i, v in enumerate(r):
                c = s.cell(row=13 + j, column=1 + i, value=v)
                c.font, c.fill = white, fill
    elif where == "column_xfd":
        from openpyxl.utils import get_column_letter
        base = 16384 - len(VICTIM_HEADER) + 1  # ends in XFD
        for i, name in enumerate(VICTIM_HEADER):
            s.cell(row=1, column=base + i, value=name)
        for j, r in enumerate(rows):
            for i, v in enumerate(r):
                s.cell(row=2 + j, column=base + i, value=v)
        assert get_column_letter(base + len(VICTIM_HEADER) - 1) == "XFD"
    elif where == "comment":
        r = rows[0]
        s["B2"].comment = Comment("Victim %s, born %s, NI %s, lives at %s %s" % (
            r[0], r[1], nino(), r[2], r[3]), "Case Officer")
    wb.save(path)


def embedded():
    """Scenario 3: the victims in a workbook embedded in another."""
    inner = io.BytesIO()
    import openpyxl
    wb = openpyxl.Workbook()
    no_metadata_openpyxl(wb)
    s = wb.active
    s.title = "Victims"
    s.append(VICTIM_HEADER)
    for r in victim_rows(80):
        s.append(r)
    wb.save(inner)
    outer = io.BytesIO()
    records_workbook(outer, "none")
    # add it as Excel does: a package part in xl/embeddings, typed, related
    src = zipfile.ZipFile(io.BytesIO(outer.getvalue()))
    with zipfile.ZipFile(out("embedded_workbook.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="xlsx" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.'
                                    b'spreadsheetml.sheet"/></Types>')
            z.writestr(item, data)
        z.writestr("xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", inner.getvalue())
        z.writestr("xl/worksheets/_rels/sheet1.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats'
                   '.org/officeDocument/2006/relationships/package" Target="../embeddings/'
                   'Microsoft_Excel_Worksheet1.xlsx"/></Relationships>')


def clean():
    """Scenario 4: an aggregate table, nobody in it, no metadata."""
    import openpyxl
    wb = openpyxl.Workbook()
    no_metadata_openpyxl(wb)
    s = wb.active
    s.title = "Figures"
    s.append(["District", "2021", "2022", "2023"])
    for d in LOCATIONS:
        s.append([d, rnd.randrange(100, 900), rnd.randrange(100, 900), rnd.randrange(100, 900)])
    wb.save(out("clean_aggregate.xlsx"))
    import docx
    d = docx.Document()
    cp = d.core_properties
    cp.author = ""
    cp.last_modified_by = ""
    cp.title = ""
    cp.comments = ""
    d.add_paragraph("Neighbourhood policing: officers by district, 2021 to 2023.")
    t = d.add_table(rows=1, cols=4)
    for i, h in enumerate(["District", "2021", "2022", "2023"]):
        t.rows[0].cells[i].text = h
    for loc in LOCATIONS:
        row = t.add_row()
        row.cells[0].text = loc
        for i in range(1, 4):
            row.cells[i].text = str(rnd.randrange(10, 90))
    d.save(out("clean_report.docx"))


# ------------------------------------------------------------------- LibreOffice

class Office:
    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="sg-lo-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--nologo", "--norestore",
             "-env:UserInstallation=file://" + self.profile,
             "--accept=socket,host=127.0.0.1,port=%d;urp;" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import uno
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                self.ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=%d;urp;"
                                            "StarOffice.ComponentContext" % self.port)
                break
            except Exception:
                time.sleep(0.5)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.ctx)
        return self

    def __exit__(self, *a):
        try:
            self.desktop.terminate()
        except Exception:
            pass
        self.proc.wait(timeout=60)
        shutil.rmtree(self.profile, ignore_errors=True)

    @staticmethod
    def pv(name, value):
        from com.sun.star.beans import PropertyValue
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    def new(self, kind):
        return self.desktop.loadComponentFromURL("private:factory/" + kind, "_blank", 0,
                                                 (self.pv("Hidden", True),))

    def save(self, doc, name, flt):
        props = doc.DocumentProperties
        props.Author = ""
        props.ModifiedBy = ""
        doc.storeToURL("file://" + out(name), (self.pv("FilterName", flt),))
        doc.close(True)

    def author(self, name):
        """The name LibreOffice writes on tracked changes."""
        cp = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx)
        acc = cp.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (self.pv("nodepath", "/org.openoffice.UserProfile/Data"),))
        first, last = name.split(" ", 1)
        acc.setPropertyValue("givenname", first)
        acc.setPropertyValue("sn", last)
        acc.commitChanges()


def norfolk(office):
    """Scenario 2: a pivot of offences whose cache holds 1,230 victims; the
    source sheet deleted, as a user would before release."""
    from com.sun.star.table import CellAddress, CellRangeAddress
    from com.sun.star.sheet.DataPilotFieldOrientation import ROW, DATA
    from com.sun.star.sheet.GeneralFunction import COUNT
    rows = victim_rows(1230)
    doc = office.new("scalc")
    sheets = doc.Sheets
    data = sheets.getByIndex(0)
    data.Name = "Data"
    table = [VICTIM_HEADER] + rows
    data.getCellRangeByName("A1:E%d" % len(table)).setDataArray(
        tuple(tuple(r) for r in table))
    sheets.insertNewByName("Summary", 1)
    summary = sheets.getByName("Summary")
    tables = summary.getDataPilotTables()
    desc = tables.createDataPilotDescriptor()
    src = CellRangeAddress()
    src.Sheet, src.StartColumn, src.StartRow = 0, 0, 0
    src.EndColumn, src.EndRow = 4, len(table) - 1
    desc.setSourceRange(src)
    fields = desc.getDataPilotFields()
    f = fields.getByIndex(4)
    f.Orientation = ROW
    f = fields.getByIndex(0)
    f.Orientation = DATA
    f.Function = COUNT
    dest = CellAddress()
    dest.Sheet, dest.Column, dest.Row = 1, 0, 0
    tables.insertNewByName("Offences", dest, desc)
    tmp = out("norfolk_pivot.tmp.xlsx")
    office.save(doc, "norfolk_pivot.tmp.xlsx", "Calc Office Open XML")
    drop_sheet(tmp, "Data", out("norfolk_pivot_cache.xlsx"))
    os.unlink(tmp)


def drop_sheet(src_path, sheet, dst_path):
    """Delete a sheet from an XLSX, leaving the pivot cache that copied it."""
    import re
    src = zipfile.ZipFile(src_path)
    wb = src.read("xl/workbook.xml").decode()
    m = re.search(r'<sheet name="%s"[^>]*r:id="(rId\d+)"[^>]*/>' % sheet, wb)
    rid = m.group(1)
    wb = wb.replace(m.group(0), "")
    wb = re.sub(r"<definedName[^>]*>[^<]*%s![^<]*</definedName>" % sheet, "", wb)
    rels = src.read("xl/_rels/workbook.xml.rels").decode()
    rm = re.search(r'<Relationship Id="%s"[^>]*Target="([^"]+)"[^>]*/>' % rid, rels)
    part = "xl/" + rm.group(1).lstrip("/").replace("xl/", "")
    rels = rels.replace(rm.group(0), "")
    with zipfile.ZipFile(dst_path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename in (part, part.replace("worksheets/", "worksheets/_rels/") + ".rels"):
                continue
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = wb.encode()
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = rels.encode()
            elif item.filename == "[Content_Types].xml":
                data = re.sub(r'<Override PartName="/%s"[^>]*/>' % re.escape(part), "",
                              data.decode()).encode()
            z.writestr(item, data)


def tracked_deletion(office):
    """Scenario 3: a victim's details deleted with track changes on."""
    office.author("Alex Morgan")
    doc = office.new("swriter")
    text = doc.Text
    cur = text.createTextCursor()
    r = victim_rows(1)[0]
    keep = "Case review CR/2023/0412. The complainant reported harassment at work. "
    gone = "Victim %s, date of birth %s, NI number %s, lives at %s, %s. " % (
        r[0], r[1], nino(), r[2], r[3])
    text.insertString(cur, keep + gone + "Further enquiries are continuing.", False)
    doc.RecordChanges = True
    sel = text.createTextCursor()
    sel.gotoStart(False)
    sel.goRight(len(keep), False)
    sel.goRight(len(gone), True)
    sel.setString("")
    office.save(doc, "docx_tracked_deletion.docx", "MS Word 2007 XML")


def speaker_notes(office):
    """Scenario 3: a victim's details in the speaker notes of a slide."""
    doc = office.new("simpress")
    page = doc.DrawPages.getByIndex(0)
    for i in range(page.getCount()):
        sh = page.getByIndex(i)
        if sh.ShapeType == "com.sun.star.presentation.TitleTextShape":
            sh.String = "Quarterly crime figures"
    notes = page.NotesPage
    r = victim_rows(1)[0]
    for i in range(notes.getCount()):
        sh = notes.getByIndex(i)
        if sh.ShapeType == "com.sun.star.presentation.NotesShape":
            sh.String = ("Do not read out: victim %s, born %s, NI %s, of %s %s." %
                         (r[0], r[1], nino(), r[2], r[3]))
    office.save(doc, "pptx_speaker_notes.pptx", "Impress MS PowerPoint 2007 XML")


def ods_hidden(office):
    """Scenario 3: the victims on a hidden sheet of an ODS workbook."""
    doc = office.new("scalc")
    sheets = doc.Sheets
    s = sheets.getByIndex(0)
    s.Name = "Summary"
    s.getCellRangeByName("A1:B2").setDataArray((("Offence", "Recorded"), ("Assault", 41)))
    sheets.insertNewByName("Records", 1)
    h = sheets.getByName("Records")
    table = [VICTIM_HEADER] + victim_rows(120)
    h.getCellRangeByName("A1:E%d" % len(table)).setDataArray(tuple(tuple(x) for x in table))
    h.IsVisible = False
    office.save(doc, "ods_hidden_sheet.ods", "calc8")


def clean_ods(office):
    doc = office.new("scalc")
    s = doc.Sheets.getByIndex(0)
    s.Name = "Figures"
    table = [["District", "2021", "2022"]] + [[d, str(rnd.randrange(100, 900)),
                                                str(rnd.randrange(100, 900))] for d in LOCATIONS]
    s.getCellRangeByName("A1:C%d" % len(table)).setDataArray(tuple(tuple(x) for x in table))
    office.save(doc, "clean_figures.ods", "calc8")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    psni()
    records_workbook(out("very_hidden_sheet.xlsx"), "very_hidden")
    records_workbook(out("hidden_columns.xlsx"), "hidden_columns")
    records_workbook(out("white_on_white.xlsx"), "white_on_white")
    records_workbook(out("column_xfd.xlsx"), "column_xfd")
    records_workbook(out("cell_comment.xlsx"), "comment")
    embedded()
    clean()
    with Office() as office:
        clean_ods(office)
        ods_hidden(office)
        norfolk(office)
        speaker_notes(office)
        tracked_deletion(office)
    print("written to", OUT)
