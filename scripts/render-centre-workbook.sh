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
pdftoppm -r 250 -png -singlefile -f 2 -l 2 -x 150 -y 170 -W 1750 -H 560 \
  "$work/03-social-og-sundhed.pdf" docs/centre-workbook
pdftoppm -r 80 -png -singlefile -f 1 -l 1 -x 0 -y 0 -W 660 -H 560 \
  "$work/03-social-og-sundhed.pdf" docs/centre-workbook-front
echo "wrote docs/centre-workbook.png and docs/centre-workbook-front.png"
