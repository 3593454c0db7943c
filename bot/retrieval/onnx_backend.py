"""ONNX Runtime backend for the packaged all-MiniLM-L6-v2 model: same vectors, less overhead.

Set-up (``make onnx``, i.e. ``python -m bot.retrieval.onnx_backend``) exports the packaged
PyTorch model
to ONNX offline with sentence-transformers/optimum into ``var/models/``, plus an int8
dynamically quantised copy. At run time :class:`OnnxEncoder` needs only ``onnxruntime``,
``tokenizers`` and ``numpy``: no torch import, so a process that only answers queries starts
faster and stays smaller. Pooling (mean over real tokens) and normalisation are the ones the
sentence-transformers pipeline of this model applies (``modules.json``: Transformer -> mean
Pooling -> Normalize), so fp32 ONNX vectors equal the PyTorch ones to float precision.

Two variants:
- ``fp32``: numerically the PyTorch model; keeps the model name, so an index built with
  either backend can be queried with the other.
- ``int8``: dynamically quantised weights; different vectors, so it gets its own model name and
  an index built with it refuses the other backends (and vice versa).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import PROJECT_ROOT
from bot.retrieval.model import MODEL_DIMENSION, MODEL_NAME, model_path

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger(__name__)

ONNX_MODEL_DIR = PROJECT_ROOT / "var" / "models" / "all-MiniLM-L6-v2-onnx"
MANIFEST = "export.json"
VARIANT_FILES = {"fp32": "onnx/model.onnx", "int8": "onnx/model_quint8_avx2.onnx"}
# Quantised weights change the vectors: an index must know which ones it holds.
VARIANT_NAMES = {"fp32": MODEL_NAME, "int8": f"{MODEL_NAME}#onnx-int8"}
# Bump when the export recipe changes, so `make onnx` redoes an export made the old way.
EXPORT_RECIPE = 1


def _source_fingerprint(source: Path) -> str:
    """Hash of the packaged model's weights and configuration (what the export derives from)."""
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".safetensors", ".txt"):
            digest.update(path.relative_to(source).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_exported(target: Path = ONNX_MODEL_DIR, variant: str = "fp32") -> bool:
    """True when ``target`` holds a complete export of the packaged model with ``variant``."""
    manifest = _read_manifest(Path(target))
    return bool(
        manifest
        and manifest.get("recipe") == EXPORT_RECIPE
        and variant in manifest.get("variants", {})
        and (Path(target) / VARIANT_FILES[variant]).is_file()
    )


def export(target: Path = ONNX_MODEL_DIR, quantize: bool = True, force: bool = False) -> Path:
    """Export the packaged model to ONNX in ``target`` (offline); skip when already up to date.

    Heavy (imports torch and optimum): meant for set-up, not for a serving process. Writes into
    a temporary directory and renames it, so an interrupted export never looks complete.
    """
    target = Path(target)
    source = Path(model_path())
    fingerprint = _source_fingerprint(source)
    manifest = _read_manifest(target)
    wanted = {"fp32", "int8"} if quantize else {"fp32"}
    if (
        not force
        and manifest
        and manifest.get("source_sha256") == fingerprint
        and manifest.get("recipe") == EXPORT_RECIPE
        and wanted <= set(manifest.get("variants", {}))
        and all((target / VARIANT_FILES[v]).is_file() for v in wanted)
    ):
        log.info("ONNX export in %s is up to date", target)
        return target

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    started = time.perf_counter()
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    # With no model.onnx next to the weights, sentence-transformers exports through optimum.
    model = SentenceTransformer(str(source), backend="onnx", device="cpu")
    model.save_pretrained(str(staging))
    variants = {"fp32": VARIANT_FILES["fp32"]}
    if quantize:
        # "avx2" quantisation (u8 activations, s8 weights) runs on any x86-64 CPU ORT supports.
        export_dynamic_quantized_onnx_model(model, "avx2", str(staging))
        variants["int8"] = VARIANT_FILES["int8"]
    manifest = {
        "model": MODEL_NAME,
        "source_sha256": fingerprint,
        "recipe": EXPORT_RECIPE,
        "variants": variants,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    log.info("exported ONNX model to %s in %.1f s", target, manifest["seconds"])
    return target


class OnnxEncoder:
    """Sentence embeddings with ONNX Runtime (CPU); implements
       :class:`bot.retrieval.embedding.Encoder`.

    Loads lazily on first ``encode``; if the export is missing it is made then (a one-off of a
    few seconds). Thread-safe: ONNX Runtime sessions may be run from several threads.
    """

    def __init__(
        self,
        variant: str = "fp32",
        model_dir: Path | None = None,
        threads: int | None = None,
    ):
        """Prepare the encoder for ``variant`` ("fp32" or "int8") of the export in ``model_dir``."""
        if variant not in VARIANT_FILES:
            raise ValueError(f"unknown ONNX variant {variant!r} (available: fp32, int8)")
        self.variant = variant
        self.name = VARIANT_NAMES[variant]
        self.dimension = MODEL_DIMENSION
        self.backend = "onnx" if variant == "fp32" else f"onnx-{variant}"
        self._dir = Path(model_dir or ONNX_MODEL_DIR)
        self._threads = threads
        self._session: Any = None  # onnxruntime.InferenceSession once loaded
        self._tokenizer: Any = None  # tokenizers.Tokenizer once loaded
        self._feeds: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._session is not None:
                return
            if not is_exported(self._dir, self.variant):
                log.warning("no ONNX export in %s: exporting now (run `make onnx` at set-up)",
                            self._dir)
                export(self._dir, quantize=self.variant != "fp32")
            import onnxruntime as ort
            from tokenizers import Tokenizer

            config = json.loads((self._dir / "sentence_bert_config.json").read_text())
            tokenizer = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
            tokenizer.no_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads or min(os.cpu_count() or 1, 4)
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Idle worker threads sleep instead of spinning: on a small server the Rasa process
            # needs those cores too (measured: spinning doubled latency on a busy 2-core box).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.add_session_config_entry("session.inter_op.allow_spinning", "0")
            session = ort.InferenceSession(
                str(self._dir / VARIANT_FILES[self.variant]), options,
                providers=["CPUExecutionProvider"],
            )
            self._feeds = tuple(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised embeddings of one batch (padded to its longest text)."""
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._feeds:
            feed["token_type_ids"] = np.zeros_like(ids)
        tokens = self._session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Normalised embeddings (float32, shape ``(len(texts), dimension)``).

        Texts are batched by length so short ones are not padded to long ones' size; rows come
        back in the input order. Unit length, so inner product = cosine similarity.
        """
        import numpy as np

        if self._session is None:
            self._load()
        texts = list(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        if len(texts) == 1:
            out[0] = self._embed(texts)[0]
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="Embedding", unit="text")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._embed([texts[i] for i in rows])
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.retrieval.onnx_backend``: export the packaged model to ONNX (``make
    onnx``)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--dir", type=Path, default=ONNX_MODEL_DIR, help="export directory")
    parser.add_argument("--no-int8", action="store_true", help="skip the int8 quantised copy")
    parser.add_argument("--force", action="store_true", help="export even when up to date")
    args = parser.parse_args(argv)
    # The quantiser logs one line per tensor at INFO: keep only this module's progress.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    log.setLevel(logging.INFO)
    target = export(args.dir, quantize=not args.no_int8, force=args.force)
    manifest = _read_manifest(target) or {}
    print(f"ONNX model in {target} (variants: {', '.join(manifest.get('variants', {}))})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
