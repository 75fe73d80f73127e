"""Start a headless LibreOffice and connect to it through UNO (system Python only)."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import uno
from com.sun.star.beans import PropertyValue

# UNO's objects are typed at run time only (no stubs exist): Any here.


def prop(name: str, value: object) -> Any:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(port: str) -> Any:
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


@contextlib.contextmanager
def office(port: str) -> Iterator[Any]:
    """A desktop of a private, headless soffice listening on the port; stopped after."""
    profile = tempfile.mkdtemp(prefix="xlfollow-lo-")
    # LibreOffice's own temporary files go there too, and all of it is removed after.
    environment = dict(os.environ, TMPDIR=profile)
    process = subprocess.Popen(
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
        env=environment,
    )
    try:
        context = connect(port)
        yield context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def load(desktop: Any, path: str) -> Any:
    return desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, (prop("Hidden", True),)
    )
