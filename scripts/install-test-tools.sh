#!/usr/bin/env bash
# Installs what the logitlab-server tests need, idempotently and quietly:
#  - Node packages (the official openai client, playwright-core) from the npm registry into
#    logitlab-server/src/test/js/node_modules, with `npm ci` when the lock file exists;
#  - Debian's chromium (for the heat-map page test) when /usr/bin/chromium is missing.
# .ci/run calls this before ./run-tests. Playwright's own browser download does not work here, so the tests
# drive /usr/bin/chromium through playwright-core.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JS_DIR="$ROOT/logitlab-server/src/test/js"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-test-tools: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 1
fi

stamp="$JS_DIR/node_modules/.logitlab-installed"
if [ ! -f "$stamp" ] || [ "$JS_DIR/package.json" -nt "$stamp" ] || [ "$JS_DIR/package-lock.json" -nt "$stamp" ]; then
  (
    cd "$JS_DIR"
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund --loglevel=error >/dev/null
    else
      npm install --no-audit --no-fund --loglevel=error >/dev/null
    fi
    touch "$stamp"
  )
fi

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
