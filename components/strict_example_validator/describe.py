"""Anomalies found by TFDV, in plain words: feature, what the schema expects, what the data has, splits."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from tensorflow_metadata.proto.v0 import anomalies_pb2, schema_pb2, statistics_pb2

#: Most values listed of a string feature (its schema domain, or what the data has).
MAX_VALUES = 5


def key_values(text: str) -> dict[str, str] | None:
    """``"a=1 b=2"`` -> ``{"a": "1", "b": "2"}``; None when ``text`` is not of that form."""
    pairs = [token.split("=", 1) for token in text.split()]
    if not pairs or any(len(p) != 2 or not p[0] for p in pairs):
        return None
    return dict(pairs)


def changed_parameters(expected: str, found: str) -> list[str]:
    """``name old -> new`` for each differing ``name=value`` of two such strings ([] if not of that form)."""
    old, new = key_values(expected), key_values(found)
    if old is None or new is None:
        return []
    keys = list(old) + [k for k in new if k not in old]
    return [f"{k} {old.get(k, '(none)')} -> {new.get(k, '(none)')}" for k in keys if old.get(k) != new.get(k)]


def string_domain(schema: schema_pb2.Schema, feature: str) -> list[str] | None:
    """The values the schema allows for a string feature (None: no domain)."""
    for f in schema.feature:
        if f.name != feature:
            continue
        if f.HasField("string_domain"):
            return list(f.string_domain.value)
        if f.HasField("domain"):
            return next((list(d.value) for d in schema.string_domain if d.name == f.domain), None)
    return None


def found_values(stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str) -> list[str]:
    """The most frequent values of a string feature in one split's statistics (most frequent first)."""
    for dataset in stats.datasets:
        for f in dataset.features:
            if list(f.path.step) == [feature] or f.name == feature:
                if f.string_stats.top_values:
                    return [v.value for v in f.string_stats.top_values]
                return [b.label for b in f.string_stats.rank_histogram.buckets]
    return []


def schema_value_count(schema: schema_pb2.Schema, feature: str) -> int | None:
    """Values per example the schema's fixed ``shape`` requires (None: no shape)."""
    for f in schema.feature:
        if f.name == feature and f.HasField("shape"):
            count = 1
            for dim in f.shape.dim:
                count *= dim.size
            return count
    return None


def found_value_counts(stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str) -> tuple[int, int] | None:
    """(fewest, most) values per example of a feature in one split's statistics."""
    for dataset in stats.datasets:
        for f in dataset.features:
            if list(f.path.step) == [feature] or f.name == feature:
                kind = f.WhichOneof("stats")
                if kind is None:
                    return None
                common = getattr(f, kind).common_stats
                return int(common.min_num_values), int(common.max_num_values)
    return None


def _quoted(values: Sequence[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:MAX_VALUES])
    return shown + (f" (+{len(values) - MAX_VALUES} more)" if len(values) > MAX_VALUES else "")


def describe_feature(feature: str, info: anomalies_pb2.AnomalyInfo, schema: schema_pb2.Schema,
                     stats: statistics_pb2.DatasetFeatureStatisticsList | None) -> str:
    """What is wrong with one feature: for a string outside its domain, what changed, what the schema
    expects and what the data has; otherwise TFDV's own description."""
    parts = []
    other = list(info.reason)
    expected = string_domain(schema, feature)
    found = found_values(stats, feature) if stats is not None else []
    unexpected = [v for v in found if expected is not None and v not in expected]
    if unexpected:
        other = [r for r in info.reason if r.type != anomalies_pb2.AnomalyInfo.ENUM_TYPE_UNEXPECTED_STRING_VALUES]
        changes = changed_parameters(expected[0], unexpected[0]) if len(expected) == len(unexpected) == 1 else []
        if changes:
            parts.append(", ".join(changes))
        parts.append(f"the schema expects {_quoted(expected)}, the data has {_quoted(unexpected)}")
    count = schema_value_count(schema, feature)
    counts = found_value_counts(stats, feature) if stats is not None else None
    if count is not None and counts is not None and counts != (count, count):
        has = counts[0] if counts[0] == counts[1] else f"{counts[0]} to {counts[1]}"
        parts.append(f"the schema expects {count} value{'s' if count != 1 else ''} per example, the data has {has}")
    parts += [r.description or r.short_description for r in other]
    return "; ".join(parts) or info.description


def describe_anomalies(anomalies: Mapping[str, anomalies_pb2.Anomalies], schema: schema_pb2.Schema,
                       stats: Mapping[str, statistics_pb2.DatasetFeatureStatisticsList]) -> list[str]:
    """One entry per distinct problem: ``feature 'x' (splits train, test): what is wrong``."""
    splits_of: dict[tuple[str, str], list[str]] = {}
    for split, found in anomalies.items():
        problems = [(f"feature {name!r}", describe_feature(name, info, schema, stats.get(split)))
                    for name, info in sorted(found.anomaly_info.items())]
        if found.HasField("dataset_anomaly_info"):
            info = found.dataset_anomaly_info
            problems.append(("data set", "; ".join(r.description for r in info.reason) or info.description))
        for problem in problems:
            splits_of.setdefault(problem, []).append(split)
    return [f"{what} (split{'s' if len(splits) > 1 else ''} {', '.join(splits)}): {text}"
            for (what, text), splits in splits_of.items()]
