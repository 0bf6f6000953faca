#!/usr/bin/env bash
# Regenerates the 7-arm, 56-rat study of this folder for a seed: simulates models/studies/cci-7arm.yaml with the
# generating values of generating-values.json (the --set list below) and writes OUT/observations.csv.
#
#   make.sh [SEED] [OUT]        SEED default 56 (the shipped fixture's), OUT default this folder
#
# The simulation is `ctsim simulate --study` (CTSIM, default: dotnet run on the repository's CLI project); the
# same seed gives the same bytes whatever the machine or thread count, another seed another study (other animals,
# other noise) from the same design and generating values. Only observations.csv is kept (the run's summary.csv and
# journal are left out). SevenArmStudy.cs (SimulatedStudies.Generate) does the same in-process, and a test checks
# that this list, generating-values.json and the shipped observations.csv agree with the tool.
set -euo pipefail

seed="${1:-56}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${2:-$here}"
root="$(cd "$here/../../../../.." && pwd)"
case "$seed" in (''|*[!0-9]*) echo "make.sh: SEED must be a whole number, not '$seed'" >&2; exit 2;; esac

# The generating population values that differ from the model's (every other parameter keeps its model value).
sets=(
  --set sig_L=2.5
  --set rho_S=10
  --set k_act=1.9
  --set k_deact=0.33
  --set k_Z=0.14
  --set ImaxP=0.85
  --set Z50=1.15
  --set C50=0.8
  --set P0=14
  --set W0=11.8
)

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$root"
if [[ -n "${CTSIM:-}" ]]; then
  $CTSIM simulate --study models/studies/cci-7arm.yaml --seed "$seed" --out "$scratch" "${sets[@]}" > /dev/null
else
  dotnet run --project src/CellTherapySim.Cli -- simulate --study models/studies/cci-7arm.yaml --seed "$seed" --out "$scratch" "${sets[@]}" > /dev/null
fi
mkdir -p "$out"
cp "$scratch/observations.csv" "$out/observations.csv"
echo "make.sh: seed $seed -> $out/observations.csv ($(($(wc -l < "$out/observations.csv") - 1)) rows)"
