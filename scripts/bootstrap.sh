#!/usr/bin/env bash
# Idempotent set-up: the Debian packages the project needs, then node_modules.
# Run by `npm start` and `npm test`; safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, each for a reason:
#   chromium                 end-to-end tests (Playwright cannot download its own browser here)
#   fonts-liberation         the screenshots' fonts (only a recommendation of chromium, which we skip)
#   g++ cmake pkg-config     host build of the firmware core and the simulated thermostat
#   libbearssl-dev           AES-256-GCM and SHA-256, the same BearSSL the ESP8266 core ships
#   libcjson-dev             JSON in the firmware core
#   doctest-dev              firmware unit tests
#   clang libclang-rt-14-dev libFuzzer harness with ASan and UBSan (the runtime is only a recommendation of clang)
#   gcc-xtensa-lx106 binutils-xtensa-lx106 libnewlib-dev   cross-compiling the core to measure its size
#   mosquitto                `npm run bench:compare` measures the broker beside Mosquitto 2 (the bench starts its
#                            own instance on a free port; the package's service is not used)
#   libssl-dev               the bench's C load generator signs logon v2 with OpenSSL's P-256 (several times faster
#                            than BearSSL's portable code, so a logon storm is not bounded by the generator)
#   redis-server             broker nodes of a cluster route through Redis (--redis); the tests start their own
#                            redis-server on a free port, never the package's service (stopped below if it started)
#   haproxy                  the load balancer in front of several broker nodes, as the cluster tests and docs run it
PACKAGES=(chromium fonts-liberation g++ cmake pkg-config libbearssl-dev libcjson-dev doctest-dev clang
  gcc-xtensa-lx106 binutils-xtensa-lx106 libnewlib-dev libclang-rt-14-dev mosquitto libssl-dev redis-server haproxy)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Where the init system starts packaged services, the ones just installed are stopped and kept from starting
    # at boot: the tests start their own instances on free ports, and a Redis on 6379 would only hide a test that forgot.
    for service in redis-server haproxy; do
      if [[ " ${missing[*]} " == *" ${service} "* ]] && command -v systemctl >/dev/null && systemctl is-active --quiet "$service"; then
        systemctl disable --now "$service" >/dev/null 2>&1 || true
      fi
    done
  else
    echo "bootstrap: these Debian packages are missing: ${missing[*]}" >&2
    echo "bootstrap: install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# node_modules is stale when package-lock.json changed since the last install.
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "bootstrap: npm ci"
  npm ci --no-audit --no-fund
fi
