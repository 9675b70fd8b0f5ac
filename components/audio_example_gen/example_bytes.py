"""tf.Example serialisation in pure Python: Beam workers write examples without importing TensorFlow.

A worker process that imports TF spends ~4 s on it before its first clip (2-core AVX2 machine),
all of it start-up of every ``multi_processing`` or portable run; building the few fields of a
clip's example needs no TF. The bytes are the protobuf wire format of ``tf.train.Example`` with the
features in sorted key order: exactly ``tf.train.Example(...).SerializeToString(deterministic=True)``
(tested), so any TF reader parses them.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

_LEN = 2  # wire type of length-delimited fields
_MASK64 = (1 << 64) - 1


def _varint(value: int) -> bytes:
    """Base-128 varint of a 64-bit two's-complement integer (negative int64s take 10 bytes)."""
    value &= _MASK64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


Parts = tuple[list[bytes], int]  # an encoded message as pieces and their total length (joined once)


def _field(number: int, parts: Parts) -> Parts:
    """A length-delimited field around an encoded message: key, length, payload."""
    pieces, size = parts
    head = _varint(number << 3 | _LEN) + _varint(size)
    return [head, *pieces], len(head) + size


def _raw(payload: bytes) -> Parts:
    return [payload], len(payload)


def _concat(*parts: Parts) -> Parts:
    return [p for pieces, _ in parts for p in pieces], sum(size for _, size in parts)


def int64_feature(values: Iterable[int]) -> Parts:
    """A ``Feature`` holding ``int64_list`` (field 3) with packed values."""
    packed = b"".join(_varint(int(v)) for v in values)
    return _field(3, _field(1, _raw(packed)) if packed else ([], 0))


def bytes_feature(values: Sequence[bytes]) -> Parts:
    """A ``Feature`` holding ``bytes_list`` (field 1)."""
    return _field(1, _concat(*(_field(1, _raw(bytes(v))) for v in values)))


def serialize_example(features: Mapping[str, Parts]) -> bytes:
    """``Example{features: Features{feature: map<string, Feature>}}`` from encoded ``Feature``s
    (:func:`int64_feature`, :func:`bytes_feature`), keys sorted as TF's deterministic serialiser does.
    The payloads are copied once, into the result."""
    entries = (_field(1, _concat(_field(1, _raw(key.encode("utf-8"))), _field(2, value)))
               for key, value in sorted(features.items()))
    return b"".join(_field(1, _concat(*entries))[0])
