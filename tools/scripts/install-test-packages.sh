#!/usr/bin/env bash
# Installs the Debian packages the integration tests run for real, when they are absent:
# an all-in-one Ironic and its client, the clients nodes run (cloud-init, Ansible with its amazon.aws
# collection, Ignition, botocore), the ISO 9660 tools the codec is checked against, the routing daemons
# and tools the networking tests run inside network namespaces (dnsmasq and busybox's udhcpc for DHCP),
# promtool for the alerting rules, Docker and docker-compose with debootstrap for the image's stand-in
# base, and nginx, the benchmark's ceiling.
set -euo pipefail

PACKAGES=(ironic-api python3-ironicclient cloud-init genisoimage xorriso python3-prometheus-client
  iptables keepalived haproxy bird2 iproute2 procps curl shellcheck nginx ansible ignition python3-botocore
  dnsmasq-base busybox prometheus docker.io docker-compose debootstrap wrk)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-packages: missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 2
fi
echo "install-test-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Keep the packaged services from starting: the tests start their own processes on their own ports.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=true
fi
trap '$created_policy && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
