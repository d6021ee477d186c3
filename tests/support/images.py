"""Signature and seal images drawn by the tests (never a real agency's): PNGs with transparency."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

BLUE = (20, 40, 200, 255)
RED = (220, 20, 30, 255)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_png(width: int = 300, height: int = 120) -> bytes:
    """A blue scribble on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(10 + i * (width - 20) // 12, height // 2 + (35 if i % 2 else -35)) for i in range(13)]
    draw.line(points, fill=BLUE, width=8)
    draw.line([(15, height - 15), (width - 15, height - 20)], fill=BLUE, width=6)
    return _png(image)


def seal_png(size: int = 200) -> bytes:
    """A red ring with a red star-like cross inside, on a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 5, size - 5), outline=RED, width=10)
    draw.ellipse((size // 4, size // 4, 3 * size // 4, 3 * size // 4), outline=RED, width=6)
    draw.line([(size // 2, size // 4), (size // 2, 3 * size // 4)], fill=RED, width=6)
    return _png(image)


def opaque_png() -> bytes:
    """A PNG without an alpha channel (refused: the decree asks for a transparent background)."""
    return _png(Image.new("RGB", (50, 50), (255, 255, 255)))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 0, 255)).save(out, format="JPEG")
    return out.getvalue()


def is_red(pixel: tuple[int, ...]) -> bool:
    """The seal's red (not the colour fringes a renderer may give black text's edges)."""
    r, g, b = pixel[:3]
    return r > 150 and g < 90 and b < 90


def is_blue(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return b > 150 and r < 110 and g < 140


def pixels_where(image: Image.Image, test: object) -> list[tuple[int, int]]:
    """(x, y) of every pixel of ``image`` (RGB) for which ``test(pixel)`` holds."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    data = rgb.load()
    assert data is not None and callable(test)
    return [(x, y) for y in range(height) for x in range(width) if test(data[x, y])]


def inside(points: list[tuple[int, int]], box: tuple[float, float, float, float], page_height: float) -> int:
    """How many of ``points`` (pixels of a 72 dpi render) lie in ``box`` (PDF points, lower-left
    origin), one pixel of anti-aliasing allowed."""
    x1, y1, x2, y2 = box
    top, bottom = page_height - y2, page_height - y1
    return sum(1 for x, y in points if x1 - 1 <= x <= x2 + 1 and top - 1 <= y <= bottom + 1)
