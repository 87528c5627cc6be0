"""What happens to a picture on its way to an upload: crops, zoom, rotation, padding, windowing, JPEG and screenshots.

Used three ways, with different seeds: to augment the guard's training pictures (training/guard.py), to build the
measuring set of transformed real slices (training/guard_real.py), and to vary the not-MRI corpus. Each transform takes
and returns a PIL RGB image; `upload_variant` applies one named family (or a random one).

    /usr/bin/python3 training/guard_transforms.py --demo training/cache/guard-demo   # one picture per family
"""
import io
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from common import command_line, option

FAMILIES = ["tight-crop", "skull-cut-crop", "zoom", "rotation", "padding", "gamma-window", "jpeg-30", "screenshot"]
FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"]
ANNOTATION_COLOURS = [(255, 255, 0), (0, 255, 0), (255, 0, 0), (0, 200, 255), (255, 255, 255), (255, 128, 0)]


def font(size):
    for file in FONT_FILES:
        if os.path.exists(file):
            return ImageFont.truetype(file, size)
    return ImageFont.load_default()


def content_box(image, level=20):
    """Bounding box of pixels whose brightest channel reaches `level` (the head), or None when there are none."""
    a = np.asarray(image).max(axis=2)
    ys, xs = np.nonzero(a >= level)
    if len(ys) < 16:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def tight_crop(image, rng):
    box = content_box(image)
    if box is None:
        return image
    m = rng.randint(0, 6)
    w, h = image.size
    return image.crop((max(0, box[0] - m), max(0, box[1] - m), min(w, box[2] + m), min(h, box[3] + m)))


def skull_cut_crop(image, rng):
    """A crop that cuts into the head on one to four sides by 3-20% of its size."""
    box = content_box(image)
    if box is None:
        return image
    left, top, right, bottom = box
    bw, bh = right - left, bottom - top
    sides = rng.sample(range(4), rng.randint(1, 4))
    cut = [rng.uniform(0.03, 0.2) if s in sides else 0 for s in range(4)]
    crop = (left + int(bw * cut[0]), top + int(bh * cut[1]), right - int(bw * cut[2]), bottom - int(bh * cut[3]))
    if crop[2] - crop[0] < 16 or crop[3] - crop[1] < 16:
        return image
    return image.crop(crop)


def zoom(image, rng, low=1.0, high=2.0):
    w, h = image.size
    factor = rng.uniform(low, high)
    cw, ch = int(w / factor), int(h / factor)
    box = content_box(image)
    cx, cy = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (w / 2, h / 2)
    cx += rng.uniform(-0.1, 0.1) * w
    cy += rng.uniform(-0.1, 0.1) * h
    left = int(min(max(0, cx - cw / 2), w - cw))
    top = int(min(max(0, cy - ch / 2), h - ch))
    return image.crop((left, top, left + cw, top + ch)).resize((w, h), Image.BILINEAR)


def rotation(image, rng, degrees=30):
    fill = (0, 0, 0) if rng.random() < 0.8 else tuple([rng.choice([128, 255])] * 3)
    return image.rotate(rng.uniform(-degrees, degrees), resample=Image.BILINEAR, expand=rng.random() < 0.5, fillcolor=fill)


def padding(image, rng):
    w, h = image.size
    level = rng.choice([255, 128, rng.randint(60, 240)])
    sides = [int(rng.uniform(0, 0.3) * (w if s % 2 == 0 else h)) for s in range(4)]
    canvas = Image.new("RGB", (w + sides[0] + sides[2], h + sides[1] + sides[3]), (level, level, level))
    canvas.paste(image, (sides[0], sides[1]))
    return canvas


def gamma_window(image, rng):
    """Gamma 0.5-2 and a display window: values below `low` go black, above `high` go white."""
    x = np.asarray(image).astype(np.float32) / 255
    x = x ** float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
    low, high = rng.uniform(0, 0.25), rng.uniform(0.45, 1.0)
    if rng.random() < 0.5:
        x = (x - low) / (high - low)
    return Image.fromarray((np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8))


def jpeg(image, quality):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _annotations(draw, w, h, rng):
    """Burned-in marks on the picture itself: arrows, a measurement, a circle, L/R letters."""
    colour = rng.choice(ANNOTATION_COLOURS)
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["line", "circle", "arrow", "letter"])
        x, y = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        r = rng.uniform(0.03, 0.15) * min(w, h)
        if kind == "line":
            x2, y2 = x + rng.uniform(-2, 2) * r, y + rng.uniform(-2, 2) * r
            draw.line((x, y, x2, y2), fill=colour, width=rng.randint(1, 3))
            draw.text((x2 + 3, y2), f"{rng.uniform(5, 80):.1f} mm", fill=colour, font=font(max(9, int(min(w, h) / 25))))
        elif kind == "circle":
            draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=rng.randint(1, 3))
        elif kind == "arrow":
            draw.line((x, y, x + r, y + r), fill=colour, width=2)
            draw.polygon([(x, y), (x + r / 3, y + r / 8), (x + r / 8, y + r / 3)], fill=colour)
        else:
            draw.text((x, y), rng.choice(["L", "R", "A", "P", "*", "1", "2"]), fill=colour, font=font(max(10, int(min(w, h) / 14))))


