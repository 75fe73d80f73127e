"""The mutation score of the last `mutmut run`, read from its results in mutants/.

A mutant counts as killed when a test failed with it; as not killed when it
survived, no test reached it, or it was stopped at its time limit (listed apart).
The mutants listed as equivalent in docs/mutation.md (a table row starting with the
mutant's name in backquotes) are left out of the count: no test can tell them from
the code. Mutants not tried yet are counted apart and leave the score open.

    python scripts/mutation_score.py [--min 95] [--survivors] [--only GLOB...]

Exits with 1 if the score is below --min, or if mutants are left untried.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3}
"""mutmut's exit codes of a mutant a test caught: a test failed, or the run erred."""
TIMED_OUT = {24, -24, 152, 255, 36}
"""Stopped at its time limit (SIGXCPU, mutmut's own timeout). A mutant that makes a
test loop ends so; but on a loaded machine so does one that survives every test,
slowly. Counted as not killed: try it alone again (`mutmut run NAME`) to tell."""
NOT_KILLED = {0, 5, 33}
"""Survived; no test selected (5: pytest found none; 33: mutmut had none to run)."""
_EQUIVALENT = re.compile(r"^\|\s*`(?P<name>xlfollow\.[^`]+__mutmut_\d+)`\s*\|")


def equivalent(doc: Path = ROOT / "docs" / "mutation.md") -> set[str]:
    """The mutants docs/mutation.md lists as equivalent."""
    if not doc.exists():
        return set()
    lines = doc.read_text(encoding="utf-8").splitlines()
    return {m["name"] for line in lines if (m := _EQUIVALENT.match(line))}


def results(mutants: Path = ROOT / "mutants") -> dict[str, int | None]:
    """Every mutant's exit code by name (None: not tried yet)."""
    found: dict[str, int | None] = {}
    for meta in sorted(mutants.glob("xlfollow/**/*.py.meta")):
        found.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min", type=float, default=95.0, help="the score required, in %%")
    parser.add_argument("--survivors", action="store_true", help="list the mutants not killed")
    parser.add_argument("--only", nargs="+", default=["*"], help="mutant names (globs) to count")
    args = parser.parse_args()
    codes = {
        name: code
        for name, code in results().items()
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in args.only)
    }
    if not codes:
        print("no results in mutants/: run scripts/mutation.sh first", file=sys.stderr)
        return 1
    same = equivalent()
    counted = {name: code for name, code in codes.items() if name not in same}
    untried = [name for name, code in counted.items() if code is None]
    killed = [name for name, code in counted.items() if code in KILLED]
    alive = sorted(name for name, code in counted.items() if code in NOT_KILLED)
    timed_out = sorted(n for n, code in counted.items() if code in TIMED_OUT)
    known = KILLED | NOT_KILLED | TIMED_OUT
    odd = sorted(n for n, code in counted.items() if code is not None and code not in known)
    tried = len(counted) - len(untried)
    score = 100 * len(killed) / tried if tried else 0.0
    per_module = Counter(name.rsplit(".", 1)[0].split(".x")[0] for name in alive)
    print(
        f"{len(codes)} mutants: {len(killed)} killed, {len(alive)} not killed, "
        f"{len(timed_out)} timed out, {len(same & codes.keys())} equivalent (docs/mutation.md), "
        f"{len(untried)} not tried, {len(odd)} other"
    )
    for module, count in sorted(per_module.items()):
        print(f"  not killed in {module}: {count}")
    print(f"score: {score:.1f} % of the {tried} tried (required: {args.min:.0f} %)")
    if args.survivors:
        for name in alive + timed_out + odd:
            print(f"  {name}  (exit code {counted[name]})")
    return 0 if score >= args.min and not untried else 1


if __name__ == "__main__":
    sys.exit(main())
