"""The experiment file the compare page exports: the test set, graders and judge of the chosen experiment with the
page's columns as its variants, its repeats and cap; checked against ``experiment.schema.json`` before it is
offered, so ``python -m playground.eval run`` reads exactly what was downloaded. No key or URL is written."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from playground.experiments.saved import variant_definition
from playground.experiments.variant import Variant

from .experiment import check_schema


def export_doc(
    doc: Mapping[str, Any], *, variants: Sequence[Variant], repeats: int, cap: Decimal
) -> dict[str, Any]:
    """``doc`` with these variants, repeats and cap; ``ExperimentError`` if the result is not a valid file."""
    out = {**doc, "variants": [variant_definition(v) for v in variants], "repeats": int(repeats), "cap": str(cap)}
    check_schema(out, where="The exported experiment")
    return out


def export_text(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
