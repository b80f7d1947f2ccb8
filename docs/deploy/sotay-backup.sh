#!/bin/sh
# sotay-backup (sotay-backup.sh in the source) — one dump of the sotay
# database, kept KEEP_DAYS days. Run daily by sotay-backup.timer; one now:
#   sudo systemctl start sotay-backup.service
#   DATABASE_URL  the database to dump (from /etc/sotay/sotay.env)
#   BACKUP_DIR    where dumps go (default /var/backups/sotay)
#   KEEP_DAYS     how many days of dumps to keep (default 14)
# A dump is written under a temporary name and renamed only when pg_dump
# succeeded, so a file named sotay-*.dump is always complete; then the link
# sotay-LATEST.dump is turned to it (a new link renamed over the old one, so
# the name always leads to a whole dump).
set -eu
: "${DATABASE_URL:?DATABASE_URL is not set}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/sotay}
KEEP_DAYS=${KEEP_DAYS:-14}
umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$BACKUP_DIR/sotay-$stamp.dump"
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
	--dbname="$DATABASE_URL" --file="$out.part"
mv "$out.part" "$out"
ln -sfn "sotay-$stamp.dump" "$BACKUP_DIR/.sotay-LATEST.dump.new"
mv -T "$BACKUP_DIR/.sotay-LATEST.dump.new" "$BACKUP_DIR/sotay-LATEST.dump"
# Old dumps go only after a new one is safely there.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'sotay-*.dump' -mtime +"$KEEP_DAYS" -delete
find "$BACKUP_DIR" -maxdepth 1 -name 'sotay-*.dump.part' -mmin +600 -delete
echo "backup written: $out ($(wc -c <"$out") bytes)"
