# Copied by codegen.py from templates/runtime/_http/__init__.py (sha256 b5ea8743f91e29ff); edit that file, not this one.
"""The HTTP pipeline below the client core: one request ready to send and one response as
it came back (`messages`), the urllib3 and aiohttp transports that carry one attempt, the
errors of a failed attempt worded once for both (`failures`), the retry policy, the
per-client and per-call request options, what the process environment says about proxies
and CA bundles, the raw response a call returns, and the steps a core written once for
both clients yields (`steps`), with the poll loop built on them (`polling`).

May import: `_wire`, `_exceptions`, `_constants`, `_logging`, the generated `_spec`,
and its own modules. Never the client core, a feature or the generated operation tables.
"""
