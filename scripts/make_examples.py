#!/usr/bin/python3
"""Write the bundled example documents (FOI-style, all people invented).

    /usr/bin/python3 scripts/make_examples.py [OUTDIR]   (default: examples/)

Deterministic: the same files every time. Identifiers are made to pass
their checks (that is the point of the examples); NINO prefixes and phone
numbers are chosen at random, so a value may by chance belong to somebody:
none is taken from anywhere.
"""
import csv
import io
import os
import random
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
rnd = random.Random(20231108)

SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
            "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips",
            "Mason", "Mitchell", "Rose", "Davis", "Rodriguez", "Cox", "Alexander", "Morgan",
            "Moore", "Campbell", "Kelly", "McLaughlin", "O'Neill", "Quinn", "Doherty"]
FORENAMES = ["Jack", "Thomas", "Oliver", "James", "Emily", "Chloe", "Sophie", "Olivia",
             "David", "Sarah", "Michael", "Laura", "Daniel", "Rebecca", "Mark", "Claire",
             "Paul", "Nicola", "Stephen", "Karen", "Aoife", "Ciaran", "Niamh", "Sean"]
RANKS = ["Constable"] * 12 + ["Sergeant"] * 4 + ["Inspector"] * 2 + ["Chief Inspector",
         "Superintendent", "Police Staff", "Police Staff", "Police Staff"]
DEPTS = ["Response", "Neighbourhood", "CID", "Roads Policing", "Custody", "Call Handling",
         "Public Protection", "Intelligence"]
LOCATIONS = ["Belfast", "Derry", "Lisburn", "Newry", "Armagh", "Enniskillen", "Omagh",
             "Coleraine", "Ballymena", "Craigavon"]
