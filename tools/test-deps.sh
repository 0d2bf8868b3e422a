#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, from the project's
# own files: Debian's Chromium (browser tests) and the Neo4j launcher built
# from Maven Central artefacts (Neo4j tests). Safe to run again: it skips what
# is already there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

if ! command -v chromium >/dev/null 2>&1; then
  echo "test-deps: installing Debian's chromium …"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
echo "test-deps: $(chromium --version 2>/dev/null | head -n1)"

for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-deps: $tool is required to build the Neo4j test server" >&2; exit 1; }
done
bash "$here/neo4j/neo4j.sh" build
