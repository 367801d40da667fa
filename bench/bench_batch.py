"""Batch archive at Kreis scale (issue #14): throughput, scaling, memory, Dask.

Inputs are N generated Vorlagen written as ratsdok XML files, each with 3 Anlage
files (4–13 KiB) in a folder of its own, as ``ratsdok archive FOLDER`` reads them.
Each measured run is a child process of its own (``ru_maxrss`` of the main process,
and of the largest worker), archiving by path with ``--max-anzahl`` ZIPs:

* throughput in Vorlagen per second at 1 and 2 worker processes, against the floor
  of rendering (bare ``typst.compile``, one process) plus zipping the same data
  (``zipfile`` alone), and the scaling efficiency t(1) / (2 · t(2));
* peak RSS of the main process and of a worker for each N (flat: they must not grow
  with N);
* the same export on a Dask ``LocalCluster`` with 2 worker processes, against the
  local pool of 2 (``--dask``), at chunk 1 and 4.

    .venv/bin/python -m bench.bench_batch [N ...] [--max-anzahl M] [--workers-list 1,2]
        [--dask 1,4] [--dir DIR]

Default: N = 1000 and 10000, M = 1000, pools of 1 and 2 workers, no Dask (``--dask``
names the chunk sizes to try); ``--dir`` keeps the generated inputs for the next run.
The 10,000 and 50,000 runs are benchmarks, not tests; the tests run small cases of
each behaviour.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid5

import ratsdok
from bench.bench_archive import NS, make_vorlage, render_floor, zip_floor
from ratsdok.interop.batch import process_pool
from ratsdok.interop.xdomea import archive_batch

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
PID = uuid5(NS, "p")


def inputs(folder: Path) -> list[Path]:
    return sorted(folder.glob("v*/vorlage.xml"))


def _current_rss_mb() -> float:
    """This process's resident set now (Linux), not its peak."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1e3
    return float("nan")


def child(args: argparse.Namespace) -> None:
    """One measured run (in a fresh process): print its figures as JSON."""
    out = Path(args.out)
    out.mkdir()
    executor = None
    stack: list[Any] = []
    if args.use_dask:
        distributed: Any = importlib.import_module("distributed")  # optional: ratsdok[dask]
        cluster = distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
        stack = [client, cluster]
        executor = client.get_executor()
    else:
        # A pool even for 1 worker: this process writes the ZIPs while it renders.
        pool = process_pool(args.workers)
        executor = pool.__enter__()
        stack = [_Closing(pool)]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    lauf = archive_batch(
        # A generator: the main process's memory is the archive's own, not a list of paths.
        (Path(args.src) / f"v{i:05d}" / "vorlage.xml" for i in range(args.counts[0])),
        out,
        prozess_id=PID,
        zeitpunkt=WHEN,
        max_anzahl=args.max_anzahl,
        executor=executor,
        workers=args.workers,
        window=4 * args.workers,
        chunk=args.chunk,
    )
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_main = usage.ru_utime + usage.ru_stime - cpu_before
    for thing in stack:
        thing.close()
    digest = hashlib.sha256()
    for p in lauf.zips:
        digest.update(p.read_bytes())
    json.dump(
        {
            "n": lauf.archiviert,
            "failed": lauf.fehlgeschlagen,
            "zips": len(lauf.zips),
            "bytes": sum(p.stat().st_size for p in lauf.zips),
            "sha256": digest.hexdigest(),
            "elapsed": elapsed,
            "rss_before_mb": rss_before / 1e3,
            "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
            "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3,
            "rss_end_mb": _current_rss_mb(),
            "cpu_main_s": cpu_main,
        },
        sys.stdout,
    )


class _Closing:
    """close() for a context manager (the pool), like Dask's client and cluster."""

    def __init__(self, cm: Any) -> None:
        self.cm = cm

    def close(self) -> None:
        self.cm.__exit__(None, None, None)


