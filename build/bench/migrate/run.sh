#!/usr/bin/env bash
# trainer-migrate benchmark (issue 5). Not part of `dotnet test`.
#
#   build/bench/migrate/run.sh [--projects 250] [--uses 1500] [--format-timeout 20m] [--work DIR]
#                              [--analyzers-ref REF] [--no-scale] [--skip-format] [--skip-migrate]
#                              [--sparse-projects 25] [--sparse-uses 150] [--skip-dense] [--skip-sparse]
#                              [--sparse-other-package Newtonsoft.Json/13.0.3]
#
# 1. Copies this working tree (tracked and untracked files, no bin/obj) to a work folder -- with
#    src/TorchTrainer.Analyzers* taken from git ref REF when --analyzers-ref is given (to benchmark
#    analyzers that are not merged yet) -- and packs TorchTrainer and trainer-migrate there under a
#    unique prerelease version; installs trainer-migrate from that folder feed (dotnet tool install).
# 2. Generates a synthetic classic .sln of N projects, each referencing the packed TorchTrainer, with
#    M legacy uses in total (Generator/), and restores it once (not timed).
# 3. Times `trainer-migrate Bench.sln` on a copy (goal: <= 2 minutes on 2 cores at 250/1500), then
#    `dotnet format analyzers Bench.sln --diagnostics TRN0001 TRN0002 --severity info --no-restore`
#    on a fresh copy of the same input under `timeout`, and compares the two outputs (diff -r of the
#    trees, bin/obj excluded) and the legacy uses left in each.
# 4. When dotnet format does not finish within the cap, the comparison is repeated on an input
#    scaled down by 5 (N/5 projects, M/5 uses) until it fits (unless --no-scale), and says so.
# 5. The sparse (CI gate) shape: N projects of which only --sparse-projects reference TorchTrainer
#    (--sparse-uses legacy uses in those), restored once (not timed); times `trainer-migrate --check Bench.sln`
#    against `dotnet format analyzers Bench.sln --verify-no-changes --diagnostics TRN0001 TRN0002 TRN0003
#    --severity info` on the same input, both with their default restore (a no-op here: what a CI job with a
#    restored cache pays), and compares the verdicts (both must say "changes needed": exit 1 and exit 2).
#    Twice: the other projects without packages (trainer-migrate settles them by evaluation and restores only the
#    TorchTrainer ones), then each with a PackageReference to --sparse-other-package ('' skips that round), which
#    forces a restore of every project (only the restore output tells that a package does not bring TorchTrainer).
# Prints a summary block with both times, the ratio (goal >= 10x) and whether the outputs agree.
# Exit code: 0 when both ran and agree, 1 otherwise (a goal missed is reported, not an error).
# Unique package versions are restored into a private NUGET_PACKAGES folder in the work folder, with
# the shared package cache as a read-only fallback: nothing is added to the shared cache.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

projects=250 uses=1500 cap=20m work="" ref="" scale=1 run_format=1 run_migrate=1
sparse_projects=25 sparse_uses=150 run_dense=1 run_sparse=1 other_package="Newtonsoft.Json/13.0.3" sparse_agree=1
while [ $# -gt 0 ]; do
  case "$1" in
    --projects) projects="$2"; shift 2 ;;
    --uses) uses="$2"; shift 2 ;;
    --format-timeout) cap="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --analyzers-ref) ref="$2"; shift 2 ;;
    --no-scale) scale=0; shift ;;
    --skip-format) run_format=0; shift ;;
    --skip-migrate) run_migrate=0; shift ;;
    --sparse-projects) sparse_projects="$2"; shift 2 ;;
    --sparse-uses) sparse_uses="$2"; shift 2 ;;
    --skip-dense) run_dense=0; shift ;;
    --skip-sparse) run_sparse=0; shift ;;
    --sparse-other-package) other_package="$2"; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

