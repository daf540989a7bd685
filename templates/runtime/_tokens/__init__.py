# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Tokens a caller hands on: public access tokens for the browser (`public`), signed as
the official SDK signs them.

May import: `_wire` (where JWT signing lives), `_exceptions`, the generated
`_operations`, and its own modules; the client core only for type checking.
"""
