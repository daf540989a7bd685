# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Wire and encoding: what an SDK call is on the wire and how values cross it.

The operation description (routes, parameters, how arguments become a request), the
encoders and argument checks the generated tables name, credentials and the JWTs they sign,
and idempotency-key hashing. Nothing here does I/O.

May import: the standard library, the package's leaves (`_exceptions`, `_json`,
`_constants`, the generated `_spec`) and its own modules; never the HTTP pipeline, the
client core or a feature.
"""
