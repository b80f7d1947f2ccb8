#!/bin/sh
# sotay-restore.sh DUMP TARGET_DATABASE_URL — restore a sotay-backup.sh dump
# into an EMPTY database, then let sotay check it.
#   1. pg_restore in one transaction: it stops at the first error and leaves
#      the target empty rather than half restored;
#   2. `sotay migrate` brings the schema up to this binary (an older dump
#      from before an upgrade is upgraded; a dump NEWER than this binary is
#      refused, in Vietnamese, and sotay will not start on it);
#   3. `sotay orgs list` reads the organisation tree back as a smoke test.
# SOTAY is the sotay binary (default: sotay on PATH).
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 DUMP TARGET_DATABASE_URL" >&2
	exit 2
fi
dump=$1
target=$2
SOTAY=${SOTAY:-sotay}
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
	--dbname="$target" "$dump"
"$SOTAY" migrate --database-url "$target"
"$SOTAY" orgs list --database-url "$target"
