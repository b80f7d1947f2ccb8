#!/usr/bin/env bash
# check.sh PACKAGE.deb [NEWER.deb] — what CI checks of a sotay package.
#  1. dpkg-deb --info: the control fields, the conffile, the maintainer
#     scripts (executable, and valid sh);
#  2. dpkg-deb --contents: every file where the guide says, with its mode;
#     the binary is static and says its version;
#  3. with NEWER.deb, as root where overlayfs can be mounted: an install
#     into a scratch root, a copy-on-write view of this machine's own root
#     (nothing of the real one changes), where the guide's steps are run:
#     dpkg -i, sotay-env migrate and import from standard input out of
#     root's home, sotay-backup; then an upgrade to NEWER.deb keeps the
#     edited settings, remove keeps settings and user, purge removes them
#     and keeps the dumps. PostgreSQL must answer on 127.0.0.1:5432 as
#     user postgres without a password (a database sotay_debcheck is made
#     and dropped).
set -euo pipefail
deb=$(realpath "$1")
newer=${2:+$(realpath "$2")}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "check.sh: FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

info=$(dpkg-deb --info "$deb")
for field in 'Package: sotay' 'Depends: postgresql-client' 'Section: net'; do
	grep -qx " $field" <<<"$info" || fail "dpkg-deb --info lacks \"$field\""
done
arch=$(dpkg-deb --field "$deb" Architecture)
version=$(dpkg-deb --field "$deb" Version)
[[ $(basename "$deb") == "sotay_${version}_${arch}.deb" ]] || fail "file name $(basename "$deb") is not sotay_${version}_${arch}.deb"
for script in postinst prerm postrm; do
	grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$script +#!/bin/sh$" <<<"$info" || fail "$script missing, not executable or not /bin/sh"
done
ctl=$(mktemp -d)
trap 'rm -rf "$ctl"' EXIT
dpkg-deb --control "$deb" "$ctl/DEBIAN"
[[ $(cat "$ctl/DEBIAN/conffiles") == /etc/sotay/sotay.env ]] || fail "conffiles is not /etc/sotay/sotay.env"
for script in postinst prerm postrm; do
	sh -n "$ctl/DEBIAN/$script" || fail "$script is not valid sh"
	cmp -s "$ctl/DEBIAN/$script" "$here/$script" || fail "$script differs from docs/deploy/deb/$script"
done
ok "dpkg-deb --info: sotay $version $arch, Depends postgresql-client, conffile /etc/sotay/sotay.env, postinst prerm postrm"

contents=$(dpkg-deb --contents "$deb" | awk '{print $1, $2, $6}')
while read -r mode path; do
	grep -qxF -- "$mode root/root $path" <<<"$contents" || fail "dpkg-deb --contents lacks $mode $path"
done <<'EOF'
-rwxr-xr-x ./usr/bin/sotay
-rwxr-xr-x ./usr/bin/sotay-env
-rwxr-xr-x ./usr/bin/sotay-backup
-rwxr-xr-x ./usr/bin/sotay-restore
-rw-r--r-- ./usr/lib/systemd/system/sotay.service
-rw-r--r-- ./usr/lib/systemd/system/sotay-backup.service
-rw-r--r-- ./usr/lib/systemd/system/sotay-backup.timer
-rw-r--r-- ./usr/lib/systemd/system/sotay-check.service
-rw-r--r-- ./usr/lib/systemd/system/sotay-check.timer
drwxr-x--- ./etc/sotay/
-rw-r----- ./etc/sotay/sotay.env
-rw-r--r-- ./usr/share/doc/sotay/README.md
-rw-r--r-- ./usr/share/doc/sotay/examples/sotay-tunnel.service
EOF
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/sotay/sotay.env | cmp -s - "$here/../sotay.env.example" || fail "/etc/sotay/sotay.env is not docs/deploy/sotay.env.example"
ok "dpkg-deb --contents: binary, sotay-env, backup and restore, 5 systemd units, /etc/sotay/sotay.env 0640, guide"

dpkg-deb --extract "$deb" "$ctl/x"
grep -q 'statically linked' <<<"$(file -b "$ctl/x/usr/bin/sotay")" || fail "usr/bin/sotay is not static: $(file -b "$ctl/x/usr/bin/sotay")"
if [[ $arch == "$(dpkg --print-architecture)" ]]; then
	[[ $("$ctl/x/usr/bin/sotay" --version) == "sotay $version" ]] || fail "sotay --version is not \"sotay $version\""
fi
ok "usr/bin/sotay is static ($arch)"

[[ -n $newer ]] || exit 0

# The scratch root: this machine's root seen through overlayfs in a mount
# namespace of our own, so that dpkg, useradd and the maintainer scripts
# run for real and the real root is left as it was.
if ! unshare --mount true 2>/dev/null; then
	echo "check.sh: no install into a scratch root: this machine does not let us make a mount namespace (unshare --mount)"
	exit 0
fi
exec unshare --mount --propagation private bash "$here/scratch-install.sh" "$deb" "$newer"
