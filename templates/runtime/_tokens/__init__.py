# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Public access tokens: minted for a browser or another service (`public`, the methods of
`auth`), and read from the headers of an answer that carries one, or signed in its place
(`from_headers`, run by the call pipeline). Both sign as the official SDK signs.

May import: `_http`, `_wire` (where JWT signing lives), the leaves (`_exceptions`,
`_json`), the generated `_operations`, and its own modules; the client core only for
type checking (it is handed in).
"""
