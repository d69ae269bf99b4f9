# Shared set-up for scripts/demo, scripts/test and scripts/bench: sourced, not run.
# Each script must work on a fresh machine, so it installs what it needs itself.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The Swift toolchain ships in /opt/swift on these machines.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages named (dpkg names), only those missing, quietly.
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    local log
    log="$(mktemp)"
    # apt talks a lot on stderr even when all is well: keep it, and show it only on failure.
    if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
           && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "could not install ${missing[*]} (apt-get failed; its output is above)" >&2
        return 1
    fi
    rm -f "$log"
}

# What building settle needs: the C libraries its .systemLibrary targets link, and pkg-config.
BUILD_PACKAGES=(pkg-config libsqlite3-dev libpq-dev libxlsxwriter-dev libzstd-dev libcairo2-dev libpango1.0-dev libqpdf-dev libxml2-dev fonts-dejavu-core fonts-wqy-microhei)

ensure_swift() {
    command -v swift >/dev/null 2>&1 || { echo "swift is not installed (expected in /opt/swift)" >&2; exit 1; }
}