def measure(
    src: Path,
    out: Path,
    workers: int,
    max_anzahl: int,
    n: int,
    dask: bool = False,
    chunk: int = 1,
) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.bench_batch", "--child", "--src", str(src)]
    cmd += ["--out", str(out), "--workers", str(workers), "--max-anzahl", str(max_anzahl)]
    cmd += ["--chunk", str(chunk), str(n)] + (["--use-dask"] if dask else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def floor(src: Path, tmp: Path, n: int) -> float:
    """Seconds per Vorlage of rendering plus zipping, on the first *n* inputs."""
    items: list[tuple[ratsdok.Vorlage, Path | None]]
    items = [(ratsdok.load(p), p.parent) for p in inputs(src)[:n]]
    t_render = render_floor(items)
    with tempfile.TemporaryDirectory(dir=tmp) as t:
        probe = archive_batch(items[:20], Path(t), workers=1, resumable=False)
        with zipfile.ZipFile(probe.zips[0]) as zf:
            pdfs = [i.file_size for i in zf.infolist() if i.filename.endswith("_Vorlage.pdf")]
    t_zip = zip_floor(items, tmp / "floor.zip", sum(pdfs) // len(pdfs))
    print(f"  floor: render {t_render / n * 1e3:.1f} ms + zip {t_zip / n * 1e3:.1f} ms per Vorlage")
    return (t_render + t_zip) / n


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--max-anzahl", type=int, default=1000)
    parser.add_argument("--workers-list", default="1,2", help="local pool sizes to measure")
    parser.add_argument("--dask", default="", metavar="CHUNKS", help="e.g. 1,4: Dask runs")
    parser.add_argument("--dir", help="keep the generated inputs here (reused next time)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--use-dask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    pools = [int(w) for w in args.workers_list.split(",") if w]
    chunks = [int(c) for c in args.dask.split(",") if c]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = Path(args.dir) if args.dir else tmp / "src"
        per = None
        for n in sorted(args.counts):
            write_inputs_from(len(inputs(src)) if src.is_dir() else 0, n, src)
            print(f"{n} Vorlagen × 3 Anlagen, --max-anzahl {args.max_anzahl}", flush=True)
            if per is None:
                per = floor(src, tmp, min(n, 1000))
            runs = {}
            for w in pools:
                r = runs[w] = measure(src, tmp / f"out-{n}-{w}", w, args.max_anzahl, n)
                rate = r["n"] / r["elapsed"]
                print(
                    f"  workers={w}: {r['elapsed']:8.1f} s  {rate:6.1f} Vorlagen/s  "
                    f"{r['elapsed'] / (per * r['n']):.2f}× floor  {r['zips']} ZIPs "
                    f"{r['bytes'] / 1e6:.0f} MB  RSS main peak {r['rss_main_mb']:.0f} MB "
                    f"(before the run {r['rss_before_mb']:.0f}, at its end "
                    f"{r['rss_end_mb']:.0f}), worker peak {r['rss_worker_mb']:.0f} MB; "
                    f"main CPU {r['cpu_main_s'] / r['n'] * 1e3:.1f} ms a Vorlage",
                    flush=True,
                )
            if len({r["sha256"] for r in runs.values()}) > 1:
                print("  DIFFERENT BYTES between pool sizes")
                return 1
            if 1 in runs and 2 in runs:
                eff = runs[1]["elapsed"] / (2 * runs[2]["elapsed"])
                print(f"  scaling efficiency 1→2 workers: {eff:.2f}")
            for chunk in chunks:
                r = measure(src, tmp / f"dask-{n}-{chunk}", 2, args.max_anzahl, n, True, chunk)
                same = "same bytes" if r["sha256"] == runs[max(runs)]["sha256"] else "DIFFERENT"
                print(
                    f"  dask LocalCluster 2 workers, chunk {chunk}: {r['elapsed']:8.1f} s, "
                    f"{r['elapsed'] / runs[max(runs)]['elapsed']:.2f}× the local pool of "
                    f"{max(runs)} ({same})",
                    flush=True,
                )
            for d in tmp.glob("out-*"):
                shutil.rmtree(d)
            for d in tmp.glob("dask-*"):
                shutil.rmtree(d)
    return 0


def write_inputs_from(start: int, n: int, folder: Path) -> None:
    """Inputs *start* … *n* − 1 (the larger counts extend the smaller ones)."""
    for i in range(start, n):
        sub = folder / f"v{i:05d}"
        sub.mkdir(parents=True, exist_ok=True)
        ratsdok.save(make_vorlage(i, sub), sub / "vorlage.xml")


if __name__ == "__main__":
    sys.exit(main())
