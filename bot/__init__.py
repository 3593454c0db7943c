"""The clinic FAQ assistant's own package: knowledge, retrieval, storage and safety.

Importing ``bot`` (or any module the Rasa process loads) must stay cheap: torch, faiss and
sentence-transformers are imported only inside the functions that need them.
"""

__version__ = "0.1.0"
