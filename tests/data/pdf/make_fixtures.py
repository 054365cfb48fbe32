#!/usr/bin/python3
"""Make the PDF and picture fixtures of tests/cli/test_pdf.py.

    /usr/bin/python3 tests/data/pdf/make_fixtures.py

Uses Debian's python3-reportlab, python3-pikepdf and python3-pil (and
python3-docx for the document with a photo). The files are committed, so
the tests need none of these; run this again only to change them. Every
person, number and place here is invented (NI numbers from the unused
prefix ranges would be rejected, so valid-looking ones are used; phone
numbers are in Ofcom's geographic ranges, not the drama ones, which the
detector rightly ignores).
"""
import io
import os
import struct
import zlib

import pikepdf
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HERE = os.path.dirname(os.path.abspath(__file__))
IMG = os.path.join(os.path.dirname(HERE), "images")

NAME = "Jane Smith"
NINO = "AB 12 34 56 C"
PHONE = "020 7123 4567"
ADDRESS = "12 Acacia Avenue, Norwich NR2 4AB"


def out(name):
    return os.path.join(HERE, name)


def strip_info(path):
    """No metadata at all: drop /Info and any XMP."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        pdf.save(path, static_id=True)


def letter(c, y=770):
    c.setFont("Helvetica", 12)
    c.drawString(72, y, "Freedom of Information request FOI-2024-0117")
    c.drawString(72, y - 20, "Thank you for your request of 3 March.")


def black_box():
    """Scenario 1: a name and NI number under a black rectangle."""
    p = out("black_box.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.showPage()  # the secret is on page 2
    letter(c)
    c.drawString(72, 700, f"The officer involved was {NAME}, NI number {NINO}.")
    c.setFillColorRGB(0, 0, 0)
    c.rect(205, 695, 315, 16, fill=1, stroke=0)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(72, 660, "We have decided to withhold the remaining information.")
    c.showPage()
    c.save()
    strip_info(p)


def white_box():
    """Scenario 2: the same under a white box on a white page."""
    p = out("white_box.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawString(72, 700, f"The officer involved was {NAME}, NI number {NINO}.")
    c.setFillColorRGB(1, 1, 1)
    c.rect(205, 695, 315, 16, fill=1, stroke=0)
    c.showPage()
    c.save()
    strip_info(p)


def redact_annotation():
    """Scenario 2: a redaction annotation drawn over the text, never applied."""
    p = out("redact_annotation.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawString(72, 700, f"The officer involved was {NAME}, NI number {NINO}.")
    c.showPage()
    c.save()
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        annot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Redact,
            Rect=[205, 695, 520, 711], IC=[0, 0, 0], OverlayText="REDACTED",
            T="Disclosure Team"))
        pdf.pages[0].obj["/Annots"] = pikepdf.Array([annot])
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.save(p, static_id=True)


def white_text():
    """White text on a white page: invisible, not under anything."""
    p = out("white_text.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.setFillColorRGB(1, 1, 1)
    c.drawString(72, 600, f"Informant: {NAME} {PHONE}")
    c.showPage()
    c.save()
    strip_info(p)


def invisible_text():
    """Scenario 4: render mode 3 text with a phone number (no image)."""
    p = out("invisible_text.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    t = c.beginText(72, 600)
    t.setFont("Helvetica", 12)
    t.setTextRenderMode(3)
    t.textLine(f"Witness mobile {PHONE}")
    c.drawText(t)
    c.showPage()
    c.save()
    strip_info(p)


def outside_crop():
    """Scenario 4: text outside the crop box."""
    p = out("outside_crop.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawString(72, 100, f"Victim: {NAME}, NI number {NINO}")
    c.setCropBox((0, 300, 595, 842))
    c.showPage()
    c.save()
    strip_info(p)


def attachment():
    """Scenario 4: an attachment holding a CSV of people."""
    p = out("attachment.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawString(72, 700, "Please find the statistics attached.")
    c.showPage()
    c.save()
    rows = ["Surname,Forename,Rank,Warrant number,Date of birth,Phone"]
    first = ["Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "George", "Mia",
             "Noah", "Ella", "Leo", "Grace"]
    last = ["Patel", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas",
            "Roberts", "Walker", "Wright", "Hughes", "Green"]
    for i, (f, s) in enumerate(zip(first, last)):
        rows.append(f"{s},{f},PC,{41000 + i * 7},{(i % 27) + 1:02d}/0{(i % 9) + 1}/198{i % 10},"
                    f"020 7123 4{100 + i:03d}")
    data = ("\n".join(rows) + "\n").encode()
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        pdf.attachments["officers.csv"] = pikepdf.AttachedFileSpec(
            pdf, data, mime_type="text/csv", filename="officers.csv")
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.save(p, static_id=True)


def author():
    """Scenario 4: author metadata naming an officer."""
    p = out("author.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    c.setAuthor("PC 4471 Daniel Hughes")
    c.setTitle("Response to FOI-2024-0117")
    letter(c)
    c.showPage()
    c.save()


def scanned():
    """Scenario 5: a scanned page, an image with no text layer."""
    im = Image.new("L", (850, 1100), 255)
    d = ImageDraw.Draw(im)
    for i in range(30):
        d.text((80, 80 + i * 30), f"Statement line {i}: the witness {NAME} said ...", fill=0)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    buf.seek(0)
    from reportlab.lib.utils import ImageReader
    p = out("scanned.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(buf), 0, 0, width=595, height=842)
    c.showPage()
    c.save()
    strip_info(p)
    return im


def ocr(im):
    """An OCR'd scan: the image, and invisible text over it (visible)."""
    from reportlab.lib.utils import ImageReader
    buf = io.BytesIO()
    im.save(buf, "PNG")
    buf.seek(0)
    p = out("ocr.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(buf), 0, 0, width=595, height=842)
    t = c.beginText(56, 780)
    t.setFont("Helvetica", 10)
    t.setTextRenderMode(3)
    t.textLine(f"Statement of {NAME}, telephone {PHONE}")
    c.drawText(t)
    c.showPage()
    c.save()
    strip_info(p)


def clean():
    """Scenario 7: a typeset table of aggregate numbers, no metadata."""
    p = out("clean.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 780, "Recorded crime by category, 2023/24")
    c.setFont("Helvetica", 11)
    rows = [("Category", "Q1", "Q2", "Q3", "Q4"), ("Burglary", "412", "398", "455", "430"),
            ("Vehicle offences", "290", "301", "276", "288"),
            ("Criminal damage", "510", "522", "498", "505"),
            ("Theft from the person", "66", "71", "59", "63")]
    y = 740
    for r in rows:
        x = 72
        for cell in r:
            c.drawString(x, y, cell)
            x += 150 if x == 72 else 70
        y -= 20
    c.setStrokeColorRGB(0, 0, 0)
    c.line(72, 735, 500, 735)
    c.showPage()
    c.save()
    strip_info(p)


def revision():
    """Scenario 3: the first revision held a victim's name and address;
    an incremental update took them out of the page."""
    p = out("revision.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawString(72, 700, f"Victim: {NAME}, {ADDRESS}")
    c.drawString(72, 680, "The case was closed on 4 April.")
    c.showPage()
    c.save()
    strip_info(p)
    # a classic xref table and plain streams, which an update can extend
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        pdf.save(p, static_id=True, compress_streams=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    with pikepdf.open(p) as pdf:
        page = pdf.pages[0].obj
        num = page["/Contents"].objgen[0]
        size = int(pdf.trailer["/Size"])
        root = pdf.Root.objgen[0]
        font = str(list(page["/Resources"]["/Font"].keys())[0]).encode()
    raw = open(p, "rb").read()
    prev = int(raw[raw.rindex(b"startxref") + 9:].split()[0])
    # the update: the same page without the victim's line
    content = b"".join(
        b"BT %s 12 Tf 72 %d Td (%s) Tj ET\n" % (font, y, t) for y, t in (
            (770, b"Freedom of Information request FOI-2024-0117"),
            (750, b"Thank you for your request of 3 March."),
            (680, b"The case was closed on 4 April.")))
    if not raw.endswith(b"\n"):
        raw += b"\n"
    off = len(raw)
    obj = (b"%d 0 obj\n<< /Length %d >>\nstream\n" % (num, len(content)) + content +
           b"endstream\nendobj\n")
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (num, off)
    trailer = (b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
               % (size, root, prev, off + len(obj)))
    open(p, "wb").write(raw + obj + xref + trailer)


def layer():
    """A layer that is off by default, holding a name and phone number."""
    p = out("layer.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.showPage()
    c.save()
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        ocg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG,
                                                   Name="Reviewer notes"))
        pdf.Root["/OCProperties"] = pikepdf.Dictionary(
            OCGs=[ocg], D=pikepdf.Dictionary(Order=[ocg], OFF=[ocg]))
        page = pdf.pages[0]
        res = page.obj["/Resources"]
        res["/Properties"] = pikepdf.Dictionary(MC0=ocg)
        font = list(res["/Font"].keys())[0]
        extra = (f"/OC /MC0 BDC BT {font} 12 Tf 72 600 Td "
                 f"(Reviewer: {NAME}, NI {NINO}) Tj ET EMC\n").encode()
        page.contents_add(pikepdf.Stream(pdf, extra), prepend=False)
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.save(p, static_id=True)


def javascript():
    """Document JavaScript run when it opens."""
    p = out("javascript.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.showPage()
    c.save()
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        pdf.Root["/OpenAction"] = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('Hello');"))
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.save(p, static_id=True)


def comment():
    """A sticky note with an NI number, written by a named person."""
    p = out("comment.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.showPage()
    c.save()
    with pikepdf.open(p, allow_overwriting_input=True) as pdf:
        note = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[500, 760, 520, 780],
            Contents=pikepdf.String(f"Check this against {NINO} before release"),
            T=pikepdf.String("Sergeant Mark Evans")))
        pdf.pages[0].obj["/Annots"] = pikepdf.Array([note])
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.save(p, static_id=True)


# ------------------------------------------------------------- pictures

def rational(v):
    return (int(round(v * 10000)), 10000)


def gps_jpeg():
    """Scenario 6: a JPEG with GPS coordinates (and an owner)."""
    im = Image.new("RGB", (320, 240), (90, 140, 200))
    ex = Image.Exif()
    ex[0x010F] = "ExampleCam"   # Make
    ex[0x0110] = "Model 7"      # Model
    ex[0x013B] = "Daniel Hughes"  # Artist
    gps = {1: "N", 2: (51.0, 30.0, 2.6), 3: "W", 4: (0.0, 7.0, 28.8)}
    ex[0x8825] = gps
    im.save(os.path.join(IMG, "gps.jpg"), "JPEG", exif=ex.tobytes(), quality=80)


def other_formats():
    """The GPS photo as TIFF, WebP and HEIC (heif-enc, from libheif-examples,
    copies the EXIF), and a GIF with a comment."""
    im = Image.open(os.path.join(IMG, "gps.jpg"))
    ex = im.getexif()
    im.resize((32, 24)).save(os.path.join(IMG, "gps.tif"), "TIFF", exif=ex.tobytes())
    im.save(os.path.join(IMG, "gps.webp"), "WEBP", exif=ex.tobytes(), quality=50)
    import subprocess
    subprocess.run(["heif-enc", "-q", "30", "-o", os.path.join(IMG, "gps.heic"),
                    os.path.join(IMG, "gps.jpg")], check=True, capture_output=True)
    Image.new("P", (40, 40)).save(os.path.join(IMG, "comment.gif"), "GIF",
                                  comment=f"Taken by {NAME}, tel {PHONE}".encode())


def png_bytes(size, colour):
    im = Image.new("RGB", size, colour)
    b = io.BytesIO()
    im.save(b, "PNG")
    return b.getvalue()


def appended_png():
    """Scenario 6: a PNG with a second PNG after IEND (a 'cropped'
    screenshot that still holds the original), and a note in it."""
    first = png_bytes((200, 100), (255, 255, 255))
    second = png_bytes((800, 600), (10, 20, 30))
    open(os.path.join(IMG, "appended.png"), "wb").write(first + second)


def trailing_text_jpeg():
    """A JPEG with personal data appended after EOI."""
    im = Image.new("RGB", (64, 64), (0, 0, 0))
    b = io.BytesIO()
    im.save(b, "JPEG")
    tail = f"Custody record: {NAME}, NI number {NINO}\n".encode()
    open(os.path.join(IMG, "trailing_text.jpg"), "wb").write(b.getvalue() + tail)


def plain_images():
    """Pictures with nothing to say: no metadata, no trailing data."""
    Image.new("RGB", (120, 80), (200, 200, 200)).save(os.path.join(IMG, "plain.png"), "PNG")
    Image.new("RGB", (120, 80), (200, 200, 200)).save(os.path.join(IMG, "plain.jpg"), "JPEG")


def thumbnail_jpeg():
    """A photo cropped to a wide strip whose EXIF thumbnail is still the
    4:3 original."""
    thumb = io.BytesIO()
    Image.new("RGB", (160, 120), (255, 0, 0)).save(thumb, "JPEG")
    t = thumb.getvalue()
    # TIFF: IFD0 with one entry (Orientation), IFD1 with the thumbnail
    le = b"II*\x00" + struct.pack("<I", 8)
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, 1)
    ifd1_off = 8 + len(ifd0) + 4
    ifd0 += struct.pack("<I", ifd1_off)
    thumb_off = ifd1_off + 2 + 2 * 12 + 4
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_off) + \
        struct.pack("<HHII", 0x0202, 4, 1, len(t)) + struct.pack("<I", 0)
    exif = b"Exif\x00\x00" + le + ifd0 + ifd1 + t
    im = Image.new("RGB", (800, 200), (255, 0, 0))
    im.save(os.path.join(IMG, "thumbnail.jpg"), "JPEG", exif=exif)


def pdf_with_photo():
    """A PDF showing the GPS photo: reportlab keeps a JPEG's bytes as they
    are, EXIF included."""
    p = out("photo.pdf")
    c = canvas.Canvas(p, pagesize=A4, invariant=1)
    letter(c)
    c.drawImage(os.path.join(IMG, "gps.jpg"), 72, 400, width=320, height=240)
    c.showPage()
    c.save()
    strip_info(p)


def docx_with_photo():
    """An office document holding the GPS photo."""
    import docx
    d = docx.Document()
    d.add_paragraph("Scene photograph attached.")
    d.add_picture(os.path.join(IMG, "gps.jpg"))
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.save(os.path.join(IMG, "photo.docx"))


def main():
    os.makedirs(IMG, exist_ok=True)
    black_box()
    white_box()
    redact_annotation()
    white_text()
    invisible_text()
    outside_crop()
    attachment()
    author()
    ocr(scanned())
    clean()
    revision()
    layer()
    javascript()
    comment()
    gps_jpeg()
    other_formats()
    appended_png()
    trailing_text_jpeg()
    plain_images()
    thumbnail_jpeg()
    docx_with_photo()
    pdf_with_photo()


if __name__ == "__main__":
    main()
