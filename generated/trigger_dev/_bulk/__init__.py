# Copied by codegen.py from templates/runtime/_bulk/__init__.py (sha256 9b14cad9c686b82f); edit that file, not this one.
"""Bulk work: the two-phase batch API (`batch`: create a batch, stream its items until the
server seals it) and `batches.trigger_many` (`trigger_many`: any number of items as many
batches as it takes, paced and retried), and `bulk_actions.poll` (`actions`: wait for a bulk
action to finish). Each batch is one core written as steps
(`_http.steps`) that the sync and the async client both carry out.

May import: `_http`, `_wire`, the leaves, the generated `_operations`, `_spec`,
`models` and `types`, and its own modules; the client core only for type checking.
"""
