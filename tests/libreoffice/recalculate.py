"""Open a workbook in LibreOffice Calc, recalculate every formula, print the results.

Runs under the system Python (/usr/bin/python3), which has the UNO bridge.
Usage: recalculate.py WORKBOOK PORT SHEETS [EDITS], where SHEETS is a JSON list
of sheet names and EDITS a JSON list of [sheet, cell, text] typed in before the
recalculation. Prints, as JSON, per sheet the formula cells as {"A1": value}:
a number, or the text Calc shows for a formula that gives text or an error.
"""

import json
import sys

from office import load, office


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def main() -> None:
    path, port, names = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    edits = json.loads(sys.argv[4]) if len(sys.argv) > 4 else []
    with office(port) as desktop:
        doc = load(desktop, path)
        for sheet_name, ref, text in edits:
            doc.getSheets().getByName(sheet_name).getCellRangeByName(ref).setString(text)
        doc.calculateAll()
        result: dict[str, dict[str, float | str]] = {}
        for name in names:
            sheet = doc.getSheets().getByName(name)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            end = cursor.getRangeAddress()
            cells: dict[str, float | str] = {}
            for row in range(end.EndRow + 1):
                for col in range(end.EndColumn + 1):
                    cell = sheet.getCellByPosition(col, row)
                    if cell.getType().value != "FORMULA":
                        continue
                    ref = f"{column_name(col)}{row + 1}"
                    if cell.getError():
                        cells[ref] = f"#ERROR {cell.getError()}"
                    elif cell.FormulaResultType2 == 1:  # FormulaResult.VALUE
                        cells[ref] = cell.getValue()
                    else:
                        cells[ref] = cell.getString()
            result[name] = cells
        doc.close(True)
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
