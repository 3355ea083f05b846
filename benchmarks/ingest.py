"""Ingest speed and memory, side by side with ``notmuch new`` and a bare ``email`` parse.

    python benchmarks/ingest.py [--messages N | --maildir DIR --address A ...] [--skip-notmuch]
                                [--workdir DIR] [--no-enron] [--no-incremental] [--json FILE]

On one Maildir, in one run, each contender in its own fresh process (so its peak RSS is
its own: ``os.wait4`` on that one child), page cache warmed first:

1. ``notmuch new`` into a fresh database (Debian's ``notmuch``; ``apt-get install notmuch``),
   the reference a local-mail user knows;
2. a bare parse of every message with Python's ``email`` package, policies ``compat32``
   and ``default`` (``benchmarks/ingest_children.py bare``): the floor of any Python ingest;
3. ``syncd sync`` from an empty store, everything derived (people, touchpoints, facts,
   open loops), as a user runs it (``python -m syncd sync``).

It prints messages per second, wall seconds, CPU seconds and peak RSS for each, and the
ratios syncd/notmuch and syncd/bare parse against the targets of issue 10. Then the
incremental case on the synced store: 10 new messages (``gen_maildir.add_messages``) ->
``syncd sync`` as a process; then, in one process as the daemon runs, 10 new -> ``sync()``
(untimed) and 10 more -> ``sync()`` timed; then a no-op resync, with
``notmuch new`` on the same 10 files beside it. Then the same table for the real mail of
``../shared/corpus/maildir/enron-bass-e`` (best of ``--repeat``).

``--messages N`` generates (once, then reused) a corpus with ``benchmarks/gen_maildir.py``
under ``--workdir`` (default ``/tmp/syncd-bench``). Everything syncd runs is the code of
the checkout this script sits in (``PYTHONPATH``), so a scratch copy benchmarks itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import gen_maildir  # noqa: E402
from ingest_children import message_files  # noqa: E402

CHILDREN = ROOT / "benchmarks" / "ingest_children.py"
ENRON = ROOT.parent / "shared" / "corpus" / "maildir" / "enron-bass-e"
ENRON_ADDRESSES = ["eric.bass@enron.com", "ebass@enron.com"]
ENRON_NOW = "2024-06-01T00:00:00+00:00"
TARGET_NOTMUCH = 2.0  # syncd at least 2x notmuch new
TARGET_BARE = 0.5  # syncd at least 50% of the bare compat32 parse
TARGET_INCREMENTAL = 1.0  # seconds
TARGET_RSS_MB = 300


@dataclass
class Run:
    label: str
    messages: int
    seconds: float  # wall clock, process start to exit
    cpu: float  # user + system of that process
    rss_mb: float  # its peak resident set size
    note: str = ""
    load: float = 0.0  # the machine's 1-minute load average when it started

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


class Failed(RuntimeError):
    pass


_last_load = 0.0  # load average seen by the latest ``measure``


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float, float, str]:
    """Run ``cmd`` in a fresh process: (wall s, CPU s, peak RSS MB, stdout). Its own rusage
    comes from ``wait4`` on its pid, so the figures are this child's and nobody else's."""
    global _last_load
    _last_load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise Failed(f"{' '.join(cmd)} exited {proc.returncode}:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


# -- contenders ----------------------------------------------------------------------


def notmuch_config(workdir: Path, maildir: Path, addresses: list[str]) -> tuple[dict[str, str], Path]:
    """A fresh notmuch database beside (not inside) the Maildir, and the env to use it."""
    base = workdir / f"notmuch-{maildir.name}"
    shutil.rmtree(base, ignore_errors=True)
    (base / "db").mkdir(parents=True)
    others = ";".join(addresses[1:])
    (base / "config").write_text(
        "[database]\n"
        f"path={base / 'db'}\n"
        f"mail_root={maildir}\n"
        "[user]\n"
        f"name=Benchmark User\nprimary_email={addresses[0]}\n" + (f"other_email={others}\n" if others else "")
        + "[new]\ntags=\nignore=" + gen_maildir.META + "\n"
        "[maildir]\nsynchronize_flags=false\n"
    )
    env = dict(os.environ, NOTMUCH_CONFIG=str(base / "config"))
    return env, base


def run_notmuch(env: dict[str, str], label: str = "notmuch new") -> Run:
    wall, cpu, rss, _ = measure(["notmuch", "new", "--quiet", "--no-hooks"], env=env)
    count = int(subprocess.run(["notmuch", "count", "*"], env=env, capture_output=True, text=True, check=True).stdout)
    return Run(label, count, wall, cpu, rss, load=_last_load)


def run_bare(maildir: Path, policy: str) -> Run:
    wall, cpu, rss, out = measure([sys.executable, str(CHILDREN), "bare", str(maildir), "--policy", policy])
    result = json.loads(out.strip().splitlines()[-1])
    note = f"{result['errors']} raised" if result["errors"] else ""
    return Run(f"bare email parse, {policy}", int(result["messages"]), wall, cpu, rss, note, _last_load)


def syncd_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, SYNCD_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("SYNCD_NOW", None)
    return env


def syncd_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "syncd", *args]


def prepare_syncd(workdir: Path, maildir: Path, addresses: list[str]) -> Path:
    home = workdir / f"syncd-{maildir.name}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    args = ["account", "add", "maildir", "bench", "--path", str(maildir)]
    for address in addresses:
        args += ["--address", address]
    subprocess.run(syncd_cmd(*args), env=syncd_env(home), cwd=ROOT, check=True, capture_output=True)
    return home


_ACCOUNT_LINE = re.compile(r"(\d+) added, (\d+) updated, (\d+) deleted, (\d+) quarantined \(([\d.]+)s\)")


def run_syncd(home: Path, now: str, label: str = "syncd sync (all derived)") -> tuple[Run, int, float]:
    """(run, messages added, seconds the accounts took before the derive step)."""
    wall, cpu, rss, out = measure(syncd_cmd("--now", now, "sync"), env=syncd_env(home), cwd=ROOT)
    found = _ACCOUNT_LINE.search(out)
    added = int(found.group(1)) if found else 0
    account_seconds = float(found.group(5)) if found else 0.0
    note = f"{found.group(4)} quarantined" if found and found.group(4) != "0" else ""
    return Run(label, added, wall, cpu, rss, note, _last_load), added, account_seconds


def store_summary(home: Path) -> str:
    db = sqlite3.connect(home / "syncd.db")
    try:
        q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return (
            f"{q('select count(*) from message')} messages, {q('select count(*) from person')} people "
            f"({q('select count(*) from person where automated')} automated), "
            f"{q('select count(*) from touchpoint')} touchpoints, {q('select count(*) from fact')} facts, "
            f"{q('select count(*) from open_loop')} open loops"
        )
    finally:
        db.close()


# -- reporting -----------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    nm = shutil.which("notmuch")
    nm_version = subprocess.run([nm, "--version"], capture_output=True, text=True).stdout.strip() if nm else "notmuch missing"
    return (
        f"{model or platform.processor()}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {nm_version}"
    )


def table(title: str, runs: list[Run]) -> str:
    lines = [f"### {title}", "", "| contender | messages | seconds | msgs/s | CPU s | peak RSS MB | load | |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in runs:
        lines.append(f"| {r.label} | {r.messages} | {r.seconds:.2f} | {r.rate:,.0f} | {r.cpu:.2f} | {r.rss_mb:.0f} | "
                     f"{r.load:.1f} | {r.note} |")
    busy = [r.label for r in runs if r.cpu and r.seconds > 1.25 * r.cpu and r.seconds > 1]
    if busy:
        lines.append(f"\nwall time well above CPU time for: {', '.join(busy)}. Other load on the machine "
                     "(see the load column) or waiting on the disk: the ratios by CPU time are the steadier ones.")
    return "\n".join(lines)


def ratios(runs: dict[str, Run]) -> str:
    syncd = runs.get("syncd")
    if syncd is None:
        return ""
    out = []
    def by_cpu(other: Run) -> str:  # the same ratio from CPU seconds: steadier on a shared machine
        return f"{other.cpu / syncd.cpu:.2f}" if syncd.cpu else "?"

    if "notmuch" in runs:
        r = syncd.rate / runs["notmuch"].rate
        out.append(f"syncd / notmuch new: {r:.2f}x by wall time, {by_cpu(runs['notmuch'])}x by CPU time "
                   f"(target >= {TARGET_NOTMUCH:.0f}x: {'met' if r >= TARGET_NOTMUCH else 'NOT met'})")
    if "compat32" in runs:
        r = syncd.rate / runs["compat32"].rate
        out.append(f"syncd / bare compat32 parse: {r:.0%} by wall time, {by_cpu(runs['compat32'])} by CPU time "
                   f"(target >= {TARGET_BARE:.0%}: {'met' if r >= TARGET_BARE else 'NOT met'})")
    if "default" in runs:
        out.append(f"syncd / bare default-policy parse: {syncd.rate / runs['default'].rate:.0%} by wall time")
    rss = f"syncd peak RSS: {syncd.rss_mb:.0f} MB"
    out.append(rss + (f" (target < {TARGET_RSS_MB} MB at 100k)"))
    return "\n".join(out)


def private_copy(source: Path, workdir: Path) -> Path:
    """A hard-linked copy of ``source`` to run on: instant and without copying data, and
    whatever the contenders write (syncd saves follow-up drafts into the account's Drafts
    folder; notmuch could rename files) stays out of the source corpus. Its directories are
    made writable (the shared corpus is read-only); its files are the source's own inodes,
    which nobody here modifies in place (Maildir files are only ever added or renamed)."""
    target = workdir / f"run-{source.name}"
    shutil.rmtree(target, ignore_errors=True)
    try:
        subprocess.run(["cp", "-al", str(source), str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):  # another file system, or no GNU cp
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
    for folder, _dirs, _files in os.walk(target):
        os.chmod(folder, os.stat(folder).st_mode | 0o700)
    return target


def warm(files: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += len(handle.read())
    return time.perf_counter() - started, total


# -- one corpus ------------------------------------------------------------------------


def bench_corpus(title: str, maildir: Path, addresses: list[str], now: str, args: argparse.Namespace,
                 repeat: int = 1, incremental: bool = False) -> dict[str, object]:
    files = message_files(maildir)
    seconds, size = warm(files)
    print(f"\n{title}: {maildir} — {len(files)} message files, {size / 1e6:.0f} MB "
          f"(page cache warmed: read all in {seconds:.1f} s; each round runs on a hard-linked copy)", flush=True)
    best: dict[str, Run] = {}
    have_notmuch = shutil.which("notmuch") is not None and not args.skip_notmuch
    if not have_notmuch and not args.skip_notmuch:
        print("  notmuch is not installed: skipping it (Debian: apt-get install notmuch; or pass --skip-notmuch)")
    home = None
    nm_env = None
    summary = ""
    account_seconds = 0.0
    source = maildir
    for attempt in range(repeat):
        maildir = private_copy(source, args.workdir)  # fresh each round: nothing one round writes reaches the next
        runs: dict[str, Run] = {}
        if have_notmuch:
            nm_env, _ = notmuch_config(args.workdir, maildir, addresses)
            runs["notmuch"] = run_notmuch(nm_env)
        runs["compat32"] = run_bare(maildir, "compat32")
        if not args.skip_default:
            runs["default"] = run_bare(maildir, "default")
        home = prepare_syncd(args.workdir, maildir, addresses)
        run, _, acct = run_syncd(home, now)
        runs["syncd"] = run
        for key, r in runs.items():
            if key not in best or r.seconds < best[key].seconds:
                best[key] = r
                if key == "syncd":
                    account_seconds = acct
                    summary = store_summary(home)
        print(f"  round {attempt + 1}: " + ", ".join(f"{k} {r.seconds:.1f}s" for k, r in runs.items()), flush=True)
    label = title + (f" (best of {repeat})" if repeat > 1 else "")
    text = table(label, list(best.values()))
    syncd_run = best["syncd"]
    derive_note = (f"syncd: {account_seconds:.1f} s reading and storing mail, "
                   f"{syncd_run.seconds - account_seconds:.1f} s start-up + derive (people, facts, loops)")
    print("\n" + text + "\n\n" + ratios(best) + "\n" + derive_note + "\nstore: " + summary, flush=True)
    result: dict[str, object] = {
        "title": title, "maildir": str(source), "messages": len(files), "bytes": size,
        "runs": {k: {**asdict(r), "rate": r.rate} for k, r in best.items()},
        "syncd_account_seconds": account_seconds, "store": summary,
    }
    if incremental and home is not None:
        result["incremental"] = bench_incremental(maildir, home, now, nm_env, args)
    return result


def bench_incremental(maildir: Path, home: Path, now: str, nm_env: dict[str, str] | None,
                      args: argparse.Namespace) -> dict[str, object]:
    seed = int(json.loads((maildir / gen_maildir.META).read_text())["seed"])
    out: dict[str, object] = {}
    try:
        added = gen_maildir.add_messages(maildir, args.new, seed=seed, round_=1)
        lines = [f"\n### Incremental: {len(added)} new messages into the store of {args.label_n} messages", "",
                 "| what | seconds | CPU s | peak RSS MB |", "| --- | ---: | ---: | ---: |"]
        if nm_env is not None:
            wall, cpu, rss, _ = measure(["notmuch", "new", "--quiet", "--no-hooks"], env=nm_env)
            lines.append(f"| notmuch new, {len(added)} new files | {wall:.2f} | {cpu:.2f} | {rss:.0f} |")
            out["notmuch"] = wall
        run, n, acct = run_syncd(home, now, "incremental")
        lines.append(f"| syncd sync (process: start-up, imports, sync, derive), {n} added | {run.seconds:.2f} | "
                     f"{run.cpu:.2f} | {run.rss_mb:.0f} |")
        lines.append(f"| ... of which the account sync (listing, diff, ingest) | {acct:.2f} | | |")
        out["process"] = run.seconds
        out["process_account"] = acct
        wall, cpu, rss, stdout = measure(
            [sys.executable, str(CHILDREN), "sync", str(home), "--now", now, "--daemon-like", str(maildir),
             "--new", str(args.new), "--seed", str(seed)], env=syncd_env(home), cwd=ROOT)
        inproc = json.loads(stdout.strip().splitlines()[-1])
        lines.append(f"| sync() in a running process (as the daemon: its previous sync took {args.new} new), "
                     f"{int(inproc['messages'])} of {args.new} added | {inproc['seconds']:.2f} | | |")
        out["in_process"] = inproc["seconds"]
        time.sleep(2.1)  # past the Maildir connector's 2-second untrusted-mtime window
        run, n, acct = run_syncd(home, now, "no-op")
        lines.append(f"| no-op syncd sync (process) | {run.seconds:.2f} | {run.cpu:.2f} | {run.rss_mb:.0f} |")
        out["noop"] = run.seconds
        verdict = "met" if inproc["seconds"] < TARGET_INCREMENTAL else "NOT met"
        lines.append(f"\nincremental target < {TARGET_INCREMENTAL:.0f} s (in-process sync of {args.new} new): {verdict}")
        print("\n".join(lines), flush=True)
    finally:
        shutil.rmtree(maildir, ignore_errors=True)  # the private copy the new files went to
    return out


def corpus_for(args: argparse.Namespace) -> tuple[Path, list[str], str]:
    if args.maildir:
        maildir = args.maildir.resolve()
        meta_file = maildir / gen_maildir.META
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        addresses = args.address or meta.get("addresses")
        if not addresses:
            sys.exit("--maildir needs --address (the user's own address, repeatable)")
        return maildir, list(addresses), args.now or meta.get("now") or ENRON_NOW
    maildir = args.workdir / f"maildir-{args.messages}-s{args.seed}"
    meta_file = maildir / gen_maildir.META
    if not meta_file.exists():
        shutil.rmtree(maildir, ignore_errors=True)
        print(f"generating {args.messages} messages into {maildir} ...", flush=True)
        meta = gen_maildir.generate(args.messages, maildir, args.seed)
        print(f"  {meta['bytes'] / 1e6:.0f} MB in {meta['seconds']} s", flush=True)
    meta = json.loads(meta_file.read_text())
    return maildir, list(meta["addresses"]), args.now or str(meta["now"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--messages", type=int, help="generate (or reuse) a corpus of N messages (default 10000)")
    which.add_argument("--maildir", type=Path, help="benchmark this Maildir++ root instead")
    ap.add_argument("--address", action="append", help="the user's own address with --maildir (repeatable)")
    ap.add_argument("--now", help="pin syncd's clock (default: the corpus's own, else 2024-06-01)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "syncd-bench")
    ap.add_argument("--skip-notmuch", action="store_true", help="do not run notmuch new")
    ap.add_argument("--skip-default", action="store_true", help="do not run the (slow) default-policy bare parse")
    ap.add_argument("--no-enron", action="store_true", help="skip the second table on enron-bass-e")
    ap.add_argument("--enron", type=Path, default=ENRON, help=f"the real-mail Maildir of the second table (default {ENRON})")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--new", type=int, default=10, help="new messages for the incremental case")
    ap.add_argument("--repeat", type=int, default=3, help="rounds on enron-bass-e (best counts); 1 on the main corpus")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    if args.messages is None and args.maildir is None:
        args.messages = 10_000
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"syncd under test: {ROOT} ({_git_head()})", flush=True)
    results: dict[str, object] = {"machine": machine()}
    maildir, addresses, now = corpus_for(args)
    generated = (maildir / gen_maildir.META).exists()
    args.label_n = len(message_files(maildir))
    title = f"{args.label_n} generated messages (seed {args.seed})" if generated and args.maildir is None else maildir.name
    results["main"] = bench_corpus(title, maildir, addresses, now, args,
                                   incremental=generated and not args.no_incremental)
    if args.no_enron:
        pass
    elif not args.enron.is_dir():
        print(f"\n{args.enron} not found: no enron-bass-e table (give --enron DIR, or --no-enron)")
    elif maildir != args.enron.resolve():
        results["enron"] = bench_corpus("enron-bass-e (real mail)", args.enron.resolve(), ENRON_ADDRESSES, ENRON_NOW, args,
                                        repeat=args.repeat)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def _git_head() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "syncd", "connectors"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" + uncommitted changes in syncd/ or connectors/" if dirty else "")
    except OSError:
        return "not a git checkout"


if __name__ == "__main__":
    main()
