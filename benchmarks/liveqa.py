"""Quality at scale: the 104 TREC LiveQA 2017 medical questions against the 47k MedQuAD FAQ.

The product's own retriever (:class:`bot.retrieval.retriever.Retriever`: dense
question/paraphrase and
question+answer-lead vectors fused with BM25) ranks MedQuAD for each question, written as the
person wrote it: ``subject + ". " + message`` (the ``summary``/``paraphrase`` fields are NIST's
rewrites and are not used). Nothing is trained or tuned on these questions.

Scoring as in Ben Abacha & Demner-Fushman (2019) and ``../shared/data/README.md``: average
score = mean of (label of the top answer - 1), unjudged answers counting as Incorrect (label 1);
P@1 and MRR@10 count label >= 3 (Incomplete or Excellent) as relevant.

The three MedQuAD subsets published without answers (ADAM, MPlusDrugs, MPlusHerbsSupplements)
had answers filled in only where the answer was judged for a test question. Indexing those
answers would leak the judgments into the ranking (an entry with text would be a judged one),
so they are blanked here: the corpus is searched as it was published.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.config import PROJECT_ROOT

DATA = PROJECT_ROOT.parent / "shared" / "data" / "medquad-liveqa"
INDEX_DIR = PROJECT_ROOT / "var" / "eval-index" / "medquad-liveqa"
PUBLISHED_WITHOUT_ANSWERS = frozenset({"ADAM", "MPlusDrugs", "MPlusHerbsSupplements"})
PUBLISHED = {"best TREC LiveQA 2017 run": 0.637, "IR + question entailment (2019)": 0.827}
PLAIN_MINILM = {"average_score": 0.885, "p_at_1": 0.288, "mrr_at_10": 0.373}
PLAIN_BM25 = {"average_score": 0.596, "p_at_1": 0.183, "mrr_at_10": 0.232}


def load_questions(path: Path = DATA / "liveqa_test_questions.jsonl") -> list[dict]:
    """The test questions: ``qid`` and ``text`` (subject + ". " + message)."""
    questions = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            subject = (record.get("subject") or "").strip()
            text = f"{subject}. {(record.get('message') or '').strip()}"
            questions.append({"qid": str(record["qid"]), "text": text.strip(". ")})
    return questions


def load_qrels(path: Path = DATA / "qrels.tsv") -> dict[str, dict[str, int]]:
    """Judgments: ``{qid: {answer_id: label}}`` (1 Incorrect .. 4 Excellent)."""
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if number == 0 and parts[0] == "qid":
            continue
        if len(parts) == 3:
            qrels.setdefault(parts[0], {})[parts[2].strip()] = int(parts[1])
    return qrels


def score(rankings: dict[str, Sequence[str]], qrels: dict[str, dict[str, int]],
          qids: Sequence[str]) -> dict:
    """Average score, P@1 and MRR@10 of ``rankings`` (qid -> ranked answer ids)."""
    total = p1 = rr = 0.0
    for qid in qids:
        ranked = list(rankings.get(qid, ()))[:10]
        judged = qrels.get(qid, {})
        labels = [judged.get(answer_id, 1) for answer_id in ranked]
        top = labels[0] if labels else 1
        total += top - 1
        p1 += top >= 3
        for rank, label in enumerate(labels, start=1):
            if label >= 3:
                rr += 1 / rank
                break
    n = max(1, len(qids))
    return {"questions": len(qids), "average_score": round(total / n, 3),
            "p_at_1": round(p1 / n, 3), "mrr_at_10": round(rr / n, 3)}


def knowledge(records: Sequence[dict] | None = None, answers: bool = True):
    """MedQuAD as :class:`bot.retrieval.knowledge.Knowledge`, back-filled answers blanked (see
       above).

    ``answers=False`` indexes the questions alone (each entry's vectors are then its question).
    """
    import hashlib

    from benchmarks.datasets import medquad_records
    from bot.retrieval.knowledge import Entry, Knowledge

    records = medquad_records() if records is None else records
    entries = []
    for r in records:
        answer = r.get("answer") or ""
        if not answers or r.get("source") in PUBLISHED_WITHOUT_ANSWERS:
            answer = ""
        question = " ".join(r["question"].split())
        entries.append(Entry(id=r["id"], kind="faq", title=question, text=answer,
                             source=r.get("source") or "MedQuAD", questions=(question,),
                             group=r["id"]))
    digest = hashlib.sha256(
        json.dumps([e.as_dict() for e in entries], sort_keys=True).encode()
    ).hexdigest()
    return Knowledge(entries, digest, [], origin=f"bench:medquad-liveqa-answers-{answers}")


def retriever_for(encoder, answers: bool = True, verbose: bool = False):
    """The product retriever over the MedQuAD index (built, through the cache, when needed)."""
    from bot.retrieval.embed_cache import CachedEncoder
    from bot.retrieval.index import build_index, is_up_to_date
    from bot.retrieval.retriever import Retriever

    kb = knowledge(answers=answers)
    index_dir = INDEX_DIR.with_name(INDEX_DIR.name + ("" if answers else "-questions"))
    if not is_up_to_date(index_dir, kb, encoder.name):
        cached = CachedEncoder(encoder)
        build_index(kb, index_dir, cached, progress=verbose)
        cached.save()
        if verbose:
            print(f"  indexed {len(kb.entries)} entries ({cached.stats.embedded} texts embedded, "
                  f"{cached.stats.hits} from the cache)", flush=True)
    return Retriever.load(index_dir, encoder=encoder)


def run(encoder, answers: bool = True, verbose: bool = False) -> dict:
    """Rank MedQuAD for every LiveQA question with the product retriever; the three numbers."""
    import time

    retriever = retriever_for(encoder, answers=answers, verbose=verbose)
    questions = load_questions()
    qrels = load_qrels()
    started = time.perf_counter()
    rankings: dict[str, Sequence[str]] = {
        q["qid"]: [c.id for c in retriever.rank(q["text"], 10)] for q in questions
    }
    seconds = time.perf_counter() - started
    numbers = score(rankings, qrels, [q["qid"] for q in questions])
    result = {
        "method": "product retriever: dense question"
        + (" + question/answer-lead" if answers else "") + " vectors, fused with BM25",
        "query": "subject + '. ' + message",
        **numbers,
        "ms_per_question": round(seconds / max(1, len(questions)) * 1000, 1),
        "published": PUBLISHED, "plain_minilm": PLAIN_MINILM, "plain_bm25": PLAIN_BM25,
    }
    if verbose:
        print(f"  LiveQA ({numbers['questions']} questions): average score "
              f"{numbers['average_score']:.3f}, P@1 {numbers['p_at_1']:.3f}, MRR@10 "
              f"{numbers['mrr_at_10']:.3f} ({result['ms_per_question']:.0f} ms/question)",
              flush=True)
    return result
