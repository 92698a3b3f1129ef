"""YAML as medinfo reads it (manifests, settings, thresholds): safe types only and no aliases, so a
"billion laughs" alias bomb is refused instead of expanded."""
from __future__ import annotations

from typing import Any

import yaml


class _NoAliases(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not accepted: an alias bomb "
                                              "could exhaust memory", event.start_mark)
        return super().compose_node(parent, index)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass
