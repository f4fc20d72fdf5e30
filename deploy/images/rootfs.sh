#!/usr/bin/env bash
# Makes the root file system of a FROM-scratch image, as a tar archive: the given programs, every
# shared library `ldd` names for them (with the dynamic loader), /etc/passwd and /etc/group lines
# for the user the image runs as, and /data owned by that user. No base image is pulled: the
# libraries are the host's, so an image runs wherever a container of the host's architecture runs.
#   deploy/images/rootfs.sh TAR UID:GID NAME PROGRAM...
# Each PROGRAM is copied to /usr/local/bin/<its file name>. A Containerfile takes the archive
# with `ADD rootfs.tar /`, which keeps the owners written in it (COPY would make all root's).
set -euo pipefail
if [[ $# -lt 4 ]]; then
    echo "usage: $0 DIR UID:GID NAME PROGRAM..." >&2
    exit 2
fi
tar=$1 ids=$2 name=$3
shift 3
uid=${ids%%:*} gid=${ids##*:}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/usr/local/bin" "$dir/etc" "$dir/tmp" "$dir/data"
chmod 1777 "$dir/tmp"
for program in "$@"; do
    install -m 0755 "$program" "$dir/usr/local/bin/$(basename "$program")"
    # `ldd` lines: "libx.so => /lib/.../libx.so (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)".
    ldd "$program" | awk '/=>/ { print $3; next } /^[[:space:]]*\// { print $1 }' | while read -r lib; do
        [[ -z $lib ]] && continue
        # --parents keeps the library's own path, where the loader and the binary look for it.
        cp --parents -L -n "$lib" "$dir"
    done
done
printf 'root:x:0:0:root:/:/usr/sbin/nologin\n%s:x:%s:%s:%s:/data:/usr/sbin/nologin\n' \
    "$name" "$uid" "$gid" "$name" >"$dir/etc/passwd"
printf 'root:x:0:\n%s:x:%s:\n' "$name" "$gid" >"$dir/etc/group"
chown "$uid:$gid" "$dir/data"
tar -C "$dir" --numeric-owner -cf "$tar" .
