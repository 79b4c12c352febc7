#!/usr/bin/env bash
# Install what the PHP integration tests need (tests/test_wordpress.py, tests/test_spip.py):
# Debian's PHP (php-cli with mysqli, curl, xml, mbstring), MariaDB's server and WordPress.
# Called by tools/provision-tests.sh (the README's test command and .ci/run run that); it
# can also be run alone. pytest only looks for these (tests/support/php.py).
#
#   php-cli php-mysql php-curl php-xml php-mbstring   PHP 8.2 on Debian 12
#   mariadb-server                                    mariadbd and mariadb-install-db; the
#                                                     tests start their own server, as the
#                                                     current user, in a temporary folder
#   wordpress                                         /usr/share/wordpress (6.1 on Debian 12)
#   wordpress-theme-twentytwentythree                 WordPress 6.1's default theme, a block
#                                                     theme (its posts render otherwise)
#
# No service is started or enabled: while apt-get runs, a policy-rc.d that refuses every
# start is in place (unless the machine already has one), so neither Apache, which the
# wordpress package depends on, nor MariaDB's system server runs afterwards.
#
# Idempotent: when everything is there it only checks. Needs root and apt-get to install;
# without them one line says what is missing, and the exit status is 0 on a developer's
# machine (the PHP tests skip, naming tools/provision-tests.sh) but 1 under CI=true. A step
# that is tried and fails exits 1 always.
set -euo pipefail

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/glossator-tests"
LOG="$CACHE/provision.log"
APT_LOCK_WAIT=600
PACKAGES=(php-cli php-mysql php-curl php-xml php-mbstring mariadb-server wordpress
          wordpress-theme-twentytwentythree)

say() { printf 'provision-php: %s\n' "$*"; }

ci="${CI:-}"
case "${ci,,}" in true | 1 | yes) on_ci=1 ;; *) on_ci=0 ;; esac

# What is missing, one word each (empty when all is there).
missing() {
    command -v php >/dev/null || echo php-cli
    if command -v php >/dev/null; then
        local modules
        modules="$(php -m 2>/dev/null | tr 'A-Z' 'a-z')"
        grep -qx mysqli <<<"$modules" || echo php-mysql
        grep -qx curl <<<"$modules" || echo php-curl
        grep -qx dom <<<"$modules" || echo php-xml
        grep -qx mbstring <<<"$modules" || echo php-mbstring
    fi
    { command -v mariadbd || [[ -x /usr/sbin/mariadbd ]]; } >/dev/null || echo mariadb-server
    command -v mariadb-install-db >/dev/null || echo mariadb-server
    [[ -f /usr/share/wordpress/wp-settings.php ]] || echo wordpress
    [[ -f /usr/share/wordpress/wp-content/themes/twentytwentythree/theme.json ]] ||
        echo wordpress-theme-twentytwentythree
}

todo="$(missing | sort -u | tr '\n' ' ' | sed 's/ *$//')"
if [[ -z ${todo// /} ]]; then
    say "php $(php -r 'echo PHP_VERSION;'), $(/usr/sbin/mariadbd --version 2>/dev/null | sed 's/^.*Ver /mariadbd /; s/ for .*//'), wordpress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" /usr/share/wordpress/wp-includes/version.php)"
    exit 0
fi

if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    say "MISSING: $todo (install Debian's packages: sudo apt-get install --no-install-recommends ${PACKAGES[*]}), then run this script again"
    if [[ $on_ci -eq 1 ]]; then
        say "CI=true: the PHP tests must run on CI, so this is an error"
        exit 1
    fi
    say "the WordPress and SPIP tests will be skipped"
    exit 0
fi

mkdir -p "$CACHE"
policy=/usr/sbin/policy-rc.d
ours=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# provision-php.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
fi
cleanup() { if [[ $ours -eq 1 ]]; then rm -f "$policy"; fi; }
trap cleanup EXIT

say "installing $todo with apt-get (log: $LOG)"
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT")
for step in update "install --no-install-recommends ${PACKAGES[*]}"; do
    printf '### %s: apt-get %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$step" >>"$LOG"
    # shellcheck disable=SC2086
    if ! "${apt[@]}" $step >>"$LOG" 2>&1 </dev/null; then
        say "FAILED: apt-get $step; the end of $LOG:"
        tail -n 25 "$LOG" | sed 's/^/    /'
        exit 1
    fi
done

todo="$(missing | sort -u | tr '\n' ' ' | sed 's/ *$//')"
if [[ -n ${todo// /} ]]; then
    say "FAILED: apt-get installed the packages but these are still missing: $todo"
    exit 1
fi
say "installed: php $(php -r 'echo PHP_VERSION;'), mariadb-server, wordpress"