def _ruler(draw, x0, y0, length, vertical, colour, rng):
    step = max(3, length // rng.choice([10, 20]))
    if vertical:
        draw.line((x0, y0, x0, y0 + length), fill=colour)
    else:
        draw.line((x0, y0, x0 + length, y0), fill=colour)
    for i, at in enumerate(range(0, length + 1, step)):
        tick = 8 if i % 5 == 0 else 4
        if vertical:
            draw.line((x0, y0 + at, x0 + tick, y0 + at), fill=colour)
        else:
            draw.line((x0 + at, y0, x0 + at, y0 - tick), fill=colour)


def screenshot(image, rng):
    """The picture as a viewer shows it: a larger canvas, overlaid text, rulers, annotations and maybe a coloured frame."""
    image = image.copy()
    w, h = image.size
    scale = rng.uniform(1.0, 3.0)
    image = image.resize((max(16, int(w * scale)), max(16, int(h * scale))), Image.BILINEAR)
    w, h = image.size
    draw = ImageDraw.Draw(image)
    size = max(9, int(min(w, h) / rng.uniform(18, 30)))
    colour = rng.choice(ANNOTATION_COLOURS[:5] + [(200, 200, 200)])
    corners = [(4, 4), (w // 2, 4), (4, h - 3 * size), (w // 2, h - 3 * size)]
    lines = [f"Pt: {rng.choice(['ANON', 'DOE^J', 'X12345', 'TCGA'])}  {rng.randint(20, 90)}Y", f"Se: {rng.randint(1, 12)} Im: {rng.randint(1, 40)}/{rng.randint(40, 160)}",
             f"W: {rng.randint(200, 2000)} L: {rng.randint(100, 900)}", f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             "AX FLAIR", f"TR {rng.randint(5000, 11000)} TE {rng.randint(80, 160)}", f"{rng.uniform(0.5, 2):.1f}x", "5.0 mm"]
    for corner in rng.sample(corners, rng.randint(1, 4)):
        text = "\n".join(rng.sample(lines, rng.randint(1, 3)))
        draw.multiline_text(corner, text, fill=colour, font=font(size), spacing=2)
    if rng.random() < 0.6:
        length = int(rng.uniform(0.2, 0.5) * (h if rng.random() < 0.5 else w))
        vertical = rng.random() < 0.5
        _ruler(draw, w - 12 if vertical else int(0.1 * w), int(0.2 * h) if vertical else h - 8, length, vertical, colour, rng)
    if rng.random() < 0.6:
        _annotations(draw, w, h, rng)
    if rng.random() < 0.5:  # the viewer around it: a toolbar and side panels in a UI colour
        ui = rng.choice([(30, 30, 30), (45, 45, 48), (240, 240, 240), (255, 255, 255), (20, 24, 36), (60, 63, 65)])
        top, side, bottom = rng.randint(0, int(0.25 * h)), rng.randint(0, int(0.3 * w)), rng.randint(0, int(0.1 * h))
        canvas = Image.new("RGB", (w + 2 * side, h + top + bottom), ui)
        canvas.paste(image, (side, top))
        d = ImageDraw.Draw(canvas)
        fg = (220, 220, 220) if sum(ui) < 300 else (40, 40, 40)
        for i in range(rng.randint(0, 6)):
            d.text((8 + i * 70, max(2, top // 3)), rng.choice(["File", "View", "Window", "Tools", "Series", "Help"]), fill=fg, font=font(max(9, size)))
        image = canvas
    if rng.random() < 0.5:  # a coloured frame
        frame = rng.randint(2, 15)
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        canvas = Image.new("RGB", (image.size[0] + 2 * frame, image.size[1] + 2 * frame), colour)
        canvas.paste(image, (frame, frame))
        image = canvas
    return image


def apply_family(image, family, rng):
    if family == "tight-crop":
        return tight_crop(image, rng)
    if family == "skull-cut-crop":
        return skull_cut_crop(image, rng)
    if family == "zoom":
        return zoom(image, rng)
    if family == "rotation":
        return rotation(image, rng)
    if family == "padding":
        return padding(image, rng)
    if family == "gamma-window":
        return gamma_window(image, rng)
    if family == "jpeg-30":
        return jpeg(image, 30)
    if family == "screenshot":
        return screenshot(image, rng)
    raise ValueError(family)


def upload_variant(image, rng, family=None, extra_p=0.35):
    """One family (random when None), then sometimes a second random one and a JPEG round trip: uploads combine them."""
    image = apply_family(image, family or rng.choice(FAMILIES), rng)
    if rng.random() < extra_p:
        image = apply_family(image, rng.choice([f for f in FAMILIES if f != "jpeg-30"]), rng)
    if rng.random() < extra_p:
        image = jpeg(image, rng.randint(30, 95))
    return image


def main():
    parser = command_line(__doc__)
    parser.add_argument("--demo", required=True, help="folder to write one example per family into")
    option(parser, "--image", "e2e/fixtures/tumour-layered.png", "picture to transform")
    args = parser.parse_args()
    os.makedirs(args.demo, exist_ok=True)
    image = Image.open(args.image).convert("RGB")
    for family in FAMILIES:
        apply_family(image, family, random.Random(family)).save(os.path.join(args.demo, f"{family}.png"))


if __name__ == "__main__":
    main()
