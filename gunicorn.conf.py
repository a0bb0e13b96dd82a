"""The production web server's configuration; `gunicorn servicedesk.wsgi:application` reads it from the
working directory (the repository root). Every setting can be overridden from the environment (WEB_*),
so one file serves the demo (`make run`), the benchmark (`make bench`) and production.

Why these values (issue 16, a 2-core machine with PostgreSQL on the same box):
- `gthread` workers: the stock `sync` worker closes the client connection after every request, so a
  till paid a TCP (and, behind a proxy, upstream) reconnect per receipt; a threaded worker keeps the
  connection alive (the issue's profile: +20%) and its threads overlap one request's database wait with
  another's Python. Database connections stay open too (`DB_CONN_MAX_AGE`, one per thread).
- 2 × cores workers × 2 threads: the feed is CPU-bound Python with a database round trip per statement,
  so a few more processes than cores keep both cores busy while some requests wait on PostgreSQL;
  more only adds switching and connections. Measure on the production hardware with `make bench`
  (WEB_WORKERS / WEB_THREADS) before changing them.
- graceful timeouts and max-requests: a deploy (SIGHUP / restart) lets a 500-receipt batch finish; a
  worker is replaced after some 50,000 requests (with jitter, so they do not all restart together),
  which bounds any slow memory growth without visible downtime. At 5,000 a worker restarted every
  minute under a busy feed (4 workers at 300 receipts/s), each time paying its start-up and a cold
  token and policy cache in the middle of the till traffic (seen in the benchmark).
- keep-alive: each till stays on the worker that accepted its connection. Two busy tills on one worker
  share that process's one core (the GIL): the benchmark prints how many workers served its two clients.
- post_worker_init: each worker loads every view, then freezes what it loaded out of the garbage
  collector's walks and collects less often (servicedesk/runtime.py; WEB_GC_THRESHOLD).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("WEB_BIND", "127.0.0.1:8001")
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
workers = _int("WEB_WORKERS", 2 * multiprocessing.cpu_count())
threads = _int("WEB_THREADS", 2)
keepalive = _int("WEB_KEEPALIVE", 75)  # seconds an idle till connection is kept (above nginx's 60 s default)
timeout = _int("WEB_TIMEOUT", 60)  # a worker silent this long is restarted (a 500-receipt batch takes < 2 s)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)  # requests in flight may finish on restart
max_requests = _int("WEB_MAX_REQUESTS", 50000)
max_requests_jitter = _int("WEB_MAX_REQUESTS_JITTER", 5000)
backlog = _int("WEB_BACKLOG", 2048)
# Behind nginx on the same machine: trust its X-Forwarded-* headers (settings.SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("WEB_ACCESS_LOG") or None  # nginx keeps the access log; "-" for stdout
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
reload = os.environ.get("WEB_RELOAD", "0") == "1"  # development only (make run)
proc_name = "servicedesk-web"


def post_worker_init(worker):
    """The worker has loaded the site: freeze it out of the garbage collector's walks (servicedesk/runtime.py)."""
    from servicedesk.runtime import settle_process

    settle_process()
