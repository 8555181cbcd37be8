# shellcheck shell=bash
# Shared setup for scripts/start and scripts/test (sourced, not run): Debian libraries, Python, virtual environment.
#
#   source scripts/setup.sh && setup_environment start|test
#
# Afterwards ROOT is the project folder and VENV its virtual environment, with the pinned packages installed.
# The current directory is left alone, so relative paths given to the app keep their meaning.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
STAMP="$VENV/.coordinator-installed"

# Python's venv, and what Qt needs to draw at all (offscreen) with a font.
BASE_PACKAGES=(
    python3-venv
    libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 fonts-dejavu-core
)
# The tests also read PDFs back (poppler), decode barcodes (zbar) and build the bundle (PyInstaller uses binutils).
TEST_PACKAGES=(poppler-utils zbar-tools binutils)
# A real window (xcb) needs these.
WINDOW_PACKAGES=(
    libx11-xcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
    libxcb-xkb1 libxkbcommon-x11-0
)

_say() { printf '%s\n' "$*" >&2; }

_installed() {
    # Ubuntu 24.04 renamed some libraries with a t64 suffix (libglib2.0-0t64); either name will do.
    local package
    for package in "$1" "${1}t64"; do
        [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null) == ii* ]] && return 0
    done
    return 1
}

ensure_debian_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        _say "setup: not a Debian/Ubuntu system; make sure Qt's libraries are installed (see README.md)."
        return 0
    fi
    local package missing=()
    for package in "$@"; do
        _installed "$package" || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) -ne 0 ]]; then
        _say "setup: these Debian packages are missing: ${missing[*]}"
        _say "Install them, then run this command again:"
        _say "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    _say "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
    # The first Python 3.10+ on PATH that can create a virtual environment (Debian: python3-venv).
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11 python3.10 /usr/bin/python3; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

_fingerprint() {
    cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    # $1: the extras to install ("" for the app alone, "test,bundle" for the tests).
    local extras=$1 python fingerprint
    if [[ -e $VENV ]] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
        _say "setup: $VENV is broken (its Python is gone?); making a new one."
        rm -rf "$VENV"
    fi
    if [[ ! -e $VENV ]]; then
        if ! python=$(find_python); then
            _say "setup: no Python 3.10 or newer with venv found. On Debian/Ubuntu:"
            _say "  sudo apt-get install -y --no-install-recommends python3 python3-venv"
            exit 1
        fi
        _say "setup: creating $VENV with $python"
        "$python" -m venv "$VENV"
    fi
    fingerprint=$(_fingerprint)
    if [[ -f $STAMP ]]; then
        local stamped_fingerprint stamped_extras
        read -r stamped_fingerprint stamped_extras <"$STAMP" || true
        # The test install is a superset of the app's, so it serves both.
        if [[ $stamped_fingerprint == "$fingerprint" && ($extras == "" || ${stamped_extras:-} == "$extras") ]]; then
            return 0
        fi
    fi
    _say "setup: installing the pinned Python packages into $VENV (the first time takes a few minutes)"
    local target="$ROOT"
    [[ -n $extras ]] && target="${ROOT}[${extras}]"
    PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$VENV/bin/python" -m pip install --quiet --constraint "$ROOT/constraints.txt" --editable "$target"
    printf '%s %s\n' "$fingerprint" "$extras" >"$STAMP"
}

setup_environment() {
    # $1: "start" (the app, with a real window) or "test" (the whole suite, headless when there is no display).
    case $1 in
        start)
            ensure_debian_packages "${BASE_PACKAGES[@]}" "${WINDOW_PACKAGES[@]}"
            ensure_venv ""
            ;;
        test)
            ensure_debian_packages "${BASE_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
            ensure_venv "test,bundle"
            if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
                export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
            fi
            ;;
        *)
            _say "setup_environment: unknown purpose '$1' (start or test)"
            return 2
            ;;
    esac
}
