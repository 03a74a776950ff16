#!/usr/bin/env bash
# usage: bare-metal-dmi.sh VENDOR PRODUCT ASSET_TAG [--tmpfs DIR]... -- COMMAND [ARG]...
#
# Runs COMMAND in a new mount namespace that looks like a bare-metal server to cloud-init: its
# /sys/class/dmi/id says VENDOR (sys_vendor), PRODUCT (product_name) and ASSET_TAG
# (chassis_asset_tag), as the server's firmware would, and systemd-detect-virt answers "none", as
# on bare metal (in a container cloud-init ignores DMI altogether). Each --tmpfs DIR gets an empty
# tmpfs. The rest of /sys/class is the machine's own. Nothing outside the namespace changes; its
# one scratch directory is removed at the end.
set -euo pipefail

if [ -z "${NC_DMI_NAMESPACE:-}" ]; then
  exec unshare --mount --propagation private env NC_DMI_NAMESPACE=inside "$0" "$@"
fi
[ $# -ge 4 ] || { echo "usage: $0 VENDOR PRODUCT ASSET_TAG [--tmpfs DIR]... -- COMMAND [ARG]..." >&2; exit 2; }
vendor=$1 product=$2 asset_tag=$3
shift 3
tmpfs_dirs=()
while [ "$1" = --tmpfs ]; do tmpfs_dirs+=("$2"); shift 2; done
[ "$1" = -- ] || { echo "$0: expected -- before the command, got $1" >&2; exit 2; }
shift

scratch=$(mktemp -d /tmp/nc-dmi.XXXXXX)
# sysfs takes no new directories: keep the real /sys/class aside, lay a tmpfs over it, bring every
# class back but dmi, and write our own dmi/id.
mount --rbind /sys/class "$scratch"
mount -t tmpfs nc-sys-class /sys/class
for entry in "$scratch"/*; do
  name=${entry##*/}
  [ "$name" = dmi ] && continue
  mkdir "/sys/class/$name"
  mount --rbind "$entry" "/sys/class/$name"
done
mkdir -p /sys/class/dmi/id
printf '%s\n' "$vendor" > /sys/class/dmi/id/sys_vendor
printf '%s\n' "$product" > /sys/class/dmi/id/product_name
printf '%s\n' "$asset_tag" > /sys/class/dmi/id/chassis_asset_tag
umount -l "$scratch"
mount -t tmpfs nc-scratch "$scratch"
printf '#!/bin/sh\necho none\nexit 1\n' > "$scratch/systemd-detect-virt"
chmod +x "$scratch/systemd-detect-virt"
detect_virt=$(command -v systemd-detect-virt || true)
[ -n "$detect_virt" ] && mount --bind "$scratch/systemd-detect-virt" "$detect_virt"
umount -l "$scratch"
rmdir "$scratch"
for dir in "${tmpfs_dirs[@]}"; do
  mkdir -p "$dir"
  mount -t tmpfs nc-scratch "$dir"
done
exec "$@"
