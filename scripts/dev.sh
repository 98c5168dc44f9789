#!/usr/bin/env bash
# 童心 developer entry point.
#   scripts/dev.sh demo   install, migrate an SQLite database, load the demo county, serve http://127.0.0.1:8000
#   scripts/dev.sh test   install what the tests need (incl. Debian's chromium) and run the whole test suite
# Django 6.1 needs Python 3.12 or newer: the first of python3.13, python3.12, python3.14, python3 (or a pyenv
# install of 3.12+) that is new enough is used; set TONGXIN_PYTHON to choose another.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${TONGXIN_VENV:-$ROOT/.venv}

find_python() {
    local candidates=()
    [ -n "${TONGXIN_PYTHON:-}" ] && candidates+=("$TONGXIN_PYTHON")
    candidates+=(python3.13 python3.12 python3.14 python3)
    for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*; do
        [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
    done
    for c in "${candidates[@]}"; do
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            command -v "$c" 2>/dev/null || echo "$c"
            return 0
        fi
    done
    echo "需要 Python 3.12 或更新版本（Django 6.1 的要求），未找到。请安装后设置 TONGXIN_PYTHON。" >&2
    return 1
}

ensure_venv() {
    local extras=$1
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        rm -rf "$VENV"
        "$(find_python)" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$extras"
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

ensure_chromium() {
    [ -n "${TONGXIN_CHROMIUM:-}" ] && return 0
    command -v chromium >/dev/null 2>&1 && return 0
    echo "安装 Debian chromium（端到端测试用）…"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
}

case "${1:-}" in
    demo)
        ensure_venv ""
        export TONGXIN_DEMO_MODE=1
        "$VENV/bin/python" manage.py migrate --noinput -v 0
        "$VENV/bin/python" manage.py load_demo
        "$VENV/bin/python" manage.py collectstatic --noinput -v 0
        echo "童心演示站点：http://127.0.0.1:8000 （按 Ctrl+C 停止）"
        exec "$VENV/bin/python" manage.py runserver --noreload 127.0.0.1:8000
        ;;
    test)
        shift
        ensure_venv "[dev]"
        ensure_chromium
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "用法：scripts/dev.sh demo | test [pytest 参数]" >&2
        exit 2
        ;;
esac
