"""The bundled MiniLM on the CPU through transformers' BertModel and the tokenizers library, without importing
sentence-transformers: a process is ready ~2.7 s sooner (sentence-transformers imports scikit-learn and its
own backends; bench/RESULTS.md), which every one-shot `medinfo ask` and every API worker pays at start.

It computes what the sentence-transformers pipeline of the model folder computes (modules.json: Transformer,
mean Pooling, Normalize; max_seq_length 256): the same tokens (tokenizer.json, truncated at 256, padded to the
longest text of a batch), the same BertModel, the mean of the token vectors under the attention mask, unit
length. Vectors equal sentence-transformers' to float rounding (tests/unit/test_embedding.py), so stores built
by either are the same. GPU and local model folders still go through sentence-transformers (ingest/embedding.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class MiniLM:
    def __init__(self, path: Path, int8: bool):
        import torch
        from tokenizers import Tokenizer
        from transformers import BertModel

        self._torch = torch
        model = BertModel.from_pretrained(str(path), local_files_only=True).eval()
        if int8:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config.get("max_seq_length") or 256)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0)  # to the longest of a batch
        self.dim = int(model.config.hidden_size)

    def get_embedding_dimension(self) -> int:
        return self.dim

    def encode(self, texts: list[str], batch_size: int = 32, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        torch = self._torch
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # batches of like length: little padding
        for k in range(0, len(texts), batch_size):
            rows = order[k:k + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = torch.tensor([e.ids for e in enc])
            mask = torch.tensor([e.attention_mask for e in enc])
            types = torch.tensor([e.type_ids for e in enc])
            with torch.inference_mode():
                tokens = self.model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
                m = mask.unsqueeze(-1).to(tokens.dtype)
                vecs = (tokens * m).sum(1) / m.sum(1).clamp(min=1e-9)
                if normalize_embeddings:
                    vecs = torch.nn.functional.normalize(vecs, dim=1)
            out[rows] = vecs.numpy()
        return out
