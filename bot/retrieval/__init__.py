"""Retrieval: the clinic's reviewed knowledge, embedded and served from a FAISS index.

``knowledge`` reads ``knowledge/`` (standard library and PyYAML only: the Rasa process imports
it); ``embedding`` / ``onnx_backend`` / ``embed_cache`` turn texts into vectors; ``index`` and
``ann`` build and search the index; ``lexical`` adds keyword evidence; ``retriever`` decides
answer / clarify / none; ``reload`` swaps in a new index while the action server runs.
Nothing is imported here, so importing one module never loads torch or faiss.
"""
