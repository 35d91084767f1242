#!/usr/bin/env bash
# The TorchTrainer analyzers' build-time cost:
#   build/bench/analyzers/run.sh [--files 1000] [--lines 50] [--runs 3] [--keep]
# Packs TorchTrainer (Release, a unique prerelease version, into a temporary folder feed), generates two
# projects of FILES C# files with AnalyzerBench.cs and builds each RUNS times (after one warm-up build) with
#   dotnet build --no-incremental -p:ReportAnalyzer=true, a detailed file log and the performance summary:
#   with     references the package; 1 line in LINES (2% at 50) reads TorchTrainer results, half of them legacy
#   migrated the same, every legacy line written the modern way (what the project costs once migrated)
#   without  the same files against look-alike types in another namespace, no TorchTrainer reference, but the
#            TorchTrainer analyzer assemblies loaded anyway: what they cost a project that does not use TorchTrainer
#   report-only  the control: the files of "with", the package without its analyzers, and ReportOnly/ (a do-nothing
#            analyzer reporting a plain BENCH0001 where TRN0001/TRN0002 report): what reporting that many
#            diagnostics costs an analyzer by itself, the floor under the TorchTrainer analyzers' time in "with"
# and prints, per project, the median Csc task time, the total analyzer time, the TorchTrainer analyzers' time and
# their share (goal <= 1% of the Csc task), and the number of TRN diagnostics (FILES/2 with, 0 in the others).
# ReportAnalyzer times are sums of analyzer callback times (over threads): use them as shares, not as wall time.
# Not part of `dotnet test`. Leaves nothing behind but the repository's Release build of TorchTrainer
# (--keep keeps the temporary folder with the projects and logs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

files=1000 lines=50 runs=3 keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --lines) lines="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --keep) keep=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/torchtrainer-analyzer-bench-XXXXXX")"
cleanup() { if [ "$keep" = true ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
shared_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
version="4.0.0-bench.$(date +%Y%m%d%H%M%S)"
bench() { dotnet run --file "$here/AnalyzerBench.cs" -- "$@"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), SDK $(dotnet --version)"

# The package under a unique version into a private package folder (the shared cache only as a read-only
# fallback), so no cache serves a stale build of it.
echo "== packing TorchTrainer $version"
dotnet pack "$repo/src/TorchTrainer" -c Release -o "$work/feed" -p:Version="$version" \
  -p:NuspecOutputPath="$work/nuspec/" --disable-build-servers -nologo -v:q -clp:ErrorsOnly
mkdir -p "$work/analyzers"
unzip -q -j "$work/feed/TorchTrainer.$version.nupkg" 'analyzers/dotnet/cs/*' -d "$work/analyzers"

# Nothing from above the work folder (this repository's Directory.*.props) may reach the benchmark projects.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="bench-feed" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <fallbackPackageFolders>
    <clear />
    <add key="shared-cache" value="$shared_cache" />
  </fallbackPackageFolders>
</configuration>
XML

echo "== generating"
bench generate "$work/with" --files "$files" --lines "$lines" --torchtrainer "$version"
bench generate "$work/migrated" --files "$files" --lines "$lines" --torchtrainer "$version" --no-legacy
bench generate "$work/without" --files "$files" --lines "$lines" --torchtrainer none --analyzers "$work/analyzers"
bench generate "$work/report-only" --files "$files" --lines "$lines" --torchtrainer "$version" --report-only "$work/report-only-analyzer"

export NUGET_PACKAGES="$work/packages"
for p in with migrated without report-only; do dotnet restore "$work/$p/Bench.csproj" -nologo -v:q; done

# The control analyzer, built in the work folder (outside this repository's Directory.*.props).
mkdir -p "$work/report-only-src"
cp "$here/ReportOnly/"*.cs "$here/ReportOnly/"*.csproj "$work/report-only-src/"
dotnet build "$work/report-only-src/Bench.ReportOnly.csproj" -c Release -o "$work/report-only-analyzer" \
  --disable-build-servers -nologo -v:q -clp:ErrorsOnly

mkdir -p "$work/logs"
build() { # project run
  local start=$SECONDS
  dotnet build "$work/$1/Bench.csproj" --no-restore --no-incremental --disable-build-servers -nologo -noconlog \
    -p:ReportAnalyzer=true -flp:"logfile=$work/logs/$1-$2.log;verbosity=detailed;PerformanceSummary"
  echo "   $1 run $2: $((SECONDS - start)) s"
}

echo "== building (1 warm-up + $runs runs each, alternating)"
for p in with migrated without report-only; do build "$p" warmup; done
logs=()
for ((r = 1; r <= runs; r++)); do
  for p in with migrated without report-only; do build "$p" "$r"; logs+=("$p=$work/logs/$p-$r.log"); done
done

echo "== results ($files files x $lines lines; medians of $runs runs)"
bench report "${logs[@]}"

# The TorchTrainer rows of the ReportAnalyzer table: "   0.074   10   TorchTrainer.Analyzers, Version=..." and one per analyzer.
for p in with migrated without report-only; do
  echo "== ReportAnalyzer rows, $p, run 1"
  grep -E 'Total analyzer execution time|^[[:space:]]+<?[0-9.]+[[:space:]]+<?[0-9]+[[:space:]]+(TorchTrainer\.Analyzers|Bench\.ReportOnly)' "$work/logs/$p-1.log" | sed -E 's/^[[:space:]]+/   /'
done
