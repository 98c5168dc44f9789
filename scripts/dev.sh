#!/usr/bin/env bash
# 童心 developer entry point.
#   scripts/dev.sh demo   install, migrate an SQLite database, load the demo county, serve http://127.0.0.1:8000
#                         with the scheduler (`manage.py schedule`: alert scans, report escalation…) beside it,
#                         running each task inline (TONGXIN_SCHEDULE_SCALE=0.5 halves every period)
#   scripts/dev.sh test   install what the tests need (incl. Debian's chromium) and run the whole test suite
#   scripts/dev.sh prod   production on one machine with PostgreSQL (README 「生产部署」): DATABASE_URL and the keys
#                         from the environment; install .[prod], migrate, collectstatic, then run gunicorn
#                         (TONGXIN_WEB_PROCESSES, default one per core, on TONGXIN_BIND, default 127.0.0.1:8000),
#                         TONGXIN_TASK_WORKERS task workers (default 2) and the scheduler, and supervise them: if one
#                         exits, all are stopped and the script exits non-zero (let systemd or the like restart it);
#                         Ctrl+C or SIGTERM stops all (each gets TONGXIN_STOP_SECONDS, default 30, to finish).
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
    # Installed once per pyproject.toml and set of extras: a restart (production's above all) needs no registry.
    local stamp="$VENV/.tongxin-installed$extras" want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".$extras"
    echo "$want" >"$stamp"
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

# Production refuses to start on anything a demo may fall back to: SQLite, keys derived from the secret key, DEBUG.
require_prod_env() {
    local missing=() url=${DATABASE_URL:-}
    if [ -z "$url" ]; then
        echo "scripts/dev.sh prod 需要 PostgreSQL：请设置 DATABASE_URL，例如 postgres://tongxin:密码@127.0.0.1:5432/tongxin" >&2
        echo "（只想看看演示站点，请用 scripts/dev.sh demo，它使用 SQLite。）" >&2
        exit 2
    fi
    case "$url" in
        postgres://*|postgresql://*) ;;
        *) echo "DATABASE_URL 必须指向 PostgreSQL（postgres://…）：生产环境不使用 SQLite。" >&2; exit 2 ;;
    esac
    for name in TONGXIN_SECRET_KEY TONGXIN_FIELD_KEYS TONGXIN_HASH_KEY; do
        [ -n "${!name:-}" ] || missing+=("$name")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "缺少密钥：${missing[*]}。生产环境的密钥须由部署者设置并保存在数据库备份之外（见 README「生产部署」），例如：" >&2
        echo "  TONGXIN_SECRET_KEY=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" >&2
        echo "  TONGXIN_FIELD_KEYS=\$(python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" >&2
        echo "  TONGXIN_HASH_KEY=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >&2
        exit 2
    fi
    case "${TONGXIN_DEBUG:-}" in
        1|true|yes|on) echo "生产环境不能开启调试（TONGXIN_DEBUG=${TONGXIN_DEBUG}）：请取消该变量。" >&2; exit 2 ;;
    esac
    case "${TONGXIN_TASK_BACKEND:-database}" in
        database) ;;
        *) echo "scripts/dev.sh prod 的任务由独立的 db_worker 进程执行，须使用数据库任务后端（TONGXIN_TASK_BACKEND=database 或不设置）。" >&2; exit 2 ;;
    esac
}

# The production processes, each in a session of its own (a Ctrl+C in the terminal reaches this script alone, which
# then stops each process once, in order), supervised: the first one to exit, for whatever reason, stops the rest.
PROD_PIDS=()
PROD_NAMES=()

start_prod() {
    local name=$1
    shift
    setsid "$@" &
    PROD_PIDS+=("$!")
    PROD_NAMES+=("$name")
    echo "已启动 $name（pid $!）"
}

stop_prod() {
    local pid deadline=$((SECONDS + ${TONGXIN_STOP_SECONDS:-30}))
    trap '' INT TERM
    for pid in "${PROD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PROD_PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "pid $pid 未在 ${TONGXIN_STOP_SECONDS:-30} 秒内停止，强制结束" >&2
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    wait 2>/dev/null || true
    echo "已全部停止"
}

run_prod() {
    local bind=${TONGXIN_BIND:-127.0.0.1:8000} web=${TONGXIN_WEB_PROCESSES:-$(nproc 2>/dev/null || echo 2)}
    local workers=${TONGXIN_TASK_WORKERS:-2} i died rc
    trap 'echo "收到 Ctrl+C，正在停止…"; stop_prod; exit 130' INT
    trap 'echo "收到 SIGTERM，正在停止…"; stop_prod; exit 143' TERM
    # gunicorn (sync workers): README 「生产部署」 says why it and not granian.
    start_prod "网站 gunicorn ×$web" "$VENV/bin/gunicorn" tongxin.wsgi:application --workers "$web" --bind "$bind" \
        --graceful-timeout 20 --log-level warning
    for i in $(seq 1 "$workers"); do
        start_prod "任务进程 $i" "$VENV/bin/python" manage.py db_worker --no-reload --worker-id "${HOSTNAME:-tongxin}-$$-$i"
    done
    start_prod "调度" "$VENV/bin/python" manage.py schedule
    echo "童心生产服务：http://$bind （Ctrl+C 或 SIGTERM 停止）"
    set +e
    wait -n -p died "${PROD_PIDS[@]}"
    rc=$?
    set -e
    for i in "${!PROD_PIDS[@]}"; do
        [ "${PROD_PIDS[$i]}" = "$died" ] && echo "${PROD_NAMES[$i]}（pid $died）已退出（退出码 $rc），停止其余进程" >&2
    done
    stop_prod
    exit $((rc == 0 ? 1 : rc))
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
        # Alerts (missing child, late pickup, health checks), overdue mandatory reports and the other periodic
        # work are enqueued by the scheduler (tongxin/web/schedule.py), never by a page; on the demo's immediate
        # task backend each task runs inline in the scheduler's process, which runs beside the server and stops
        # with it.
        "$VENV/bin/python" manage.py schedule &
        scheduler=$!
        "$VENV/bin/python" manage.py runserver --noreload 127.0.0.1:8000 &
        server=$!
        trap 'kill "$scheduler" "$server" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
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
    prod)
        require_prod_env
        ensure_venv "[prod]"
        ensure_pdf_libs || echo "未能安装 PDF 所需的系统库：书面报告（PDF）将无法生成。" >&2
        export TONGXIN_TASK_BACKEND=database TONGXIN_DB_CONN_MAX_AGE="${TONGXIN_DB_CONN_MAX_AGE:-60}"
        "$VENV/bin/python" manage.py migrate --noinput -v 0
        "$VENV/bin/python" manage.py collectstatic --noinput -v 0
        run_prod
        ;;
    *)
        echo "用法：scripts/dev.sh demo | test [pytest 参数] | prod" >&2
        exit 2
        ;;
esac
