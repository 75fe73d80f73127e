"""Answer a workbook in LibreOffice Calc as a centre would, and save it as .xlsx.

Runs under the system Python (/usr/bin/python3) with the UNO bridge.
Usage: answer_workbook.py IN.xlsx OUT.xlsx PORT ANSWERS.json
ANSWERS.json maps a sheet name to {cell: text}, e.g. {"3. ...": {"K3": "😊 Opfyldt"}}.
Typing through the API, as here, skips data validation and sheet protection.
"""

import json
import os
import sys

import uno
from office import load, office, prop


def main() -> None:
    source, target, port, answers_path = sys.argv[1:5]
    with open(answers_path, encoding="utf-8") as handle:
        answers = json.load(handle)
    with office(port) as desktop:
        doc = load(desktop, source)
        sheets = doc.getSheets()
        for sheet_name, cells in answers.items():
            sheet = sheets.getByName(sheet_name)
            for ref, text in cells.items():
                sheet.getCellRangeByName(ref).setString(text)
        doc.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(target)),
            (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)),
        )
        doc.close(True)


if __name__ == "__main__":
    main()
