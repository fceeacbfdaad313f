#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then the npm packages:
#   chromium             browser tests (headless, software WebGPU through SwiftShader)
#   mesa-vulkan-drivers  WebGPU under Deno (the lavapipe software adapter)
# Deno itself comes from the npm package `deno`, so nothing else is installed globally.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${need[*]} with apt-get"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${need[@]}"
fi
npm ci --no-audit --no-fund
