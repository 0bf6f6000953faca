#!/usr/bin/env bash
# Proves that a ctsim parameter sweep runs unchanged as a Slurm job array on a
# real scheduler: starts a private single-node Slurm cluster on this machine,
# runs the sweep once locally and once as an N-task array plus a dependent merge
# job (submitted through submit.sh, the users' entry point), and compares the
# two results.csv files byte for byte. Exit 0 only when they are identical.
#
# Usage: scripts/slurm/test-local-cluster.sh
# Environment:
#   SPEC                  sweep specification, default models/sweeps/slurm-test.yaml
#   SHARDS                number of array tasks, default 4
#   CTSIM_TEST_FAKE=1     replace ctsim by a small bash stand-in (no build; tests the scheduler path only)
#   CTSIM_TEST_TIMEOUT    seconds to wait for the jobs, default 600
#   CTSIM_TEST_REQUIRED=1 fail instead of skipping when Slurm cannot be installed
#   CTSIM_TEST_KEEP=1     keep the temporary directory (it is always kept on failure)
#   CTSIM_SLURM_PORT      slurmctld port (slurmd uses the next one), default 16817
#
# Needs root (apt-get, daemons). Installs Debian's slurm-wlm and munge when missing;
# when they cannot be installed (no apt-get, no network) it prints SKIPPED and exits 0.
# The cluster is private: its own munged socket and key, slurm.conf, state, spool and
# logs all live in one fresh temporary directory, on ports other than Slurm's defaults,
# so nothing in /etc is used and a system Slurm, if any, is not touched. Daemons are
# stopped on exit, whatever happens; daemons left by an earlier run that was killed
# are found through a record file and stopped first.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
SPEC=${SPEC:-$ROOT/models/sweeps/slurm-test.yaml}
SHARDS=${SHARDS:-4}
SEED=7
FAKE=${CTSIM_TEST_FAKE:-0}
TIMEOUT=${CTSIM_TEST_TIMEOUT:-600}
PORT=${CTSIM_SLURM_PORT:-16817}
HOST=$(hostname -s)
# Pids of the daemons of the run in progress (or of one that was killed), one "pid work-dir" a line.
RECORD=/tmp/ctsim-slurm-test.daemons

WORK=""          # the run's temporary directory
DIR=""           # the sweep's output directory, $WORK/sweep
CTSIM=""         # command that runs ctsim (real or stand-in)
DAEMON_PIDS=()   # daemons this run started, in start order
JOBS=()          # job ids this run submitted
T0=$SECONDS

log() { echo "[slurm-test +$((SECONDS - T0))s] $*" >&2; }

# Ends the test with a clear message and a non-zero exit (the EXIT trap cleans up,
# prints the logs and repeats the message last).
FAILURE=""
fail() { FAILURE=$*; echo "slurm-test: FAILED: $*" >&2; exit 1; }

# Ends the test as skipped (exit 0), or as failed when CTSIM_TEST_REQUIRED=1.
skip() {
  [[ "${CTSIM_TEST_REQUIRED:-0}" == 1 ]] && fail "Slurm is required but $*"
  echo "################################################################" >&2
  echo "## slurm-test: SKIPPED: $*" >&2
  echo "## (the Slurm job-array test did NOT run)" >&2
  echo "################################################################" >&2
  echo "slurm-test: 0 passed, 0 failed, 1 skipped"
  exit 0
}

# ---------------------------------------------------------------- installation

# True when every program the test needs is installed.
have_slurm() {
  local p
  for p in slurmctld slurmd sbatch squeue sinfo scontrol scancel munged munge unmunge; do
    command -v "$p" > /dev/null || return 1
  done
}

# Runs a command as root (directly, or through password-less sudo).
as_root() {
  if (( EUID == 0 )); then "$@"; elif sudo -n true 2> /dev/null; then sudo -n "$@"; else return 1; fi
}

