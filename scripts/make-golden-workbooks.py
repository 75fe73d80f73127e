"""Write the golden workbooks under tests/data/golden/: run it on purpose, when a
change to the workbooks (a header, a width, a format, a list) is intended, and
commit the files it writes with the change; tests/test_golden.py compares what
xlfollow writes with them, part by part (tests/golden.py says what is compared).

    python scripts/make-golden-workbooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # shared with them
from golden import GOLDEN, golden_workbooks


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, content in golden_workbooks().items():
        (GOLDEN / name).write_bytes(content)
        print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    main()
