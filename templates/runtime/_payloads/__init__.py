# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Payloads and outputs too large to travel inline: which ones go to object storage and how
packets are encoded and decoded (`packets`, no I/O), and the uploads and downloads the
call pipeline runs for them (`transfers`, written once as steps).

May import: `_http`, `_wire`, the leaves (`_exceptions`, `_json`, `_logging`), the
generated `_operations`, and its own modules; the client core only for type checking.
"""