# Installs slurm-wlm and munge with apt-get unless present; skips the test when it cannot.
install_slurm() {
  have_slurm && { log "slurm and munge already installed"; return 0; }
  command -v apt-get > /dev/null || skip "Slurm is not installed and there is no apt-get"
  as_root true || skip "Slurm is not installed and this user cannot become root"
  local t=$SECONDS policy_added=0
  log "installing slurm-wlm and munge with apt-get"
  # Keep package scripts from starting system daemons (we run our own, private ones).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d > /dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  local ok=1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq > "$WORK/apt.log" 2>&1 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      slurm-wlm munge >> "$WORK/apt.log" 2>&1 || ok=0
  (( policy_added )) && as_root rm -f /usr/sbin/policy-rc.d
  if (( ! ok )) || ! have_slurm; then
    tail -n 20 "$WORK/apt.log" >&2
    skip "slurm-wlm/munge could not be installed with apt-get (no network?)"
  fi
  log "installed $(dpkg-query -W -f '${Version}' slurmctld) of Slurm in $((SECONDS - t))s"
}

# ---------------------------------------------------------------- daemons

# Stops daemons recorded by an earlier run that did not clean up (killed with SIGKILL, say).
# Only pids whose command line names that run's work directory are signalled.
stop_leftovers() {
  [[ -f "$RECORD" ]] || return 0
  local pid dir
  while read -r pid dir; do
    [[ -n "$dir" && -r /proc/$pid/cmdline ]] || continue
    if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$dir/"; then
      log "stopping leftover daemon $pid of an earlier run ($dir)"
      stop_pid "$pid"
    fi
  done < <(tac "$RECORD")   # newest first: slurmd, slurmctld, then munged
  rm -f "$RECORD"
}

# Sends SIGTERM to a pid, then SIGKILL if it is still there after 10 s.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2> /dev/null || return 0
  for (( i = 0; i < 50; i++ )); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2> /dev/null || true
}

# Runs a daemon in the foreground mode of its own (-D/-F) as a background job, and records it.
start_daemon() {
  local name=$1; shift
  "$@" > "$WORK/log/$name.stdout" 2>&1 < /dev/null &
  DAEMON_PIDS+=("$!")
  echo "$! $WORK" >> "$RECORD"
  log "started $name (pid $!)"
}

# Creates the private munge key (random, mode 0400, root only) unless it exists.
make_munge_key() {
  local key=$WORK/munge/munge.key
  [[ -f "$key" ]] && return 0
  if command -v mungekey > /dev/null; then
    mungekey --create --keyfile="$key" 2> /dev/null || dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
  else
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
  fi
  chmod 0400 "$key"
}

# Starts a private munged on $WORK/munge/munge.socket and checks that it signs and verifies.
start_munged() {
  # munged wants every directory above its socket searchable by all (mktemp -d gives 0700).
  chmod 0755 "$WORK"
  mkdir -p "$WORK/munge"
  chmod 0755 "$WORK/munge"
  make_munge_key
  # --force: start even if munged finds other permissions it dislikes (lax /tmp mounts).
  start_daemon munged munged --foreground --force \
    --socket="$WORK/munge/munge.socket" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" \
    --seed-file="$WORK/munge/munged.seed"
  local i
  for (( i = 0; i < 50; i++ )); do
    munge -n -S "$WORK/munge/munge.socket" 2> /dev/null | unmunge -S "$WORK/munge/munge.socket" > /dev/null 2>&1 && return 0
    sleep 0.2
  done
  fail "munged did not answer on $WORK/munge/munge.socket"
}

