"""Every option that decides an alignment, with its default, in one place.

:class:`AlignConfig` is the one home of the defaults: the command line
(``default=DEFAULTS.max_merge``), :class:`~align.batch.BatchOptions` and
:class:`~align.aligner.Aligner` read them from :data:`DEFAULTS`.  The search's own
parameters stay in :class:`~align.search.SearchParams` (the config holds one);
``max_merge`` and ``null_cost`` are read through to it.

The reproducibility records are derived from the config, field by field
(:meth:`AlignConfig.record`): a result's :class:`~align.result.Signature` and the
resume key of ``align batch`` (``batch.json``).  A new field of the config or of
``SearchParams`` lands in both without another edit.

``null_cost`` is the public name of what leaving a sentence unaligned costs; the
search calls it ``skip``, its gain (``skip = -null_cost``), and only the search does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .errors import AlignError
from .search import SearchParams

__all__ = ["DEFAULTS", "AlignConfig"]


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """The options that decide an alignment (same config, same input: same alignment)."""

    model: str = "use"
    """Model spec: ``use`` (bundled; ``use:fast``, ``use:float32``, ``use:int8x2``, ``use:numpy``
    pick its token stage) or ``st:NAME_OR_PATH`` (see :func:`~align.embed.load_embedder`)."""
    src_lang: str = "en"
    tgt_lang: str = "ko"
    clean: bool = True
    """Remove page furniture (bylines, timestamps, navigation) before splitting."""
    presplit: bool = False
    """Inputs have one sentence per line: no cleaning or splitting (chosen per call of the
    aligner; the CLI and batch pass this value to every call)."""
    embed_all: bool = False
    """Embed every concatenation of up to max_merge-1 sentences (Vecalign's way; the baseline)."""
    uncalibrated: bool = False
    """Leave the model's score calibration out (the uncalibrated fallback scores)."""
    search: SearchParams = field(default_factory=SearchParams)
    """The search's parameters (``max_merge``, the gain terms, the band ...)."""

    def __post_init__(self) -> None:
        if self.search.max_merge < 2:
            raise AlignError("--max-merge must be at least 2 (2 allows only 1-1 pairs)")

    @property
    def max_merge(self) -> int:
        """Largest number of sentences in one pair, both sides together."""
        return self.search.max_merge

    @property
    def null_cost(self) -> float:
        """What leaving a sentence unaligned costs (the search's ``skip`` is its negative)."""
        return 0.0 - self.search.skip  # 0.0 - 0.0 is 0.0, where -0.0 would print "-0.0"

    def with_options(
        self,
        *,
        params: SearchParams | None = None,
        max_merge: int | None = None,
        null_cost: float | None = None,
        model: str | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        clean: bool | None = None,
        presplit: bool | None = None,
        embed_all: bool | None = None,
        uncalibrated: bool | None = None,
    ) -> AlignConfig:
        """This config with the options given (None: keep this config's value).

        ``params`` replaces the search parameters; ``max_merge`` and ``null_cost``, when
        given, win over ``params``: explicit keywords, then ``params``, then this config.
        """
        if null_cost is not None and not 0 <= null_cost <= 1:
            raise AlignError("--null-cost must be between 0 and 1")
        search = params if params is not None else self.search
        if max_merge is not None and search.max_merge != max_merge:
            search = dataclasses.replace(search, max_merge=max_merge)
        if null_cost is not None and search.skip != -null_cost:
            search = dataclasses.replace(search, skip=-null_cost)
        given: dict[str, Any] = {
            "model": model, "src_lang": src_lang, "tgt_lang": tgt_lang, "clean": clean,
            "presplit": presplit, "embed_all": embed_all, "uncalibrated": uncalibrated,
        }  # fmt: skip
        changes = {name: value for name, value in given.items() if value is not None}
        return dataclasses.replace(self, search=search, **changes)

    def record(self) -> dict[str, Any]:
        """Every option by name, the search's flattened in (``null_cost`` for its ``skip``).

        Built from the dataclass fields, so it cannot miss one: the signature of a result
        and the resume key of a batch are made from it.
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name != "search":
                out[f.name] = getattr(self, f.name)
        for f in dataclasses.fields(self.search):
            if f.name == "skip":
                out["null_cost"] = self.null_cost
            else:
                out[f.name] = getattr(self.search, f.name)
        return out


DEFAULTS = AlignConfig()
"""The defaults of every option (``DEFAULTS.max_merge``, ``DEFAULTS.tgt_lang`` ...)."""
