# Copied by codegen.py from templates/runtime/_payloads/__init__.py (sha256 00e466e3e4763a1b); edit that file, not this one.
"""Payloads and outputs too large to travel inline: which ones go to object storage and how
packets are encoded and decoded (`packets`, no I/O), and the uploads and downloads the
call pipeline runs for them (`transfers`, written once as steps).

May import: `_http`, `_wire`, the leaves (`_exceptions`, `_json`, `_logging`), the
generated `_operations`, and its own modules; the client core only for type checking.
"""
