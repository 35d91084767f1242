#!/usr/bin/env bash
# Opens the repository in csharp-ls 0.28 (analyzers on) the way a newcomer's editor does and prints
# every error it reports, so "the editor is red where the build is not" can be checked and re-checked:
#   build/lsp-check/run.sh [--build] [--ref REF] [--keep]
# It clones the committed REF (default HEAD) into a temp folder (a clean clone: no bin/, no obj/),
# runs `dotnet restore` (csharp-ls does not restore), installs csharp-ls into a temp tool path, and
# opens src/Samples/LegacyTraining under two editor roots:
#   1. the repository root (csharp-ls finds Trainer.Analyzers.sln), and
#   2. the sample's own folder: editors that root a server at the nearest *.csproj (Neovim 0.11's
#      csharp_ls config: root_markers *.sln, *.csproj, .git) start csharp-ls there, with no solution.
# --build builds the sample first, so the TorchTrainer analyzers exist and their warnings show too.
# --every-project also roots the server at each project folder under src/ and tests/ (one run each,
# about a minute apiece) and opens that project's own files.
# Exit code 0 when no root shows an error, 1 when one does, 2 when the check could not run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
ref=HEAD; build=false; keep=false; every=false
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=true ;;
    --keep) keep=true ;;
    --every-project) every=true ;;
    --ref) ref="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

work="$(mktemp -d "${TMPDIR:-/tmp}/lsp-check.XXXXXX")"
$keep || trap 'rm -rf "$work"' EXIT
tools="${CSHARP_LS_TOOL_PATH:-$work/tools}"
if [ ! -x "$tools/csharp-ls" ]; then
  dotnet tool install csharp-ls --version 0.28.0 --tool-path "$tools" >/dev/null || exit 2
fi

clone="$work/clone"
git clone -q "$repo" "$clone" && git -C "$clone" checkout -q --detach "$(git -C "$repo" rev-parse "$ref")"
echo "lsp-check: clean clone of $(git -C "$clone" rev-parse --short HEAD) in $clone"
dotnet restore "$clone/Trainer.Analyzers.sln" -v quiet -nologo >/dev/null || exit 2
if $build; then
  dotnet build "$clone/src/Samples/LegacyTraining" -v quiet -nologo -clp:ErrorsOnly || exit 2
fi

status=0
check() { # <label> <root> <args...>
  local label="$1" root="$2"; shift 2
  echo "== $label (root: ${root#"$clone"/})"
  python3 "$here/lsp_check.py" --server "$tools/csharp-ls" --root "$root" --all "$@" || {
    rc=$?; [ $rc -eq 1 ] && status=1 || status=2; }
}
check "repository root" "$clone" "$clone/src/Samples/LegacyTraining"
check "sample folder (nearest project)" "$clone/src/Samples/LegacyTraining" "$clone/src/Samples/LegacyTraining"
if $every; then
  while IFS= read -r project; do
    folder="$(dirname "$project")"
    [ "$folder" = "$clone/src/Samples/LegacyTraining" ] && continue
    check "project folder" "$folder" "$folder"
  done < <(find "$clone/src" "$clone/tests" -name '*.csproj' -not -path '*/obj/*' | sort)
fi
exit $status
