#!/usr/bin/python3
"""Write the seed corpora of the per-reader fuzz targets (fuzz_reader.c)
into corpus/<target>/: for the member and stream targets, one seed per
(template, member) pair - the pair's index byte, then the member as the
template has it (zipfile; `gsf cat` from libgsf-bin for OLE2 streams); for
the raw targets, the matching files of corpus/scan/. Run again after adding
a pair or a template; the output is committed.
"""
import os
import re
import shutil
import subprocess
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = open(os.path.join(HERE, "fuzz_reader.c")).read()
SCAN = os.path.join(HERE, "corpus", "scan")

RAW = {"zip": ("office_", "arc_zip"), "pdf": ("pdf",), "image": ("img_",),
       "archive": ("arc_",), "mime": ("eml_",), "json": ("json",), "rtf": ("rtf_",),
       "html": ("html_",), "xml": ("xml_",)}


def picks(name):
    body = re.search(r"static const pick %s_picks\[\] = \{(.*?)\{NULL, NULL\}" % name, SRC, re.S)
    return [(t, m.replace("\\005", "\x05"))
            for t, m in re.findall(r'\{"([^"]+)", "([^"]+)"\}', body.group(1))]


def out_dir(target):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    return d


for target in ("xlsx", "docx", "pptx", "odf", "ole2"):
    d = out_dir(target)
    for i, (tmpl, member) in enumerate(picks(target)):
        path = os.path.join(HERE, "templates", tmpl)
        if target == "ole2":
            data = subprocess.run(["gsf", "cat", path, member], capture_output=True,
                                  check=True).stdout
        else:
            with zipfile.ZipFile(path) as z:
                data = z.read(member) if member in z.namelist() else b""
        if len(data) > 65536:
            data = data[:65536]
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", member)
        with open(os.path.join(d, "%02d_%s_%s" % (i, tmpl, safe)), "wb") as f:
            f.write(bytes([i]) + data)

for target, prefixes in RAW.items():
    d = out_dir(target)
    for name in sorted(os.listdir(SCAN)):
        if name.startswith(prefixes):
            shutil.copyfile(os.path.join(SCAN, name), os.path.join(d, name))

# the configuration examples of docs/CONFIG.md
d = out_dir("config")
doc = open(os.path.join(HERE, "..", "..", "docs", "CONFIG.md")).read()
for i, block in enumerate(re.findall(r"```ya?ml\n(.*?)```", doc, re.S)):
    with open(os.path.join(d, "config_md_%02d.yaml" % i), "w") as f:
        f.write(block)
