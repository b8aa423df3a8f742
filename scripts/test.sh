#!/usr/bin/env bash
# The one test command (`npm test`): typecheck, lint, unit, integration (real PostgreSQL and
# Redis), eBPF data plane (root only: kernel programs and network namespaces), and
# Playwright journeys in Debian Chromium. Runs every step, then prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
REPORTS=.test-reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
failed_steps=()

step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  if ! "$@"; then
    failed_steps+=("$name")
    echo "=== $name FAILED"
  fi
}

bash scripts/system-deps.sh || failed_steps+=("system-deps")
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi
step "prisma generate" npx prisma generate
step "typecheck" npx tsc --noEmit
step "lint" npx biome check .
step "unit + integration" npx vitest run --project unit --project int \
  --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"

if [ "$(id -u)" -eq 0 ] && [ -f bpf/Makefile ]; then
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  step "bpf build" make -C bpf
  step "bpf data plane" npx vitest run --project bpf \
    --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-bpf.json"
else
  echo "=== bpf data plane skipped (needs root)"
fi

step "next build" npx next build
step "e2e" npx playwright test

node scripts/test-summary.mjs "$REPORTS" "${failed_steps[@]}"
