#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then the npm packages:
#   chromium             browser tests (headless, software WebGPU through SwiftShader)
#   mesa-vulkan-drivers  WebGPU under Deno (the lavapipe software adapter)
#   slurm-wlm, munge     the one-node Slurm cluster of the scale-out tests (scripts/slurm-local.sh; nothing is started here)
# Deno itself comes from the npm package `deno`, so nothing else is installed globally.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${need[*]} with apt-get"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${need[@]}"
fi
npm ci --no-audit --no-fund
