"""Performance benchmark: ``python -m bot benchmark`` prints the numbers and writes the report.

Sections (``--sections``, default all; each one's results are merged into ``docs/performance.json``
so sections can be re-run alone, and ``docs/performance.md`` + plots are regenerated from it):

- ``encoder``: per backend (torch, onnx, onnx-int8): model load in a fresh process, one-query
  embedding p50/p95, raw batch throughput.
- ``retrieval``: the clinic's knowledge indexed per backend: query embedding, search and whole
  ``decide`` p50/p95; the clinic evaluation set and CovidFAQ per backend (the quality check that
  decides the default backend).
- ``build``: index build rate (entries/s) for the clinic knowledge and the 47,441-entry MedQuAD
  FAQ, the ratio of build time to the encoder's raw batch throughput measured in the same run,
  a rebuild after a one-entry edit (embedding cache), build time against corpus size.
- ``ann``: exact vs IVF search against corpus size up to 1e6 vectors (real question embeddings
  and jittered copies; recall@10 against exact search, search p50/p95, build time, memory).
- ``server``: cold start and RSS of the action server (warmed with one retrieval).
- ``e2e``: cold start of the Rasa server and reply latency through the REST channel against
  concurrency (needs a trained model in models/; skipped with a message otherwise).
- ``liveqa``: TREC LiveQA 2017 questions against MedQuAD (see :mod:`benchmarks.liveqa`).

Numbers are wall-clock on the machine described in the report; the load average before and
after each section is recorded, because other processes share the CPUs.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.datasets import DATA_DIR, medquad_records
from benchmarks.harness import (
    action_server_command,
    action_server_healthy,
    free_port,
    rasa_command,
    spawn,
    wait_until,
)
from benchmarks.harness import stop as _stop
from benchmarks.stats import latency_summary
from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
RESULTS_FILE = DOCS / "performance.json"
REPORT_FILE = DOCS / "performance.md"
COVID_FAQ = DATA_DIR / "covidfaq" / "faq.jsonl"
COVID_QUERIES = DATA_DIR / "covidfaq" / "queries.jsonl"
BACKENDS = ("torch", "onnx", "onnx-int8")
SECTIONS = ("encoder", "retrieval", "build", "ann", "server", "e2e", "liveqa")
DEFAULT_ANN_SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)

T = TypeVar("T")


# --- helpers -------------------------------------------------------------------------------------


def percentiles(samples_ms: Sequence[float]) -> dict:
    """p50/p95/mean/max of millisecond samples (:func:`benchmarks.stats.latency_summary`)."""
    return latency_summary(list(samples_ms))


def timed(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    """``(result, seconds)`` of one call."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def load_average() -> list[float]:
    """The 1/5/15-minute load averages (how busy the shared machine was)."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    """CPU count, CPU model, RAM, OS and Python version."""
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def encoder_for(backend: str):
    """A fresh encoder of ``backend`` ("torch", "onnx" or "onnx-int8")."""
    from bot.retrieval.embedding import SentenceTransformerEncoder
    from bot.retrieval.onnx_backend import OnnxEncoder

    if backend == "torch":
        return SentenceTransformerEncoder()
    if backend == "onnx":
        return OnnxEncoder("fp32")
    if backend == "onnx-int8":
        return OnnxEncoder("int8")
    raise ValueError(f"unknown backend {backend!r} (available: {', '.join(BACKENDS)})")


def clinic_questions() -> list[str]:
    """The clinic evaluation set's questions (in scope, then out of scope): realistic queries."""
    from benchmarks.evaluation import load_clinic_set

    in_scope, out_of_scope = load_clinic_set()
    return [q.text for q in in_scope] + list(out_of_scope)


def medquad_knowledge(records: Sequence[dict], tag: str = "medquad"):
    """MedQuAD records as :class:`bot.retrieval.knowledge.Knowledge` (hash over the entries' JSON).

    Entries are made directly: a third of MedQuAD has empty answers, which the clinic FAQ
    loader (rightly) refuses.
    """
    import hashlib

    from bot.retrieval.knowledge import Entry, Knowledge

    entries = [
        Entry(id=r["id"], kind="faq", title=r["question"], text=r.get("answer") or "",
              source=r.get("source") or "MedQuAD", questions=(" ".join(r["question"].split()),),
              group=r["id"])
        for r in records
    ]
    digest = hashlib.sha256(
        json.dumps([e.as_dict() for e in entries], sort_keys=True).encode()
    ).hexdigest()
    return Knowledge(entries, digest, [], origin=f"bench:{tag}")


def index_texts(knowledge) -> list[str]:
    """The texts the index builder embeds for ``knowledge`` (duplicates included)."""
    from bot.retrieval.index import vector_texts

    return [text for entry in knowledge.entries for _, text in vector_texts(entry)]


