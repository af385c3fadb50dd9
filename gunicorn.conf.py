"""Gunicorn's settings for the web server (gunicorn reads ./gunicorn.conf.py by itself).

A sync worker serves one request at a time and spends CPU on every one of them (Django,
psycopg, and the Postgres backend it waits for on the same machine), so one worker per
core serves the most: on 2 cores, 3 workers served the events page 25 % slower than 2
(docs/benchmarks.md, "API under load"). ``WEB_CONCURRENCY`` sets the number of workers,
``GUNICORN_CMD_ARGS`` any other option; options on the command line win over both.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The cores this process may run on (a container's cpuset, else the machine's).
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
worker_class = "sync"
timeout = 60
# Whose X-Forwarded-* headers gunicorn believes: nobody's unless proxies are trusted, as
# for the throttles' client address (TRUSTED_PROXY_COUNT, conflictkb/client_ip.py). Behind
# proxies, FORWARDED_ALLOW_IPS names them (default: a proxy on this machine).
_trusted_proxies = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or (
    "127.0.0.1,::1" if _trusted_proxies > 0 else "")
