#!/usr/bin/env bash
# build.sh [release|asan|fuzz] [ninja targets...]: configure (once) and build into build/, build-asan/
# or build-fuzz/. Warnings are errors in every flavour.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
shift || true
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
common=(-G Ninja -DLOCALSEEK_WERROR=ON "-DLOCALSEEK_SHARED_DIR=${LOCALSEEK_SHARED:-$PWD/../shared}")
case "$flavour" in
  release) dir=build; args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; args=(-DCMAKE_BUILD_TYPE=Debug -DLOCALSEEK_SANITIZE=ON) ;;
  fuzz)    dir=build-fuzz; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOCALSEEK_FUZZ=ON -DLOCALSEEK_TESTS=OFF
                                 -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: build.sh [release|asan|fuzz] [targets...]" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" "${common[@]}" "${args[@]}" >/dev/null
fi
cmake --build "$dir" -- "$@"
