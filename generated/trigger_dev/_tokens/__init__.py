# Copied by codegen.py from templates/runtime/_tokens/__init__.py (sha256 789395a2a1141b08); edit that file, not this one.
"""Tokens a caller hands on: public access tokens for the browser (`public`), signed as
the official SDK signs them.

May import: `_wire` (where JWT signing lives), `_exceptions`, the generated
`_operations`, and its own modules; the client core only for type checking.
"""