work="${work:-$(mktemp -d "${TMPDIR:-/tmp}/trainer-migrate-bench.XXXXXX")}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
version="4.0.0-bench.$(date -u +%Y%m%d%H%M%S)"
shared_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
secs() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---- 1. the tool and the library, packed from a copy of this tree ------------------------------------
tree="$work/tree"
log "copying the working tree to $tree${ref:+ (analyzers from $ref)}"
rm -rf "$tree" && mkdir -p "$tree"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
  tar -C "$repo" --null -T - -cf - | tar -C "$tree" -xf -
analyzers_source="this working tree ($(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- 2>/dev/null || echo ', with uncommitted changes'))"
if [ -n "$ref" ]; then
  rm -rf "$tree/src/TorchTrainer.Analyzers" "$tree/src/TorchTrainer.Analyzers.CodeFixes"
  git -C "$repo" archive "$ref" src/TorchTrainer.Analyzers src/TorchTrainer.Analyzers.CodeFixes | tar -C "$tree" -xf -
  analyzers_source="git ref $ref ($(git -C "$repo" rev-parse --short "$ref"))"
fi

feed="$work/feed"
mkdir -p "$feed"
log "packing TorchTrainer and trainer-migrate $version"
dotnet pack "$tree/src/TorchTrainer" -c Release -p:Version="$version" -o "$feed" -nologo -v quiet -clp:ErrorsOnly --disable-build-servers >&2
dotnet pack "$tree/src/TorchTrainer.Migrate" -c Release -p:Version="$version" -o "$feed" -nologo -v quiet -clp:ErrorsOnly --disable-build-servers >&2

log "building the generator"
dotnet build "$tree/build/bench/migrate/Generator/Generator.csproj" -c Release -o "$work/generator" -nologo -v quiet -clp:ErrorsOnly --disable-build-servers >&2

# The folder feed is the only source of the tool install; a private package folder keeps the shared cache clean.
export NUGET_PACKAGES="$work/packages"
mkdir -p "$work/install"
printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /></packageSources></configuration>\n' > "$work/install/nuget.config"
(cd "$work/install" && dotnet tool install --tool-path "$work/tool" --add-source "$feed" TorchTrainer.Migrate --version "$version" >&2)
tool="$work/tool/trainer-migrate"
tool_files="$(dirname "$(find "$work/tool/.store" -name TorchTrainer.Migrate.dll -path '*/tools/*' | head -1)")"

# dotnet format runs the analyzers the projects reference: those in the TorchTrainer package, or, while the
# package does not carry them yet, the very assemblies trainer-migrate ships (added to every project).
generator_analyzers=()
if unzip -l "$feed/TorchTrainer.$version.nupkg" | grep -q 'analyzers/dotnet/cs/TorchTrainer.Analyzers.dll'; then
  format_analyzers="from the TorchTrainer package"
else
  mkdir -p "$work/analyzers"
  cp "$tool_files/TorchTrainer.Analyzers.dll" "$tool_files/TorchTrainer.Analyzers.CodeFixes.dll" "$work/analyzers/"
  generator_analyzers=(--analyzers "$work/analyzers")
  format_analyzers="the TorchTrainer package has none yet: trainer-migrate's own analyzer assemblies, added to every project as <Analyzer> items"
fi

