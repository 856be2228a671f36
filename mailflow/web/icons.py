"""The web app's icons, drawn by our own code (no image library): a white envelope on the
brand blue. ``python -m mailflow.web.icons`` writes the committed PNG files once."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BRAND = (0x0B, 0x5C, 0xAD)
WHITE = (0xFF, 0xFF, 0xFF)
SIZES = (192, 512)
ICON_DIR = Path(__file__).parent / "static" / "icons"


def _pixel(x: float, y: float) -> tuple[int, int, int]:
    """Colour at (x, y) in the unit square: an envelope 60 % wide with its flap."""
    left, right, top, bottom = 0.2, 0.8, 0.3, 0.7
    if not (left <= x <= right and top <= y <= bottom):
        return BRAND
    border = 0.035
    on_edge = min(x - left, right - x, y - top, bottom - y) < border
    # the flap: two lines from the top corners to the middle
    flap_y = top + (0.3 - abs(x - 0.5)) * (0.22 / 0.3)
    on_flap = abs(y - flap_y) < border * 1.2 and y <= top + 0.23
    return BRAND if on_edge or on_flap else WHITE


def png(size: int) -> bytes:
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            rows.extend(_pixel((px + 0.5) / size, (py + 0.5) / size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def write_all(target: Path = ICON_DIR) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in SIZES:
        path = target / f"icon-{size}.png"
        path.write_bytes(png(size))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all():
        print(written)
