"""On-disk embedding cache: (model, text) -> vector, in SQLite.

Safe under concurrent writers (SQLite's write-ahead log and a busy timeout; every
insert is ``INSERT OR IGNORE``), bounded (the oldest entries go when the cache holds
more than ``max_items``), and keyed by a hash of the model name and the exact text, so
re-running a batch with other alignment parameters, or after an interruption, embeds
nothing it has seen.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .embed import BaseEmbedder, Embedder, Wrapper

__all__ = ["DiskCache"]


class DiskCache(Wrapper):
    """An embedder that looks vectors up on disk before asking ``inner``; forwards the
    rest of ``inner``'s capabilities (:class:`~align.embed.Wrapper`)."""

    def __init__(self, inner: BaseEmbedder | Embedder, path: str | Path, max_items: int = 2_000_000) -> None:
        super().__init__(inner)
        self.path = Path(path)
        self.max_items = max_items
        self.hits = 0
        self.misses = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []
        self._db = self._connect()
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key BLOB PRIMARY KEY, v BLOB NOT NULL)")
        self._prefix = hashlib.sha256(self.name.encode("utf-8")).digest()[:8]

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _conn(self) -> sqlite3.Connection:
        """This process's connection: a forked process opens its own (SQLite's connections
        must not cross ``fork``) and leaves the parent's alone."""
        if self._pid != os.getpid():
            # the parent's connection stays referenced, never closed here: closing it
            # would drop this process's own locks on the file (POSIX locks are per process)
            self._inherited.append(self._db)
            self._db = self._connect()
            self._pid = os.getpid()
        return self._db

    def _key(self, text: str) -> bytes:
        return self._prefix + hashlib.sha256(text.encode("utf-8")).digest()[:16]

    def _lookup(self, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``: found on disk, or computed (the distinct missing ones) and stored."""
        db = self._conn()
        keys = [self._key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [t for t, k in dict(zip(texts, keys, strict=True)).items() if k not in found]
        self.hits += len(unique) - len(missing)
        self.misses += len(missing)
        if missing:
            t0 = time.perf_counter()
            vecs = compute(missing)
            self.seconds += time.perf_counter() - t0
            self.encoded += len(missing)
            rows = [
                (self._key(t), np.asarray(v, dtype=np.float32).tobytes())
                for t, v in zip(missing, vecs, strict=True)
            ]
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR IGNORE INTO vec (key, v) VALUES (?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            for (key, _), v in zip(rows, vecs, strict=True):
                found[key] = np.asarray(v, dtype=np.float32)
            self._trim()
        if not texts:
            return self.inner.encode([])
        return np.stack([found[k] for k in keys])

    def _trim(self) -> None:
        db = self._conn()
        (count,) = db.execute("SELECT COUNT(*) FROM vec").fetchone()
        if count > self.max_items:
            db.execute(
                "DELETE FROM vec WHERE rowid IN (SELECT rowid FROM vec ORDER BY rowid LIMIT ?)",
                (count - self.max_items,),
            )

    def close(self) -> None:
        """Close this process's connection (one inherited through ``fork`` is the parent's)."""
        if self._pid == os.getpid():
            self._db.close()
