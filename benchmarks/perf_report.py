"""Render ``docs/performance.md`` from the benchmark results (``docs/performance.json``)."""

from __future__ import annotations

from bot.retrieval.ann import EXACT_LIMIT, TARGET_RECALL

TARGETS = {
    "query_embed_p50_ms": 6.0,
    "decide_p50_ms": 10.0,
    "build_ratio": 1.2,
    "ann_recall": 0.95,
    "ann_p95_ms": 10.0,
    "liveqa_average": 0.93,
    "liveqa_mrr": 0.40,
}


def _ms(block: dict | None, key: str = "p50_ms") -> str:
    if not block or key not in block:
        return "-"
    return f"{block[key]:.1f}"


def _run(section: dict) -> str:
    run = section.get("_run") or {}
    if not run:
        return ""
    # Sections are re-run separately, sometimes on another machine than the one above.
    where = f" on {run['cpu']}" if run.get("cpu") else ""
    return (f"_Measured {run.get('at')}{where}, load average before/after "
            f"{run.get('load_before', ['?'])[0]} / {run.get('load_after', ['?'])[0]}._\n")


def _encoder(results: dict) -> list[str]:
    enc = results.get("encoder")
    if not enc:
        return []
    lines = ["## Query embedding per backend", "", _run(enc),
             "| backend | model load (s) | one query p50 (ms) | p95 (ms) | CPU per query (ms) | "
             "batch (texts/s) | batch CPU (ms/text) |",
             "|---|---|---|---|---|---|---|"]
    for backend, r in enc.items():
        if backend.startswith("_"):
            continue
        batch = r["batch"]
        per_text = (f"{batch['cpu_seconds'] * 1000 / batch['texts']:.1f}"
                    if batch.get("cpu_seconds") else "-")
        lines.append(f"| {backend} | {r['load_s']:.2f} | {_ms(r['query'])} | "
                     f"{_ms(r['query'], 'p95_ms')} | {_ms(r['query'], 'cpu_ms')} | "
                     f"{batch['texts_per_s']:.0f} | {per_text} |")
    lines += ["", f"Target: query embedding p50 <= {TARGETS['query_embed_p50_ms']:.0f} ms.", ""]
    return lines


def _retrieval(results: dict) -> list[str]:
    ret = results.get("retrieval")
    if not ret:
        return []
    lines = ["## Retrieval on the clinic's knowledge", "", _run(ret),
             "Per query (the clinic evaluation questions): embedding, FAISS search, and the whole "
             "`decide()` (cleaning, embedding, search, BM25, fusion, decision).", "",
             "| backend | vectors | embed p50 / p95 (ms) | search p50 / p95 (ms) | "
             "decide p50 / p95 (ms) |", "|---|---|---|---|---|"]
    for backend, r in ret.items():
        if backend.startswith("_"):
            continue
        lines.append(
            f"| {backend} | {r['vectors']} | {_ms(r['embed'])} / {_ms(r['embed'], 'p95_ms')} | "
            f"{r['search']['p50_ms']:.2f} / {r['search']['p95_ms']:.2f} | "
            f"{_ms(r['decide'])} / {_ms(r['decide'], 'p95_ms')} |")
    lines += ["", "Quality per backend (the default is ONNX only if every number stays within "
              "1 point of PyTorch):", "",
              "| backend | clinic top-1 correct | clinic P@1 | clinic MRR@10 | out-of-scope "
              "rejected | CovidFAQ P@1 | CovidFAQ MRR@10 |", "|---|---|---|---|---|---|---|"]
    for backend, r in ret.items():
        if backend.startswith("_"):
            continue
        c, v = r["clinic_eval"], r["covid_eval"]
        lines.append(f"| {backend} | {c['top1_correct']:.3f} | {c['p_at_1']:.3f} | "
                     f"{c['mrr_at_10']:.3f} | {c.get('oos_rejected') or 0:.3f} | "
                     f"{v['p_at_1']:.3f} | {v['mrr_at_10']:.3f} |")
    lines += ["", f"Target: whole decision p50 <= {TARGETS['decide_p50_ms']:.0f} ms.", ""]
    return lines