# ---- 2-3. one round: generate, restore, time both tools, compare ---------------------------------------
# Sets: r_input r_migrate_s r_migrate_rss r_migrate_exit r_migrate_left r_format_s r_format_rss r_format_exit
#       r_format_left r_format_done r_agree r_diff_files r_changed_migrate r_changed_format
round() {
  local n="$1" m="$2" dir="$work/n$1-m$2"
  local run="$dir/run" pristine="$dir/pristine"
  rm -rf "$dir" && mkdir -p "$dir"
  log "round N=$n M=$m in $dir"
  dotnet "$work/generator/MigrateBenchGenerator.dll" --out "$run" --projects "$n" --uses "$m" --torchtrainer-version "$version" \
    --feed "$feed" --fallback-packages "$shared_cache" "${generator_analyzers[@]}" >&2
  r_input="$(cat "$run/bench-input.txt")"
  local t0; t0=$(secs)
  dotnet restore "$run/Bench.sln" -nologo -v quiet --disable-build-servers >&2
  log "restored in $(elapsed "$t0" "$(secs)") s (not timed below)"
  cp -a "$run" "$pristine"

  r_migrate_s="-" r_migrate_rss="-" r_migrate_exit="-" r_migrate_left="-" r_changed_migrate="-"
  if [ "$run_migrate" = 1 ]; then
    log "trainer-migrate Bench.sln"
    set +e
    (cd "$run" && /usr/bin/time -f '%e %M' -o "$dir/migrate.time" "$tool" Bench.sln --no-restore --report "$dir/migrate-report.json" -v minimal >"$dir/migrate.out" 2>"$dir/migrate.err")
    r_migrate_exit=$?
    set -e
    read -r r_migrate_s r_migrate_rss < <(tail -1 "$dir/migrate.time")
    tail -5 "$dir/migrate.out" >&2; tail -5 "$dir/migrate.err" >&2
    mv "$run" "$dir/out-migrate"
    r_migrate_left=$(left "$dir/out-migrate")
    r_changed_migrate=$(changed "$pristine" "$dir/out-migrate")
    cp -a "$pristine" "$run"
  fi

  r_format_s="-" r_format_rss="-" r_format_exit="-" r_format_left="-" r_format_done=0 r_changed_format="-"
  if [ "$run_format" = 1 ]; then
    log "dotnet format analyzers Bench.sln (cap $cap)"
    set +e
    (cd "$run" && /usr/bin/time -f '%e %M' -o "$dir/format.time" timeout -k 30s "$cap" \
      dotnet format analyzers Bench.sln --diagnostics TRN0001 TRN0002 --severity info --no-restore -v normal \
      >"$dir/format.out" 2>"$dir/format.err")
    r_format_exit=$?
    set -e
    read -r r_format_s r_format_rss < <(tail -1 "$dir/format.time")
    tail -3 "$dir/format.out" >&2; tail -3 "$dir/format.err" >&2
    [ "$r_format_exit" -ne 124 ] && [ "$r_format_exit" -ne 137 ] && r_format_done=1
    mv "$run" "$dir/out-format"
    r_format_left=$(left "$dir/out-format")
    r_changed_format=$(changed "$pristine" "$dir/out-format")
  fi

  r_agree="-" r_diff_files="-"
  if [ "$run_migrate" = 1 ] && [ "$run_format" = 1 ] && [ "$r_format_done" = 1 ]; then
    set +e
    diff -ru --exclude=obj --exclude=bin "$dir/out-migrate" "$dir/out-format" > "$dir/outputs.diff"
    local d=$?
    set -e
    r_diff_files=$(grep -c '^diff -ru' "$dir/outputs.diff" || true)
    if [ "$d" -eq 0 ]; then r_agree="yes"; else r_agree="no"; fi
  fi
}

# Legacy uses left in the .cs files of a tree.
left() { { grep -rE --include='*.cs' -o 'LossHistory|"(val_)?loss_history"' "$1" || true; } | wc -l | tr -d ' '; }
# Source files that differ between two trees (bin/obj excluded).
changed() { (diff -rq --exclude=obj --exclude=bin "$1" "$2" || true) | wc -l | tr -d ' '; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b != "-") printf "%.1f", b / a; else printf "-" }'; }
goal() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { if (v == "-") print "n/a"; else if ((dir == "le" && v + 0 <= g) || (dir == "ge" && v + 0 >= g)) print "met"; else print "MISSED" }'; }

