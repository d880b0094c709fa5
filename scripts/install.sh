#!/usr/bin/env bash
# Install what nslab needs on a Debian/Ubuntu machine, only what is missing, then build.
# Run as root (apt-get). Safe to run again: it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# command → Debian package
declare -A PKG=(
  [ip]=iproute2 [tc]=iproute2 [ping]=iputils-ping [iperf3]=iperf3 [tcpdump]=tcpdump
  [sysctl]=procps [pgrep]=procps [linux]=user-mode-linux [insmod]=kmod [nft]=nftables [xmllint]=libxml2-utils [chromium]=chromium [fc-list]=fontconfig
  [vtysh]=frr
  [node]=nodejs [npm]=npm
)
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
# Fonts for the headless-browser check of HTML reports (text renders as boxes without any).
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
node -e 'const [M]=process.versions.node.split(".").map(Number); if (M < 20) { console.error("nslab needs Node.js 20 or newer, found " + process.versions.node); process.exit(1) }'
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi
npm run --silent build
