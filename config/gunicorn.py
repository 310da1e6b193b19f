"""gunicorn's configuration: `gunicorn -c config/gunicorn.py` (docs/deploy.md).

Every value can be set from the environment, so one file serves every deployment.
"""

import os

from config import proxy

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# One process per core, each with four threads (decision 0045, measured by
# bench/capacity.py): a thread waiting on PostgreSQL or on a sign-in's password hash no
# longer holds a whole process, so a burst of sign-ins does not queue every other request
# behind it, and connections are kept alive between a browser's requests. Django keeps one
# database connection per thread: workers × threads per app server. "A core" is one this
# process may run on (a container's or taskset's share, not every core of the host); a
# limit set by CPU time rather than by cores is not seen: set WEB_CONCURRENCY there.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", _cores))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# gunicorn runs any worker given more than one thread as gthread: sync means one.
threads = int(os.environ.get("GUNICORN_THREADS", "1" if worker_class == "sync" else "4"))
# With threads, this watches the process, not a request: a process that stops answering
# gunicorn for this long is replaced, but one slow request only holds its own thread. A
# slow query is ended by the database's statement timeout (DB_STATEMENT_TIMEOUT_MS, 15 s),
# in our "service is busy" page; a slow request of any other kind (a very long draft
# paper's PDF) runs to its end, and the proxy's read timeout bounds what the browser waits.
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
