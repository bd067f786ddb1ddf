"""Serving a built dataset over HTTP: the linked-data WSGI app (content negotiation)."""

from __future__ import annotations

from .app import LinkedDataApp

__all__ = ["LinkedDataApp"]
