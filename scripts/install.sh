#!/usr/bin/env bash
# Install what nslab needs on a Debian/Ubuntu machine (only what is missing), build it, and put `nslab` on PATH.
#
#   bash scripts/install.sh          what nslab itself needs
#   bash scripts/install.sh --dev    also what the test suite needs (.ci/run uses this)
#   bash scripts/install.sh --check  say what it would do, change nothing
#   bash scripts/install.sh --list   the packages, one a line: "runtime|dev PACKAGE COMMAND WHY"
#   bash scripts/install.sh --launcher  only (re)write the launcher (NSLAB_BIN_DIR, default /usr/local/bin)
#
# Works as root (a container or a fresh machine without sudo) and as a user with sudo: apt-get and the launcher in
# /usr/local/bin need root and go through sudo when this runs as someone else; `npm ci` and the build run as the
# user who runs it, so the checkout stays theirs. Safe to run again: it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
dev=0 check=0 list=0 launcher_only=0
for a in "$@"; do
  case $a in
    --dev) dev=1 ;;
    --check) check=1 ;;
    --list) list=1 ;;
    --launcher) launcher_only=1 ;;
    -h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $a (try --help)" >&2; exit 2 ;;
  esac
done

# What nslab needs, and why: "scope package command why". The README's install list is checked against this one.
packages=(
  "runtime iproute2 ip namespaces, veth links, bridges, addresses and routes (ip), shaping (tc)"
  "runtime iputils-ping ping ping and reach steps"
  "runtime iperf3 iperf3 iperf3 steps"
  "runtime tcpdump tcpdump capture steps"
  "runtime procps sysctl sysctls inside nodes; nslab doctor checks for it"
  "runtime user-mode-linux linux --kernel uml: labs in user-mode Linux, for kernels without sch_netem and users without root"
  "runtime kmod insmod loads user-mode Linux's kernel modules (netem, bridge, ipv6)"
  "runtime nodejs node runs nslab (Node.js 20 or newer)"
  "runtime npm npm installs nslab's JavaScript dependencies and builds it"
  "runtime frr vtysh routing: ospf, bgp and isis (FRR daemons in the routers) and vtysh steps"
  "runtime openvswitch-switch /usr/sbin/ovs-vswitchd OpenFlow switches (kind: ovs): ovsdb-server and ovs-vswitchd in each switch, ovs-ofctl for flows and ofctl steps"
  "runtime openvswitch-testcontroller /usr/bin/ovs-testcontroller controller: learning (Open vSwitch's reference OpenFlow controller)"
  "dev nftables nft the tests compare the host's firewall ruleset before and after every lab"
  "dev libxml2-utils xmllint the tests check JUnit reports against the JUnit XSD"
  "dev chromium chromium the tests open HTML reports and the web view in a headless browser"
  "dev fontconfig fc-list the headless browser finds its fonts through fontconfig"
  "dev python3-os-ken /usr/bin/osken-manager the tests run an os-ken app as an OpenFlow controller (controller: { run })"
  "dev fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf text in the headless browser (boxes without a font)"
)
if [ $list = 1 ]; then printf '%s\n' "${packages[@]}"; exit 0; fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install.sh: apt-get and /usr/local/bin need root: run this as root, or as a user who has sudo" >&2
  exit 2
fi
# --check prints every command that would change something, and runs none of them.
act() {
  if [ $check = 1 ]; then echo "would run: $*"; else "$@"; fi
}

missing=()
[ $launcher_only = 1 ] && packages=()
for p in "${packages[@]}"; do
  read -r scope pkg cmd _ <<<"$p"
  [ "$scope" = dev ] && [ $dev = 0 ] && continue
  if [[ $cmd == /* ]]; then [ -e "$cmd" ] && continue
  else command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin" command -v "$cmd" >/dev/null 2>&1 && continue
  fi
  missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "installing: ${missing[*]}"
  act "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  act "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $check = 0 ] || command -v node >/dev/null 2>&1; then
  node -e 'const [M]=process.versions.node.split(".").map(Number); if (M < 20) { console.error("nslab needs Node.js 20 or newer, found " + process.versions.node); process.exit(1) }'
fi
if [ $launcher_only = 0 ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then act npm ci --no-audit --no-fund --loglevel=error; fi
  act npm run --silent build
fi

# `nslab` on PATH: a launcher for this checkout, with the absolute path of this Node.js, so that it works from any
# directory, under sudo (whose PATH may not hold a Node.js from nvm or setup-node), and after every rebuild.
# Commands that change the kernel need root: a user with sudo is taken there by the launcher, so the README's
# commands read the same for root and for everyone else.
bin_dir=${NSLAB_BIN_DIR:-/usr/local/bin}
node_path=$(command -v node || echo /usr/bin/node)
launcher="#!/bin/sh
# nslab launcher, written by $repo/scripts/install.sh
if [ \"\$(id -u)\" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  case \"\$1\" in up | down | ls | exec | shell | impair | link | run | clean)
    case \" \$* \" in *' --help '* | *' -h '* | *' --dry-run '* | *' --kernel uml '* | *' --kernel=uml '*) ;;
      *) exec sudo env \${NSLAB_STATE_DIR:+\"NSLAB_STATE_DIR=\$NSLAB_STATE_DIR\"} \${NO_COLOR:+\"NO_COLOR=\$NO_COLOR\"} \${CI:+\"CI=\$CI\"} '$node_path' '$repo/dist/cli/bin.js' \"\$@\" ;;
    esac ;;
  esac
fi
exec '$node_path' '$repo/dist/cli/bin.js' \"\$@\"
"
target="$bin_dir/nslab"
if [ $check = 1 ]; then
  echo "would write: $target (runs $repo/dist/cli/bin.js with $node_path)"
elif [ "$(cat "$target" 2>/dev/null)" != "$launcher" ]; then
  tmp=$(mktemp)
  printf '%s' "$launcher" >"$tmp"
  chmod 755 "$tmp"
  if [ -w "$bin_dir" ]; then mv "$tmp" "$target"; else "${as_root[@]}" install -m 755 "$tmp" "$target"; rm -f "$tmp"; fi
  echo "nslab is on PATH: $target"
fi
