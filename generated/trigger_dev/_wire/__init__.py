# Copied by codegen.py from templates/runtime/_wire/__init__.py (sha256 951b2d0887f9dbe5); edit that file, not this one.
"""Wire and encoding: what an SDK call is on the wire and how values cross it.

The operation description (routes, parameters, how arguments become a request), the
encoders and argument checks the generated tables name, credentials and the JWTs they sign,
and idempotency-key hashing. Nothing here does I/O.

May import: the standard library, the package's leaves (`_exceptions`, `_json`,
`_constants`, the generated `_spec`) and its own modules; never the HTTP pipeline, the
client core or a feature.
"""
