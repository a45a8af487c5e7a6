#!/bin/sh
# Back up Gonggu's PostgreSQL database: one pg_dump in the custom format (-Fc: compressed,
# restorable table by table and in parallel with pg_restore), written under a temporary name
# and renamed once complete and readable, so a crash never leaves a half file that looks
# like a backup. Dumps older than BACKUP_KEEP_DAYS are deleted. Run nightly by
# gonggu-backup.timer (as the app's user, with /etc/gonggu/gonggu.env); by hand:
#     sudo -u gonggu sh -c 'set -a; . /etc/gonggu/gonggu.env; set +a; deploy/backup.sh'
# Restore: README "Deploying" -> "Backups". pg_dump must be the server's major version or
# newer (Debian 12: both 15).
set -eu

: "${DATABASE_URL:?DATABASE_URL is not set (the environment file)}"
DIR=${BACKUP_DIR:-/var/backups/gonggu}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}

umask 077  # a dump holds every resident's data: readable by its owner only
mkdir -p "$DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$DIR/gonggu-$stamp.dump"
partial="$DIR/.gonggu-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

# One consistent snapshot (a single transaction); the running site is not blocked.
pg_dump --format=custom --compress=6 --file="$partial" "$DATABASE_URL"
# The archive's table of contents reads back: the file is a complete dump.
pg_restore --list "$partial" > /dev/null
mv "$partial" "$final"
trap - EXIT
echo "backup: $final ($(du -h "$final" | cut -f1))"

find "$DIR" -maxdepth 1 -name 'gonggu-*.dump' -type f -mtime +"$KEEP_DAYS" -print -delete
