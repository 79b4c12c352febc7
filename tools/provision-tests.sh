#!/usr/bin/env bash
# Install what the test suite needs beyond `pip install -e '.[test]'`: the browser tests
# (tests/test_browser.py) drive Debian's `chromium` with Playwright and check pages with
# axe-core. pytest only looks for them (tests/support/browser.py); this script is the
# explicit step that installs them, run before pytest by the README's test command and by
# .ci/run:
#
#   chromium   Debian's package, with apt-get, when /usr/bin/chromium is missing (or its
#              package was left half-installed). Needs root.
#   PHP        php-cli, mariadb-server and wordpress from Debian, by tools/provision-php.sh
#              (for tests/test_wordpress.py and tests/test_spip.py), called at the end.
#   axe-core   axe-core@4 from the npm registry into
#              ${XDG_CACHE_HOME:-$HOME/.cache}/glossator-tests/axe, when missing; npm
#              itself comes from apt-get when missing. Run this as the user who runs
#              pytest: the cache is that user's.
#
# The PySpark example's test (tests/test_examples.py) runs Spark in local mode, which
# needs a Java runtime, 17 or newer (Spark 4); pyspark itself is in the test extra:
#
#   java       Debian's default-jre-headless, with apt-get, when no `java` 17+ is on PATH
#              (JAVA_HOME/bin/java counts too, as Spark looks there first).
#
# Idempotent: when everything is there it only checks (well under a second). What apt-get
# and npm print goes to glossator-tests/provision.log in the same cache; its tail is shown
# when a step fails.
#
# When something cannot be installed here (not root, no apt-get, no npm), one line says
# what is missing and how to get it; the exit status is then 0 on a developer's machine
# (the browser tests skip, naming this script) but 1 under CI=true, where a green run must
# not hide browser tests that did not run. A step that is tried and fails exits 1 always.
#
# GLOSSATOR_CHROMIUM=/path/to/chromium and GLOSSATOR_AXE=/path/to/axe.min.js point the
# tests (and this script's checks) at a browser or an axe-core of one's own: nothing is
# installed for them.
set -euo pipefail

AXE_VERSION=4
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/glossator-tests"
LOG="$CACHE/provision.log"
APT_LOCK_WAIT=600   # seconds apt-get waits for another apt/dpkg run to finish

say() { printf 'provision-tests: %s\n' "$*"; }

ci="${CI:-}"
case "${ci,,}" in true | 1 | yes) on_ci=1 ;; *) on_ci=0 ;; esac

missing=()   # one line each: what is missing and how to get it

# Run "$@" with its output appended to the log; on failure show the log's tail and exit 1.
logged() {
    local what="$1"
    shift
    mkdir -p "$CACHE"
    printf '### %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$LOG"
    if ! "$@" >>"$LOG" 2>&1 </dev/null; then
        say "FAILED: $what; the end of $LOG:"
        tail -n 25 "$LOG" | sed 's/^/    /'
        exit 1
    fi
}

