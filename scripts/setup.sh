#!/usr/bin/env bash
# One-time setup for a fresh clone: the system tools rust-perf drives, then npm ci.
# Needs root (or sudo) for apt-get; prints exactly what is missing when it cannot install.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "setup: cargo not found. Install Rust with rustup (rustup toolchain install stable)." >&2; exit 1; }
# llvm-profdata must match rustc's LLVM major (rustc 1.95 → LLVM 22); Debian packages it as llvm-<major>.
llvm_major=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
[ -n "$llvm_major" ] || { echo "setup: could not read 'LLVM version' from rustc -vV" >&2; exit 1; }
packages=("llvm-${llvm_major}" "bolt-${llvm_major}" linux-perf mold lld binutils hyperfine sccache valgrind shellcheck)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    echo "setup: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2; exit 1
  fi
  echo "setup: installing ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "setup: rustc $(rustc -V | cut -d' ' -f2) (LLVM ${llvm_major}), llvm-profdata-${llvm_major} $(llvm-profdata-"${llvm_major}" --version | sed -n 's/.*LLVM version \([0-9.]*\).*/\1/p'), $(perf --version), $(mold --version | cut -d' ' -f1-2)"

# actionlint checks every workflow ci-workflow generates (with shellcheck above); the spec looks in .tools/bin.
actionlint_version=1.7.12
if [ "$(.tools/bin/actionlint -version 2>/dev/null | head -1)" != "v${actionlint_version}" ]; then
  # Go's own install puts go in /usr/local/go/bin, which a non-login shell may not have on PATH.
  go_bin=$(command -v go || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true)
  if [ -n "$go_bin" ]; then
    echo "setup: installing actionlint ${actionlint_version} into .tools/bin (go install)"
    GOBIN="$PWD/.tools/bin" "$go_bin" install "github.com/rhysd/actionlint/cmd/actionlint@v${actionlint_version}"
  else
    echo "setup: go not found, actionlint not installed: the ci-workflow spec fails under CI=true without it. Install Go, or put actionlint ${actionlint_version} at .tools/bin/actionlint" >&2
  fi
fi

npm ci --no-audit --no-fund
