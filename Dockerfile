# 童心 production image: the web server, a task worker or the scheduler, by command (compose.yaml runs all three).
FROM python:3.13-slim-bookworm

# WeasyPrint (the PDF documents) lays text out with Debian's pango and harfbuzz; fonts-noto-cjk gives it Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TONGXIN_TASK_BACKEND=database XDG_CACHE_HOME=/tmp/cache
WORKDIR /app
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin tongxin

COPY pyproject.toml README.md manage.py ./
COPY tongxin ./tongxin
# Installed in place (editable), so that manage.py, gunicorn and the static files all use /app/tongxin. The static
# files are collected here, with a throwaway key and no database: settings need both to load, collectstatic neither.
RUN pip install -e ".[prod]" \
    && TONGXIN_SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
       python manage.py collectstatic --noinput -v 0

USER tongxin
EXPOSE 8000
# One process per container; --worker-tmp-dir: gunicorn's heartbeat files in memory, not on the overlay disk.
CMD ["gunicorn", "tongxin.wsgi:application", "--workers", "2", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", \
     "--graceful-timeout", "20", "--log-level", "warning"]