can_apt() { [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; }

apt_updated=0
apt_install() {
    local apt=(apt-get -q -y -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT")
    if [[ $apt_updated -eq 0 ]]; then
        logged "apt-get update" env DEBIAN_FRONTEND=noninteractive "${apt[@]}" update
        apt_updated=1
    fi
    logged "apt-get install $*" env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install "$@"
}

# How to get a Debian package when this run cannot install it.
apt_hint() {
    if ! command -v apt-get >/dev/null; then
        echo "install your system's $1 package"
    else
        echo "run \`sudo apt-get install $1\`"
    fi
}

# --- chromium ------------------------------------------------------------------------------

chromium_state() {   # "ok", "missing" or "half-installed"
    local path="$1"
    [[ -x $path ]] || { echo missing; return; }
    # killed in the middle of an install (an old pytest run's timeout did that): the files
    # are there but the package is not configured; apt-get install finishes the job
    if [[ $path == /usr/bin/chromium ]] && command -v dpkg-query >/dev/null; then
        local status
        status="$(dpkg-query -W -f='${db:Status-Abbrev}' chromium 2>/dev/null || true)"
        if [[ $status == i[^i]* ]]; then echo half-installed; return; fi
    fi
    echo ok
}

chromium_version() {   # the browser's own line, or nothing if it does not start
    timeout 60 "$1" --headless --no-sandbox --version 2>/dev/null | head -n 1 || true
}

if [[ -n ${GLOSSATOR_CHROMIUM:-} ]]; then
    chromium="$GLOSSATOR_CHROMIUM"
    if [[ -x $chromium ]]; then
        say "chromium: $chromium (GLOSSATOR_CHROMIUM): $(chromium_version "$chromium")"
    else
        missing+=("chromium: GLOSSATOR_CHROMIUM=$chromium is not an executable file; unset it to use Debian's chromium")
    fi
else
    chromium=/usr/bin/chromium
    state="$(chromium_state "$chromium")"
    if [[ $state != ok ]]; then
        if can_apt; then
            say "chromium: $state, installing Debian's package with apt-get (log: $LOG)"
            apt_install chromium
            state="$(chromium_state "$chromium")"
            [[ $state == ok ]] || { say "FAILED: apt-get installed chromium but it is $state"; exit 1; }
        elif [[ $EUID -ne 0 && $state == missing ]]; then
            missing+=("chromium is not installed ($chromium): $(apt_hint chromium), then run this script again")
        elif [[ $state == missing ]]; then
            missing+=("chromium is not installed ($chromium) and there is no apt-get: install your system's chromium package and set GLOSSATOR_CHROMIUM to its executable")
        else
            # half-installed but not ours to finish: the files may well work
            say "chromium: the package is $state; \`sudo apt-get install chromium\` finishes it"
            state=ok
        fi
    fi
    if [[ $state == ok ]]; then
        version="$(chromium_version "$chromium")"
        if [[ -z $version ]]; then
            say "FAILED: $chromium does not start: try \`$chromium --headless --no-sandbox --version\`"
            exit 1
        fi
        say "chromium: $chromium: $version"
    fi
fi

# --- axe-core ------------------------------------------------------------------------------

axe_version() {   # from the package.json next to axe.min.js
    sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$(dirname "$1")/package.json" 2>/dev/null |
        head -n 1 || true
}

if [[ -n ${GLOSSATOR_AXE:-} ]]; then
    if [[ -f $GLOSSATOR_AXE ]]; then
        say "axe-core: $GLOSSATOR_AXE (GLOSSATOR_AXE)"
    else
        missing+=("axe-core: GLOSSATOR_AXE=$GLOSSATOR_AXE is not a file; unset it to use the cached axe-core")
    fi
else
    axe_dir="$CACHE/axe"
    axe="$axe_dir/node_modules/axe-core/axe.min.js"
    if [[ ! -f $axe ]] && ! command -v npm >/dev/null; then
        if can_apt; then
            say "npm: missing, installing Debian's package with apt-get (log: $LOG)"
            apt_install npm
        else
            missing+=("axe-core is not in $axe_dir and npm is not installed to fetch it: $(apt_hint npm), then run this script again")
        fi
    fi
    if [[ ! -f $axe ]] && command -v npm >/dev/null; then
        say "axe-core: installing axe-core@$AXE_VERSION with npm into $axe_dir"
        # into a fresh folder moved in place at the end: an interrupted run leaves no half
        # an install that the next run would take for a whole one
        mkdir -p "$CACHE"
        tmp="$(mktemp -d "$CACHE/axe.tmp.XXXXXX")"
        trap 'rm -rf "$tmp"' EXIT
        logged "npm install axe-core@$AXE_VERSION" npm install --prefix "$tmp" --no-audit \
            --no-fund --no-save --loglevel=error "axe-core@$AXE_VERSION"
        [[ -f $tmp/node_modules/axe-core/axe.min.js ]] || {
            say "FAILED: npm installed axe-core but axe.min.js is not in it"
            exit 1
        }
        rm -rf "$axe_dir"
        mv "$tmp" "$axe_dir"
    fi
    if [[ -f $axe ]]; then
        say "axe-core: $axe ($(axe_version "$axe"))"
    fi
fi

# --- java (PySpark) ------------------------------------------------------------------------

java_major() {   # the major version of the java given, or nothing
    "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1 || true
}

java_bin() {   # the java Spark would start: $JAVA_HOME/bin/java, else the one on PATH
    if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java || true
    fi
}

find_java() {   # sets java and major
    java="$(java_bin)"
    major=""
    if [[ -n $java ]]; then major="$(java_major "$java")"; fi
}

find_java
if [[ -z $java || ${major:-0} -lt 17 ]]; then
    if can_apt; then
        say "java: ${java:-missing}${major:+ (version $major)}, installing Debian's default-jre-headless with apt-get (log: $LOG)"
        apt_install default-jre-headless
        find_java
        [[ -n $java && ${major:-0} -ge 17 ]] || {
            say "FAILED: apt-get installed default-jre-headless but there is no java 17+ (${java:-none}, ${major:-?})"
            exit 1
        }
    else
        missing+=("java 17 or newer is not installed (${java:-no java on PATH}${major:+, version $major}): $(apt_hint default-jre-headless), or set JAVA_HOME")
    fi
fi
if [[ -n $java && ${major:-0} -ge 17 ]]; then
    say "java: $java (version $major)"
fi

# --- PHP, MariaDB and WordPress ----------------------------------------------------------
# tests/test_wordpress.py and tests/test_spip.py: their own script, with the same rules

bash "$(dirname "${BASH_SOURCE[0]}")/provision-php.sh"

# --- verdict -------------------------------------------------------------------------------

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
for line in "${missing[@]}"; do
    say "MISSING: $line"
done
if [[ $on_ci -eq 1 ]]; then
    say "CI=true: the browser and PySpark tests must run on CI, so this is an error"
    exit 1
fi
say "the tests that need what is missing will be skipped"
exit 0
