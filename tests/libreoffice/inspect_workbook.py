"""Open a workbook in LibreOffice Calc through UNO and print what Calc sees, as JSON.

Runs under the system Python (/usr/bin/python3), which has the UNO bridge
(Debian package python3-uno). Usage: inspect_workbook.py WORKBOOK PORT [CELLS]
CELLS, a JSON object {sheet: [cell, ...]}, names cells to report whatever their row,
with their background colour ("background", as RGB hex).
"""

import json
import sys
from typing import Any

from office import load, office


def main() -> None:
    path, port = sys.argv[1], sys.argv[2]
    watched = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    with office(port) as desktop:
        doc = load(desktop, path)
        result: dict[str, list[dict[str, Any]]] = {"sheets": []}
        sheets = doc.getSheets()
        for index in range(sheets.getCount()):
            sheet = sheets.getByIndex(index)
            info: dict[str, Any] = {
                "name": sheet.getName(),
                "visible": bool(sheet.IsVisible),
                "protected": bool(sheet.isProtected()),
                "validations": {},
                "cells": {},
            }
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            last_row = cursor.getRangeAddress().EndRow
            last_col = cursor.getRangeAddress().EndColumn
            for row in range(0, min(last_row, 40) + 1):
                for col in range(0, last_col + 1):
                    cell = sheet.getCellByPosition(col, row)
                    name = cell.AbsoluteName.split(".")[-1].replace("$", "")
                    validation = cell.Validation
                    if validation.Type.value != "ANY":
                        info["validations"][name] = {
                            "type": validation.Type.value,
                            "formula1": validation.getFormula1(),
                            "show_list": int(validation.ShowList),
                            "error_message": validation.ErrorMessage,
                            "input_message": validation.InputMessage,
                        }
                    protection = cell.CellProtection
                    if row < 6 and cell.getString():
                        info["cells"][name] = {
                            "text": cell.getString(),
                            "locked": bool(protection.IsLocked),
                        }
                    elif row >= 2 and not protection.IsLocked:
                        info["cells"][name] = {"text": cell.getString(), "locked": False}
            for name in watched.get(info["name"], []):
                cell = sheet.getCellRangeByName(name)
                info["cells"][name] = {
                    "text": cell.getString(),
                    "locked": bool(cell.CellProtection.IsLocked),
                    "background": f"{cell.CellBackColor & 0xFFFFFF:06X}",
                }
                validation = cell.Validation
                if validation.Type.value != "ANY":
                    info["validations"][name] = {"type": validation.Type.value}
            result["sheets"].append(info)
        doc.close(True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
