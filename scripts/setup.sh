#!/bin/sh
# Install what spillguard needs on Debian (12 "bookworm" or later).
#
#   scripts/setup.sh          build and run: compiler, OpenSSL,
#                             libzip, libarchive, GMime, libgsf, expat, MuPDF (static, with the libraries
#                             it links), libexif, libiptcdata, libheif,
#                             libyaml, yajl (JSON), libseccomp, PCRE2
#   scripts/setup.sh --test   also what the tests need: cmocka, Python's
#                             jsonschema, Microsoft's SARIF validator and
#                             msgreader (npm, into .deps/), and for the clean tests
#                             LibreOffice headless, qpdf, poppler-utils,
#                             openpyxl, Pillow and mat2 (the peer they
#                             measure); zip, 7z, xz, zstd and ar to make
#                             archives; GNU time (peak memory of hostile runs)
#   scripts/setup.sh --bench  also the benchmark peers: ripgrep, GNU time,
#                             pdftotext (poppler-utils), mutool (mupdf-tools),
#                             Vectorscan (make bench-prefilter's peer)
#
# Safe to run again; installs only what is missing.
set -eu
cd "$(dirname "$0")/.."

want_test=0
want_bench=0
for a in "$@"; do
    case "$a" in
    --test) want_test=1 ;;
    --bench) want_bench=1 ;;
    *) echo "usage: $0 [--test] [--bench]" >&2; exit 2 ;;
    esac
done

pkgs="build-essential pkg-config libssl-dev libzip-dev libisal-dev libarchive-dev libgmime-3.0-dev libgsf-1-dev libexpat1-dev"
# MuPDF is static: what `pkg-config --static --libs mupdf` names must be there
pkgs="$pkgs libmupdf-dev libfreetype-dev libharfbuzz-dev libjpeg-dev libpng-dev libopenjp2-7-dev"
pkgs="$pkgs libjbig2dec0-dev libgumbo-dev libmujs-dev libbrotli-dev zlib1g-dev libexif-dev"
pkgs="$pkgs libiptcdata0-dev libheif-dev libyaml-dev libyajl-dev libseccomp-dev libpcre2-dev"
[ $want_test = 1 ] && pkgs="$pkgs libcmocka-dev python3 python3-jsonschema"
[ $want_test = 1 ] && pkgs="$pkgs libreoffice-calc-nogui libreoffice-writer-nogui libreoffice-impress-nogui"
[ $want_test = 1 ] && pkgs="$pkgs qpdf poppler-utils python3-openpyxl python3-pil mat2 zip p7zip-full xz-utils zstd binutils time"
[ $want_bench = 1 ] && pkgs="$pkgs libvectorscan-dev ripgrep time python3 poppler-utils mupdf-tools python3-reportlab python3-openpyxl python3-xlsxwriter python3-docx mat2 unzip nodejs"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if { [ $want_test = 1 ] || [ $want_bench = 1 ]; } && ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi

if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "setup: installing$missing"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

if [ $want_test = 1 ]; then
    mt=.deps/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
    if [ ! -x "$mt" ]; then
        echo "setup: installing the SARIF validator (@microsoft/sarif-multitool 5.7.0)"
        mkdir -p .deps/sarif
        npm install --prefix .deps/sarif --no-audit --no-fund --no-save \
            @microsoft/sarif-multitool@5.7.0 @microsoft/sarif-multitool-linux@5.7.0 >/dev/null
        chmod u+x "$mt" # npm may refuse the package's own postinstall chmod
    fi
    # the Outlook .msg fixture is written and read back by msgreader
    if [ ! -f .deps/msg/node_modules/@kenjiuno/msgreader/lib/Burner.js ]; then
        echo "setup: installing @kenjiuno/msgreader 1.28.0 (the .msg test fixture)"
        mkdir -p .deps/msg
        npm install --prefix .deps/msg --no-audit --no-fund --no-save \
            @kenjiuno/msgreader@1.28.0 >/dev/null
    fi
fi