def _build(results: dict) -> list[str]:
    b = results.get("build")
    if not b:
        return []
    lines = ["## Index build", "", _run(b), f"Backend: {b.get('backend')}. Cold builds (empty "
             "embedding cache). *Build/raw* is the build time divided by the time the bare "
             "encoder needs for the texts the build embedded, at the batch rate measured in the "
             f"same run on a sample of those texts (target <= {TARGETS['build_ratio']}).", "",
             "| corpus | entries | texts (distinct) | embedded | build (s) | entries/s | "
             "raw encoder (texts/s) | build/raw (wall) | build/raw (CPU time) |",
             "|---|---|---|---|---|---|---|---|---|"]
    rows = [("clinic knowledge", b["clinic"])] if b.get("clinic") else []
    rows += [(f"MedQuAD, random {r['entries']:,}", r) for r in b.get("size_curve", [])]
    for name, r in rows:
        lines.append(f"| {name} | {r['entries']:,} | {r['texts']:,} ({r['unique_texts']:,}) | "
                     f"{r['embedded']:,} | {r['seconds']:.1f} | {r['entries_per_s']:,.0f} | "
                     f"{r['raw']['texts_per_s']:,.0f} | {r['ratio_to_raw']:.2f} | "
                     f"{r.get('cpu_ratio_to_raw', 0):.2f} |")
    inc = b.get("medquad_incremental")
    if inc:
        u, e = inc["unchanged"], inc["one_edit"]
        lines += ["", f"Rebuilds with the embedding cache ({inc['recipe']}): nothing changed "
                  f"{u['seconds']:.1f} s ({u['embedded']} texts embedded, {u['cache_hits']:,} "
                  f"from the cache); one entry edited {e['seconds']:.1f} s ({e['embedded']} text "
                  "embedded). The rest of a rebuild is writing the FAISS file and the metadata."]
    if b.get("size_curve"):
        lines += ["", "![build time against corpus size](perf_build_vs_size.png)"]
    return lines + [""]


IVF_ENCODINGS = {
    "pq4fs": "IVF with 4-bit product-quantisation fast-scan codes (one 4-bit code per two "
             "dimensions) whose best `k_factor * k` candidates are re-ranked with 8-bit scalar-"
             "quantised vectors",
    "sq8": "IVF with 8-bit scalar quantisation",
    "flat": "IVF with float32 vectors",
}


def _pair(block: dict | None) -> str:
    if not block or "p50_ms" not in block:
        return "-"
    return f"{block['p50_ms']:.2f} / {block['p95_ms']:.2f}"


def _factor(block: dict) -> str:
    return f"{block['k_factor']:g}" if block.get("k_factor") else "-"


