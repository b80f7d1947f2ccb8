#!/usr/bin/env bash
# scratch-install.sh PACKAGE.deb NEWER.deb — run by check.sh inside a mount
# namespace of its own (unshare --mount): installs, upgrades, removes and
# purges sotay in a copy-on-write view of this machine's root, as a commune
# admin would following docs/deploy/README.md. Nothing outside the view
# changes but one PostgreSQL database, sotay_debcheck, dropped at the end.
set -euo pipefail
deb=$1
newer=$2
fail() { echo "scratch-install.sh: FAIL: $*" >&2; exit 1; }
ok() { echo "ok: scratch root: $*"; }
db=sotay_debcheck
pg() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -d postgres -qAtc "$1"; }

work=$(mktemp -d)
mount -t tmpfs tmpfs "$work"
mkdir "$work/upper" "$work/work" "$work/root"
if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root" 2>/dev/null; then
	echo "check.sh: no install into a scratch root: overlayfs cannot be mounted here"
	exit 0
fi
r=$work/root
mount --rbind /dev "$r/dev"
mount -t proc proc "$r/proc"
mount -t tmpfs tmpfs "$r/run" # no systemd in there: the scripts skip systemctl
in_root() { chroot "$r" "$@"; }
cp "$deb" "$newer" "$r/root/"
chmod 0700 "$r/root"
pg "DROP DATABASE IF EXISTS $db"
trap 'pg "DROP DATABASE IF EXISTS $db" || true' EXIT

if in_root getent passwd sotay >/dev/null; then
	fail "this machine already has a user sotay: the install would not show that postinst makes it"
fi

# Step 1 of the guide.
in_root dpkg -i "/root/$(basename "$deb")" >/dev/null
[[ $(in_root dpkg-query -W -f '${Status}' sotay) == "install ok installed" ]] || fail "sotay is not installed"
[[ $(in_root sotay --version) == "sotay $(dpkg-deb --field "$deb" Version)" ]] || fail "installed sotay --version says $(in_root sotay --version)"
grep -q ':/nonexistent:/usr/sbin/nologin$' <<<"$(in_root getent passwd sotay)" || fail "user sotay is not a system user without login: $(in_root getent passwd sotay)"
[[ $(in_root stat -c '%U:%G %a' /etc/sotay) == "root:sotay 750" ]] || fail "/etc/sotay is $(in_root stat -c '%U:%G %a' /etc/sotay)"
[[ $(in_root stat -c '%U:%G %a' /etc/sotay/sotay.env) == "root:sotay 640" ]] || fail "/etc/sotay/sotay.env is $(in_root stat -c '%U:%G %a' /etc/sotay/sotay.env)"
for d in /var/backups/sotay /var/lib/sotay; do
	[[ $(in_root stat -c '%U:%G %a' $d) == "sotay:sotay 700" ]] || fail "$d is $(in_root stat -c '%U:%G %a' $d)"
done
ok "dpkg -i made user sotay (nologin), /etc/sotay root:sotay 0750, sotay.env 0640, /var/backups/sotay and /var/lib/sotay sotay 0700"

if in_root sh -c 'command -v systemd-analyze' >/dev/null; then
	units="sotay.service sotay-backup.service sotay-backup.timer sotay-check.service sotay-check.timer"
	out=$(cd "$r/usr/lib/systemd/system" && in_root env SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no $(printf '/usr/lib/systemd/system/%s ' $units) 2>&1) ||
		fail "systemd-analyze verify: $out"
	[[ -z $out ]] || fail "systemd-analyze verify: $out"
	ok "systemd-analyze verify: the 5 units"
fi

# Steps 4 and 5: the settings, the schema, an import from root's home (0700,
# which user sotay cannot read) through standard input, a backup.
sed -i "s|^DATABASE_URL=.*|DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db?sslmode=disable|" "$r/etc/sotay/sotay.env"
printf 'Mã,Tên,Loại,Mã cấp trên\nBINHLU,Đảng bộ xã Bình Lư,Đảng bộ,\nCBNAHIEN,Chi bộ bản Nà Hiên,Chi bộ,BINHLU\n' >"$r/root/to-chuc.csv"
grep -q 'Đã nâng lược đồ' <<<"$(in_root sotay-env migrate)" || fail "sotay-env migrate"
if in_root sh -c 'cd /root && sotay-env import orgs to-chuc.csv' >/dev/null 2>&1; then
	fail "user sotay read a file in root's home: the test of standard input proves nothing"
