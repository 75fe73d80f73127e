#!/usr/bin/env bash
# Mutation testing of the merge's core with mutmut: does a test fail when the code is
# changed? docs/mutation.md says what is mutated, which tests run, the score and the
# mutants that are equivalent to the code.
#
#   scripts/mutation.sh             every mutant of the five modules (hours on 2 cores)
#   scripts/mutation.sh --ci        the fixed subset CI runs (docs/mutation.md)
#   scripts/mutation.sh NAME...     only these mutants (mutmut's names; globs allowed)
#
# MUTATION_CHILDREN (default 1) mutants are tried side by side. Results stay in
# mutants/ (ignored by git): `.venv/bin/mutmut results`, `.venv/bin/mutmut show NAME`,
# `.venv/bin/python scripts/mutation_score.py --survivors`. A second run retries only
# what changed; remove mutants/ to start afresh.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/mutmut ] || .venv/bin/pip install -q -e '.[test,mutation]'

# The fixed subset CI runs (docs/mutation.md): the merge's rules for decisions, late
# rounds, a sender's correction, answers given twice and refused together, and its
# counts: about 25 minutes with two children on two shared cores. The whole set is run
# by hand.
CI_MUTANTS=(
  "xlfollow.ledger.merge.xǁ_Mergerǁ_decided__mutmut_*"
  "xlfollow.ledger.merge.xǁ_Mergerǁ_late_reason__mutmut_*"
  "xlfollow.ledger.merge.xǁ_Mergerǁ_theirs__mutmut_*"
  "xlfollow.ledger.merge.xǁ_Mergerǁ_correct__mutmut_*"
  "xlfollow.ledger.merge.x__refused_with__mutmut_*"
  "xlfollow.ledger.merge.x__twice__mutmut_*"
  "xlfollow.ledger.merge.x__where__mutmut_*"
  "xlfollow.ledger.mergeplan.xǁMergePlanǁcounts__mutmut_*"
)

names=("$@")
if [ "${1:-}" = "--ci" ]; then
  names=("${CI_MUTANTS[@]}")
fi

start=$(date +%s)
# The mutated modules decide what a merge records, not where: their tests run with
# the ledger on SQLite only (the whole suite runs on both engines, tests/conftest.py).
export XLFOLLOW_TEST_ENGINES=sqlite
# mutmut tries each mutant in a fork of itself; the reader processes a merge starts
# (new interpreters) are given the test process's sys.path, so they import the mutated
# copy in mutants/ too, and inherit MUTANT_UNDER_TEST from its environment.
nice -n 10 .venv/bin/mutmut run --max-children "${MUTATION_CHILDREN:-1}" "${names[@]}"
echo "mutation run: $(( $(date +%s) - start )) s"

if [ "${1:-}" = "--ci" ]; then
  .venv/bin/python scripts/mutation_score.py --survivors --only "${CI_MUTANTS[@]}"
else
  .venv/bin/python scripts/mutation_score.py --survivors
fi
