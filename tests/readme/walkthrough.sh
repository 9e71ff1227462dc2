#!/usr/bin/env bash
# Runs the README's walk-through blocks, exactly as written, against a marketplace started with
# `dotnet pwsh ./build.ps1 run` on a fresh ./data, and checks what each step must show.
set -euo pipefail
cd "$(dirname "$0")/../.."
script=$(awk '/<!-- walkthrough:start -->/{on=1} /<!-- walkthrough:end -->/{on=0} on && /^```bash/{code=1; next} on && /^```/{code=0; next} code' README.md)
out=$(bash -euo pipefail -c "$script" 2>&1)
echo "$out"
check() { grep -q -- "$1" <<<"$out" || { echo "walk-through check failed: $2" >&2; exit 1; }; }
check '"revisionId":"rev-' "the provider's revision was stored"
check '"status":"listed"' "the offering was listed"
check '"offeringId":"platform-crowding-per-record"' "the buyer found the offering in the catalog"
check '"status":"Active"' "the provider approved the contract"
check 'Idempotent-Replayed: true' "the replay was recognised"
check '"units":3' "usage equals the records served (replay not counted)"
check '"accepted":1' "the provider's usage report was accepted"
check '"status":403' "a suspended contract refuses access"
echo "walk-through: all checks passed"
