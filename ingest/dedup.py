"""Fingerprints that find exact and near-duplicate articles.

A wire story is republished by many outlets with a different headline, a byline or a
"Read more" line; extracting each copy would count one event many times. The content
hash catches identical texts, a 64-bit simhash of word shingles catches near-identical
ones: two texts are near-duplicates when their simhashes differ in at most
``NEAR_DUPLICATE_BITS`` bits. By the pigeonhole principle such a pair agrees on at least
one of the four 16-bit bands, so candidates are found through a GIN index on the bands.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

import numpy as np

NEAR_DUPLICATE_BITS = 3
# Word pairs: on news-length texts (200-1,000 words) they keep a wire copy with a new
# dateline or credit line within 3 bits, while a different story lands well outside.
SHINGLE_WORDS = 2
BANDS = 4
_BAND_BITS = 64 // BANDS
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_for_hash(text: str) -> str:
    """Case, accents, punctuation and spacing do not make two texts different."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(_WORD.findall("".join(ch for ch in decomposed
                                          if not unicodedata.combining(ch))))


def content_hash(text: str) -> str:
    """sha256 (hex) of the normalised text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def simhash(text: str) -> int:
    """Unsigned 64-bit simhash of the text's word shingles, weighted by count (0 if empty)."""
    words = normalise_for_hash(text).split()
    size = min(SHINGLE_WORDS, len(words))
    counts = Counter(" ".join(words[i:i + size]) for i in range(len(words) - size + 1)) \
        if words else Counter()
    if not counts:
        return 0
    digests = b"".join(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
                       for shingle in counts)
    values = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
    weight = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    # bits[i, b]: bit b of shingle i's hash; each set bit votes +count, each clear one -count.
    bits = (values[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
    weights = ((2 * bits.astype(np.int64) - 1) * weight[:, None]).sum(axis=0)
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def to_signed(value: int) -> int:
    """An unsigned 64-bit value as PostgreSQL's signed bigint stores it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    """The inverse of ``to_signed``."""
    return value + (1 << 64) if value < 0 else value


def bands(value: int) -> list[int]:
    """The four 16-bit bands, each tagged with its position so that equal bits in different
    positions do not collide in the index (values fit a 32-bit integer column)."""
    value = to_unsigned(value)
    mask = (1 << _BAND_BITS) - 1
    return [(i << _BAND_BITS) | (value >> (i * _BAND_BITS) & mask) for i in range(BANDS)]


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit simhashes (signed or not)."""
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def is_near_duplicate(a: int, b: int) -> bool:
    return hamming(a, b) <= NEAR_DUPLICATE_BITS


_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


def canonical_url(url: str) -> str:
    """The form of a URL two submissions of one article share: lower-case scheme and host,
    no default port, no fragment, no tracking parameters."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith(_TRACKING_PARAMS)])
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
