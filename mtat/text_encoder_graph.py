"""all-MiniLM-L6-v2 as an ONNX graph, built from the model's own safetensors weights.

:mod:`mtat.text_embedding` runs this graph with ONNX Runtime: BERT's forward pass (word + position +
token-type embeddings and a LayerNorm; per layer 12-head self-attention, erf-GELU feed-forward,
post-LayerNorm), then sentence-transformers' mean pooling over the attention mask and L2
normalisation. Written with plain ONNX operators (opset 17); ONNX Runtime fuses them (LayerNorm,
GELU, attention) when it loads the graph. Inputs ``input_ids``, ``token_type_ids`` and
``attention_mask`` (int64 ``[batch, tokens]``, right-padded); output ``embedding`` (float32
``[batch, hidden]``, unit rows).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: ONNX operator set of the graph (LayerNormalization needs 17).
OPSET = 17
#: Graph input names, in the order :meth:`mtat.text_embedding.TextEncoder.tokenize` returns them.
INPUTS = ("input_ids", "token_type_ids", "attention_mask")
OUTPUT = "embedding"


def minilm_graph(get: Callable[[str], np.ndarray], *, layers: int, heads: int, eps: float) -> bytes:
    """The serialised ONNX model of a BERT sentence encoder whose tensors ``get(name)`` returns (float32,
    names as in the Hugging Face checkpoint without the ``bert.`` prefix, linear weights ``[out, in]``)."""
    from onnx import TensorProto, helper, numpy_helper

    inits: list = []
    nodes: list = []

    def const(value) -> str:
        name = f"w{len(inits)}"
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(kind: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        out = out or f"t{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def i64(*values: int) -> str:
        return const(np.array(values, np.int64))

    def f32(value: float) -> str:
        return const(np.float32(value))

    def linear(x: str, name: str) -> str:  # x @ W.T + b, W stored [out, in]
        return op("Add", [op("MatMul", [x, const(np.ascontiguousarray(get(name + ".weight").T))]), const(get(name + ".bias"))])

    def layer_norm(x: str, name: str) -> str:
        return op("LayerNormalization", [x, const(get(name + ".weight")), const(get(name + ".bias"))], axis=-1, epsilon=eps)

    word = get("embeddings.word_embeddings.weight")
    hidden = word.shape[1]
    head_dim = hidden // heads
    tokens = op("Shape", ["input_ids"], start=1, end=2)
    positions = op("Slice", [const(get("embeddings.position_embeddings.weight")), i64(0), tokens, i64(0)])
    x = op("Add", [op("Add", [op("Gather", [const(word), "input_ids"]), positions]),
                   op("Gather", [const(get("embeddings.token_type_embeddings.weight")), "token_type_ids"])])
    x = layer_norm(x, "embeddings.LayerNorm")
    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    # additive attention mask over keys, [batch, 1, 1, tokens]: 0 for tokens, -1e9 for padding
    key_bias = op("Unsqueeze", [op("Mul", [op("Sub", [f32(1.0), mask]), f32(-1e9)]), i64(1, 2)])
    split_heads, merge_heads = i64(0, 0, heads, head_dim), i64(0, 0, hidden)
    scale = f32(1.0 / np.sqrt(head_dim))
    for i in range(layers):
        p = f"encoder.layer.{i}."
        q, k, v = (op("Reshape", [linear(x, p + f"attention.self.{n}"), split_heads]) for n in ("query", "key", "value"))
        q = op("Transpose", [q], perm=[0, 2, 1, 3])  # [batch, heads, tokens, head_dim]
        k = op("Transpose", [k], perm=[0, 2, 3, 1])  # [batch, heads, head_dim, tokens]
        v = op("Transpose", [v], perm=[0, 2, 1, 3])
        attn = op("Softmax", [op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), key_bias])], axis=-1)
        ctx = op("Reshape", [op("Transpose", [op("MatMul", [attn, v])], perm=[0, 2, 1, 3]), merge_heads])
        x = layer_norm(op("Add", [linear(ctx, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        u = linear(x, p + "intermediate.dense")
        gelu = op("Mul", [op("Mul", [u, f32(0.5)]),  # exact GELU: 0.5 u (1 + erf(u / sqrt 2))
                          op("Add", [f32(1.0), op("Erf", [op("Mul", [u, f32(1.0 / np.sqrt(2.0))])])])])
        x = layer_norm(op("Add", [linear(gelu, p + "output.dense"), x]), p + "output.LayerNorm")
    weights = op("Unsqueeze", [mask, i64(2)])  # mean over the real tokens
    summed = op("ReduceSum", [op("Mul", [x, weights]), i64(1)], keepdims=0)
    count = op("Max", [op("ReduceSum", [weights, i64(1)], keepdims=0), f32(1e-9)])
    pooled = op("Div", [summed, count])
    norm = op("Max", [op("ReduceL2", [pooled], axes=[1], keepdims=1), f32(1e-12)])
    op("Div", [pooled, norm], OUTPUT)
    graph = helper.make_graph(
        nodes, "sentence_encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", hidden])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mtat")
    model.ir_version = 8  # what ONNX Runtime 1.x reads for opset 17
    return model.SerializeToString()
