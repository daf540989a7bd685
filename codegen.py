#!/usr/bin/env python3
"""Generate the `trigger_dev` package from `openapi/trigger.yaml` with the templates in
`templates/`.

The pipeline, one module of `generator/` per stage: load and resolve the document (with
openapi-python-client's parser, pinned in pyproject.toml, beside the raw mapping for vendor
extensions and security), map property types, build the operations and the models, gather
them in a typed context, render the templates, copy the runtime modules of
`templates/runtime/`, and write only what changed into `generated/`.

    python codegen.py generate        write generated/ and the README's credential table
    python codegen.py check           fail when generated/ or the README is not what the spec gives
    python codegen.py matrix          print the credential matrix (Markdown)

What a spec change does to users is `python tools/spec_diff.py` (make diff).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from generator.context import build_context
from generator.readme import credential_matrix, update_readme
from generator.render import hand_edited_copies
from generator.spec import OUTPUT, PACKAGE, README, Document, GenerationError
from generator.write import differences, generate_into, sync_tree


def command_generate(_: argparse.Namespace) -> int:
    edited = hand_edited_copies(OUTPUT / PACKAGE)
    if edited:
        raise GenerationError(
            "these runtime modules were edited in generated/, where the next generation would "
            "overwrite them; make the change in templates/runtime/ instead (or delete the copy):\n  "
            + "\n  ".join(edited)
        )
    with tempfile.TemporaryDirectory() as temporary:
        fresh = Path(temporary)
        blocks = generate_into(fresh)
        changed = sync_tree(fresh, OUTPUT)
    readme = README.read_text(encoding="utf-8")
    updated = update_readme(readme, blocks)
    if updated != readme:
        README.write_text(updated, encoding="utf-8")
        changed.append("updated README.md (credential matrix, server versions)")
    print("\n".join(changed) if changed else "generated/ is up to date")
    return 0


def command_check(_: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as temporary:
        fresh = Path(temporary)
        blocks = generate_into(fresh)
        problems = differences(fresh, OUTPUT)
    problems += [f"{path}: edited by hand" for path in hand_edited_copies(OUTPUT / PACKAGE)]
    readme = README.read_text(encoding="utf-8")
    if update_readme(readme, blocks) != readme:
        problems.append("README.md: the credential matrix or the server-versions table differs from the spec")
    if problems:
        print("generated/ does not match openapi/ + templates/; run `make generate`:\n", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("generated/ matches the spec and templates")
    return 0


def command_matrix(_: argparse.Namespace) -> int:
    print(credential_matrix(build_context(Document.load())))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("generate", help="write generated/ from the spec").set_defaults(run=command_generate)
    commands.add_parser("check", help="fail when generated/ is stale").set_defaults(run=command_check)
    commands.add_parser("matrix", help="print the credential matrix").set_defaults(run=command_matrix)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.run(args)) if args.command else command_generate(args)
    except GenerationError as exc:
        print(f"codegen: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
