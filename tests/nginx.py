"""Run a real nginx on 127.0.0.1 with a site configuration from deploy/ (test helper)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.conftest import require_tool


@contextmanager
def nginx_serving(site: str, tmp: Path, port: int) -> Iterator[str]:
    """Start nginx with ``site`` (a ``server {}`` block listening on ``port``) inside a minimal
    http block whose files all live in ``tmp``; yield its URL once it answers (at most 10 s),
    stop it afterwards."""
    exe = shutil.which("nginx") or require_tool("/usr/sbin/nginx")
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(f"""{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
""")
    proc = subprocess.Popen(
        [exe, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url + "/", timeout=1)
                break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    assert proc.stdout is not None
                    pytest.fail(f"nginx did not start: {proc.stdout.read().decode()}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
