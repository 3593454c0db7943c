"""The index on disk: round trip, k larger than the index, mismatches refused, atomic builds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from bot.retrieval.index import (
    INDEX_FILE,
    META_FILE,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    build_index,
    is_up_to_date,
    load_index,
    read_meta,
)
from bot.retrieval.knowledge import load_knowledge
from bot.retrieval.retriever import RetrievalUnavailable, Retriever


def test_round_trip_save_load_search(retrieval_small_index, retrieval_small_kb, retrieval_encoder):
    knowledge = load_knowledge(retrieval_small_kb)
    index = load_index(
        retrieval_small_index, knowledge_hash=knowledge.hash, model_name=retrieval_encoder.name
    )
    meta = index.meta
    assert meta["model"] == retrieval_encoder.name and meta["dimension"] == 384
    assert meta["knowledge_hash"] == knowledge.hash and meta["built_at"]
    assert [e.id for e in index.entries] == [e.id for e in knowledge.entries]
    # Searching with an entry's own question finds that question's vector, cosine ~1.
    query = retrieval_encoder.encode(["How long does a session take?"])
    scores, rows = index.search(query, 3)
    top_entry = index.entries[index.row_entry[rows[0][0]]]
    assert top_entry.id == "session_length"
    assert scores[0][0] == pytest.approx(1.0, abs=1e-4)
    assert list(scores[0]) == sorted(scores[0], reverse=True)


def test_k_larger_than_the_index_returns_every_vector_once(
    retrieval_small_index, retrieval_encoder
):
    index = load_index(retrieval_small_index)
    scores, rows = index.search(retrieval_encoder.encode(["price"]), 10_000)
    assert rows.shape == (1, index.count)
    assert sorted(rows[0].tolist()) == list(range(index.count))  # no -1 padding
    retriever = Retriever.load(retrieval_small_index, encoder=retrieval_encoder)
    ranked = retriever.rank("how much does it cost", k=500)
    assert len(ranked) == len(retriever.entries)
    assert len({c.id for c in ranked}) == len(ranked)


def test_the_index_is_plain_json_and_faiss_never_pickle(retrieval_small_index):
    build = retrieval_small_index.resolve()
    meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
    assert {"schema_version", "model", "dimension", "knowledge_hash", "built_at"} <= set(meta)
    assert not (build / INDEX_FILE).read_bytes().startswith(b"\x80")  # pickle protocol marker


def test_index_of_other_knowledge_is_refused(tmp_path, retrieval_small_kb, retrieval_encoder):
    kb = tmp_path / "kb"
    shutil.copytree(retrieval_small_kb, kb)
    index_dir = tmp_path / "index"
    build_index(load_knowledge(kb), index_dir, retrieval_encoder, progress=False)
    Retriever.load(index_dir, knowledge_dir=kb, encoder=retrieval_encoder)  # current: loads
    faq = kb / "faq.yml"
    faq.write_text(faq.read_text().replace("45 to 60 minutes", "about an hour"), encoding="utf-8")
    with pytest.raises(RetrievalUnavailable, match="other knowledge.*make index"):
        Retriever.load(index_dir, knowledge_dir=kb, encoder=retrieval_encoder)
    # Without an explicit knowledge directory the index is checked against its recorded origin.
    with pytest.raises(RetrievalUnavailable, match="other knowledge"):
        Retriever.load(index_dir, encoder=retrieval_encoder)
    assert not is_up_to_date(index_dir, load_knowledge(kb), retrieval_encoder.name)


def test_index_of_another_model_is_refused(tmp_path, retrieval_small_index, retrieval_encoder):
    copy = tmp_path / "index"
    shutil.copytree(retrieval_small_index.resolve(), copy)
    meta = json.loads((copy / META_FILE).read_text())
    meta["model"] = "sentence-transformers/all-mpnet-base-v2"
    (copy / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(IndexMismatch, match="all-mpnet-base-v2.*make index"):
        load_index(copy, model_name=retrieval_encoder.name)
    with pytest.raises(RetrievalUnavailable, match="model"):
        Retriever.load(copy, encoder=retrieval_encoder)


def test_missing_and_corrupt_indexes_are_reported(tmp_path, retrieval_small_index):
    with pytest.raises(IndexMissing, match="make index"):
        load_index(tmp_path / "nothing-here")
    copy = tmp_path / "index"
    shutil.copytree(retrieval_small_index.resolve(), copy)
    faiss_file = copy / INDEX_FILE
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorrupt, match="unreadable|does not match"):
        load_index(copy)


def test_rebuild_swaps_atomically_and_skips_when_up_to_date(
    tmp_path, retrieval_small_kb, retrieval_encoder
):
    knowledge = load_knowledge(retrieval_small_kb)
    index_dir = tmp_path / "var" / "index"
    assert not is_up_to_date(index_dir, knowledge, retrieval_encoder.name)
    first = build_index(knowledge, index_dir, retrieval_encoder, progress=False)
    assert index_dir.is_symlink()
    assert is_up_to_date(index_dir, knowledge, retrieval_encoder.name)
    old_build = index_dir.resolve()
    second = build_index(knowledge, index_dir, retrieval_encoder, progress=False)
    new_build = index_dir.resolve()
    assert new_build != old_build and read_meta(index_dir)["built_at"] == second["built_at"]
    assert first["knowledge_hash"] == second["knowledge_hash"]
    builds = list((tmp_path / "var" / ".index.builds").iterdir())
    assert not [b for b in builds if b.name.startswith(".staging-")]
    assert len(builds) <= 2  # the current build and the one a reader may still hold
    vectors = load_index(index_dir).faiss_index.reconstruct_n(0, 2)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)  # unit length


def test_importing_retrieval_loads_nothing_heavy():
    code = (
        "import sys, bot.retrieval.retriever, bot.retrieval.index, bot.retrieval.embedding\n"
        "import bot.retrieval.knowledge, bot.retrieval.lexical\n"
        "import bot.staff.cli, benchmarks.evaluation\n"
        "heavy = ('torch', 'faiss', 'sentence_transformers', 'numpy')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