def raw_throughput(encoder, texts: Sequence[str]) -> dict:
    """The bare encoder's batch rate (texts/s) on ``texts`` (a sample of what a build embeds)."""
    batch = list(texts)
    cpu_started = time.process_time()
    vectors, elapsed = timed(encoder.encode, batch)
    cpu = time.process_time() - cpu_started
    del vectors
    return {"texts": len(batch), "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "texts_per_s": round(len(batch) / elapsed, 1)}


# --- sections ------------------------------------------------------------------------------------


def bench_encoder(args) -> dict:
    """Load time, one-query latency and batch throughput of each backend."""
    import random

    from bot.retrieval.onnx_backend import export

    export()
    questions = clinic_questions()
    sample = [t for t in index_texts(medquad_knowledge(medquad_records(3000)))]
    random.Random(0).shuffle(sample)
    sample = sample[: args.batch_texts]
    results: dict = {}
    for backend in args.backends:
        script = (
            "import time; t = time.perf_counter()\n"
            "from benchmarks.benchmark import encoder_for\n"
            f"encoder_for({backend!r}).encode(['warm up'])\n"
            "print(time.perf_counter() - t)\n"
        )
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True, cwd=PROJECT_ROOT).stdout
        process_s = time.perf_counter() - started
        encoder = encoder_for(backend)
        encoder.encode(["warm up"])
        for text in questions[:10]:
            encoder.encode([text])
        latencies = []
        cpu_started = time.process_time()
        for text in questions[: args.queries]:
            _, seconds = timed(encoder.encode, [text])
            latencies.append(seconds * 1000)
        cpu_ms = (time.process_time() - cpu_started) * 1000 / max(1, len(latencies))
        results[backend] = {
            "load_s": round(float(out.strip().splitlines()[-1]), 2),
            "process_with_load_s": round(process_s, 2),
            "query": {**percentiles(latencies), "cpu_ms": round(cpu_ms, 2)},
            "batch": raw_throughput(encoder, sample),
        }
        print(f"  {backend:10s} load {results[backend]['load_s']:.2f} s, query p50 "
              f"{results[backend]['query']['p50_ms']:.1f} ms p95 "
              f"{results[backend]['query']['p95_ms']:.1f} ms (CPU {cpu_ms:.1f} ms), batch "
              f"{results[backend]['batch']['texts_per_s']:.0f} texts/s", flush=True)
    return results


def _retriever_for(knowledge, index_dir: Path, encoder, knowledge_dir: Path | None):
    from bot.retrieval.index import build_index
    from bot.retrieval.retriever import Retriever

    build_index(knowledge, index_dir, encoder, progress=False)
    return Retriever.load(index_dir, knowledge_dir=knowledge_dir, encoder=encoder)


def bench_retrieval(args) -> dict:
    """Latency of embedding, search and the whole decision, and quality, per backend."""
    from benchmarks.evaluation import evaluate, load_clinic_set, load_queries
    from bot.retrieval.knowledge import load_faq_file, load_knowledge
    from bot.retrieval.retriever import TOP_K, clean_query

    questions = clinic_questions()
    in_scope, out_of_scope = load_clinic_set()
    knowledge = load_knowledge()
    covid = load_faq_file(COVID_FAQ)
    covid_queries = load_queries(COVID_QUERIES)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        for backend in args.backends:
            encoder = encoder_for(backend)
            retriever = _retriever_for(knowledge, Path(tmp) / backend, encoder, KNOWLEDGE_DIR)
            for text in questions[:10]:
                retriever.decide(text)
            embed, search, decide = [], [], []
            rows = retriever.index.count
            cpu_started = time.process_time()
            for text in questions[: args.queries]:
                clean, _ = clean_query(text)
                vector, seconds = timed(encoder.encode, [clean])
                embed.append(seconds * 1000)
                _, seconds = timed(retriever.index.search, vector, rows)
                search.append(seconds * 1000)
                _, seconds = timed(retriever.decide, text)
                decide.append(seconds * 1000)
            # CPU time of embed + search + decide per question (robust to a busy machine).
            cpu_ms = (time.process_time() - cpu_started) * 1000 / max(1, len(decide))
            # Quality: the same retriever, with every query embedded up front in one batch (the
            # same vectors, far faster than one call per query) and served from a cache.
            from bot.retrieval.embed_cache import CachedEncoder
            from bot.retrieval.retriever import Retriever

            cached = CachedEncoder(encoder, Path(tmp) / f"cache-{backend}")
            texts = [q.text for q in in_scope] + list(out_of_scope)
            texts += [q.text for q in covid_queries]
            cached.encode([c for c in (clean_query(t)[0] for t in texts) if c])
            batch_retriever = Retriever(retriever.index, cached, retriever.settings,
                                        retriever.placeholders)
            clinic = evaluate(batch_retriever, in_scope, out_of_scope, name="clinic set")
            covid_retriever = _retriever_for(covid, Path(tmp) / f"covid-{backend}", cached, None)
            covid_report = evaluate(covid_retriever, covid_queries, (), name="CovidFAQ")
            results[backend] = {
                "vectors": rows,
                "top_k": TOP_K,
                "embed": percentiles(embed),
                "search": percentiles(search),
                "decide": percentiles(decide),
                "cpu_ms_per_question_all_three": round(cpu_ms, 2),
                "clinic_eval": {k: round(v, 4) if isinstance(v, float) else v
                                for k, v in clinic.to_dict().items() if k != "unknown_ids"},
                "covid_eval": {k: round(v, 4) if isinstance(v, float) else v
                               for k, v in covid_report.to_dict().items() if k != "unknown_ids"},
            }
            r = results[backend]
            print(f"  {backend:10s} embed p50 {r['embed']['p50_ms']:.1f} ms, search p50 "
                  f"{r['search']['p50_ms']:.2f} ms, decide p50 {r['decide']['p50_ms']:.1f} ms "
                  f"p95 {r['decide']['p95_ms']:.1f} ms | clinic top-1 "
                  f"{clinic.top1_correct:.3f} P@1 {clinic.p_at_1:.3f} OOS "
                  f"{clinic.oos_rejected or 0:.3f} | CovidFAQ P@1 {covid_report.p_at_1:.3f} "
                  f"MRR@10 {covid_report.mrr_at_10:.3f}", flush=True)
    return results


