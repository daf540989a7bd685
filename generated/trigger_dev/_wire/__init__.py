# Copied by codegen.py from templates/runtime/_wire/__init__.py (sha256 cfc479e47a6bb8f1); edit that file, not this one.
"""Wire and encoding: what an SDK call is on the wire and how values cross it.

The operation description (routes, parameters, how arguments become a request), the
encoders and argument checks the generated tables name, credentials and the JWTs they sign,
idempotency-key hashing, and the JSON decoder. Nothing here does I/O.

May import: the standard library, `trigger_dev._exceptions`, `_constants`, the generated
`_spec`, and its own modules. Never the HTTP pipeline, the client core or a feature.
"""
