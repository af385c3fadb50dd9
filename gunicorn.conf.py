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
