"""Open a workbook in LibreOffice Calc through UNO and print what Calc sees, as JSON.

Runs under the system Python (/usr/bin/python3), which has the UNO bridge
(Debian package python3-uno). Usage: inspect_workbook.py WORKBOOK PORT
Starts its own headless soffice on the given port and stops it afterwards.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.time() + 60
    while True:
        try:
            return resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
            )
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def main():
    path, port = os.path.abspath(sys.argv[1]), sys.argv[2]
    profile = tempfile.mkdtemp(prefix="xlfollow-lo-")
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = connect(port)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),)
        )
        result = {"sheets": []}
        sheets = doc.getSheets()
        for index in range(sheets.getCount()):
            sheet = sheets.getByIndex(index)
            info = {
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
                    if int(validation.Type.value != "ANY"):
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
            result["sheets"].append(info)
        doc.close(True)
        print(json.dumps(result, ensure_ascii=False))
    finally:
        office.terminate()
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
