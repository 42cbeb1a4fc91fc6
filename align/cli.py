"""The ``align`` command line: parses options and calls the library."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import DEFAULTS, AlignConfig
from .errors import AlignError
from .formats import FORMATS
from .result import Pair

_PAIR_HELP = f"""Align SRC_FILE with its translation TGT_FILE.

SRC_FILE is in --src-lang (default {DEFAULTS.src_lang}), TGT_FILE in --tgt-lang (default {DEFAULTS.tgt_lang}): text
or HTML files in any common encoding ('-' reads standard input, for one of them).
The result goes to OUT (default: standard output); no input is ever overwritten.

\b
TSV columns (header row; one pair per line):
  en, ko       the texts, named after --src-lang/--tgt-lang (several sentences joined by a space for a merge;
               empty on one side for an omission); \\t \\n \\r \\\\ are escaped
  score        0-1, calibrated: for a match, the probability that it is exactly
               right; for an omission, that the sentence has no counterpart
  flags        number_mismatch, length_outlier, untranslated, low_similarity
  type         sentences per side, source first: 1-1, 2-1, 1-0, 0-1 ...
  en_ids, ko_ids  0-based sentence ids, comma separated (--presplit: line ids)
  doc_id       document id (--doc-id, default: the file name)
"""


_F = TypeVar("_F", bound=Callable[..., Any])
"""A click command function, as the option decorators take and return it."""

FORMAT_NAMES = list(FORMATS)
"""Every ``--format`` (the formats' registry)."""
_IN = click.Path(dir_okay=True, allow_dash=True, readable=False)
"""An input path: click checks nothing, align's reader refuses bad inputs with one line."""


def _guard(outputs: list[str], inputs: list[str]) -> None:
    """Before any work: inputs are regular readable files, no output is an input or a folder."""
    from .formats import check_outputs
    from .reading import check_input

    for path in inputs:
        check_input(path)
    check_outputs(outputs, inputs)


def _outputs(fmt: str, output: str, src_lang: str, tgt_lang: str) -> list[str]:
    from .formats import get, output_paths

    if output == "-":
        if get(fmt).file_only:
            raise AlignError(f"format '{fmt}' writes files, not standard output: give -o OUT")
        return []
    return [str(p) for p in output_paths(fmt, output, src_lang, tgt_lang)]


def _alignment_options(f: _F) -> _F:
    """The options that decide an alignment, shared by align pair and align batch
    (defaults: :data:`align.config.DEFAULTS`; :func:`_config` reads them back)."""
    options = [
        click.option(
            "-m", "--model", default=DEFAULTS.model, show_default=True,
            help="'use' (bundled USE multilingual, offline; on onnxruntime, in int8 where the CPU has "
            "integer dot products and float32 otherwise, numpy if it cannot load; -v says which), "
            "'use:int8x2' (vectors 1e-6 from numpy's instead of 1e-4, 10-25% slower), 'use:fast' (int8 "
            "on any CPU), 'use:float32', 'use:numpy' or 'st:NAME_OR_PATH' (sentence-transformers, extra "
            "align[st]).",
        ),
        click.option(
            "--max-merge", type=click.IntRange(2, 12), default=DEFAULTS.max_merge, show_default=True,
            help="Largest number of sentences in one pair, both sides together (4: up to 1-3, 3-1, 2-2).",
        ),
        click.option(
            "--null-cost", type=_Unit(0.0, 1.0), default=DEFAULTS.null_cost, show_default=True,
            help="What leaving a sentence unaligned (1-0, 0-1) costs. 0 suits news editions that drop "
            "or add sentences; 0.1 suits complete translations (books), where a sentence without a "
            "partner is usually part of a merge.",
        ),
        click.option(
            "--presplit", is_flag=True,
            help="Inputs have one sentence per line: no cleaning or splitting; ids are line numbers.",
        ),
        click.option("--src-lang", default=DEFAULTS.src_lang, show_default=True, help="Language of SRC_FILE (sentence rules, column names)."),
        click.option("--tgt-lang", default=DEFAULTS.tgt_lang, show_default=True, help="Language of TGT_FILE (sentence rules, column names)."),
        click.option("--no-clean", is_flag=True, help="Keep page furniture (bylines, timestamps, navigation)."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _config(
    model: str,
    max_merge: int,
    null_cost: float,
    presplit: bool,
    src_lang: str,
    tgt_lang: str,
    no_clean: bool,
) -> AlignConfig:
    """The alignment options of :func:`_alignment_options` as one config (a flag left
    off keeps the default)."""
    return DEFAULTS.with_options(
        model=model,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        max_merge=max_merge,
        null_cost=null_cost,
        presplit=True if presplit else None,
        clean=False if no_clean else None,
    )


class _Unit(click.FloatRange):
    """A number from 0 to 1 (FloatRange alone lets ``nan`` through)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number from 0 to 1", param, ctx)
        return number


def _engine_options(f: _F) -> _F:
    """Where the work runs, shared by align batch and align match."""
    options = [
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True),
        click.option(
            "--workers", type=click.IntRange(1, 256), default=1, show_default=True,
            help="Worker processes (or Ray actors).",
        ),
        click.option(
            "--ray-address", default=None, help="Join an existing Ray cluster (default: start a local one)."
        ),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _window(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """--date-window: 3d, 36h, 1w or a number of days, as days."""
    from .metadata import parse_window

    if value is None:
        return None
    try:
        return parse_window(value)
    except AlignError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _metadata_options(f: _F) -> _F:
    """Metadata that narrows align match (align batch --match too)."""
    options = [
        click.option(
            "--meta", "meta", default=None, metavar="FILE", type=_IN,
            help="TSV with a header: path, and date and/or key columns, for documents of either side "
            "(paths relative to FILE's folder). With a key column, documents pair only with the same key.",
        ),
        click.option(
            "--date-window", default=None, metavar="WINDOW", callback=_window,
            help="With --meta dates: pair only documents at most this far apart (3d, 36h, 1w).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def _min_score_option(help_text: str) -> Callable[[_F], _F]:
    return click.option("--min-score", type=_Unit(0.0, 1.0), default=None, help=help_text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """Turn two editions of a text into a clean, scored parallel corpus."""


@main.command("pair", help=_PAIR_HELP)
@click.argument("en_file", metavar="SRC_FILE", type=_IN)
@click.argument("ko_file", metavar="TGT_FILE", type=_IN)
@click.option("-o", "--output", default="-", metavar="OUT", help="Output file ('-': standard output).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="tsv",
    show_default=True,
    help="Output format.",
)
@_min_score_option("Write only matched pairs scoring at least this (omissions are dropped).")
@click.option("--drop-nulls", is_flag=True, help="Leave out omissions (1-0, 0-1).")
@_alignment_options
@click.option("--doc-id", default=None, help="Document id in the output (default: SRC_FILE's name).")
@click.option("-q", "--quiet", is_flag=True, help="No summary or warnings on standard error.")
@click.option("-v", "--verbose", is_flag=True, help="Also report the encodings and formats read.")
def pair_cmd(
    en_file: str,
    ko_file: str,
    output: str,
    fmt: str,
    model: str,
    max_merge: int,
    null_cost: float,
    min_score: float | None,
    drop_nulls: bool,
    presplit: bool,
    src_lang: str,
    tgt_lang: str,
    no_clean: bool,
    doc_id: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    from .aligner import Aligner
    from .formats import filter_pairs, write, write_stream

    if en_file == "-" and ko_file == "-":
        raise AlignError("only one of SRC_FILE and TGT_FILE can be '-' (standard input)")
    _guard(_outputs(fmt, output, src_lang, tgt_lang), [en_file, ko_file])
    with _progress(quiet) as bar:
        bar.stage("loading model", 0, 1)
        config = _config(model, max_merge, null_cost, presplit, src_lang, tgt_lang, no_clean)
        # progress: sentences embedded, then rows searched
        aligner = Aligner(config=config, progress=bar.stage)
        bar.stage("loading model", 1, 1)
        result = aligner.align_files(en_file, ko_file, doc_id=doc_id, presplit=config.presplit)
        bar.stage("writing", 0, 1)
        kept = [filter_pairs(result.pairs, min_score, drop_nulls)]
        if output == "-":
            written = write_stream([result], fmt, sys.stdout, kept)
            sys.stdout.flush()
        else:
            written = write([result], fmt, output, kept)
        bar.stage("writing", 1, 1)
    _report_tmx(fmt, kept, quiet, written.skipped)
    if not quiet:
        for w in result.warnings:
            click.echo(f"align: warning: {w}", err=True)
        for note in result.notes:
            click.echo(f"align: {note}", err=True)
        enc = result.encodings
        if verbose or enc != ("utf-8", "utf-8"):
            click.echo(f"align: read {en_file} as {enc[0]}, {ko_file} as {enc[1]}", err=True)
        if verbose:
            from .embed import describe

            for line in describe(aligner.embedder):
                click.echo(f"align: {line}", err=True)
        click.echo(f"align: {result.summary()}", err=True)
        if min_score is not None or drop_nulls:
            click.echo(f"align: wrote {len(kept[0])} of {len(result.pairs)} pairs", err=True)


def _report_tmx(fmt: str, kept: list[list[Pair]], quiet: bool, skipped: int) -> int:
    """Pairs a TMX really holds; a warning for the ``skipped`` ones, too long for CAT tools."""
    from .formats import tmx

    total = sum(1 for ps in kept for p in ps if not p.is_null)
    if fmt != "tmx":
        return total
    if skipped and not quiet:
        click.echo(
            f"align: warning: {skipped} of {total} pair(s) over {tmx.MAX_SEGMENT} characters left out of the "
            f"TMX (CAT tools reject them); it holds {total - skipped} translation units",
            err=True,
        )
    return total - skipped


@main.command("batch")
@click.argument("sources", metavar="INPUT [TGT]", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o", "--outdir", required=True, type=click.Path(file_okay=False), help="Output folder (resumable)."
)
@_min_score_option("Corpus keeps matched pairs scoring at least this.")
@click.option("--no-dedupe", is_flag=True, help="Keep pairs repeated across documents.")
@_alignment_options
@click.option(
    "--export",
    "exports",
    multiple=True,
    default=("tsv",),
    show_default=True,
    type=click.Choice(FORMAT_NAMES),
    help="Corpus formats besides corpus.jsonl (repeat).",
)
@_engine_options
@click.option(
    "--shard-size", type=click.IntRange(1, 100000), default=50, show_default=True, help="Documents per shard."
)
@click.option(
    "--cache", default=None, help="Embedding cache file (default OUTDIR/cache.sqlite; '' disables)."
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first document that fails.")
@click.option(
    "--allow-failures",
    is_flag=True,
    help="Exit 0 even when some documents failed (by default the exit status is 3 then).",
)
@click.option(
    "--keep-non-translations",
    is_flag=True,
    help="Keep the pairs of documents judged not to be translations of each other "
    "(translation probability below 0.5); by default they stay out of the corpus and are reported.",
)
@click.option(
    "--match",
    "match_first",
    is_flag=True,
    help="INPUT is two folders (or files, quoted globs, @lists): the source and target documents, "
    "paired first by align match into OUTDIR/manifest.tsv.",
)
@click.option(
    "--match-min-score",
    type=_Unit(0.0, 1.0),
    default=None,
    help="With --match: probability a document pair needs (default: the calibrated 0.5).",
)
@_metadata_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def batch_cmd(
    sources: tuple[str, ...],
    outdir: str,
    model: str,
    max_merge: int,
    null_cost: float,
    src_lang: str,
    tgt_lang: str,
    presplit: bool,
    no_clean: bool,
    min_score: float | None,
    no_dedupe: bool,
    exports: tuple[str, ...],
    engine: str,
    workers: int,
    ray_address: str | None,
    shard_size: int,
    cache: str | None,
    fail_fast: bool,
    allow_failures: bool,
    keep_non_translations: bool,
    match_first: bool,
    match_min_score: float | None,
    meta: str | None,
    date_window: float | None,
    quiet: bool,
) -> None:
    """Align every document pair of INPUT into one corpus in OUTDIR.

    INPUT is a manifest (TSV with a header, or JSONL) with en_path, ko_path and
    optional doc_id and metadata columns, or a folder with en/ and ko/ subfolders whose
    files pair by name. Killing a run and starting it again redoes only unfinished
    shards. Writes corpus.jsonl (+ exports), documents.jsonl and stats.json.

    With --match, INPUT is two inputs, SRC and TGT (as for align match): the documents
    are paired first into OUTDIR/manifest.tsv (and manifest.unmatched.tsv), with the
    embedding cache of the batch, so the alignment embeds no sentence twice (--meta and
    --date-window narrow that pairing as for align match).

    Exit status: 0 when every document aligned, 3 when some failed (each is named
    on standard error; --allow-failures makes that 0), 1 when the batch could not run.
    """
    from .batch import BatchOptions, run_batch

    config = _config(model, max_merge, null_cost, presplit, src_lang, tgt_lang, no_clean)
    options = BatchOptions.from_config(
        config,
        min_score=min_score,
        keep_non_translations=keep_non_translations,
        dedupe=not no_dedupe,
        exports=tuple(exports),
        shard_size=shard_size,
        workers=workers,
        engine=engine,
        ray_address=ray_address,
        fail_fast=fail_fast,
        cache=cache,
    )
    if match_first:
        if len(sources) != 2:
            raise click.UsageError(
                "--match needs two inputs: SRC TGT (folders, files, quoted globs or @lists)"
            )
        source = str(Path(outdir) / "manifest.tsv")
        stage = dataclasses.replace(
            options, cache=str(Path(outdir) / "cache.sqlite") if cache is None else cache
        )
        _match_stage(
            sources[0],
            sources[1],
            source,
            stage,
            match_min_score,
            quiet,
            make_folder=True,
            shard_size=shard_size,
            meta=meta,
            date_window=date_window,
        )
    elif meta is not None or date_window is not None:
        raise click.UsageError("--meta and --date-window narrow the pairing of --match; give --match SRC TGT")
    elif len(sources) != 1:
        raise click.UsageError(
            "give one INPUT (a manifest, or a folder with en/ and ko/), or two with --match"
        )
    else:
        source = sources[0]
    stats = run_batch(source, outdir, options, progress=not quiet and sys.stderr.isatty())
    if not quiet:
        for problem in stats["unpaired_files"]:
            click.echo(f"align: warning: {problem}", err=True)
        for failed in stats["documents_failed"]:
            click.echo(f"align: error in document {failed['doc_id']}: {failed['error']}", err=True)
        for doc in stats["documents_not_translations"]:
            kept = "kept (--keep-non-translations)" if keep_non_translations else "left out of the corpus"
            click.echo(
                f"align: warning: document {doc}: the two sides do not look like translations of each other; {kept}",
                err=True,
            )
        run = stats["run"]
        removed = ", ".join(f"{k}: {v}" for k, v in stats["removed"].items()) or "none"
        click.echo(
            f"align: {stats['documents_ok']} of {stats['documents']} documents aligned, {stats['pairs']} pairs in "
            f"{outdir}/corpus.jsonl (removed: {removed}); this run: {run['shards_run']} of {run['shards']} shards, "
            f"{run['documents_run']} documents, {run['embedded']} strings embedded, {run['documents_per_second']} docs/s",
            err=True,
        )
    if stats["documents_failed"] and not allow_failures:
        sys.exit(3)


@main.command("match")
@click.argument("src", metavar="SRC")
@click.argument("tgt", metavar="TGT")
@click.option("-o", "--output", required=True, metavar="MANIFEST.tsv", help="The manifest to write.")
@click.option(
    "-m", "--model", default=DEFAULTS.model, show_default=True, help="Embedding model (as for align pair)."
)
@click.option(
    "--src-lang", default=DEFAULTS.src_lang, show_default=True, help="Language of the SRC documents."
)
@click.option(
    "--tgt-lang", default=DEFAULTS.tgt_lang, show_default=True, help="Language of the TGT documents."
)
@click.option("--presplit", is_flag=True, help="Documents have one sentence per line (as for align batch).")
@click.option("--no-clean", is_flag=True, help="Keep page furniture (as for align batch).")
@click.option(
    "--min-score",
    type=_Unit(0.0, 1.0),
    default=None,
    help="Probability a pair needs to be written (default: the calibrated 0.5).",
)
@_metadata_options
@_engine_options
@click.option(
    "--cache",
    default="",
    help="Embedding cache file to read and fill; give align batch the same --cache and it embeds no sentence again.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, warnings or summary.")
def match_cmd(
    src: str,
    tgt: str,
    output: str,
    model: str,
    src_lang: str,
    tgt_lang: str,
    presplit: bool,
    no_clean: bool,
    min_score: float | None,
    meta: str | None,
    date_window: float | None,
    engine: str,
    workers: int,
    ray_address: str | None,
    cache: str,
    quiet: bool,
) -> None:
    """Find which documents of SRC and TGT are translations of each other.

    SRC and TGT are each a folder (its files, not its subfolders), a file, a quoted
    glob ('site/en/**/*.html') or @LIST (a file of paths or globs, one a line). Writes
    MANIFEST.tsv for align batch (en_path, ko_path, doc_id, score: the probability that
    the two are translations, margin: the lead over the best competing candidate) and
    MANIFEST.unmatched.tsv (side, path, reason) for every other input file, both atomically.

    When you know when each document appeared, or a label the two editions share, give
    it in --meta FILE (a TSV: path, date and/or key): with --date-window 3d, documents
    pair only with documents at most 3 days apart; with a key column, only with
    documents of the same key. A document without a date or key is compared with all.

    Exit status: 0 when the manifest is written (unreadable, empty or wrong-language
    files are named on standard error and in the unmatched report); 1 when it could not
    be (no files, or no usable document, on one side; a bad option).
    """
    from .batch import BatchOptions

    options = BatchOptions(
        model=model,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        presplit=presplit,
        clean=not no_clean,
        workers=workers,
        engine=engine,
        ray_address=ray_address,
        cache=cache,
    )
    _match_stage(src, tgt, output, options, min_score, quiet, meta=meta, date_window=date_window)


def _match_stage(
    src: str,
    tgt: str,
    manifest: str,
    options: Any,
    min_score: float | None,
    quiet: bool,
    make_folder: bool = False,
    shard_size: int | None = None,
    meta: str | None = None,
    date_window: float | None = None,
) -> None:
    """align match: expand the inputs, refuse to overwrite any, pair, report, write."""
    from .formats import check_outputs
    from .match import SHARD_SIZE, expand_inputs, match_documents, unmatched_path
    from .metadata import read_metadata

    if date_window is not None and meta is None:
        raise click.UsageError("--date-window needs --meta FILE with a date column")
    metadata = read_metadata(meta) if meta is not None else None

    sides = [expand_inputs(src), expand_inputs(tgt)]
    for spec, paths in zip((src, tgt), sides, strict=True):
        if not paths:
            raise AlignError(f"{spec}: no files to match")
    outputs = [manifest, str(unmatched_path(manifest))]
    check_outputs(outputs, [p for paths in sides for p in paths])
    if make_folder:
        Path(manifest).parent.mkdir(parents=True, exist_ok=True)
    result = match_documents(
        sides[0],
        sides[1],
        model=options.model,
        src_lang=options.src_lang,
        tgt_lang=options.tgt_lang,
        cache=Path(options.cache) if options.cache else None,
        workers=options.workers,
        engine=options.engine,
        min_score=min_score,
        presplit=options.presplit,
        clean=options.clean,
        ray_address=options.ray_address,
        progress=not quiet and sys.stderr.isatty(),
        shard_size=shard_size or SHARD_SIZE,
        metadata=metadata,
        date_window=date_window,
    )
    if not quiet:
        for problem in result.problems + result.notes:
            click.echo(f"align: warning: {problem}", err=True)
    for spec, usable, lang in zip(
        (src, tgt), result.usable, (options.src_lang, options.tgt_lang), strict=True
    ):
        if not usable:
            raise AlignError(f"{spec}: no usable {lang} document (every file was refused, see above)")
    if make_folder:  # align batch --match: a resumed batch must find the pairs it started with
        previous = Path(manifest)
        started = (previous.parent / "batch.json").exists() and previous.exists()
        if started and previous.read_text(encoding="utf-8") != result.manifest_text(previous):
            raise AlignError(
                f"{previous.parent} holds a batch of another pairing (the documents now match "
                "differently: other inputs or options): use a new output folder"
            )
    written, report = result.write(manifest)
    if not quiet:
        click.echo(f"align: {result.summary()}; wrote {written} and {report}", err=True)


def _statuses(ctx: click.Context, param: click.Parameter, value: str) -> frozenset[str]:
    """--status confirmed,edited: the review statuses to keep (empty: every pair)."""
    from .filters import STATUSES

    chosen = frozenset(x.strip() for x in value.split(",") if x.strip())
    unknown = chosen - set(STATUSES)
    if unknown:
        raise click.BadParameter(
            f"unknown status(es) {', '.join(sorted(unknown))}: choose from {', '.join(STATUSES)}", ctx, param
        )
    return chosen


_status_option = click.option(
    "--status",
    "statuses",
    default="",
    metavar="STATUS,...",
    callback=_statuses,
    help="Keep only pairs with these review statuses (auto, confirmed, edited, rejected), as saved by "
    "the review page; a file never reviewed is all auto.",
)


@main.command("export")
@click.argument("input_file", metavar="IN", type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(FORMAT_NAMES),
    help="Format to write.",
)
@click.option("-o", "--output", required=True, metavar="OUT", help="Output file (moses: OUT.<lang> twice).")
@_min_score_option("Keep matched pairs scoring at least this.")
@_status_option
def export_cmd(
    input_file: str, fmt: str, output: str, min_score: float | None, statuses: frozenset[str]
) -> None:
    """Convert a saved align TSV or JSONL result (or a reviewed one) to another format."""
    from .filters import PairFilter
    from .formats import get, write
    from .formats.readers import read_results

    _guard(_outputs(fmt, output, "src", "tgt"), [input_file])
    results = read_results(input_file)
    if get(fmt).by_language and results:  # the real file names, now that the languages are known
        _guard(_outputs(fmt, output, results[0].src_lang, results[0].tgt_lang), [input_file])
    keep = PairFilter(min_score, False, statuses=statuses)
    kept = [keep.keep(r.pairs) for r in results]
    written = write(results, fmt, output, kept)
    n = _report_tmx(fmt, kept, False, written.skipped) if fmt == "tmx" else sum(len(k) for k in kept)
    click.echo(f"align: wrote {n} pairs from {len(results)} document(s) to {output} ({fmt})", err=True)


@main.command("review")
@click.argument("input_file", metavar="RESULT", type=click.Path())
@click.option("-o", "--output", required=True, metavar="OUT.html", help="The page to write.")
@click.option(
    "--threshold",
    type=_Unit(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Scores below this count as low in the page's filter.",
)
def review_cmd(input_file: str, output: str, threshold: float) -> None:
    """Write a self-contained HTML page to review and correct a saved result (JSONL or TSV).

    The page edits offline (confirm, reject, join, split, move, link, undo), autosaves in
    the browser and saves a corrected JSONL with a status per pair, which align export,
    filter and evaluate read.
    """
    from .formats.readers import read_results
    from .review import write_review

    _guard([output], [input_file])
    results = read_results(input_file)
    write_review(results, output, threshold, source=input_file)
    n = sum(len(r.pairs) for r in results)
    click.echo(f"align: wrote {output}: {len(results)} document(s), {n} pairs", err=True)


@main.command("filter")
@click.argument("input_file", metavar="IN", type=click.Path())
@click.option("-o", "--output", required=True, metavar="OUT", help="Filtered file, same format as IN.")
@_min_score_option("Keep matched pairs scoring at least this.")
@click.option(
    "--drop-flags",
    default="",
    metavar="FLAG,...",
    help="Drop pairs with any of these flags (number_mismatch, length_outlier, untranslated, low_similarity); 'any' drops every flagged pair.",
)
@click.option("--drop-nulls", is_flag=True, help="Drop omissions (1-0, 0-1).")
@_status_option
def filter_cmd(
    input_file: str,
    output: str,
    min_score: float | None,
    drop_flags: str,
    drop_nulls: bool,
    statuses: frozenset[str],
) -> None:
    """Filter align's own TSV or JSONL output by score and flags.

    With --min-score, omissions are dropped too (a filtered corpus holds pairs). The
    count of what was kept and removed, and why, goes to standard error.
    """
    from collections import Counter

    from .features import FLAGS
    from .filters import PairFilter
    from .formats import atomic_writer
    from .formats.readers import read_records

    flags = {f.strip() for f in drop_flags.split(",") if f.strip()}
    unknown = flags - set(FLAGS) - {"any"}
    if unknown:
        raise click.BadParameter(
            f"unknown flag(s) {', '.join(sorted(unknown))}: choose from {', '.join(FLAGS)} or any",
            param_hint="'--drop-flags'",
        )
    _guard([output], [input_file])
    records = read_records(input_file)
    keep = PairFilter(min_score, drop_nulls, frozenset(flags), statuses)
    kept: list[str] = []
    removed: Counter[str] = Counter()
    for line, rec in zip(records.lines, records.rows, strict=True):
        why = keep.reason(rec["null"], rec["score"], rec["flags"], rec["status"])
        if why is None:
            kept.append(line)
        else:
            removed[why] += 1
    with atomic_writer(output) as f:
        if records.header is not None:
            f.write(records.header + "\n")
        f.write("".join(line + "\n" for line in kept))
    why = ", ".join(f"{k}: {v}" for k, v in sorted(removed.items())) or "nothing removed"
    click.echo(f"align: kept {len(kept)} of {len(records.rows)} pairs ({why})", err=True)


@main.command("split")
@click.argument("file", type=_IN)
@click.option(
    "--lang",
    default=None,
    help="Language rules: en, ko, or any code (generic rules). Default: ko when the text is mostly "
    "Hangul, else en (said on standard error).",
)
@click.option("--offsets", is_flag=True, help="JSONL: text, start, end (character offsets), paragraph, line.")
@click.option("--no-clean", is_flag=True, help="Keep page furniture.")
@click.option("-o", "--output", default="-", metavar="OUT", help="Output file ('-': standard output).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Report the encoding and every line dropped as furniture."
)
def split_cmd(file: str, lang: str | None, offsets: bool, no_clean: bool, output: str, verbose: bool) -> None:
    """Split FILE (text or HTML) into sentences, one per line, as align pair would."""
    import json

    from .clean import clean_text, furniture_lines
    from .formats import atomic_writer
    from .reading import read_document
    from .segment import guess_language, split_sentences, supported_languages

    _guard([] if output == "-" else [output], [file])
    doc = read_document(file)
    for w in doc.warnings:
        click.echo(f"align: warning: {w}", err=True)
    text = doc.text
    if lang is None:
        lang = guess_language(text)
        click.echo(f"align: {doc.path}: splitting with '{lang}' rules (detected; --lang sets them)", err=True)
    if lang.lower() not in supported_languages():
        click.echo(
            f"align: warning: no sentence rules for '{lang}': using generic punctuation rules", err=True
        )
    if not no_clean:
        lines = text.split("\n")
        dropped = furniture_lines(text, lang)
        text, _ = clean_text(text, lang)
        if verbose:
            for k in dropped:
                click.echo(f"align: {doc.path}:{k + 1}: dropped as furniture: {lines[k].strip()}", err=True)
    if verbose:
        click.echo(f"align: read {doc.path} as {doc.format}, encoding {doc.encoding}", err=True)
    segments = split_sentences(text, lang)
    if offsets:
        rows = [
            json.dumps(
                {"text": s.text, "start": s.start, "end": s.end, "paragraph": s.paragraph, "line": s.line},
                ensure_ascii=False,
            )
            for s in segments
        ]
    else:
        rows = [" ".join(s.text.split()) for s in segments]
    if output == "-":
        for row in rows:
            click.echo(row)
    else:
        with atomic_writer(output) as f:
            f.write("".join(row + "\n" for row in rows))


@main.command("evaluate")
@click.option(
    "-g", "--gold", "gold_files", multiple=True, type=click.Path(), help="Gold alignment file (repeat)."
)
@click.option(
    "-t", "--test", "test_files", multiple=True, type=click.Path(), help="System file, same order as -g."
)
@click.option("--gold-dir", type=click.Path(file_okay=False), help="Folder of NAME.gold files.")
@click.option("--test-dir", type=click.Path(file_okay=False), help="Folder of NAME<suffix> system files.")
@click.option(
    "--test-suffix", default=".align", show_default=True, help="Suffix of system files in --test-dir."
)
@click.option(
    "--project",
    "project_lines",
    nargs=2,
    metavar="SRC_SUFFIX TGT_SUFFIX",
    default=None,
    help="System files are align JSONL over its own sentences: project them onto the gold "
    "lines NAME+SRC_SUFFIX / NAME+TGT_SUFFIX in --gold-dir (e.g. --project .en .ko).",
)
@click.option("--per-doc", is_flag=True, help="Also print one line per document.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def evaluate_cmd(
    gold_files: tuple[str, ...],
    test_files: tuple[str, ...],
    gold_dir: str | None,
    test_dir: str | None,
    test_suffix: str,
    project_lines: tuple[str, str] | None,
    per_doc: bool,
    as_json: bool,
) -> None:
    """Strict and lax precision/recall/F1 of alignments against gold (Vecalign's definition).

    Files are in Vecalign's format ([0, 1]:[2] per line, optional :score), or align's JSONL
    of one document (a corrected file saved by the review page makes a gold file). Counts are
    summed over documents; omissions (1-0, 0-1) count in precision, not in recall.
    A gold file with no system file counts as an empty system output.
    """
    import json
    from pathlib import Path

    from .evaluate import Alignment, alignments_from_jsonl, evaluate, read_alignments

    if gold_dir:
        if not test_dir:
            raise AlignError("--gold-dir needs --test-dir")
        golds = sorted(Path(gold_dir).glob("*.gold"))
        if not golds:
            raise AlignError(f"{gold_dir}: no .gold files")
        pairs = [
            (g.name[: -len(".gold")], g, Path(test_dir) / (g.name[: -len(".gold")] + test_suffix))
            for g in golds
        ]
    else:
        if not gold_files or len(gold_files) != len(test_files):
            raise AlignError("give -g and -t the same number of times, or --gold-dir and --test-dir")
        pairs = [(Path(t).name, Path(g), Path(t)) for g, t in zip(gold_files, test_files, strict=True)]
    gold_list: list[list[Alignment]] = []
    test_list: list[list[Alignment]] = []
    names: list[str] = []
    missing = 0
    for name, g, t in pairs:
        gold_list.append(read_alignments(g))
        names.append(name)
        if not t.exists():
            missing += 1
            test_list.append([])
        elif project_lines:
            folder = g.parent
            src_gold = _gold_lines(folder / (name + project_lines[0]))
            tgt_gold = _gold_lines(folder / (name + project_lines[1]))
            test_list.append(alignments_from_jsonl(t, src_gold, tgt_gold))
        else:
            test_list.append(read_alignments(t))
    total = evaluate(gold_list, test_list)
    docs = [evaluate([g], [t]) for g, t in zip(gold_list, test_list, strict=True)] if per_doc else []
    if as_json:
        out: dict[str, Any] = {"total": total.as_dict()}
        if per_doc:
            out["per_doc"] = {n: d.as_dict() for n, d in zip(names, docs, strict=True)}
        click.echo(json.dumps(out, indent=2))
    else:
        for n, d in zip(names if per_doc else [], docs, strict=True):
            click.echo(
                f"{n}\tP={d.precision_strict:.3f} R={d.recall_strict:.3f} F1={d.f1_strict:.3f} (strict)"
                f"\tP={d.precision_lax:.3f} R={d.recall_lax:.3f} F1={d.f1_lax:.3f} (lax)"
            )
        click.echo("|           | strict | lax   |")
        click.echo("| --------- | -----: | ----: |")
        click.echo(f"| precision | {total.precision_strict:.3f}  | {total.precision_lax:.3f} |")
        click.echo(f"| recall    | {total.recall_strict:.3f}  | {total.recall_lax:.3f} |")
        click.echo(f"| F1        | {total.f1_strict:.3f}  | {total.f1_lax:.3f} |")
        click.echo(f"documents: {total.n_docs}")
    if missing:
        click.echo(f"align: warning: {missing} gold file(s) had no system file; scored as empty", err=True)


def _gold_lines(path: object) -> list[str]:
    from pathlib import Path

    from .errors import InputError

    try:
        return Path(str(path)).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text: not a file of gold sentences") from None


class _NoBar:
    def set_description(self, _: str) -> None: ...
    def update(self, _: int) -> None: ...
    def stage(self, name: str, done: int, total: int) -> None: ...
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None: ...


class _StageBar(_NoBar):
    """One tqdm bar that restarts for every stage (``Aligner(progress=bar.stage)``)."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=1, leave=False, file=sys.stderr, dynamic_ncols=True)
        self.name = ""

    def set_description(self, text: str) -> None:
        self.bar.set_description(text)

    def update(self, n: int) -> None:
        self.bar.update(n)

    def stage(self, name: str, done: int, total: int) -> None:
        if name != self.name:
            self.name = name
            self.bar.set_description(name, refresh=False)
            self.bar.reset(total=max(1, total))
        self.bar.update(done - self.bar.n)  # tqdm redraws at most ~10 times a second

    def __exit__(self, *exc: object) -> None:
        self.bar.close()


def _progress(quiet: bool) -> _NoBar:
    """Progress on standard error, only when it is a terminal and not ``-q``."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    return _StageBar()


def run() -> None:
    """Console entry point: one-line errors, no tracebacks, non-zero exit."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("align: interrupted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"align: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"align: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except AlignError as exc:
        click.echo(f"align: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(141)
    except KeyboardInterrupt:
        click.echo("align: interrupted", err=True)
        sys.exit(130)
    except MemoryError:
        click.echo("align: error: out of memory", err=True)
        sys.exit(1)
    except OSError as exc:  # a file problem no reader or writer caught: still one line
        if os.environ.get("ALIGN_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"align: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: one line, and how to see the traceback
        if os.environ.get("ALIGN_DEBUG"):
            raise
        click.echo(
            f"align: internal error: {type(exc).__name__}: {exc} (ALIGN_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(70)


if __name__ == "__main__":
    run()
