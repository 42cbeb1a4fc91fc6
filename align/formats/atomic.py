"""Safe output files: atomic writes, all-or-none groups, the user's umask, no input overwritten.

Every file align writes goes through this module:

* :func:`atomic_writer` / :func:`atomic_path` write a temporary file beside the
  target and rename it over the target only when everything was written and synced,
  so a crash, a full disk or a bad input leaves an earlier output untouched.
* :func:`atomic_group` does the same for formats that write several files (Moses's
  ``OUT.en`` and ``OUT.ko``): all of them are replaced, or none is.
* New files get the mode any file the user creates gets (``0666 & ~umask``: 0644
  under umask 022); a replaced file keeps its mode.
* :func:`check_outputs` refuses, before any work is done, an output that is one of
  the command's inputs (same resolved path, or the same inode through another name)
  or an existing folder.

Errors reach the user as one :class:`~align.errors.AlignError` line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from ..errors import AlignError

__all__ = ["atomic_group", "atomic_path", "atomic_writer", "check_outputs", "same_file"]


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no way to read it without setting it
    os.umask(mask)
    return mask


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    if exc.errno == errno.EFBIG:
        return "file too large for this file system or limit"
    return exc.strerror or str(exc)


def _folder(target: Path) -> Path:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise AlignError(f"{target}: the folder {directory} does not exist")
    if target.is_dir():
        raise AlignError(f"{target}: is a folder; give a file name")
    return directory


def _temp(target: Path) -> str:
    directory = _folder(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise AlignError(f"{target}: cannot write here ({_why(exc)})") from exc
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)  # a replaced file keeps its mode
        except OSError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    return tmp


def _special(target: Path) -> bool:
    """An existing device, FIFO or socket (``/dev/null``, ``/dev/stdout``): written in place."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _sync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_group(paths: Sequence[str | Path]) -> Iterator[list[str]]:
    """Temporary paths for ``paths``; on success all targets are replaced, else none.

    The body writes each temporary file by name. Once it returns, every file is
    synced, then renamed over its target; if a rename fails, the targets already
    replaced get their earlier content back (kept as hard links until the end).
    """
    targets = [Path(p) for p in paths]
    # a device or FIFO (/dev/null) cannot be replaced by a rename: it is written in place
    direct = {str(t) for t in targets if _special(t)}
    temps: list[str] = []
    try:
        for t in targets:
            temps.append(str(t) if str(t) in direct else _temp(t))
        try:
            yield temps
            for tmp in temps:
                if tmp not in direct:
                    _sync(tmp)
        except OSError as exc:
            name = next((t for t, tmp in zip(targets, temps, strict=True) if exc.filename == tmp), targets[0])
            raise AlignError(f"{name}: cannot write ({_why(exc)}); earlier files left as they were") from exc
        kept = [(t, tmp) for t, tmp in zip(targets, temps, strict=True) if tmp not in direct]
        if kept:
            _replace_all([t for t, _ in kept], [tmp for _, tmp in kept])
    finally:
        for tmp in temps:
            if tmp not in direct:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _replace_all(targets: list[Path], temps: list[str]) -> None:
    if len(targets) == 1:
        try:
            os.replace(temps[0], targets[0])
        except OSError as exc:
            raise AlignError(f"{targets[0]}: cannot write ({_why(exc)})") from exc
        return
    backups: dict[Path, str] = {}
    done: list[Path] = []
    try:
        for t in targets:
            if t.exists():
                backup = f"{t.parent / ('.' + t.name)}.{os.getpid()}.bak"
                os.link(t, backup)
                backups[t] = backup
        for t, tmp in zip(targets, temps, strict=True):
            os.replace(tmp, t)
            done.append(t)
    except OSError as exc:
        for t in done:  # put back what was there: all or none
            with contextlib.suppress(OSError):
                if t in backups:
                    os.replace(backups.pop(t), t)
                else:
                    os.unlink(t)
        raise AlignError(f"{t}: cannot write ({_why(exc)}); earlier files left as they were") from exc
    finally:
        for backup in backups.values():
            with contextlib.suppress(OSError):
                os.unlink(backup)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[str]:
    """A temporary path to write by name (for libraries that want a file name)."""
    with atomic_group([path]) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_writer(
    path: str | Path, encoding: str = "utf-8", newline: str = "\n", errors: str = "strict"
) -> Iterator[IO[str]]:
    """Open a temporary text file; on success it replaces ``path`` in one rename."""
    with atomic_path(path) as tmp:
        try:
            f = open(tmp, "w", encoding=encoding, newline=newline, errors=errors)  # noqa: SIM115
        except OSError as exc:
            raise AlignError(f"{path}: cannot write ({_why(exc)})") from exc
        with f:
            yield f


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file: the same resolved path or the same inode."""
    return not set(_identities(a)).isdisjoint(_identities(b))


def _identities(name: str | Path) -> list[object]:
    """What makes two names one file: the resolved path, and (where it exists) the
    device and inode."""
    path = Path(name)
    out: list[object] = []
    with contextlib.suppress(OSError, RuntimeError):
        out.append(path.resolve())
    try:
        st = os.stat(path)
    except OSError:
        return out
    out.append((st.st_dev, st.st_ino))
    return out


def check_outputs(outputs: Iterable[str | Path], inputs: Iterable[str | Path]) -> None:
    """Refuse outputs that would overwrite an input or that are folders (before any work).

    Each input is resolved once, so a batch of a million documents checks in one pass."""
    seen: dict[object, str | Path] = {}
    for i in inputs:
        if str(i) != "-":
            for key in _identities(i):
                seen.setdefault(key, i)
    for out in outputs:
        if str(out) == "-":
            continue
        hit = next((seen[k] for k in _identities(out) if k in seen), None)
        if hit is not None:
            raise AlignError(f"{out}: is one of the inputs ({hit}); refusing to overwrite it")
        if Path(out).is_dir():
            raise AlignError(f"{out}: is a folder; give a file name")
