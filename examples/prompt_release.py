"""Release a new version of a prompt: look at what it resolves to now, then promote a version.

Prompts are defined in task code (``prompts.define``); each deploy that changes one adds a
version. This script prints what the prompt resolves to with sample variables, lists its
versions, and promotes the one given on the command line (default: the newest) so tasks
resolving the prompt get it from now on.

    python examples/prompt_release.py support-reply [VERSION]
"""

from __future__ import annotations

import sys

import trigger_dev


def main(slug: str, version: int | None) -> None:
    resolved = trigger_dev.prompts.resolve(slug, variables={"name": "Ada"}).data
    print(f"{slug} v{resolved.version} resolves to: {resolved.text!r}")

    versions = trigger_dev.prompts.versions(slug).data
    print("versions:", ", ".join(f"v{v.version} {v.labels}" for v in versions))

    chosen = version if version is not None else max(v.version for v in versions)
    trigger_dev.prompts.promote(slug, chosen)
    print(f"promoted {slug} v{chosen}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(arguments[0] if arguments else "support-reply", int(arguments[1]) if len(arguments) > 1 else None)