# ---- 5. the sparse (CI gate) shape: --check against dotnet format --verify-no-changes ------------------
# Sets: s_input s_migrate_s s_migrate_exit s_format_s s_format_exit s_verdict
sparse_round() {
  local n="$1" k="$2" m="$3" other="${4:-}" dir="$work/sparse-n$1-k$2-m$3${4:+-packages}"
  local run="$dir/run"
  rm -rf "$dir" && mkdir -p "$dir"
  log "sparse round N=$n K=$k M=$m in $dir"
  dotnet "$work/generator/MigrateBenchGenerator.dll" --out "$run" --projects "$n" --torchtrainer-projects "$k" --uses "$m" \
    --torchtrainer-version "$version" --feed "$feed" --fallback-packages "$shared_cache" "${generator_analyzers[@]}" \
    ${other:+--other-package "$other"} >&2
  s_input="$(cat "$run/bench-input.txt")"
  local t0; t0=$(secs)
  dotnet restore "$run/Bench.sln" -nologo -v quiet --disable-build-servers >&2
  log "restored in $(elapsed "$t0" "$(secs)") s (not timed below)"
  log "trainer-migrate --check Bench.sln"
  set +e
  (cd "$run" && /usr/bin/time -f '%e %M' -o "$dir/migrate.time" "$tool" --check Bench.sln -v detailed >"$dir/migrate.out" 2>"$dir/migrate.err")
  s_migrate_exit=$?
  set -e
  read -r s_migrate_s _ < <(tail -1 "$dir/migrate.time")
  tail -3 "$dir/migrate.out" >&2
  log "dotnet format analyzers Bench.sln --verify-no-changes (cap $cap)"
  set +e
  (cd "$run" && /usr/bin/time -f '%e %M' -o "$dir/format.time" timeout -k 30s "$cap" \
    dotnet format analyzers Bench.sln --verify-no-changes --diagnostics TRN0001 TRN0002 TRN0003 --severity info -v normal \
    >"$dir/format.out" 2>"$dir/format.err")
  s_format_exit=$?
  set -e
  read -r s_format_s _ < <(tail -1 "$dir/format.time")
  tail -3 "$dir/format.out" >&2
  if [ "$s_migrate_exit" = 1 ] && [ "$s_format_exit" = 2 ]; then s_verdict="same (both: changes needed)"; else s_verdict="DIFFERENT (trainer-migrate exit $s_migrate_exit, dotnet format exit $s_format_exit)"; fi
}

s_input="-" s_migrate_s="-" s_migrate_exit="-" s_format_s="-" s_format_exit="-" s_verdict="-"
sparse_summary=()
if [ "$run_sparse" = 1 ]; then
  for other in "" ${other_package:+"$other_package"}; do
    sparse_round "$projects" "$sparse_projects" "$sparse_uses" "$other"
    if [ -z "$other" ]; then
      sparse_summary+=("sparse (CI gate) shape, the other projects without packages (settled by evaluation, not restored): $s_input")
    else
      sparse_summary+=("sparse (CI gate) shape, every other project with a PackageReference to $other (all $projects restored): $s_input")
    fi
    sparse_summary+=("  trainer-migrate --check:                        ${s_migrate_s} s, exit $s_migrate_exit"
      "  dotnet format analyzers --verify-no-changes:    ${s_format_s} s, exit $s_format_exit"
      "  ratio (format / migrate): $(ratio "$s_migrate_s" "$s_format_s")x   [goal >= 10x: $(goal "$(ratio "$s_migrate_s" "$s_format_s")" 10 ge)]; verdicts: $s_verdict")
    [ "${s_verdict#same}" != "$s_verdict" ] || sparse_agree=0
  done
fi

if [ "$run_dense" = 0 ]; then
  run_migrate=0 run_format=0
fi

r_input="-" r_migrate_s="-" r_migrate_rss="-" r_migrate_exit="-" r_migrate_left="-" r_format_done=0 r_format_s="-" r_changed_migrate="-"
[ "$run_dense" = 1 ] && round "$projects" "$uses"
full_input="$r_input" full_migrate_s="$r_migrate_s" full_migrate_rss="$r_migrate_rss" full_migrate_exit="$r_migrate_exit"
full_migrate_left="$r_migrate_left" full_changed="$r_changed_migrate" full_format_done="$r_format_done" full_format_s="$r_format_s"
cmp_n="$projects" cmp_m="$uses"
while [ "$run_format" = 1 ] && [ "$r_format_done" = 0 ] && [ "$scale" = 1 ] && [ "$cmp_n" -ge 10 ]; do
  cmp_n=$((cmp_n / 5)) cmp_m=$((cmp_m / 5))
  [ "$cmp_n" -lt 2 ] && break
  log "dotnet format did not finish within $cap at N=$((cmp_n * 5)); scaling both down to N=$cmp_n M=$cmp_m"
  round "$cmp_n" "$cmp_m"
