"""Converting between JSON values and the generated models.

Each model field carries a codec that decodes the JSON value into its Python type and
encodes it back. Decoding is lenient: unknown fields are kept aside (and sent back by
``to_dict``), a missing required field becomes ``None``, and a value of an unexpected
shape is kept as it came, so a newer server never breaks an older client. An optional
field left ``None`` is not sent; to send an explicit null, pass a dict as the body.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, ClassVar, Dict, FrozenSet, Mapping, Optional, Tuple, Type, TypeVar

M = TypeVar("M", bound="Model")


class Codec:
    def decode(self, value: Any) -> Any:
        return value

    def encode(self, value: Any) -> Any:
        return value

    def accepts(self, value: Any) -> bool:
        return True


class _Scalar(Codec):
    def __init__(self, *types: type) -> None:
        self.types = types

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.types) and not (
            isinstance(value, bool) and bool not in self.types
        )


class _Float(_Scalar):
    def decode(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value


class _DateTime(Codec):
    def decode(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
        return value

    def encode(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            text = value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
            return text.replace("+00:00", "Z")
        return value

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (str, datetime))


ANY = Codec()
STR = _Scalar(str)
INT = _Scalar(int)
FLOAT = _Float(int, float)
BOOL = _Scalar(bool)
DATETIME = _DateTime()


class ListOf(Codec):
    def __init__(self, items: Codec) -> None:
        self.items = items

    def decode(self, value: Any) -> Any:
        return [self.items.decode(v) for v in value] if isinstance(value, list) else value

    def encode(self, value: Any) -> Any:
        return [self.items.encode(v) for v in value] if isinstance(value, (list, tuple)) else value

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (list, tuple))


class MapOf(Codec):
    def __init__(self, values: Codec) -> None:
        self.values = values

    def decode(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {k: self.values.decode(v) for k, v in value.items()}

    def encode(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {k: self.values.encode(v) for k, v in value.items()}

    def accepts(self, value: Any) -> bool:
        return isinstance(value, Mapping)


class Nullable(Codec):
    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def decode(self, value: Any) -> Any:
        return None if value is None else self.inner.decode(value)

    def encode(self, value: Any) -> Any:
        return None if value is None else self.inner.encode(value)

    def accepts(self, value: Any) -> bool:
        return value is None or self.inner.accepts(value)


class Obj(Codec):
    """A generated model, named lazily (models may refer to each other in any order)."""

    def __init__(self, model: Callable[[], Type["Model"]]) -> None:
        self.model = model

    def decode(self, value: Any) -> Any:
        return self.model().from_dict(value) if isinstance(value, Mapping) else value

    def encode(self, value: Any) -> Any:
        return value.to_dict() if isinstance(value, Model) else value

    def accepts(self, value: Any) -> bool:
        if isinstance(value, self.model()):
            return True
        if not isinstance(value, Mapping):
            return False
        return all(f.json in value for f in self.model()._fields_ if f.required)


class Union(Codec):
    """anyOf / oneOf: the first variant that accepts the value decodes it."""

    def __init__(self, *variants: Codec) -> None:
        self.variants = variants

    def _pick(self, value: Any) -> Optional[Codec]:
        return next((v for v in self.variants if v.accepts(value)), None)

    def decode(self, value: Any) -> Any:
        chosen = self._pick(value)
        return chosen.decode(value) if chosen else value

    def encode(self, value: Any) -> Any:
        chosen = self._pick(value)
        return chosen.encode(value) if chosen else value

    def accepts(self, value: Any) -> bool:
        return self._pick(value) is not None


@dataclass(frozen=True)
class F:
    """One field of a model: its Python name, JSON name, codec and whether it is required."""

    py: str
    json: str
    codec: Codec
    required: bool


@dataclass(kw_only=True)
class Model:
    """Base of every generated model."""

    _fields_: ClassVar[Tuple[F, ...]] = ()
    # Fields this client does not know, kept so that to_dict() sends them back unchanged.
    _extra: Dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Optional fields that came as an explicit null: sent back as null, not left out.
    _nulls: FrozenSet[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        if not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}.from_dict expects a mapping, got {type(data).__name__}")
        known = {f.json for f in cls._fields_}
        values: Dict[str, Any] = {}
        for f in cls._fields_:
            if f.json in data:
                values[f.py] = f.codec.decode(data[f.json])
            elif f.required:
                values[f.py] = None
        model = cls(**values)
        model._extra = {k: v for k, v in data.items() if k not in known}
        model._nulls = frozenset(
            f.py for f in cls._fields_ if not f.required and f.json in data and data[f.json] is None
        )
        return model

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = dict(self._extra)
        for f in self._fields_:
            value = getattr(self, f.py)
            if value is None and not f.required and f.py not in self._nulls:
                continue
            out[f.json] = f.codec.encode(value)
        return out


def encode_body(value: Any) -> Any:
    """A request body as JSON-ready data: models become dicts, the rest is taken as is."""
    if isinstance(value, Model):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value
