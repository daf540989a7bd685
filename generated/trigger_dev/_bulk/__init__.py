# Copied by codegen.py from templates/runtime/_bulk/__init__.py (sha256 19b935f67573ec36); edit that file, not this one.
"""Bulk work: the two-phase batch API (`batch`: create a batch, stream its items) and
`batches.trigger_many` (`trigger_many`: any number of items as many batches as it takes,
paced and retried as one step generator with a sync and an async driver).

May import: `_http`, `_wire`, `_exceptions`, the generated `_operations`, `_spec`,
`models` and `types`, and its own modules; the client core only for type checking.
"""
