"""The few msgpack writers the encoder needs, in the canonical forms of SPEC.md §4: an integer in
[-2^31, 2^32) takes the shortest int form (-0 writes as 0), every other number float64 (0xCB);
strings take the shortest str form; maps under 16 pairs are fixmaps."""
from __future__ import annotations

import struct
from typing import Union

_INT_MIN = -2147483648
_INT_END = 4294967296  # 2^32, exclusive

# Every fixint is one preallocated byte string: the common small counts and gauges cost a lookup.
_POSITIVE_FIXINT = tuple(bytes((i,)) for i in range(128))
_NEGATIVE_FIXINT = tuple(bytes((i & 0xFF,)) for i in range(-32, 0))

_pack_u8 = struct.Struct(">BB").pack
_pack_u16 = struct.Struct(">BH").pack
_pack_u32 = struct.Struct(">BI").pack
_pack_i8 = struct.Struct(">Bb").pack
_pack_i16 = struct.Struct(">Bh").pack
_pack_i32 = struct.Struct(">Bi").pack
pack_float64 = struct.Struct(">Bd").pack  # pack_float64(0xCB, value)


def encode_int(value: int) -> bytes:
    """An int already known to be in [-2^31, 2^32)."""
    if value >= 0:
        if value < 0x80:
            return _POSITIVE_FIXINT[value]
        if value < 0x100:
            return _pack_u8(0xCC, value)
        if value < 0x10000:
            return _pack_u16(0xCD, value)
        return _pack_u32(0xCE, value)
    if value >= -32:
        return _NEGATIVE_FIXINT[value + 32]
    if value >= -128:
        return _pack_i8(0xD0, value)
    if value >= -32768:
        return _pack_i16(0xD1, value)
    return _pack_i32(0xD2, value)


def encode_number(value: Union[int, float]) -> bytes:
    """A finite int or float in canonical form. Ints outside [-2^31, 2^32) go as float64, like
    every other number; the caller has checked that float(value) does not overflow."""
    if type(value) is int:
        if _INT_MIN <= value < _INT_END:
            return encode_int(value)
        return pack_float64(0xCB, float(value))
    # float.is_integer() is False for NaN and ±inf, so those (rejected earlier anyway) stay floats.
    if value.is_integer() and _INT_MIN <= value < _INT_END:  # type: ignore[union-attr]
        return encode_int(int(value))  # int(-0.0) == 0: SPEC §4 "−0 writes as 0"
    return pack_float64(0xCB, value)


def str_header(byte_length: int) -> bytes:
    if byte_length < 32:
        return bytes((0xA0 | byte_length,))
    if byte_length < 0x100:
        return _pack_u8(0xD9, byte_length)
    if byte_length < 0x10000:
        return _pack_u16(0xDA, byte_length)
    return _pack_u32(0xDB, byte_length)


def utf8(text: str) -> bytes:
    """UTF-8 bytes of text. A lone surrogate (possible in a Python str, never valid UTF-8) becomes
    U+FFFD, as the TS client's Buffer.from does, instead of raising into the app."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def encode_str(text: str) -> bytes:
    """A whole msgpack str (header + UTF-8): done once per name or tag set, then cached."""
    data = utf8(text)
    return str_header(len(data)) + data


def map_header(pair_count: int) -> bytes:
    if pair_count < 16:
        return bytes((0x80 | pair_count,))
    if pair_count < 0x10000:
        return _pack_u16(0xDE, pair_count)
    return _pack_u32(0xDF, pair_count)