POSTAREAS = ["BT1", "BT5", "BT9", "BT12", "BT28", "BT35", "BT47", "BT60", "BT74", "NR1",
             "NR14", "IP1", "IP33"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def nino():
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        p = rnd.choice(first) + rnd.choice(second)
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            return "%s%06d%s" % (p, rnd.randrange(10 ** 6), rnd.choice("ABCD"))


def nhs():
    while True:
        d = [rnd.randrange(10) for _ in range(9)]
        d[0] = rnd.choice([4, 6, 7])
        c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        c = 0 if c == 11 else c
        if c != 10:
            s = "".join(map(str, d + [c]))
            return "%s %s %s" % (s[:3], s[3:6], s[6:])


def mobile():
    return "07%d%02d %06d" % (rnd.choice([4, 5, 7, 8, 9]), rnd.randrange(100),
                             rnd.randrange(10 ** 6))


def postcode():
    return "%s %d%s%s" % (rnd.choice(POSTAREAS), rnd.randrange(10),
                          rnd.choice(INWARD_LETTERS), rnd.choice(INWARD_LETTERS))


def dob():
    return "%02d/%02d/%d" % (rnd.randrange(1, 29), rnd.randrange(1, 13),
                             rnd.randrange(1950, 2005))


def staff_list():
    """A PSNI-style staff list: the kind of table that leaked in 2023."""
    rows = []
    for _ in range(250):
        sn, fn, mid = rnd.choice(SURNAMES), rnd.choice(FORENAMES), rnd.choice(FORENAMES)
        rows.append([sn, fn[0] + mid[0], rnd.choice(RANKS), rnd.choice(DEPTS),
                     rnd.choice(LOCATIONS), rnd.choice(["Full time", "Part time"]),
                     rnd.choice(["M", "F"]), "%05d" % rnd.randrange(10 ** 5),
                     "%s.%s@police.example.uk" % (fn.lower(), sn.lower().replace("'", ""))])
    with open(os.path.join(OUT, "staff_list.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Surname", "Initials", "Rank/Grade", "Department", "Location",
                    "Contract Type", "Gender", "Service Number", "Email"])
        w.writerows(rows)


def crime_figures():
    """Aggregate figures, nobody in them: should pass."""
    cats = ["Violence against the person", "Sexual offences", "Robbery", "Theft",
            "Criminal damage and arson", "Drug offences", "Public order offences",
            "Possession of weapons", "Burglary", "Vehicle offences"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    with open(os.path.join(OUT, "crime_figures_2023.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Offence category"] + months + ["Total"])
        for c in cats:
            vals = [rnd.randrange(40, 900) for _ in months]
            w.writerow([c] + vals + [sum(vals)])


def victims_export():
    """Excel's "Unicode text" export: UTF-16LE, tab separated, CRLF."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(["Crime Ref", "Victim Surname", "Victim Forename", "Date of Birth", "Address",
                "Postcode", "Offence", "NHS Number"])
    offences = ["Assault", "Burglary dwelling", "Harassment", "Theft from person",
                "Criminal damage", "Domestic abuse"]
    for i in range(60):
        w.writerow(["NS/%05d/22" % rnd.randrange(10 ** 5), rnd.choice(SURNAMES),
                    rnd.choice(FORENAMES), dob(),
                    "%d %s Road" % (rnd.randrange(1, 200), rnd.choice(["Mill", "Station", "Church", "King's"])),
                    postcode(), rnd.choice(offences), nhs()])
    with open(os.path.join(OUT, "victims_export.txt"), "wb") as f:
        f.write(b"\xff\xfe" + buf.getvalue().encode("utf-16-le"))


LETTER = """Freedom of Information Request FOI-2023-0412

Dear Ms {surname},

Thank you for your request received on 14 September 2023, which asked for the
number of officers assigned to neighbourhood policing in each district.

We can confirm that the information is held. It is set out in the attached
table of figures by district and year. No personal information is included.

If you are unhappy with this response you may ask for an internal review by
writing to the FOI Unit, Police Headquarters, within 40 working days.

For our records we have your contact details as:
    {forename} {surname}
    {house} Orchard Way, Lisburn, {postcode}
    e-mail: {email}
    mobile: {mobile}

Yours sincerely,

FOI Unit
"""


def foi_letter():
    sn, fn = rnd.choice(SURNAMES), rnd.choice(FORENAMES)
    with open(os.path.join(OUT, "foi_response_letter.txt"), "w") as f:
        f.write(LETTER.format(surname=sn, forename=fn, house=rnd.randrange(1, 90),
                              postcode=postcode(), mobile=mobile(),
                              email="%s.%s@example.net" % (fn.lower(), sn.lower())))


INCIDENT = """INCIDENT LOG  ref. CR/{ref}/23   (OFFICIAL-SENSITIVE)

09:42  Call from member of public reporting a vehicle driven erratically on the A1.
       Vehicle registration {reg}, silver hatchback.
10:05  Unit 3B stopped the vehicle. Driver identified from licence {licence}.
       Driver date of birth: {dob}. NI number {nino}.
10:20  Driver complained of chest pain; ambulance requested. NHS number {nhs}.
11:15  Driver conveyed to hospital. Next of kin informed on {mobile}.
"""


def incident_log():
    with open(os.path.join(OUT, "incident_log.txt"), "w") as f:
        f.write(INCIDENT.format(ref=rnd.randrange(10000, 99999), reg="BT%02d %s" % (
            rnd.choice([12, 15, 18, 62, 68]), "".join(rnd.choice("ABCDEFGHJKLMNPRSTUVWXY")
                                                       for _ in range(3))),
            licence="MORGA753116SM9IJ", dob=dob(), nino=nino()[:2] + " 12 34 56 " + "C",
            nhs=nhs(), mobile=mobile()))


PRESS = """PRESS RELEASE

Police welcome fall in burglary figures

Figures published today show that burglary fell by 12 per cent across the
force area in the year to March 2023, with the largest falls in the north
and west of the region. The force thanks communities for their support.

Crime prevention advice is available at local stations and online.
Media enquiries: press office, 0300 123 4567.
"""


def press_release():
    with open(os.path.join(OUT, "press_release.txt"), "w") as f:
        f.write(PRESS)


def redacted_letter():
    """A PDF reply whose 'redaction' is a black box drawn over text that is
    still there (reportlab; no metadata)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    path = os.path.join(OUT, "foi_response_redacted.pdf")
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setAuthor("")
    c.setTitle("")
    c.setSubject("")
    c.setCreator("")
    c.setProducer("")
    c.setFont("Helvetica", 11)
    lines = ["Freedom of Information request FOI-2023-1187", "",
             "Dear requester,", "",
             "You asked for the outcome of the complaint made on 14 June 2023.",
             "The complaint concerned Constable %s %s, NI number %s," % (
                 rnd.choice(FORENAMES), rnd.choice(SURNAMES), nino()),
             "and was not upheld.", "",
             "Yours faithfully,", "Information Compliance Unit"]
    y = 780
    for ln in lines:
        c.drawString(72, y, ln)
        y -= 16
    c.setFillColorRGB(0, 0, 0)
    c.rect(180, 780 - 5 * 16 - 4, 330, 15, fill=1, stroke=0)
    c.showPage()
    c.save()
    # no Info dictionary at all
    raw = open(path, "rb").read()
    import re
    raw = re.sub(rb"/Info \d+ 0 R", b"", raw)
    open(path, "wb").write(raw)


if __name__ == "__main__":
    staff_list()
    crime_figures()
    victims_export()
    foi_letter()
    incident_log()
    press_release()
    redacted_letter()
