#!/usr/bin/env bash
# Builds the trainer-overhead benchmark in Release and runs it:
#   build/bench/trainer-overhead/run.sh [--pairs 7] [--json results.json] [workload options]
# It compares TorchTrainer's Trainer with a hand-written TorchSharp loop (same model, data and
# seed) in alternating child processes and reports the median wall-time ratio (goal <= 1.03),
# whether the per-epoch losses are identical, and each one's peak RSS. Exit code 2 when the
# losses differ, 3 with --enforce-goal when the ratio misses the goal.
# Not part of `dotnet test`: the project is not in the solution.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/bin/Release"

dotnet build "$here/TrainerOverhead.csproj" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly
exec dotnet "$out/TrainerOverhead.dll" compare "$@"
