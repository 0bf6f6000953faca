#!/usr/bin/env bash
# Submits a ctsim parameter sweep to Slurm: an N-task job array (sweep.sbatch,
# one shard per task) and a merge job (merge.sbatch) that starts only when every
# shard has succeeded (--dependency=afterok). Prints the two job ids:
#     array_job=<id>
#     merge_job=<id>
#
# Usage: scripts/slurm/submit.sh SPEC OUT N
#   SPEC  sweep specification (YAML)
#   OUT   output directory, on a file system every node sees; gets shard-0..shard-(N-1)/,
#         merged/ (the result: merged/results.csv), logs/ (job output), status/ (exit codes)
#   N     number of shards = array tasks (indices 0..N-1)
# Environment:
#   CTSIM  command that runs ctsim on the nodes, default `ctsim` (e.g. "dotnet /opt/ctsim/ctsim.dll")
#   SEED   base seed, default 7
#   Slurm's own input variables apply to both jobs, e.g. SBATCH_PARTITION, SBATCH_ACCOUNT,
#   SBATCH_TIMELIMIT; SLURM_CONF selects the cluster configuration.
# If a shard fails the merge job is cancelled (--kill-on-invalid-dep=yes), not left pending.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { echo "usage: $0 SPEC OUT N   (see the comments at the top of $0)" >&2; exit 2; }

# Prints the absolute form of a path (which need not exist yet).
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

# Keeps the job id of `sbatch --parsable` output ("id" or "id;cluster").
job_id() { echo "${1%%;*}"; }

# Submits the N-task array of shards; prints its job id.
submit_array() {
  job_id "$(sbatch --parsable --array="0-$((N - 1))" --export=ALL \
    --output="$OUT/logs/shard-%a.out" "$SCRIPT_DIR/sweep.sbatch")"
}

# Submits the merge job, held until every task of array job $1 has succeeded; prints its job id.
submit_merge() {
  job_id "$(sbatch --parsable --dependency="afterok:$1" --kill-on-invalid-dep=yes --export=ALL \
    --output="$OUT/logs/merge.out" "$SCRIPT_DIR/merge.sbatch")"
}

(( $# == 3 )) || usage
[[ -f "$1" ]] || { echo "submit.sh: no sweep specification at $1" >&2; exit 2; }
[[ "$3" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive integer, got '$3'" >&2; exit 2; }
SPEC=$(absolute "$1")
OUT=$(absolute "$2")
N=$3
export SPEC OUT N
export CTSIM=${CTSIM:-ctsim} SEED=${SEED:-7}
mkdir -p "$OUT/logs" "$OUT/status"
array_job=$(submit_array)
merge_job=$(submit_merge "$array_job")
echo "array_job=$array_job"
echo "merge_job=$merge_job"
