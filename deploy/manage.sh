#!/bin/sh
# Run a management command with the production environment, as the portal's user:
#   sudo -u danhgia /srv/danhgia/deploy/manage.sh migrate --noinput
# ENV_FILE overrides where the environment file is (default /etc/danhgia/danhgia.env).
set -eu
ENV_FILE=${ENV_FILE:-/etc/danhgia/danhgia.env}
HERE=$(cd "$(dirname "$0")/.." && pwd)
set -a
. "$ENV_FILE"
set +a
cd "$HERE"
exec "$HERE/.venv/bin/python" manage.py "$@"
