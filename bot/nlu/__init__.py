"""Rasa NLU components on the product's own sentence encoder (all-MiniLM-L6-v2, ONNX).

Only the Rasa process imports this package: it needs rasa, onnxruntime, tokenizers and
scikit-learn, never torch or FAISS. docs/nlu.md has the design and the measured numbers.
"""
