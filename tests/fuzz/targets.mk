# The per-reader fuzz targets of fuzz_reader.c (each built with
# -DFUZZ_TARGET="name"); fuzz_scan.c is the whole scan path. Included by
# tests/fuzz/Makefile (libFuzzer builds) and the top Makefile (replays).
FUZZ_READERS := zip xlsx docx pptx odf pdf ole2 image archive mime json rtf html xml config
# fuzz_xmlfast.c: the fast XML path held to expat on the same bytes
FUZZ_UNITS := xmlfast
