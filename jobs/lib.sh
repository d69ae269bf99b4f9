# Shared by jobs/nightly, jobs/close and jobs/alerts: what every cron job of settle does.
#
#   - reads the environment file ($SETTLE_ENV_FILE, else /etc/settle/settle.env if it exists):
#     SETTLE_CONFIG, SETTLE_DATABASE_URL, SETTLE_WEBHOOK_SECRET, SETTLE_BIN, SETTLE_LOG_DIR, …;
#   - takes an flock on $SETTLE_LOCK_FILE so two cron jobs never overlap (settle's own store
#     lock would refuse the second anyway; this one keeps a late nightly and an alert pass
#     from racing to it);
#   - appends everything settle prints to $SETTLE_LOG_DIR/JOB.log, stamped;
#   - prints only what needs a human (cron mails whatever a job prints): nothing when settle
#     exits 0, its findings or error and where the log is otherwise;
#   - exits with settle's own status (0, 1, 3, 64, 65, 75, 78), so a wrapper or a monitor can
#     tell "findings" from "failed".

ENV_FILE="${SETTLE_ENV_FILE:-/etc/settle/settle.env}"
if [ -r "$ENV_FILE" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
fi
SETTLE_BIN="${SETTLE_BIN:-settle}"
SETTLE_LOG_DIR="${SETTLE_LOG_DIR:-/var/log/settle}"
SETTLE_LOCK_FILE="${SETTLE_LOCK_FILE:-${TMPDIR:-/tmp}/settle-jobs.lock}"

meaning() {
    case "$1" in
        0) echo "done" ;;
        3) echo "done, with findings to read" ;;
        64) echo "bad command line" ;;
        65) echo "an input file cannot be read as its format" ;;
        75) echo "another run holds the lock; it will run next time" ;;
        78) echo "bad configuration" ;;
        *) echo "failed; nothing half-written, the next run completes the work" ;;
    esac
}

# run_job JOB [--quiet-when-locked] SETTLE-ARGS...
run_job() {
    local job="$1"; shift
    local quiet_locked=0
    if [ "${1:-}" = "--quiet-when-locked" ]; then quiet_locked=1; shift; fi
    mkdir -p "$SETTLE_LOG_DIR" || { echo "settle $job: cannot create the log folder $SETTLE_LOG_DIR" ; exit 1; }
    local log="$SETTLE_LOG_DIR/$job.log"
    local stamp; stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

    exec 9>>"$SETTLE_LOCK_FILE"
    if ! flock -n 9; then
        echo "$stamp $job: skipped, another settle job holds $SETTLE_LOCK_FILE" >>"$log"
        [ "$quiet_locked" -eq 1 ] || echo "settle $job did not run: another settle job holds $SETTLE_LOCK_FILE (exit 75); see $log"
        exit 75
    fi

    local err; err="$(mktemp "${TMPDIR:-/tmp}/settle-$job.XXXXXX")"
    echo "$stamp $job: settle $*" >>"$log"
    local status=0
    "$SETTLE_BIN" --progress never "$@" >>"$log" 2>"$err" || status=$?
    cat "$err" >>"$log"
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $job: exit $status ($(meaning "$status"))" >>"$log"
    if [ "$status" -ne 0 ] && ! { [ "$status" -eq 75 ] && [ "$quiet_locked" -eq 1 ]; }; then
        echo "settle $job: exit $status, $(meaning "$status")"
        sed 's/^/  /' "$err"
        echo "log: $log"
    fi
    rm -f "$err"
    exit "$status"
}