done

sdk="$(dotnet --version)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem="$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
mb() { [ "$1" = "-" ] && echo "-" || awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }

cat <<EOF

==================== trainer-migrate benchmark ====================
machine:    $cpu, $(nproc) cores, $mem, $os, .NET SDK $sdk, load average $(cut -d' ' -f1-3 /proc/loadavg)
tool:       trainer-migrate $version (dotnet tool install from a folder feed)
analyzers:  $analyzers_source; dotnet format: $format_analyzers
full input: $full_input
EOF
if [ "$run_migrate" = 1 ]; then
  echo "trainer-migrate, N=$projects M=$uses: ${full_migrate_s} s, peak RSS $(mb "$full_migrate_rss"), exit $full_migrate_exit, $full_changed file(s) changed, $full_migrate_left legacy use(s) left   [goal <= 120 s: $(goal "$full_migrate_s" 120 le)]"
fi
if [ "$run_format" = 1 ]; then
  if [ "$full_format_done" = 1 ]; then
    echo "dotnet format analyzers, N=$projects M=$uses: ${full_format_s} s"
  else
    echo "dotnet format analyzers, N=$projects M=$uses: did not finish within $cap (killed); ratio at full size >= $(ratio "$full_migrate_s" "$full_format_s")x"
  fi
fi
if [ "$run_migrate" = 1 ] && [ "$run_format" = 1 ]; then
  if [ "$cmp_n" != "$projects" ]; then
    echo "comparison SCALED DOWN to N=$cmp_n M=$cmp_m (dotnet format did not fit at full size): $r_input"
  else
    echo "comparison at full size, N=$cmp_n M=$cmp_m"
  fi
  echo "  trainer-migrate:          ${r_migrate_s} s, peak RSS $(mb "$r_migrate_rss"), exit $r_migrate_exit, $r_changed_migrate file(s) changed, $r_migrate_left legacy use(s) left"
  if [ "$r_format_done" = 1 ]; then
    echo "  dotnet format analyzers:  ${r_format_s} s, peak RSS $(mb "$r_format_rss"), exit $r_format_exit, $r_changed_format file(s) changed, $r_format_left legacy use(s) left"
    echo "  ratio (format / migrate): $(ratio "$r_migrate_s" "$r_format_s")x   [goal >= 10x: $(goal "$(ratio "$r_migrate_s" "$r_format_s")" 10 ge)]"
    echo "  outputs agree:            $r_agree ($r_diff_files file(s) differ; diff in $work/n$cmp_n-m$cmp_m/outputs.diff)"
  else
    echo "  dotnet format analyzers:  did not finish within $cap even at N=$cmp_n; no comparison"
  fi
elif [ "$run_format" = 1 ]; then
  echo "dotnet format only (--skip-migrate): ${r_format_s} s, exit $r_format_exit, $r_changed_format file(s) changed, $r_format_left legacy use(s) left"
fi
[ "${#sparse_summary[@]}" -gt 0 ] && printf '%s\n' "${sparse_summary[@]}"
echo "work folder: $work (logs: */migrate.out, */format.out; remove it when done)"
echo "==================================================================="

{ [ "$run_dense" = 0 ] || { [ "$run_migrate" = 1 ] && [ "$run_format" = 1 ] && [ "$r_agree" = "yes" ] && [ "$full_migrate_exit" = 0 ]; }; } &&
  { [ "$run_sparse" = 0 ] || [ "$sparse_agree" = 1 ]; }
