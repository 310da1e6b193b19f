"""gunicorn's configuration: `gunicorn -c config/gunicorn.py` (docs/deploy.md).

Every value can be set from the environment, so one file serves every deployment.
"""

import multiprocessing
import os

from config import proxy

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each request holds one, and the slow ones (a draft board paper's PDF, about
# a second) are bounded. Two per core and one more is gunicorn's advice for this mix.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Above the database's statement timeout (DB_STATEMENT_TIMEOUT_MS, 15 s), so a slow query
# ends in our "service is busy" page before gunicorn kills the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A fresh worker now and then keeps memory bounded (WeasyPrint's caches grow per process).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "500"))
max_requests_jitter = 50

# The TLS proxy sets X-Forwarded-Proto; only trust it from the proxy's own address, the
# same list Django reads for the client's address (config/proxy.py).
forwarded_allow_ips = ",".join(proxy.FORWARDED_ALLOW_IPS)

# The access log is Django's request line (core.middleware.RequestLog): one JSON line per
# request with its id, route, status and time. gunicorn's own would repeat it with the raw
# path, which can hold an invitation's single-use token. Set GUNICORN_ACCESS_LOG=- for it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '"%(m)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
