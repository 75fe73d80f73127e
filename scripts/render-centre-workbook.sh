#!/usr/bin/env bash
# Render what a centre receives: issue round 1 of the bundled Ballerup example,
# open one centre workbook in LibreOffice (headless), and save the front sheet
# and the top of its first chapter sheet as PNGs in docs/.
# Needs: libreoffice-calc and poppler-utils (Debian), xlfollow installed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
xlfollow init "$work/ws" --example ballerup-2018 >/dev/null
xlfollow issue "$work/ws" --round 1 >/dev/null
soffice --headless --convert-to pdf --outdir "$work" \
  "$work/ws/outbox/round-1/03-social-og-sundhed-runde-1.xlsx" >/dev/null 2>&1
# The first chapter sheet's first page, as it prints (A4 landscape, 90 %), and the
# front sheet's first page.
pdftoppm -r 70 -png -singlefile -f 2 -l 2 \
  "$work/03-social-og-sundhed-runde-1.pdf" docs/centre-workbook
pdftoppm -r 70 -png -singlefile -f 1 -l 1 \
  "$work/03-social-og-sundhed-runde-1.pdf" docs/centre-workbook-front
echo "wrote docs/centre-workbook.png and docs/centre-workbook-front.png"
