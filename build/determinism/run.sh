#!/usr/bin/env bash
# Determinism proof for trainer-migrate (issue 8): runs the end-to-end gate tests (ProjectGateTests and Gate/*:
# unrestored project, every #r version form, late usings, #if DEBUG/#else, multi-targeting, links, surrogates,
# read-only files, unknown options...) with TRAINER_MIGRATE_TEST_RUNS=5, so that every tool run in them is made
# 5 times from the same input and must give the same exit code, output and files each time
# (tests/TorchTrainer.Migrate.Tests/RepeatedRuns.cs). Not part of `dotnet test` (it takes ~5 times as long).
#
#   build/determinism/run.sh [--runs 5] [--filter EXPR]
#
# Prints the test summary and exits with dotnet test's exit code.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=5 filter="FullyQualifiedName~TorchTrainer.Migrate.Tests.Gate|FullyQualifiedName~TorchTrainer.Migrate.Tests.ProjectGateTests"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

export TRAINER_MIGRATE_TEST_RUNS="$runs"
echo "every tool run made $runs times; tests: $filter" >&2
dotnet test "$repo/tests/TorchTrainer.Migrate.Tests" -c Release --filter "$filter" --logger "console;verbosity=normal"
