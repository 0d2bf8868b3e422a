#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages, from the project's
# own files: Debian's Chromium (browser tests), a JDK and Maven where missing,
# and the Neo4j launcher built from Maven Central artefacts (Neo4j tests).
# Safe to run again: it skips what is already there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

# Debian's packages for what is missing: Chromium; a JDK (Debian's default,
# 17 on bookworm, 21 on trixie: Neo4j 5.26 runs on either) and Maven to build
# and run the Neo4j test server.
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v java >/dev/null 2>&1 || packages+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
if [ "${#packages[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || {
    echo "test-deps: missing ${packages[*]} and no apt-get here: install Chromium, Java 17+ and Maven, then run again" >&2
    exit 1
  }
  echo "test-deps: installing Debian's ${packages[*]} …"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
echo "test-deps: $(chromium --version 2>/dev/null | head -n1)"

bash "$here/neo4j/neo4j.sh" build