fi
grep -q 'Tạo mới: 2' <<<"$(in_root sh -c 'cd /root && sotay-env import orgs - < to-chuc.csv')" || fail "sotay-env import orgs - < to-chuc.csv"
grep -q CBNAHIEN <<<"$(in_root sotay-env orgs list)" || fail "sotay-env orgs list after the import"
ok "sotay-env migrate; sotay-env import orgs - < to-chuc.csv from root's 0700 home"
in_root runuser -u sotay -- env "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db?sslmode=disable" BACKUP_DIR=/var/backups/sotay sotay-backup >/dev/null
[[ -L $r/var/backups/sotay/sotay-LATEST.dump && -s $r/var/backups/sotay/sotay-LATEST.dump ]] || fail "sotay-backup left no sotay-LATEST.dump link"
ok "sotay-backup as user sotay wrote a dump and sotay-LATEST.dump"
if in_root sotay-env check --url http://127.0.0.1:1/readyz >/dev/null 2>&1; then
	fail "sotay-env check found a bot where none runs"
fi
grep -q '"failures":1' "$r/var/lib/sotay/check-state.json" || fail "sotay-env check kept no count in /var/lib/sotay"
ok "sotay-env check counted a failure in /var/lib/sotay/check-state.json"

# An upgrade keeps the settings the admin wrote.
echo '# edited by the admin' >>"$r/etc/sotay/sotay.env"
in_root dpkg -i --force-confold "/root/$(basename "$newer")" >/dev/null
want=$(dpkg-deb --field "$newer" Version)
[[ $(in_root dpkg-query -W -f '${Version}' sotay) == "$want" ]] || fail "after the upgrade sotay is $(in_root dpkg-query -W -f '${Version}' sotay)"
cmp -s "$r/usr/bin/sotay" <(dpkg-deb --fsys-tarfile "$newer" | tar -xO ./usr/bin/sotay) || fail "the upgrade left the old /usr/bin/sotay"
grep -q '^# edited by the admin$' "$r/etc/sotay/sotay.env" || fail "the upgrade lost the edited /etc/sotay/sotay.env"
[[ $(in_root stat -c '%U:%G %a' /etc/sotay/sotay.env) == "root:sotay 640" ]] || fail "after the upgrade sotay.env is $(in_root stat -c '%U:%G %a' /etc/sotay/sotay.env)"
ok "upgrade to $want kept the edited /etc/sotay/sotay.env (root:sotay 0640)"

# Remove keeps the settings, the user and the data; purge removes the
# settings and the user, never the data.
in_root dpkg -r sotay >/dev/null
[[ ! -e $r/usr/bin/sotay ]] || fail "dpkg -r left /usr/bin/sotay"
grep -q '^# edited by the admin$' "$r/etc/sotay/sotay.env" || fail "dpkg -r removed /etc/sotay/sotay.env"
in_root getent passwd sotay >/dev/null || fail "dpkg -r removed the user sotay"
ok "dpkg -r removed the program, kept /etc/sotay/sotay.env and the user"
in_root dpkg -P sotay >/dev/null
[[ ! -e $r/etc/sotay && ! -e $r/var/lib/sotay ]] || fail "dpkg -P left /etc/sotay or /var/lib/sotay"
! in_root getent passwd sotay >/dev/null || fail "dpkg -P left the user sotay"
! in_root getent group sotay >/dev/null || fail "dpkg -P left the group sotay"
[[ -s $r/var/backups/sotay/sotay-LATEST.dump && $(in_root stat -c %U /var/backups/sotay) == root ]] || fail "dpkg -P removed the dumps, or left them to a user that is gone"
[[ $(pg "SELECT count(*) FROM pg_database WHERE datname = '$db'") == 1 ]] || fail "the database is gone after purge"
ok "dpkg -P removed /etc/sotay, the user and group sotay; the dumps (now root's) and the database stay"
