"""Compiled Jinja templates kept on disk, so a new process does not compile them again.

Compiling the draft templates costs about 50 ms of CPU in every process that writes
drafts (a ``syncd sync``, the daemon's first pass); loading the compiled code back costs
about 1 ms. ``TemplateCache`` is Jinja's file-system bytecode cache
(https://jinja.palletsprojects.com/en/3.1.x/api/#bytecode-cache) with two changes:

* a compiled template is found again only for the same source (Jinja's own checksum),
  the same Jinja and Python, and the same compile-time choices of its environment
  (delimiters, whitespace handling, autoescape, finalize, how each filter and test is
  called): Jinja's key is the template's name alone, and an environment changed in
  code would otherwise run a template compiled with the old choices;
* it is an optimisation and nothing more: a directory that cannot be made or written,
  or a file that cannot be read back, means compiling as before, never an error.

The files go to ``<data dir>/cache/templates`` of the config in use (``cache_dir``;
``$SYNCD_HOME/cache/templates``, ``--home``'s), beside the database: the user's own, as
trusted as the code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from jinja2.bccache import Bucket

if TYPE_CHECKING:
    from syncd.config import Paths

log = logging.getLogger(__name__)


def cache_dir(paths: Paths) -> Path:
    """Where a config's compiled templates are kept: beside its database."""
    return paths.data_dir / "cache" / "templates"


def compile_options(environment: jinja2.Environment, name: str) -> str:
    """Everything besides its source that the code Jinja compiles for template ``name`` depends on."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    finalize = environment.finalize
    called = [(kind, n, getattr(f, "jinja_pass_arg", None))
              for kind, table in (("filter", environment.filters), ("test", environment.tests))
              for n, f in sorted(table.items())]
    return repr((
        jinja2.__version__, sys.implementation.cache_tag, type(environment).__qualname__,
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async, bool(autoescape),
        sorted(environment.extensions), getattr(finalize, "__qualname__", finalize),
        getattr(finalize, "jinja_pass_arg", None), environment.code_generator_class.__qualname__, called,
    ))


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, keyed by the environment's compile-time choices
    too, and never failing a render."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory), "%s.j2c")

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = hashlib.sha256(f"{name}\0{filename or ''}\0{compile_options(environment, name)}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as err:  # a damaged or foreign file: compile instead
            log.debug("compiled template %s unreadable: %s", bucket.key, err)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)  # a temporary file renamed into place: readers never see half of it
        except Exception as err:  # a read-only home, a full disk: compile again next time
            log.debug("compiled template %s not kept: %s", bucket.key, err)