def _build_once(knowledge, index_dir: Path, encoder, cache_dir: Path | None) -> dict:
    """Build with a (possibly warm) embedding cache; returns time and what the cache did."""
    from bot.retrieval.embed_cache import CachedEncoder
    from bot.retrieval.index import build_index

    cached = CachedEncoder(encoder, cache_dir)
    started, cpu_started = time.perf_counter(), time.process_time()
    meta = build_index(knowledge, index_dir, cached, progress=False)
    cached.save()
    seconds = time.perf_counter() - started
    return {
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "entries": len(knowledge.entries),
        "vectors": meta["vector_count"],
        "texts": cached.stats.texts,
        "unique_texts": cached.stats.unique,
        "embedded": cached.stats.embedded,
        "cache_hits": cached.stats.hits,
        "seconds": round(seconds, 2),
        "entries_per_s": round(len(knowledge.entries) / seconds, 1),
    }


def bench_build(args) -> dict:
    """Build rate, ratio to raw encoder throughput, incremental rebuild, build time vs size."""
    import random

    from benchmarks import liveqa
    from bot.retrieval.knowledge import load_knowledge

    encoder = encoder_for(args.backend)
    encoder.encode(["warm up"])
    results: dict = {"backend": args.backend}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        clinic = load_knowledge()
        texts = list(dict.fromkeys(index_texts(clinic)))
        raw = raw_throughput(encoder, texts)
        raw = raw_throughput(encoder, texts)  # twice: the first run also warms ORT's arena
        build = _build_once(clinic, tmp / "clinic", encoder, tmp / "cache-clinic")
        expected = build["embedded"] / raw["texts_per_s"]
        cpu_ratio = build["cpu_seconds"] / (build["embedded"] * raw["cpu_seconds"] / raw["texts"])
        results["clinic"] = {**build, "raw": raw,
                             "ratio_to_raw": round(build["seconds"] / expected, 3),
                             "cpu_ratio_to_raw": round(cpu_ratio, 3)}
        print(f"  clinic: {build['entries']} entries in {build['seconds']:.2f} s "
              f"({build['entries_per_s']:.0f} entries/s), raw encoder {raw['texts_per_s']:.0f} "
              f"texts/s, build/raw {results['clinic']['ratio_to_raw']:.2f} (CPU time "
              f"{cpu_ratio:.2f})", flush=True)

        # Cold builds (empty cache) of random MedQuAD samples, each with the ratio to the bare
        # encoder's batch rate measured just before on a sample of its own distinct texts.
        records = medquad_records()
        curve = []
        for size in sorted(min(s, len(records)) for s in args.build_sizes):
            sample = random.Random(size).sample(records, size)
            part = medquad_knowledge(sample, f"medquad-{size}")
            unique = list(dict.fromkeys(" ".join(t.split()) for t in index_texts(part)))
            probe = random.Random(1).sample(unique, min(args.raw_sample, len(unique)))
            raw = raw_throughput(encoder, probe)
            b = _build_once(part, tmp / f"mq-{size}", encoder, tmp / f"cache-{size}")
            ratio = b["seconds"] / (b["embedded"] / raw["texts_per_s"])
            # The same ratio in CPU time: on a shared machine, wall time also measures how
            # much CPU the other processes left us; CPU time measures only our own work.
            cpu_ratio = b["cpu_seconds"] / (b["embedded"] * raw["cpu_seconds"] / raw["texts"])
            curve.append({**b, "raw": raw, "ratio_to_raw": round(ratio, 3),
                          "cpu_ratio_to_raw": round(cpu_ratio, 3)})
            print(f"  medquad sample of {size:,}: {b['seconds']:.1f} s "
                  f"({b['entries_per_s']:.0f} entries/s, {b['embedded']:,} texts embedded), raw "
                  f"encoder {raw['texts_per_s']:.0f} texts/s, build/raw {ratio:.2f} "
                  f"(CPU time {cpu_ratio:.2f})", flush=True)
        results["size_curve"] = curve

        # Incremental: the 47,441-entry MedQuAD index (questions), with the project's cache.
        knowledge = liveqa.knowledge(records, answers=False)
        warm = _build_once(knowledge, tmp / "medquad", encoder, None)
        unchanged = _build_once(knowledge, tmp / "medquad", encoder, None)
        edited_records = [dict(r) for r in records]
        middle = edited_records[len(records) // 2]
        # A new text on every run, so the cache cannot already hold it from an earlier run.
        middle["question"] = middle["question"].rstrip(" ?") + f" (reviewed {time.time():.0f})?"
        edited = liveqa.knowledge(edited_records, answers=False)
        one_edit = _build_once(edited, tmp / "medquad", encoder, None)
        print(f"  medquad 47k rebuild with the cache: first {warm['seconds']:.1f} s "
              f"({warm['embedded']:,} embedded), unchanged {unchanged['seconds']:.1f} s "
              f"({unchanged['embedded']} embedded), one entry edited {one_edit['seconds']:.1f} s "
              f"({one_edit['embedded']} embedded)", flush=True)
        results["medquad_incremental"] = {"recipe": "MedQuAD questions (47,441 entries)",
                                          "first": warm, "unchanged": unchanged,
                                          "one_edit": one_edit}
    return results


def anchored_vectors(anchors, count: int, noise: float = 0.5, seed: int = 0, chunk: int = 100_000):
    """``count`` unit vectors shaped like real embeddings: the real ``anchors`` themselves
    (a random subset when ``count`` is smaller), then jittered copies of random anchors
    (``normalise(anchor + noise * gaussian / sqrt(d))``, cosine ~0.9 to the anchor).

    Built from the 44,603 distinct MedQuAD question embeddings, a million such vectors keep
    the topic structure of real questions, which neither uniform nor simple clustered random
    vectors have.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    anchors = np.ascontiguousarray(anchors, dtype=np.float32)
    if count <= len(anchors):
        return anchors[np.sort(rng.choice(len(anchors), count, replace=False))].copy()
    dimension = anchors.shape[1]
    out = np.empty((count, dimension), dtype=np.float32)
    out[: len(anchors)] = anchors
    for start in range(len(anchors), count, chunk):
        stop = min(count, start + chunk)
        part = anchors[rng.integers(0, len(anchors), stop - start)]
        part = part + noise * rng.standard_normal(part.shape, dtype=np.float32) / np.sqrt(dimension)
        out[start:stop] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return out


def real_embeddings(encoder, queries: int = 200, calibration: int = 300) -> tuple:
    """MedQuAD question vectors, real test-query vectors, real calibration-query vectors.

    Test queries: the 104 TREC LiveQA consumer questions, then CovidFAQ user questions up to
    ``queries``; calibration queries: the next ``calibration`` distinct CovidFAQ questions
    (never the same text as a test query). All through the project's embedding cache.
    """
    from benchmarks import liveqa
    from benchmarks.evaluation import load_queries
    from bot.retrieval.embed_cache import CachedEncoder

    cached = CachedEncoder(encoder)
    questions = list(dict.fromkeys(" ".join(r["question"].split()) for r in medquad_records()))
    anchors = cached.encode(questions, progress=True)
    covid = list(dict.fromkeys(" ".join(q.text.split()) for q in load_queries(COVID_QUERIES)))
    tests = [q["text"] for q in liveqa.load_questions()]
    split = max(0, queries - len(tests))
    tests += covid[:split]
    held_out = covid[split : split + calibration]
    test_vectors, held_out_vectors = cached.encode(tests), cached.encode(held_out)
    cached.save()
    return anchors, test_vectors, held_out_vectors


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _single_query_times(index, queries, limit: int | None = None, k: int = 10) -> dict:
    """p50/p95 of searching one query at a time (top ``k``), as the retriever does."""
    from bot.retrieval import ann

    times = []
    for i in range(min(limit or len(queries), len(queries))):
        _, seconds = timed(ann.search, index, queries[i : i + 1], k)
        times.append(seconds * 1000)
    return percentiles(times)


# Rows the retriever asks FAISS for once the index holds more than FULL_SCAN_ROWS vectors
# (bot/retrieval/retriever.py); ann.search keeps a re-ranking index's budget at that of the top 10.
RETRIEVER_ROWS = 1000


def bench_ann(args) -> dict:
    """Exact and IVF search against corpus size (real question embeddings and jittered copies)."""
    import faiss

    from bot.retrieval import ann

    curve = []
    build_threads = faiss.omp_get_max_threads()
    anchors, real_queries, held_out = real_embeddings(encoder_for(args.backend), args.ann_queries)
    for size in args.ann_sizes:
        vectors = anchored_vectors(anchors, size)
        queries = real_queries
        _, truth = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
        row: dict = {"vectors": size,
                     "chosen": "flat" if size <= ann.EXACT_LIMIT else f"ivf-{args.ann_encoding}"}
        if size <= args.ann_exact_max:
            exact = faiss.IndexFlatIP(vectors.shape[1])
            exact.add(vectors)
            # One query at a time, as the retriever searches: FAISS parallelises over queries,
            # so one query runs on one thread anyway; a one-thread pool skips OpenMP wake-ups.
            faiss.omp_set_num_threads(1)
            row["exact"] = _single_query_times(exact, queries, 50 if size > 100_000 else None)
            row["exact"]["mb"] = round(size * vectors.shape[1] * 4 / 2**20, 1)
            faiss.omp_set_num_threads(build_threads)
            del exact
        if size >= args.ann_ivf_min:
            # nprobe is calibrated on other real questions than the ones measured below:
            # jittered copies of a vector are each other's nearest neighbours, which would make
            # the default calibration (corpus vectors as queries) far too optimistic here.
            (index, info), build_s = timed(ann.build, vectors, exact_limit=0, queries=held_out,
                                           encoding=args.ann_encoding)
            found = index.search(queries, 10)[1]
            faiss.omp_set_num_threads(1)
            row["ivf"] = {
                "kind": info.kind, "nlist": info.nlist, "nprobe": info.nprobe,
                "k_factor": info.k_factor, "train_s": info.train_seconds,
                "build_s": round(build_s, 2), "calibration_recall": info.recall_at_10,
                "recall_at_10": round(ann.recall_at_k(truth, found), 4),
                # The whole index file (codes, lists, centroids, re-rank vectors).
                "mb": round(faiss.serialize_index(index).nbytes / 2**20, 1),
                "describe": ann.describe(index),
                **_single_query_times(index, queries),
                f"top{RETRIEVER_ROWS}": _single_query_times(index, queries, k=RETRIEVER_ROWS),
            }
            if size == max(args.ann_sizes):
                row["ivf"]["sweep"] = _ann_sweep(index, info, queries, truth)
            faiss.omp_set_num_threads(build_threads)
            del index
        curve.append(row)
        parts = [f"  {size:>9,} vectors:"]
        if "exact" in row:
            parts.append(f"exact p50 {row['exact']['p50_ms']:.2f} ms p95 "
                         f"{row['exact']['p95_ms']:.2f} ms;")
        if "ivf" in row:
            r = row["ivf"]
            parts.append(f"{r['describe']} build {r['build_s']:.1f} s, recall@10 "
                         f"{r['recall_at_10']:.3f}, p50 {r['p50_ms']:.2f} ms p95 "
                         f"{r['p95_ms']:.2f} ms (top {RETRIEVER_ROWS}: p95 "
                         f"{r[f'top{RETRIEVER_ROWS}']['p95_ms']:.2f} ms), {r['mb']:,.0f} MB")
        print(" ".join(parts), flush=True)
        del vectors
    return {"distribution": f"the {len(anchors):,} MedQuAD question embeddings, then jittered "
            "copies of them (cosine ~0.9 to the original)",
            "queries": f"{len(real_queries)} real user questions (TREC LiveQA + CovidFAQ)",
            "calibration": f"nprobe (and k_factor) calibrated on {len(held_out)} other "
            "CovidFAQ questions",
            "encoding": args.ann_encoding, "retriever_rows": RETRIEVER_ROWS,
            "exact_limit": ann.EXACT_LIMIT, "build_threads": build_threads,
            "search_threads": 1, "curve": curve}


def _ann_sweep(index, info, queries, truth) -> list[dict]:
    """How recall and time trade off around the calibrated values, on real queries: nprobe
    at the calibrated k_factor, then (re-ranking index) k_factor at the calibrated nprobe."""
    import faiss

    from bot.retrieval import ann

    ivf = faiss.extract_index_ivf(index)
    refine = index if isinstance(index, faiss.IndexRefine) else None
    settings = [(nprobe, info.k_factor) for nprobe in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
                if nprobe <= info.nlist]
    if refine is not None:
        settings += [(info.nprobe, k) for k in (1, 2, 4, 8, 16, 32) if k != info.k_factor]
    sweep = []
    for nprobe, k_factor in settings:
        ivf.nprobe = nprobe
        if refine is not None:
            refine.k_factor = k_factor
        found = index.search(queries, 10)[1]
        sweep.append({"nprobe": nprobe, "k_factor": k_factor,
                      "recall_at_10": round(ann.recall_at_k(truth, found), 4),
                      **_single_query_times(index, queries, 100)})
    ivf.nprobe = info.nprobe
    if refine is not None:
        refine.k_factor = info.k_factor
    return sweep




def _post(url: str, payload, timeout: float = 120.0):
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _server_env(workdir: Path, action_url: str, backend: str | None) -> dict:
    import base64
    import secrets

    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false", "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_URL": f"{action_url}/webhook", "BOT_ENV": "test",
        # Fresh throwaway key and database: the benchmark never touches real requests.
        "BOT_DATA_KEY": base64.b64encode(os.urandom(32)).decode("ascii"),
        "BOT_DATABASE_URL": f"sqlite:///{workdir / 'requests.db'}",
    }
    # The channels in credentials.yml need their settings; throwaway values on 127.0.0.1.
    for name, value in (("TWILIO_AUTH_TOKEN", secrets.token_hex(16)),
                        ("TWILIO_WEBHOOK_URL", "http://127.0.0.1/webhooks/twilio_sms/webhook"),
                        ("SMS_SENDER_KEY", secrets.token_hex(32)),
                        ("WEBCHAT_SESSION_KEY", secrets.token_hex(32)),
                        ("WEBCHAT_ALLOWED_ORIGINS", "http://127.0.0.1")):
        env.setdefault(name, value)
    if backend:
        env["BOT_EMBEDDING_BACKEND"] = backend
    return env


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Sanic serves from worker processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def _status_kb(pid: int) -> dict:
    """VmRSS / VmHWM in kB, summed over ``pid`` and its descendants."""
    values = {"VmRSS": 0, "VmHWM": 0, "processes": 0}
    for member in _descendants(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        values["processes"] += 1
        for line in lines:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] += int(rest.split()[0])
    return values


def _answer_action_call(text: str) -> dict:
    import yaml

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {
        "next_action": "action_answer_question",
        "sender_id": "benchmark",
        "version": "3.6.21",
        "domain": domain,
        "tracker": {
            "sender_id": "benchmark", "slots": {}, "events": [], "paused": False,
            "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
            "latest_message": {"text": text, "intent": {"name": "ask_question",
                                                         "confidence": 1.0}, "entities": []},
        },
    }


def start_action_server(workdir: Path, backend: str | None):
    """Start the action server on a free 127.0.0.1 port; ``(process, url, cold start s)``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    name = f"actions-{backend or 'default'}"
    process = spawn(name, action_server_command(port), workdir,
                    _server_env(workdir, url, backend))  # fmt: skip
    cold = wait_until(lambda: action_server_healthy(url), {name: process}, workdir,
                      "the action server", 300)  # fmt: skip
    return process, url, cold


def bench_server(args) -> dict:
    """Cold start, first-answer time and RSS of the action server, per backend."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        for backend in args.server_backends:
            process, url, cold = start_action_server(Path(tmp), backend)
            try:
                idle = _status_kb(process.pid)
                reply, first = timed(_post, f"{url}/webhook",
                                     _answer_action_call("what is ketamine therapy"))
                texts = [m.get("text", "") for m in (reply or {}).get("responses", [])]
                latencies = []
                for text in clinic_questions()[:50]:
                    _, seconds = timed(_post, f"{url}/webhook", _answer_action_call(text))
                    latencies.append(seconds * 1000)
                warm = _status_kb(process.pid)
            finally:
                _stop(process)
            results[backend or "default"] = {
                "cold_start_s": round(cold, 2),
                "first_answer_s": round(first, 2),
                "answered": bool(texts and texts[0]),
                "first_reply": (texts[0] if texts else "")[:100],
                "action_call": percentiles(latencies),
                "rss_idle_mb": round(idle.get("VmRSS", 0) / 1024, 1),
                "rss_warm_mb": round(warm.get("VmRSS", 0) / 1024, 1),
                "rss_peak_mb": round(warm.get("VmHWM", 0) / 1024, 1),
                "processes": warm.get("processes", 1),
            }
            r = results[backend or "default"]
            print(f"  action server ({backend or 'default'} backend): cold start "
                  f"{r['cold_start_s']:.1f} s, first answer {r['first_answer_s']:.1f} s, "
                  f"action p50 {r['action_call']['p50_ms']:.0f} ms, RSS idle "
                  f"{r['rss_idle_mb']:.0f} MB, warm {r['rss_warm_mb']:.0f} MB", flush=True)
    return results


def bench_e2e(args) -> dict:
    """Rasa cold start and REST reply latency against concurrency (trained model needed)."""
    import threading

    model = PROJECT_ROOT / "models" / "clinic.tar.gz"
    rasa = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
    if not model.exists() or not rasa.exists():
        print(f"  skipped: no trained model at {model} (run `make train`) or no {rasa}")
        return {"skipped": f"no trained model at {model.relative_to(PROJECT_ROOT)}"}
    results: dict = {"model": str(model.relative_to(PROJECT_ROOT)), "levels": []}
    questions = [q for q in clinic_questions()[:120]]
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp_name:
        tmp = Path(tmp_name)
        actions, action_url, action_cold = start_action_server(tmp, args.backend)
        port = free_port()
        rasa_url = f"http://127.0.0.1:{port}"
        server = spawn("rasa", rasa_command(port, model, PROJECT_ROOT / "credentials.yml",
                                            PROJECT_ROOT / "endpoints.yml"),
                       tmp, _server_env(tmp, action_url, args.backend))  # fmt: skip
        try:
            def round_trip() -> bool:
                body = _post(f"{rasa_url}/webhooks/rest/webhook",
                             {"sender": "probe", "message": "hello"}, timeout=30)
                return isinstance(body, list) and len(body) > 0

            rasa_cold = wait_until(round_trip, {"rasa": server}, tmp, "the Rasa server", 600)
            results["action_server_cold_start_s"] = round(action_cold, 2)
            results["rasa_cold_start_s"] = round(rasa_cold, 2)
            _, first = timed(_post, f"{rasa_url}/webhooks/rest/webhook",
                             {"sender": "warm", "message": "what is ketamine therapy"})
            results["first_question_s"] = round(first, 2)
            print(f"  Rasa cold start {rasa_cold:.1f} s (action server {action_cold:.1f} s), "
                  f"first question {first:.1f} s", flush=True)
            for level in args.concurrency:
                latencies: list[float] = []
                lock = threading.Lock()
                per_worker = max(1, args.e2e_messages // level)

                def worker(number: int, level: int = level, per_worker: int = per_worker,
                           latencies: list = latencies, lock=lock) -> None:
                    for i in range(per_worker):
                        text = questions[(number * per_worker + i) % len(questions)]
                        _, seconds = timed(_post, f"{rasa_url}/webhooks/rest/webhook",
                                           {"sender": f"bench-{level}-{number}-{i}",
                                            "message": text})
                        with lock:
                            latencies.append(seconds * 1000)

                threads = [threading.Thread(target=worker, args=(n,)) for n in range(level)]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall = time.perf_counter() - started
                row = {"concurrency": level, **percentiles(latencies),
                       "replies_per_s": round(len(latencies) / wall, 2)}
                results["levels"].append(row)
                print(f"  concurrency {level}: p50 {row['p50_ms']:.0f} ms p95 "
                      f"{row['p95_ms']:.0f} ms, {row['replies_per_s']:.1f} replies/s", flush=True)
            results["rasa_rss_mb"] = round(_status_kb(server.pid).get("VmRSS", 0) / 1024, 1)
        finally:
            _stop(server)
            _stop(actions)
    return results


def bench_liveqa(args) -> dict:
    """Quality at scale: TREC LiveQA 2017 medical questions against the MedQuAD FAQ."""
    from benchmarks import liveqa

    return liveqa.run(encoder_for(args.backend), answers=args.liveqa_answers, verbose=True)


RUNNERS = {
    "encoder": bench_encoder,
    "retrieval": bench_retrieval,
    "build": bench_build,
    "ann": bench_ann,
    "server": bench_server,
    "e2e": bench_e2e,
    "liveqa": bench_liveqa,
}


# --- report --------------------------------------------------------------------------------------


def load_results(path: Path = RESULTS_FILE) -> dict:
    """The stored results ({} when none)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_results(results: dict, path: Path = RESULTS_FILE) -> dict:
    """Merge ``results`` into the results JSON and return the merged whole.

    Merging on every save (and replacing the file atomically) lets two runs of different
    sections share the file; keys are sorted so a re-run diffs cleanly.
    """
    path = Path(path)
    merged = {**load_results(path), **results}
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(staging, path)
    return merged


def plot(results: dict, docs: Path = DOCS) -> list[Path]:
    """Latency vs concurrency, build time vs corpus size, search time vs corpus size (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    levels = results.get("e2e", {}).get("levels") or []
    if levels:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        xs = [row["concurrency"] for row in levels]
        ax.plot(xs, [row["p50_ms"] for row in levels], "o-", label="p50")
        ax.plot(xs, [row["p95_ms"] for row in levels], "s--", label="p95")
        ax.set(xlabel="concurrent conversations", ylabel="reply latency (ms)",
               title="REST reply latency against concurrency", xscale="log")
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.grid(alpha=0.3)
        ax.legend()
        written.append(_save(fig, docs / "perf_latency_concurrency.png"))
    curve = results.get("build", {}).get("size_curve") or []
    if curve:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        ax.plot([r["entries"] for r in curve], [r["seconds"] for r in curve], "o-")
        ax.set(xlabel="FAQ entries (random MedQuAD sample)", ylabel="index build (s)",
               title="Index build time against corpus size (cold cache)",
               xscale="log", yscale="log")
        ax.grid(alpha=0.3, which="both")
        written.append(_save(fig, docs / "perf_build_vs_size.png"))
    ann_curve = results.get("ann", {}).get("curve") or []
    if ann_curve:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        ivf_label = {"pq4fs": "IVF-PQ 4-bit fast-scan + re-rank", "sq8": "IVF-SQ8",
                     "flat": "IVF-Flat"}.get(results["ann"].get("encoding", "sq8"), "IVF")
        for key, label, style in (("exact", "exact (flat)", "o-"), ("ivf", ivf_label, "s-")):
            pts = [(r["vectors"], r[key]) for r in ann_curve if r.get(key)]
            if pts:
                xs = [p[0] for p in pts]
                ax.plot(xs, [p[1]["p50_ms"] for p in pts], style, label=f"{label} p50")
                ax.plot(xs, [p[1]["p95_ms"] for p in pts], style.replace("-", ":"), alpha=0.6,
                        label=f"{label} p95")
        rows = results["ann"].get("retriever_rows", RETRIEVER_ROWS)
        pts = [(r["vectors"], r["ivf"][f"top{rows}"]) for r in ann_curve
               if r.get("ivf", {}).get(f"top{rows}")]
        if pts:
            ax.plot([p[0] for p in pts], [p[1]["p95_ms"] for p in pts], "^--", alpha=0.7,
                    label=f"IVF, top {rows:,} p95")
        ax.axhline(10, color="grey", lw=0.8)
        ax.set(xlabel="vectors", ylabel="search, one query (ms)",
               title="Search time against corpus size", xscale="log", yscale="log")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
        written.append(_save(fig, docs / "perf_search_vs_size.png"))
    return written


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def write_report(results: dict, path: Path = REPORT_FILE) -> Path:
    """Render ``docs/performance.md`` from the results (see :mod:`benchmarks.perf_report`)."""
    from benchmarks.perf_report import render

    Path(path).write_text(render(results), encoding="utf-8")
    return Path(path)


# --- command line --------------------------------------------------------------------------------


def add_parser(subparsers) -> None:
    """Register ``benchmark``."""
    p = subparsers.add_parser("benchmark", help="performance numbers -> docs/performance.md")
    p.add_argument("--sections", default=",".join(SECTIONS),
                   help=f"comma-separated, from: {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--backend", default=None,
                   help="backend for build/e2e/liveqa (default: BOT_EMBEDDING_BACKEND or onnx)")
    p.add_argument("--backends", default=",".join(BACKENDS),
                   help="backends compared in encoder/retrieval")
    p.add_argument("--queries", type=int, default=200, help="queries per latency measurement")
    p.add_argument("--batch-texts", type=int, default=2000, help="texts for batch throughput")
    p.add_argument("--raw-sample", type=int, default=2000,
                   help="texts for the raw-throughput reference of each MedQuAD build")
    p.add_argument("--build-sizes", default="1000,3000,10000,47441",
                   help="MedQuAD sample sizes built from an empty cache")
    p.add_argument("--ann-sizes", default=",".join(str(s) for s in DEFAULT_ANN_SIZES))
    p.add_argument("--ann-queries", type=int, default=200)
    p.add_argument("--ann-exact-max", type=int, default=1_000_000,
                   help="time exact search up to this size")
    p.add_argument("--ann-ivf-min", type=int, default=30_000,
                   help="build and time an IVF index from this size on")
    p.add_argument("--ann-encoding", default=None,
                   help="IVF encoding (pq4fs, sq8, flat; default: "
                   "bot.retrieval.ann.DEFAULT_ENCODING)")
    p.add_argument("--concurrency", default="1,2,4,8")
    p.add_argument("--e2e-messages", type=int, default=48, help="messages per concurrency level")
    p.add_argument("--liveqa-answers", action="store_true",
                   help="LiveQA: also index question + answer lead (embeds ~16k long texts once)")
    p.add_argument("--report-only", action="store_true",
                   help="only regenerate docs/performance.md and the plots from the JSON")
    p.set_defaults(handler=cmd_benchmark)


def cmd_benchmark(args) -> int:
    """Run the chosen sections, merge their results, rewrite the report and plots."""
    from bot.settings import settings

    args.backend = args.backend or settings().embedding_backend or "onnx"
    args.backends = [b for b in args.backends.split(",") if b]
    args.server_backends = list(dict.fromkeys(["torch", args.backend]))
    args.ann_sizes = [int(float(s)) for s in args.ann_sizes.split(",") if s]
    if args.ann_encoding is None:
        from bot.retrieval.ann import DEFAULT_ENCODING

        args.ann_encoding = DEFAULT_ENCODING
    args.build_sizes = [int(float(s)) for s in args.build_sizes.split(",") if s]
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c]
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        print(f"error: unknown section(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    results = save_results({"machine": machine()})
    if not args.report_only:
        for section in sections:
            print(f"[{section}]", flush=True)
            before = load_average()
            started = time.perf_counter()
            data = RUNNERS[section](args)
            results = save_results({section: {
                **data,
                "_run": {"at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                         "cpu": results["machine"].get("cpu_model"),
                         "seconds": round(time.perf_counter() - started, 1),
                         "load_before": before, "load_after": load_average()},
            }})
    for path in plot(results):
        print(f"plot: {path.relative_to(PROJECT_ROOT)}")
    print(f"report: {write_report(results).relative_to(PROJECT_ROOT)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.benchmark [options]``: the same as ``python -m bot benchmark``."""
    import argparse

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = argparse.ArgumentParser(prog="python -m benchmarks.benchmark")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["benchmark", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
