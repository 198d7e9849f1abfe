"""Draws Guichet's icon (a white speech bubble with "!" on a calm blue rounded square) and writes
the sizes tauri.conf.json references. Run: python3 icons/make_icons.py (needs Pillow)."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (37, 99, 168, 255)  # #2563A8
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large, then downscaled: Pillow's shapes have no anti-aliasing


def master(size: int = 1024) -> Image.Image:
    s = size * SCALE
    u = s / 1024  # drawing unit: coordinates below are on a 1024 grid
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((64 * u, 64 * u, 960 * u, 960 * u), radius=200 * u, fill=BLUE)
    # Speech bubble: body and a tail pointing down-left.
    d.rounded_rectangle((224 * u, 232 * u, 800 * u, 672 * u), radius=120 * u, fill=WHITE)
    d.polygon([(330 * u, 640 * u), (300 * u, 800 * u), (470 * u, 660 * u)], fill=WHITE)
    # Exclamation mark.
    d.rounded_rectangle((474 * u, 300 * u, 550 * u, 520 * u), radius=38 * u, fill=BLUE)
    d.ellipse((472 * u, 552 * u, 552 * u, 632 * u), fill=BLUE)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    out = Path(__file__).resolve().parent
    big = master()
    for name, px in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
        big.resize((px, px), Image.LANCZOS).save(out / name, optimize=True)
    big.save(out / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)])
    # macOS bundles (.app, .dmg): every size from 16 to 1024, Retina pairs included.
    big.save(out / "icon.icns")


if __name__ == "__main__":
    main()
