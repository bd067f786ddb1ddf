"""SPARQL: query the built dataset or a remote endpoint, serve an endpoint, push to a store.

Modules:
    guard     read-only checks on query text (query form, SERVICE) and the endpoint's limits
    local     the built dataset behind a small interface (a pyoxigraph store, cached on disk)
    results   SPARQL results and graphs as tables, W3C results formats and RDF syntaxes
    remote    a SPARQL 1.1 Protocol client (timeouts, retries, auth from the caller)
    pool      worker processes that run queries and can be killed when they overrun
    endpoint  the SPARQL 1.1 Protocol endpoint as a WSGI app
    publish   push the dataset to a SPARQL 1.1 Graph Store Protocol endpoint
"""

from __future__ import annotations