# Prints the node's memory for slurm.conf in MB: 95% of what `slurmd -C` reports.
node_memory() {
  local mem
  mem=$(slurmd -C 2> /dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
  [[ -n "$mem" ]] || mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  echo $(( mem * 95 / 100 ))
}

# Writes the single-node slurm.conf of the private cluster to $WORK/slurm.conf.
write_slurm_conf() {
  mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log"
  cat > "$WORK/slurm.conf" <<CONF
# Private single-node cluster of scripts/slurm/test-local-cluster.sh.
ClusterName=ctsimtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No systemd, no cgroups in a container: track processes through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SchedulerType=sched/backfill
# CPUs are the consumable; memory is not, so jobs without --mem do not take the whole node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# A node that was down comes back by itself when slurmd registers.
ReturnToService=2
# Keep finished jobs in slurmctld for an hour: without accounting, scontrol is how we read exit codes.
MinJobAge=3600
# Cancel jobs whose dependency can never be satisfied (a failed shard) instead of leaving them pending.
DependencyParameters=kill_invalid_depend
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$(node_memory) State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$WORK/slurm.conf
}

# Starts slurmctld and slurmd on the private configuration.
start_slurm() {
  start_daemon slurmctld slurmctld -D -f "$WORK/slurm.conf"
  start_daemon slurmd slurmd -D -f "$WORK/slurm.conf" -N "$HOST"
}

# Waits up to 60 s until the node is idle in sinfo.
wait_node_idle() {
  local i state=""
  for (( i = 0; i < 120; i++ )); do
    state=$(sinfo -h -n "$HOST" -o %T 2> /dev/null || true)
    [[ "$state" == idle ]] && return 0
    check_daemons_alive
    sleep 0.5
  done
  sinfo -R >&2 || true
  fail "node $HOST not idle after 60 s (state '${state}')"
}

# Fails when one of the daemons this run started has died.
check_daemons_alive() {
  local pid
  for pid in "${DAEMON_PIDS[@]}"; do
    kill -0 "$pid" 2> /dev/null || fail "daemon pid $pid died (see the logs below)"
  done
}

# Starts munged, slurmctld and slurmd, and waits for the node.
start_cluster() {
  local t=$SECONDS
  stop_leftovers
  start_munged
  write_slurm_conf
  start_slurm
  wait_node_idle
  log "cluster up in $((SECONDS - t))s: $(sinfo -h -o '%P %D %T %c CPUs %m MB')"
}

# Cancels this run's jobs, stops the daemons in reverse start order, and forgets them.
stop_cluster() {
  if (( ${#JOBS[@]} )); then scancel "${JOBS[@]}" 2> /dev/null || true; fi
  local i
  for (( i = ${#DAEMON_PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${DAEMON_PIDS[i]}"; done
  wait 2> /dev/null || true
  DAEMON_PIDS=()
  rm -f "$RECORD"
}

# Prints every log of the run (daemons and jobs).
print_logs() {
  local f
  for f in "$WORK"/apt.log "$WORK"/log/* "$WORK"/sweep/logs/* "$WORK"/build.log "$WORK"/local.log; do
    [[ -s "$f" ]] || continue
    echo "======== $f (last 60 lines)" >&2
    tail -n 60 "$f" >&2
  done
}

# EXIT trap: stops the cluster; on failure prints the logs and keeps $WORK.
on_exit() {
  local rc=$?
  trap - EXIT
  [[ -n "$WORK" ]] || exit "$rc"
  stop_cluster
  if (( rc != 0 )); then
    print_logs
    echo "slurm-test: work directory kept: $WORK" >&2
    echo "slurm-test: FAILED: ${FAILURE:-exit code $rc}" >&2
    echo "slurm-test: 0 passed, 1 failed"
  elif [[ "${CTSIM_TEST_KEEP:-0}" == 1 ]]; then
    echo "slurm-test: work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}

# ---------------------------------------------------------------- ctsim

# Builds the CLI once in Release into $WORK/ctsim and sets CTSIM to run it.
build_ctsim() {
  local t=$SECONDS
  log "building src/CellTherapySim.Cli (Release)"
  (cd "$ROOT" && dotnet build src/CellTherapySim.Cli -c Release -o "$WORK/ctsim" -nologo) > "$WORK/build.log" 2>&1 ||
    fail "dotnet build failed (see $WORK/build.log below)"
  CTSIM="dotnet $WORK/ctsim/ctsim.dll"
  log "built in $((SECONDS - t))s"
}

# Writes the stand-in for ctsim used with CTSIM_TEST_FAKE=1 and sets CTSIM to it: it
# takes the same arguments as `ctsim sweep` and `ctsim sweep merge`; a run writes rows
# "id,value" for ids 0..99 (a shard K/N only ids = K mod N), merge sorts the rows by id.
write_fake_ctsim() {
  cat > "$WORK/fake-ctsim" <<'FAKE'
#!/usr/bin/env bash
# Stand-in for `ctsim sweep` (test-local-cluster.sh, CTSIM_TEST_FAKE=1).
set -euo pipefail
value() { echo $(( ($1 * 2654435761 + $2 * 40503) % 1000003 )); }
sweep() {
  local spec="" out="" seed="" shard="0/1" k n id
  while (( $# )); do
    case $1 in
      --spec) spec=$2; shift 2 ;; --out) out=$2; shift 2 ;; --seed) seed=$2; shift 2 ;;
      --threads) shift 2 ;; --shard) shard=$2; shift 2 ;; *) echo "fake-ctsim: unknown $1" >&2; exit 2 ;;
    esac
  done
  [[ -f "$spec" && -n "$out" && -n "$seed" && "$shard" =~ ^[0-9]+/[1-9][0-9]*$ ]] || { echo "fake-ctsim: bad arguments" >&2; exit 2; }
  k=${shard%/*} n=${shard#*/}
  mkdir -p "$out"
  { echo "id,value"; for (( id = k; id < 100; id += n )); do echo "$id,$(value "$id" "$seed")"; done; } > "$out/results.csv"
  printf '{"spec":"%s","seed":%s,"shard":"%s"}\n' "$spec" "$seed" "$shard" > "$out/manifest.json"
  sleep 1
}
merge() {
  local out="" dirs=() d
  while (( $# )); do
    case $1 in --out) out=$2; shift 2 ;; *) dirs+=("$1"); shift ;; esac
  done
  [[ -n "$out" && ${#dirs[@]} -gt 0 ]] || { echo "fake-ctsim: bad merge arguments" >&2; exit 2; }
  mkdir -p "$out"
  { echo "id,value"; for d in "${dirs[@]}"; do tail -n +2 "$d/results.csv"; done | sort -t, -k1,1n; } > "$out/results.csv"
}
[[ "${1:-}" == sweep ]] || { echo "fake-ctsim: only 'sweep' is faked" >&2; exit 2; }
shift
if [[ "${1:-}" == merge ]]; then shift; merge "$@"; else sweep "$@"; fi
FAKE
  chmod +x "$WORK/fake-ctsim"
  CTSIM=$WORK/fake-ctsim
  if [[ ! -f "$SPEC" ]]; then SPEC=$WORK/fake-spec.yaml; echo "# stand-in sweep" > "$SPEC"; fi
  log "CTSIM_TEST_FAKE=1: ctsim replaced by the stand-in $CTSIM"
}

# Sets CTSIM: the stand-in, or the freshly built CLI.
prepare_ctsim() {
  if [[ "$FAKE" == 1 ]]; then write_fake_ctsim; else
    [[ -f "$SPEC" ]] || fail "no sweep specification at $SPEC"
    build_ctsim
  fi
}

# Runs the whole sweep locally, as one process with 2 threads, into $DIR/local.
run_local() {
  local -a ctsim
  read -r -a ctsim <<< "$CTSIM"
  local t=$SECONDS
  "${ctsim[@]}" sweep --spec "$SPEC" --out "$DIR/local" --seed "$SEED" --threads 2 > "$WORK/local.log" 2>&1 ||
    fail "local sweep failed (see $WORK/local.log below)"
  [[ -f "$DIR/local/results.csv" ]] || fail "local sweep wrote no $DIR/local/results.csv"
  log "local sweep done in $((SECONDS - t))s"
}

# ---------------------------------------------------------------- the Slurm run

# Submits the array and the merge through submit.sh; sets ARRAY_JOB and MERGE_JOB.
submit_sweep() {
  local out
  out=$(CTSIM=$CTSIM SEED=$SEED "$SCRIPT_DIR/submit.sh" "$SPEC" "$DIR" "$SHARDS") || fail "submit.sh failed"
  echo "$out" >&2
  ARRAY_JOB=$(sed -n 's/^array_job=//p' <<< "$out")
  MERGE_JOB=$(sed -n 's/^merge_job=//p' <<< "$out")
  [[ -n "$ARRAY_JOB" && -n "$MERGE_JOB" ]] || fail "could not read the job ids from submit.sh"
  JOBS=("$ARRAY_JOB" "$MERGE_JOB")
}

# Waits until neither job is in squeue any more (TIMEOUT seconds at most), logging changes.
wait_for_jobs() {
  local deadline=$((SECONDS + TIMEOUT)) now="" last=""
  while :; do
    now=$(squeue -h -j "$ARRAY_JOB,$MERGE_JOB" -o '%i:%T:%r' 2> /dev/null | sort | tr '\n' ' ' || true)
    [[ -z "$now" ]] && return 0
    [[ "$now" != "$last" ]] && log "queue: $now"
    last=$now
    (( SECONDS < deadline )) || fail "jobs still in the queue after ${TIMEOUT}s: $now"
    check_daemons_alive
    sleep 1
  done
}

# Prints "job state exit-code reason" for every job of a job id (each task of an array,
# named ARRAYID_TASK), as slurmctld still holds them (MinJobAge in slurm.conf).
job_states() {
  scontrol -o show job "$1" 2> /dev/null | awk '{
    delete f
    for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v }
    name = ("ArrayTaskId" in f) ? f["ArrayJobId"] "_" f["ArrayTaskId"] : f["JobId"]
    print name, f["JobState"], f["ExitCode"], f["Reason"]
  }' | sort -t_ -k2,2n
}

# Shows the records of job $1 and returns non-zero unless there are $2 and all COMPLETED with 0:0.
job_succeeded() {
  local id=$1 want=$2 states
  states=$(job_states "$id")
  sed 's/^/    /' <<< "$states" >&2
  [[ $(grep -c . <<< "$states") == "$want" ]] || return 1
  awk '$2 != "COMPLETED" || $3 != "0:0" { bad = 1 } END { exit bad }' <<< "$states"
}

# Prints the arguments after the first, separated by the first.
join_by() { local sep=$1 out=$2; shift 2 || return 0; for a in "$@"; do out+=$sep$a; done; echo "$out"; }

# Returns non-zero unless the status file $1 (written by the job script) holds 0.
status_zero() { [[ $(cat "$1" 2> /dev/null) == 0 ]]; }

# Fails unless every shard task and the merge job completed with exit code 0,
# by slurmctld's records and by the status files the job scripts write.
check_jobs() {
  local k bad=()
  log "array job $ARRAY_JOB (job, state, exit code, reason):"
  job_succeeded "$ARRAY_JOB" "$SHARDS" || bad+=("array job $ARRAY_JOB")
  log "merge job $MERGE_JOB:"
  job_succeeded "$MERGE_JOB" 1 || bad+=("merge job $MERGE_JOB")
  for (( k = 0; k < SHARDS; k++ )); do
    status_zero "$DIR/status/shard-$k.rc" || bad+=("shard $k (status file: $(cat "$DIR/status/shard-$k.rc" 2> /dev/null || echo none))")
  done
  status_zero "$DIR/status/merge.rc" || bad+=("merge (status file: $(cat "$DIR/status/merge.rc" 2> /dev/null || echo none))")
  (( ${#bad[@]} == 0 )) || fail "did not succeed: $(join_by "; " "${bad[@]}") (job logs: $DIR/logs)"
}

# Runs the sweep through Slurm and checks the jobs.
run_slurm() {
  local t=$SECONDS
  submit_sweep
  wait_for_jobs
  check_jobs
  log "Slurm sweep ($SHARDS shards + merge) done in $((SECONDS - t))s"
}

# Fails unless the merged results.csv is byte for byte the local one.
compare_results() {
  local a=$DIR/local/results.csv b=$DIR/merged/results.csv
  [[ -f "$b" ]] || fail "the merge job wrote no $b"
  if ! cmp "$a" "$b"; then
    diff "$a" "$b" | head -n 20 >&2 || true
    fail "merged results.csv of the Slurm run differs from the local run's"
  fi
  log "identical: $(wc -l < "$a") lines, sha256 $(sha256sum < "$a" | cut -c1-16)"
}

main() {
  WORK=$(mktemp -d /tmp/ctsim-slurm-test.XXXXXX)
  DIR=$WORK/sweep
  mkdir -p "$WORK/log" "$DIR"
  trap on_exit EXIT
  trap 'FAILURE="interrupted (SIGINT)"; exit 130' INT
  trap 'FAILURE="terminated (SIGTERM)"; exit 143' TERM
  install_slurm
  prepare_ctsim
  start_cluster
  run_local
  run_slurm
  compare_results
  log "PASSED in $((SECONDS - T0))s: the Slurm job array ($SHARDS shards + merge) gave the local sweep's bytes"
  echo "slurm-test: 1 passed, 0 failed"
}

main "$@"
