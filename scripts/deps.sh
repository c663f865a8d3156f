#!/usr/bin/env bash
# Installs (as root, Debian 12) every package the build and the tests need; quiet when all is there.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git clang libclang-rt-14-dev
  libcli11-dev nlohmann-json3-dev libpcre2-dev libsqlite3-dev libicu-dev libcurl4-openssl-dev
  libgumbo-dev libpoppler-cpp-dev libcpp-httplib-dev libssl-dev libstemmer-dev libhnswlib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus
)
# Node.js and npm (for the tests with the official `openai` client): any install that provides both
# commands will do (Debian's nodejs+npm, or a nodesource nodejs that bundles npm).
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
