# Copied by codegen.py from templates/runtime/_payloads/__init__.py (sha256 cc725d1ca20b2492); edit that file, not this one.
"""Payloads and outputs too large to travel inline: which ones go to object storage, how
packets are encoded and decoded, and the uploads and downloads the client core runs for
them.

May import: `_http`, `_wire`, `_exceptions`, `_logging`, the generated `_operations`,
and its own modules; the client core only for type checking (it is handed in).
"""