def _ann(results: dict) -> list[str]:
    a = results.get("ann")
    if not a:
        return []
    encoding = a.get("encoding", "sq8")
    rows_key = f"top{a.get('retriever_rows', 1000)}"
    lines = ["## Search against corpus size", "", _run(a),
             f"Corpus: {a.get('distribution')}. Queries: {a.get('queries')}, searched one at "
             f"a time (top 10, one FAISS thread); {a.get('calibration', '')}; recall@10 against "
             f"exact search. `bot/retrieval/ann.py` uses exact `IndexFlatIP` up to {EXACT_LIMIT:,}"
             f" vectors and {IVF_ENCODINGS.get(encoding, encoding)} above, `nprobe`"
             f"{' and `k_factor`' if encoding == 'pq4fs' else ''} calibrated at build time "
             f"(target recall {TARGET_RECALL} on the calibration questions). *Top "
             f"{a.get('retriever_rows', 1000):,}*: the same search asking for "
             f"{a.get('retriever_rows', 1000):,} rows, as the retriever does above 50,000 "
             "vectors (to fuse with BM25). *IVF MB*: the whole index file.", "",
             "| vectors | exact p50 / p95 (ms) | exact MB | IVF nprobe / nlist | re-rank "
             "k_factor | IVF build (s) | IVF recall@10 | IVF p50 / p95 (ms) | top "
             f"{a.get('retriever_rows', 1000):,} p50 / p95 (ms) | IVF MB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in a.get("curve", []):
        e, i = r.get("exact") or {}, r.get("ivf") or {}
        ivf = "- | - | - | - | - | - | -"
        if i:
            ivf = (f"{i['nprobe']} / {i['nlist']} | {_factor(i)} | "
                   f"{i['build_s']:.1f} | {i['recall_at_10']:.3f} | {_pair(i)} | "
                   f"{_pair(i.get(rows_key))} | {i['mb']:,.0f}")
        lines.append(f"| {r['vectors']:,} | {_pair(e)} | {e.get('mb', 0):,.0f} | {ivf} |")
    sweep = next((r["ivf"]["sweep"] for r in reversed(a.get("curve", []))
                  if r.get("ivf", {}).get("sweep")), None)
    if sweep:
        lines += ["", "Recall against `nprobe` (and the re-rank `k_factor`) at the largest size "
                  "(real queries, top 10):", "",
                  "| nprobe | k_factor | recall@10 | p50 / p95 (ms) |", "|---|---|---|---|"]
        lines += [f"| {r['nprobe']} | {_factor(r)} | {r['recall_at_10']:.3f} | "
                  f"{_pair(r)} |" for r in sweep]
    lines += ["", f"Target at 1e6: recall@10 >= {TARGETS['ann_recall']}, search p95 <= "
              f"{TARGETS['ann_p95_ms']:.0f} ms.", "",
              "![search time against corpus size](perf_search_vs_size.png)", ""]
    return lines


def _server(results: dict) -> list[str]:
    s = results.get("server")
    lines = []
    if s:
        lines += ["## Action server", "", _run(s),
                  "Started with `python -m rasa_sdk --actions actions`, warmed with one retrieval"
                  " (`action_answer_question`), RSS read from `/proc/<pid>/status` and summed over"
                  " the server's processes (Sanic answers from a worker process).", "",
                  "| backend | cold start to /health (s) | first answer incl. model load (s) | "
                  "action call p50 / p95 (ms) | RSS idle (MB) | RSS warm (MB) |",
                  "|---|---|---|---|---|---|"]
        for backend, r in s.items():
            if backend.startswith("_"):
                continue
            lines.append(f"| {backend} | {r['cold_start_s']:.1f} | {r['first_answer_s']:.1f} |"
                         f" {_ms(r['action_call'])} / {_ms(r['action_call'], 'p95_ms')} | "
                         f"{r['rss_idle_mb']:.0f} | {r['rss_warm_mb']:.0f} |")
        lines.append("")
    e = results.get("e2e")
    if e:
        lines += ["## End to end through the Rasa REST channel", "", _run(e)]
        if e.get("skipped"):
            lines += [f"Skipped: {e['skipped']}.", ""]
        else:
            lines += [f"Rasa server cold start (process start to first reply): "
                      f"{e['rasa_cold_start_s']:.1f} s; action server "
                      f"{e['action_server_cold_start_s']:.1f} s; first question (retriever "
                      f"load) {e['first_question_s']:.1f} s.", "",
                      "| concurrent conversations | p50 (ms) | p95 (ms) | replies/s |",
                      "|---|---|---|---|"]
            for r in e.get("levels", []):
                lines.append(f"| {r['concurrency']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                             f"{r['replies_per_s']:.1f} |")
            lines += ["", "![latency against concurrency](perf_latency_concurrency.png)", ""]
    return lines


def _liveqa(results: dict) -> list[str]:
    q = results.get("liveqa")
    if not q:
        return []
    lines = ["## Quality at scale: TREC LiveQA 2017 against MedQuAD (47,441 entries)", "",
             _run(q), f"Method: {q['method']}; query = {q['query']}. Scored as in "
             "`../shared/data/README.md` (unjudged answers count as Incorrect, so this is a "
             "lower bound). Back-filled answers of the three subsets published without answers "
             "are not indexed (they exist only for judged entries: indexing them would leak the "
             "judgments).", "",
             "| system | average score | P@1 | MRR@10 |", "|---|---|---|---|"]
    for name, value in q.get("published", {}).items():
        lines.append(f"| {name} (published) | {value:.3f} | - | - |")
    for name, key in (("plain MiniLM + FAISS, questions only", "plain_minilm"),
                      ("BM25 (rank-bm25)", "plain_bm25")):
        r = q.get(key) or {}
        if r:
            lines.append(f"| {name} | {r['average_score']:.3f} | {r['p_at_1']:.3f} | "
                         f"{r['mrr_at_10']:.3f} |")
    lines.append(f"| **this project** | **{q['average_score']:.3f}** | **{q['p_at_1']:.3f}** | "
                 f"**{q['mrr_at_10']:.3f}** |")
    for variant in q.get("variants", []):
        lines.append(f"| {variant['name']} | {variant['average_score']:.3f} | "
                     f"{variant['p_at_1']:.3f} | {variant['mrr_at_10']:.3f} |")
    lines += ["", f"Target: average score >= {TARGETS['liveqa_average']}, MRR@10 >= "
              f"{TARGETS['liveqa_mrr']}.", ""]
    return lines


def render(results: dict) -> str:
    """The whole Markdown report."""
    m = results.get("machine", {})
    lines = [
        "# Performance",
        "",
        "Generated by `.venv/bin/python -m bot benchmark` (`make benchmark`) from "
        "`docs/performance.json`; re-run a section with `--sections NAME`. Numbers are "
        "wall-clock on a shared machine: the load average next to each section says how busy it "
        "was (2 means both cores already taken by other work).",
        "",
        f"Machine of the latest run: {m.get('nproc')} CPUs (`nproc`), {m.get('cpu_model')}, "
        f"{m.get('ram_gb')} GB RAM, {m.get('os')}, Python {m.get('python')}. Sections are "
        "re-run separately: each names the CPU it ran on, when that was recorded.",
        "",
    ]
    if results.get("notes"):
        lines += ["## Summary", ""] + [f"- {note}" for note in results["notes"]] + [""]
    for part in (_encoder, _retrieval, _build, _ann, _server, _liveqa):
        lines += part(results)
    return "\n".join(line for line in lines if line is not None).rstrip() + "\n"
