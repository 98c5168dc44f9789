#!/usr/bin/env bash
# 童心 developer entry point.
#   scripts/dev.sh demo   install, migrate an SQLite database, load the demo county, serve http://127.0.0.1:8000
#                         with the custody alert scan every 60 s beside it (TONGXIN_SCAN_EVERY=seconds)
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
    # Debian's chromium for the browser tests, and a CJK font so that screenshots show Chinese, not boxes.
    local missing=()
    [ -z "${TONGXIN_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && missing+=(chromium)
    [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "安装 ${missing[*]}（端到端测试用）…"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_pdf_libs() {
    # WeasyPrint (the PDF documents, e.g. the 控辍保学 written report) lays text out with Debian's pango and
    # harfbuzz; fonts-noto-cjk gives it Chinese.
    local missing=()
    for lib in libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0 \
               libharfbuzz-subset0:libharfbuzz-subset.so.0; do
        ldconfig -p 2>/dev/null | grep -q "${lib#*:}" || missing+=("${lib%%:*}")
    done
    [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "安装 ${missing[*]}（生成 PDF 用）…"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The demo runs with DEBUG off, as production does (Chinese error pages, no tracebacks with personal data), so it
# needs real keys: made once with the system's random source into var/demo-keys.env (var/ is ignored by git) and
# kept, so the demo database stays readable across restarts. A database left by an older demo that used the
# public development key cannot be read with them: it is moved aside and the demo county built anew.
ensure_demo_keys() {
    local keys="$ROOT/var/demo-keys.env" db="$ROOT/var/tongxin.sqlite3"
    [ -n "${TONGXIN_SECRET_KEY:-}" ] && return 0  # the deployer brought keys of their own
    mkdir -p "$ROOT/var"
    if [ ! -s "$keys" ]; then
        if [ -e "$db" ] && [ -z "${DATABASE_URL:-}" ]; then
            echo "旧的演示数据库使用公开的开发密钥加密，已移到 var/tongxin.sqlite3.old，将重新生成演示县。"
            for f in "$db" "$db-wal" "$db-shm"; do [ -e "$f" ] && mv -f "$f" "${f/tongxin.sqlite3/tongxin.sqlite3.old}"; done
        fi
        (umask 077; "$VENV/bin/python" - >"$keys.tmp" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"TONGXIN_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"TONGXIN_FIELD_KEYS={Fernet.generate_key().decode()}")
print(f"TONGXIN_HASH_KEY={secrets.token_urlsafe(32)}")
PY
        ) && mv "$keys.tmp" "$keys"
        echo "已生成演示站点的随机密钥：var/demo-keys.env（请勿提交或外传）。"
    fi
    set -a
    # shellcheck source=/dev/null
    . "$keys"
    set +a
}

case "${1:-}" in
    demo)
        ensure_venv ""
        ensure_pdf_libs || echo "未能安装 PDF 所需的系统库：书面报告（PDF）将无法生成。" >&2
        ensure_demo_keys
        export TONGXIN_DEMO_MODE=1
        "$VENV/bin/python" manage.py migrate --noinput -v 0
        "$VENV/bin/python" manage.py load_demo
        "$VENV/bin/python" manage.py collectstatic --noinput -v 0
        echo "童心演示站点：http://127.0.0.1:8000 （按 Ctrl+C 停止）"
        # Alerts (missing child, late pickup, health checks) are raised by a background scan, never by a page:
        # the scan loop runs beside the server and stops with it.
        "$VENV/bin/python" manage.py custody_scan --every "${TONGXIN_SCAN_EVERY:-60}" &
        scan=$!
        # Mandatory reports nobody acknowledged in time go up a level: checked every minute the same way.
        "$VENV/bin/python" manage.py care_scan --every "${TONGXIN_SCAN_EVERY:-60}" &
        care_scan=$!
        "$VENV/bin/python" manage.py runserver --noreload 127.0.0.1:8000 &
        server=$!
        trap 'kill "$scan" "$care_scan" "$server" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        wait "$server"
        ;;
    test)
        shift
        ensure_venv "[dev]"
        ensure_chromium
        ensure_pdf_libs
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "用法：scripts/dev.sh demo | test [pytest 参数]" >&2
        exit 2
        ;;
esac
