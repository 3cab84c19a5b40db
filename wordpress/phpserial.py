"""Reading PHP-serialised post meta (plugins store arrays that way) without ever running PHP's unserialize.

Only scalars and arrays are understood; objects ("O:…"), references and
anything else are refused, and nesting and size are bounded, so a hostile
export gets an error, never code execution or a memory blow-up.
"""

MAX_DEPTH = 4
MAX_LENGTH = 64 * 1024


class NotSerialised(ValueError):
    """The value is not a PHP-serialised scalar or array we accept."""


def unserialise(text: str) -> object:
    """'a:2:{s:15:"number_of_votes";i:3;s:9:"sum_votes";i:12;}' → {'number_of_votes': 3, 'sum_votes': 12}."""
    data = text.strip().encode()
    if len(data) > MAX_LENGTH:
        raise NotSerialised("too long")
    value, end = _value(data, 0, depth=0)
    if end != len(data):
        raise NotSerialised("trailing data")
    return value


def _until(data: bytes, pos: int, stop: bytes) -> tuple[bytes, int]:
    end = data.find(stop, pos)
    if end < 0:
        raise NotSerialised("truncated")
    return data[pos:end], end + len(stop)


def _value(data: bytes, pos: int, *, depth: int) -> tuple[object, int]:
    kind = data[pos : pos + 2]
    if data[pos : pos + 2] == b"N;":
        return None, pos + 2
    raw: bytes
    if kind in (b"i:", b"d:", b"b:"):
        raw, pos = _until(data, pos + 2, b";")
        try:
            if kind == b"i:":
                return int(raw), pos
            if kind == b"d:":
                return float(raw), pos
            return raw == b"1", pos
        except ValueError:
            raise NotSerialised("bad number") from None
    if kind == b"s:":
        raw, pos = _until(data, pos + 2, b":")
        if not raw.isdigit():
            raise NotSerialised("bad string length")
        length = int(raw)
        if data[pos : pos + 1] != b'"' or data[pos + 1 + length : pos + 3 + length] != b'";':
            raise NotSerialised("bad string")
        return data[pos + 1 : pos + 1 + length].decode(errors="replace"), pos + 3 + length
    if kind == b"a:":
        if depth >= MAX_DEPTH:
            raise NotSerialised("nested too deeply")
        raw, pos = _until(data, pos + 2, b":{")
        if not raw.isdigit():
            raise NotSerialised("bad array length")
        result: dict = {}
        for _ in range(int(raw)):
            key, pos = _value(data, pos, depth=depth + 1)
            if not isinstance(key, int | str):
                raise NotSerialised("bad array key")
            result[key], pos = _value(data, pos, depth=depth + 1)
        if data[pos : pos + 1] != b"}":
            raise NotSerialised("bad array end")
        return result, pos + 1
    raise NotSerialised(f"unsupported type {kind!r}")
