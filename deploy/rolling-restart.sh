#!/bin/sh
# Restart Gonggu's processes on this machine one at a time, without downtime: the last step
# of an upgrade (README "Deploying" -> "Upgrading"), after `manage.py migrate` and
# `collectstatic`. As root:
#     deploy/rolling-restart.sh            # every active gonggu-web@PORT, then the rest
#     deploy/rolling-restart.sh 8001 8002  # these web ports only, then the rest
#
# Each web process is drained first: marked `down` in the nginx site and nginx reloaded
# (gracefully: requests in flight finish), so new requests go to the other processes, and
# DRAIN seconds are left for what it is answering; daphne drops whatever is in flight on
# SIGTERM, and nginx cannot pass a cut-off POST to another process (it may have been done),
# so it would answer 502. Then it is restarted (its WebSockets and SSE streams drop and
# reconnect through nginx to another process), must answer 200 on its own /readyz, and goes
# back into the site. Then the dispatcher, the workers and beat (beat only where it is
# enabled: one machine). deploy/local.py does the same on SIGHUP (tests/test_rolling_restart.py).
set -eu

SITE=${SITE:-/etc/nginx/sites-available/gonggu}   # rendered by deploy/nginx_site.py
READY_TIMEOUT=${READY_TIMEOUT:-120}   # seconds a web process may take to be ready
DRAIN=${DRAIN:-3}                     # seconds for the requests a drained process answers
ENV_FILE=${ENV_FILE:-/etc/gonggu/gonggu.env}
# /readyz answers only for a Host the site serves: the first of DJANGO_ALLOWED_HOSTS
# (it is exempt from the HTTPS redirect, so plain HTTP to the process's port works).
HOST=${HOST:-$(sed -n 's/^DJANGO_ALLOWED_HOSTS=\([^,]*\).*/\1/p' "$ENV_FILE" | tr -d "\"' ")}

if [ "$#" -gt 0 ]; then
    ports="$*"
else
    ports=$(systemctl list-units --plain --no-legend --state=active 'gonggu-web@*.service' \
        | sed -n 's/^gonggu-web@\([0-9]*\)\.service.*/\1/p')
fi
if [ -z "$ports" ]; then
    echo "rolling-restart: no active gonggu-web@PORT units" >&2
    exit 1
fi

# The site's upstream line of one web process ("server 127.0.0.1:8001 max_fails=...")
# marked down, or back.
mark() {  # mark PORT down|up
    if [ "$2" = down ]; then
        sed -i "s/^\(\s*server [^ ]*:$1\) max_fails/\1 down max_fails/" "$SITE"
    else
        sed -i "s/^\(\s*server [^ ]*:$1\) down max_fails/\1 max_fails/" "$SITE"
    fi
    nginx -t -q && systemctl reload nginx
}
trap 'for p in $ports; do mark "$p" up || true; done' EXIT

for port in $ports; do
    echo "rolling-restart: gonggu-web@$port"
    grep -q "server [^ ]*:$port max_fails" "$SITE" || {
        echo "rolling-restart: port $port is not in $SITE" >&2
        exit 1
    }
    mark "$port" down
    sleep "$DRAIN"
    systemctl restart "gonggu-web@$port"
    waited=0
    until curl -fsS -o /dev/null --max-time 5 -H "Host: $HOST" "http://127.0.0.1:$port/readyz"; do
        waited=$((waited + 1))
        if [ "$waited" -ge "$READY_TIMEOUT" ]; then
            echo "rolling-restart: gonggu-web@$port is not ready after ${READY_TIMEOUT} s;" \
                "stopping here (the other web processes still serve)" >&2
            systemctl status --no-pager "gonggu-web@$port" >&2 || true
            exit 1
        fi
        sleep 1
    done
    mark "$port" up
done
trap - EXIT

for unit in gonggu-dispatcher.service $(systemctl list-units --plain --no-legend --state=active \
        'gonggu-worker@*.service' | awk '{print $1}') gonggu-beat.service; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then
        echo "rolling-restart: $unit"
        systemctl restart "$unit"
    fi
done
echo "rolling-restart: done"
