#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# Installs the Debian packages trec needs, only if some are missing.
set -e
# build: compiler, libraries; tests: python3 (JSON checks), zip/unzip (dataset fetch tests);
# make mpi and tests/cli/test-mpi.sh: Open MPI (libopenmpi-dev: mpicc, openmpi-bin: mpirun);
# gzip inputs: zlib1g-dev; trec-report: gnuplot-nox (its plots); man pages: mandoc (the lint test)
# chromium (tests/cli/test-report.sh renders the report in it when present)
# only with --chromium, as .ci/run asks: on 2026-12-02 `apt-get install -y
# chromium` took 5 min 12 s (wall, apt's history log), 112 new packages and
# 15 upgrades, 283 MiB for chromium alone, on the shared machine; a developer
# who does not want that runs the suite without it (those checks skip).
PKGS="gcc make pkg-config libcsv-dev libcjson-dev libblis-dev zlib1g-dev check python3 zip unzip libopenmpi-dev openmpi-bin gnuplot-nox mandoc"
[ "${1:-}" = --chromium ] && PKGS="$PKGS chromium"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
