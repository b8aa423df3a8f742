#!/usr/bin/env bash
# Installs the Debian packages the tests need, when any is missing. One list, used by
# `npm test` and .ci/run. Needs root (apt-get); prints what to install otherwise.
set -euo pipefail

PACKAGES=(
  chromium fonts-dejavu-core            # Playwright journeys (Debian's browser, never a download)
  clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make  # eBPF: objects and the loader
  iproute2 iputils-ping iperf3 netcat-openbsd util-linux tcpdump  # network-namespace tests (nsenter; WAN captures)
  wireguard-go wireguard-tools socat     # overlay test bed: userspace WireGuard tunnels, broker bridge
  postgresql-client redis-tools mosquitto mosquitto-clients  # fleet tests start their own broker
  libfaketime                            # clock-skew tests: an agent process on a shifted clock
  python3 golang-go ansible              # API clients: the Python and Go SDKs and the Ansible collection
  prometheus                             # prometheus + promtool: exposition format, shipped rules, dashboards' queries
)
# dpkg-query, not `command -v`: several packages ship libraries or headers, not commands.
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
