"""The HTTP server of ``hrd-lod serve``: prefork workers, each an event loop with query threads.

Why not a WSGI server: measured with ``hey`` (50 clients) over 167,532 quads, waitress with the
Werkzeug endpoint answered a lookup 26-42 times slower than Oxigraph's own server, and granian
in front of the same WSGI app still 2.2-2.7 times slower; what cost the time was the Python
HTTP stack and the trip of every query to a separate process, not the engine. So here:

- The supervisor (the process that runs ``hrd-lod serve``) binds the port (a taken port is a
  :class:`~hrd_lod.errors.RemoteError`, exit 3), then forks ``workers`` processes that share it.
- Each worker parses HTTP with httptools on a uvloop event loop, opens its own read-only view
  of the on-disk store, and evaluates each query on one of ``threads`` threads (pyoxigraph
  releases the GIL while it evaluates and serialises), so a slow query never blocks the loop
  and light queries keep being answered beside it.
- A query past its time limit gets 504 at once; its thread cannot be stopped, so its worker
  stops accepting, tells the supervisor (which forks a replacement at once), finishes the
  requests it holds and exits, taking the runaway with it. It closes a connection only after
  an answer that said ``Connection: close``, or by the idle timer: never one whose client was
  told keep-alive and may be sending its next request. At most ``workers`` such draining
  workers are kept; beyond that the oldest is killed.
- ``/sparql`` is answered here through :mod:`hrd_lod.sparql.protocol`; every other path goes
  to the linked-data WSGI app (on the same threads).
- Connection limits: a request's head must arrive within ``idle_timeout_s`` (slow-loris), its
  head may not pass ``header_bytes`` (431) nor its body ``body_bytes`` (413).
"""

from __future__ import annotations

from .config import Busy, ServerLimits, Site, WSGIApp
from .supervisor import Supervisor, bind, serve
from .worker import Worker

__all__ = ["Busy", "ServerLimits", "Site", "Supervisor", "WSGIApp", "Worker", "bind", "serve"]
