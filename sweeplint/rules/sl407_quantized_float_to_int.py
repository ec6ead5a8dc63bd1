from __future__ import annotations

from collections.abc import Iterator

from sweeplint.codefacts.queries import related, short
from sweeplint.diagnostics import Finding, Severity
from sweeplint.rule import Context, Rule

# NNI computes every q-type value as round(x / q) * q in floating point (nni.common.hpo_utils), so
# `quniform [32, 256, 8]` gives 168.0, not 168.
FLOAT_QUANTIZED = ("quniform", "qloguniform", "qnormal", "qlognormal")

# Calls that turn the float into an int before it is used.
CASTS = frozenset({"int", "round", "math.floor", "math.ceil", "numpy.int64", "numpy.int32", "np.int64", "np.int32"})

# Arguments that must be integers: by keyword anywhere, and by position for common constructors.
SIZE_KEYWORDS = frozenset({
    "hidden_size", "input_size", "num_layers", "in_features", "out_features", "in_channels", "out_channels",
    "kernel_size", "num_heads", "nhead", "embed_dim", "d_model", "dim_feedforward", "num_embeddings",
    "embedding_dim", "batch_size", "units", "filters", "num_classes", "n_estimators", "max_depth", "num_leaves",
    "n_neighbors", "n_components", "hidden_dim", "num_hidden_layers", "num_attention_heads", "intermediate_size",
    "hidden_layer_sizes", "epochs", "max_epochs", "num_epochs", "num_workers", "n_layers", "depth", "width",
})
SIZE_POSITIONS = {
    "Linear": (0, 1), "LazyLinear": (0,), "Bilinear": (0, 1, 2),
    "Conv1d": (0, 1, 2), "Conv2d": (0, 1, 2), "Conv3d": (0, 1, 2),
    "ConvTranspose1d": (0, 1, 2), "ConvTranspose2d": (0, 1, 2), "ConvTranspose3d": (0, 1, 2),
    "LSTM": (0, 1, 2), "GRU": (0, 1, 2), "RNN": (0, 1, 2), "LSTMCell": (0, 1), "GRUCell": (0, 1),
    "Embedding": (0, 1), "EmbeddingBag": (0, 1), "MultiheadAttention": (0, 1),
    "TransformerEncoderLayer": (0, 1, 2), "TransformerDecoderLayer": (0, 1, 2),
    "BatchNorm1d": (0,), "BatchNorm2d": (0,), "BatchNorm3d": (0,), "GroupNorm": (0, 1),
    "MaxPool1d": (0,), "MaxPool2d": (0,), "AvgPool1d": (0,), "AvgPool2d": (0,),
    "Dense": (0,), "range": (0, 1, 2), "DataLoader": (1,),
}


def _needs_int(func: str, keyword: str | None, position: int | None) -> str | None:
    """How an argument that must be an integer is spelled in a message, or None."""
    leaf = func.rsplit(".", 1)[-1]
    if keyword is not None:
        return f"{func}({keyword}=...)" if keyword in SIZE_KEYWORDS else None
    if position is not None and position in SIZE_POSITIONS.get(leaf, ()):
        return f"{func}(...) (argument {position + 1})"
    return None


class QuantizedFloatToInt(Rule):
    code = "SL407"
    name = "quantized-float-to-int"
    severity = Severity.WARNING
    formats = ("nni",)
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "nni":
                continue
            quantized = [p for p in study.parameters if p.distribution in FLOAT_QUANTIZED]
            if not quantized:
                continue
            facts = ctx.code(study)
            if facts is None:
                continue
            for p in quantized:
                for read in facts.reads_of(p.name, roots=("nni",)):
                    if any(c.func in CASTS for c in read.consumers):
                        continue
                    use = next((_needs_int(c.func, c.keyword, c.position) for c in read.consumers
                                if _needs_int(c.func, c.keyword, c.position)), None)
                    if use is None:
                        continue
                    example = _example(p)
                    yield Finding.split(
                        p.distribution_span or p.key_span,
                        f"{p.name} is a float ({p.distribution}) but {short(ctx, read.path)}:{read.span.line} passes it "
                        f"uncast to {use}, which needs an integer; NNI gives a {p.distribution} value as a float "
                        f"({example}), so the trials fail with a TypeError: wrap the value in int(...) where the "
                        f"program reads it",
                        related=(related(read.path, read.span, f"{p.name} read here and passed on as a float"),),
                    )
                    break


def _example(p) -> str:
    from sweeplint.model import number

    low, q = number(p.low), number(p.q)
    if low is not None and q:
        value = round(low / q) * q
        return f"e.g. {float(value)!r}, not {int(value)}" if float(value).is_integer() else f"e.g. {value!r}"
    return "e.g. 64.0, not 64"
