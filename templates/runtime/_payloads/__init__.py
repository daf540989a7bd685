# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Payloads and outputs too large to travel inline: which ones go to object storage, how
packets are encoded and decoded, and the uploads and downloads the client core runs for
them.

May import: `_http`, `_wire`, `_exceptions`, `_logging`, the generated `_operations`,
and its own modules; the client core only for type checking (it is handed in).
"""
