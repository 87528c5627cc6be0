"""Pictures that are not brain MRI, for training and measuring the guard, built from Debian packages and generators.

    apt-get install -y python3-skimage python3-matplotlib xplanet-images desktop-base gnome-backgrounds mate-backgrounds \
        plasma-workspace-wallpapers oxygen-icon-theme fonts-noto-color-emoji gimp-data stellarium-data
    nice -n 10 /usr/bin/python3 training/guard_corpus.py --out training/cache/guard-corpus

Writes <out>/<category>/<name>.png and <out>/index.json (category, source, group, split of every picture). The split is
frozen by a hash of each picture's group (its source file, or the generator and seed), so every variant of one source
lands in the same split: 40% `measure` (never trained or tuned on), 10% `val` (thresholds), 50% `train`.
training/guard-corpus-split.json (committed) lists the measuring split; the build is deterministic.
"""
import glob
import hashlib
import io
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from common import command_line, option
from guard_transforms import font

MAX_SIDE = 768
ROUND_ON_DARK = ["planets and moons", "galaxies and nebulae", "logos and icons on black", "fruit and round objects",
                 "microscopy", "dark-mode charts"]
CATEGORIES = ROUND_ON_DARK + ["chest X-ray", "head CT", "ultrasound", "photos", "documents", "noise and patterns"]


def split_of(group):
    """measure / val / train from a stable hash of the group name: fixed before any training or tuning."""
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % 100
    return "measure" if bucket < 40 else "val" if bucket < 50 else "train"


class Corpus:
    def __init__(self, out):
        self.out, self.items = out, []

    def add(self, image, category, source, group, name):
        image = image.convert("RGB")
        if max(image.size) > MAX_SIDE:
            scale = MAX_SIDE / max(image.size)
            image = image.resize((max(8, round(image.size[0] * scale)), max(8, round(image.size[1] * scale))), Image.LANCZOS)
        folder = os.path.join(self.out, category.replace(" ", "-"))
        os.makedirs(folder, exist_ok=True)
        file = f"{name}.png"
        image.save(os.path.join(folder, file), compress_level=1)
        self.items.append({"file": f"{os.path.basename(folder)}/{file}", "category": category, "source": source, "group": group,
                           "split": split_of(group)})


def open_rgb(path):
    try:
        image = Image.open(path)
        image.load()
        return image.convert("RGBA") if image.mode in ("P", "LA", "RGBA", "PA") else image.convert("RGB")
    except Exception:
        return None


def on_background(image, background=(0, 0, 0)):
    if image.mode == "RGBA":
        canvas = Image.new("RGB", image.size, background)
        canvas.paste(image, mask=image.split()[3])
        return canvas
    return image.convert("RGB")


def random_crop(image, rng, low=0.35, high=0.9):
    w, h = image.size
    s = rng.uniform(low, high)
    cw, ch = max(32, int(w * s)), max(32, int(h * s * rng.uniform(0.7, 1.3)))
    cw, ch = min(cw, w), min(ch, h)
    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
    return image.crop((left, top, left + cw, top + ch))


def starfield(size, rng, density=None):
    a = np.zeros((size[1], size[0], 3), np.float32)
    n = int(size[0] * size[1] * (density if density is not None else rng.choice([0, 0, 0.0005, 0.002])))
    for _ in range(n):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        a[y, x] = rng.uniform(60, 255)
    return a


# --- planets and moons: equirectangular texture maps rendered as lit spheres ---------------------------------------

def render_sphere(texture, rng, size):
    tex = np.asarray(texture.convert("RGB")).astype(np.float32)
    th, tw = tex.shape[:2]
    w = h = size
    r = rng.uniform(0.12, 0.48) * size
    cx, cy = rng.uniform(r * 0.6, w - r * 0.6), rng.uniform(r * 0.6, h - r * 0.6)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = (xx - cx) / r, (yy - cy) / r
    d2 = dx ** 2 + dy ** 2
    inside = d2 <= 1
    dz = np.sqrt(np.clip(1 - d2, 0, 1))
    tilt, spin = rng.uniform(-0.5, 0.5), rng.uniform(0, 2 * math.pi)
    y1 = dy * math.cos(tilt) - dz * math.sin(tilt)
    z1 = dy * math.sin(tilt) + dz * math.cos(tilt)
    lat = np.arcsin(np.clip(-y1, -1, 1))
    lon = np.arctan2(dx, z1) + spin
    u = ((lon / (2 * math.pi)) % 1.0 * (tw - 1)).astype(int)
    v = ((0.5 - lat / math.pi) * (th - 1)).clip(0, th - 1).astype(int)
    colour = tex[v, u]
    light = np.array([rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0.2, 1.2)], np.float32)
    light /= np.linalg.norm(light)
    shade = np.clip(dx * light[0] + dy * light[1] + dz * light[2], 0, 1) * 0.95 + 0.03
    background = starfield((w, h), rng)
    out = np.where(inside[..., None], colour * shade[..., None], background)
    if rng.random() < 0.3:  # a thin atmosphere glow
        glow = np.exp(-np.clip(np.sqrt(d2) - 1, 0, None) * 25)[..., None] * np.array([80, 120, 200]) * (~inside)[..., None]
        out = out + glow * rng.uniform(0.2, 0.8)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def planets(corpus, rng):
    folder = "/usr/share/stellarium/textures"
    skip = {"TestSquare", "cross", "disk", "gear", "gray10", "gray25", "halo", "haloLune", "nomap", "planet-indicator",
            "pointeur2", "pointeur4", "pointeur5", "star16x16", "star16x16_rays", "telescope", "zenith", "fog", "fogridge",
            "moon_normals", "earth_cmap", "earth-shadow", "cometIcon", "cometTail", "cometComa", "corona", "milkyway",
            "zodiacallight_2004", "saturn_rings_radial", "neptune_rings", "uranus_rings"}
    files = sorted(f for f in glob.glob(f"{folder}/*.png") + glob.glob(f"{folder}/*.jpg")
                   if not os.path.basename(f).startswith("neb") and os.path.splitext(os.path.basename(f))[0] not in skip)
    files += ["/usr/share/xplanet/images/earth.jpg", "/usr/share/xplanet/images/night.jpg", "/usr/share/xplanet/images/sun.jpg"]
    for file in files:
        texture = open_rgb(file)
        if texture is None or texture.size[0] < 64:
            continue
        base = os.path.splitext(os.path.basename(file))[0]
        package = "stellarium-data" if "stellarium" in file else "xplanet-images"
        for k in range(5):
            corpus.add(render_sphere(texture, rng, rng.choice([256, 320, 400, 512])), "planets and moons", package, f"planet:{base}", f"{base}-{k}")
    moon = open_rgb("/usr/lib/python3/dist-packages/skimage/data/moon.png")
    for k in range(3):
        corpus.add(moon if k == 0 else random_crop(moon, rng), "planets and moons", "python3-skimage", "skimage:moon", f"skimage-moon-{k}")


# --- galaxies and nebulae: Stellarium's deep-sky photographs and the Hubble deep field -------------------------------

def galaxies(corpus, rng):
    files = sorted(glob.glob("/usr/share/stellarium/nebulae/default/*.png"))
    for file in files[::3]:
        image = open_rgb(file)
        if image is None or min(image.size) < 48:
            continue
        base = os.path.splitext(os.path.basename(file))[0]
        corpus.add(on_background(image), "galaxies and nebulae", "stellarium-data", f"dso:{base}", base)
    hubble = open_rgb("/usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg")
    for k in range(6):
        corpus.add(random_crop(hubble, rng, 0.2, 0.6), "galaxies and nebulae", "python3-skimage", f"skimage:hubble:{k % 3}", f"hubble-{k}")
    for k in range(40):  # synthetic spiral and elliptical galaxies
        corpus.add(synthetic_galaxy(rng, 256), "galaxies and nebulae", "generator", f"gen:galaxy:{k}", f"galaxy-{k}")


def synthetic_galaxy(rng, size):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    cx, cy = size / 2 + rng.uniform(-30, 30), size / 2 + rng.uniform(-30, 30)
    angle, q = rng.uniform(0, math.pi), rng.uniform(0.3, 1)
    x, y = xx - cx, yy - cy
    xr = x * math.cos(angle) + y * math.sin(angle)
    yr = (-x * math.sin(angle) + y * math.cos(angle)) / q
    rad = np.sqrt(xr ** 2 + yr ** 2) + 1e-3
    scale = rng.uniform(10, 50)
    light = np.exp(-(rad / scale) ** rng.uniform(0.5, 1.2))
    if rng.random() < 0.6:
        theta = np.arctan2(yr, xr)
        arms = rng.choice([2, 3])
        light *= 0.6 + 0.4 * np.cos(arms * (theta - np.log(rad) * rng.uniform(1.5, 3)))
    tint = np.array([rng.uniform(0.7, 1), rng.uniform(0.6, 0.9), rng.uniform(0.5, 1)])
    out = light[..., None] * tint * 255 * rng.uniform(0.8, 1.6) + starfield((size, size), rng, 0.001)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.5)))


# --- logos and icons on black ---------------------------------------------------------------------------------------

def icon_on_dark(icon, rng, size=None):
    size = size or rng.choice([256, 320, 400])
    dark = rng.choice([0, 0, 0, 10, 20, 30])
    canvas = Image.new("RGB", (size, size), (dark, dark, dark))
    s = int(size * rng.uniform(0.25, 0.9))
    icon = icon.resize((s, s), Image.LANCZOS)
    at = (rng.randint(0, size - s), rng.randint(0, size - s))
    canvas.paste(icon, at, mask=icon.split()[3] if icon.mode == "RGBA" else None)
    return canvas


def logos(corpus, rng):
    files = sorted(glob.glob("/usr/share/icons/oxygen/base/256x256/**/*.png", recursive=True))
    for file in files[::4]:
        icon = open_rgb(file)
        if icon is None:
            continue
        base = os.path.relpath(file, "/usr/share/icons/oxygen/base/256x256").replace("/", "-")[:-4]
        corpus.add(icon_on_dark(icon, rng), "logos and icons on black", "oxygen-icon-theme", f"icon:{base}", base)
    extra = [("/usr/share/gimp/2.0/images/wilber.png", "gimp-data"), ("/usr/share/gimp/2.0/images/gimp-logo.png", "gimp-data"),
             ("/usr/share/matplotlib/mpl-data/sample_data/logo2.png", "python3-matplotlib"),
             ("/usr/lib/python3/dist-packages/skimage/data/logo.png", "python3-skimage")]
    extra += [(f, "desktop-base") for f in sorted(glob.glob("/usr/share/desktop-base/debian-logos/*.png"))]
    for file, package in extra:
        icon = open_rgb(file)
        if icon is None:
            continue
        icon = icon.convert("RGBA")
        base = os.path.basename(file)[:-4]
        for k in range(2):
            corpus.add(icon_on_dark(icon, rng), "logos and icons on black", package, f"logo:{package}:{base}", f"{package}-{base}-{k}")


# --- fruit and round objects: colour emoji and shaded spheres on dark backgrounds -----------------------------------

EMOJI = "🍎🍏🍊🍋🍇🍉🍑🍒🍓🥝🍅🥥🥭🍍🍐🍈🫐🧅🥔🍩🍪🥯⚽🏀🏐🎾🎱🌕🌍🌎🪐🍄🥚🍘🧀🍊🔴🟠🟡🟢🔵🟣"


def fruit(corpus, rng):
    emoji_font = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
    face = ImageFont.truetype(emoji_font, 109) if os.path.exists(emoji_font) else None
    for i, ch in enumerate(EMOJI if face else ""):
        glyph = Image.new("RGBA", (136, 128), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((0, 0), ch, font=face, embedded_color=True)
        if glyph.getbbox() is None:
            continue
        glyph = glyph.crop(glyph.getbbox())
        for k in range(3):
            corpus.add(icon_on_dark(glyph, rng), "fruit and round objects", "fonts-noto-color-emoji", f"emoji:{ord(ch):x}", f"emoji-{ord(ch):x}-{k}")
    for k in range(60):
        corpus.add(shaded_fruit(rng, 256), "fruit and round objects", "generator", f"gen:fruit:{k}", f"fruit-{k}")


def shaded_fruit(rng, size):
    dark = rng.choice([0, 5, 15, 30])
    out = np.full((size, size, 3), dark, np.float32)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
        r = rng.uniform(0.12, 0.42) * size
        cx, cy = rng.uniform(r * 0.7, size - r * 0.7), rng.uniform(r * 0.7, size - r * 0.7)
        ax = rng.uniform(0.8, 1.2)
        d2 = ((xx - cx) / (r * ax)) ** 2 + ((yy - cy) / r) ** 2
        inside = d2 <= 1
        dz = np.sqrt(np.clip(1 - d2, 0, 1))
        shade = np.clip(0.3 + 0.7 * (dz * 0.8 - (xx - cx) / r * 0.3 - (yy - cy) / r * 0.3), 0, 1.2)
        colour = np.array(rng.choice([(200, 30, 30), (240, 140, 20), (230, 220, 60), (90, 170, 40), (120, 40, 120), (230, 200, 170), (160, 100, 60), (220, 220, 220)]), np.float32)
        texture = 1 + 0.08 * np.sin(xx / rng.uniform(2, 8)) * np.cos(yy / rng.uniform(2, 8))
        spec = np.exp(-(((xx - cx + r * 0.35) ** 2 + (yy - cy + r * 0.35) ** 2) / (0.02 * r * r))) * 120
        out = np.where(inside[..., None], colour * shade[..., None] * texture[..., None] + spec[..., None], out)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))


# --- microscopy ----------------------------------------------------------------------------------------------------

def microscopy(corpus, rng):
    for name in ["cell.png", "ihc.png", "retina.jpg", "microaneurysms.png", "coins.png"]:
        image = open_rgb(f"/usr/lib/python3/dist-packages/skimage/data/{name}")
        if image is None:
            continue
        base = name.split(".")[0]
        for k in range(4):
            corpus.add(on_background(image) if k == 0 else random_crop(on_background(image), rng), "microscopy", "python3-skimage", f"skimage:{base}", f"skimage-{base}-{k}")
    for k in range(150):
        corpus.add(synthetic_cells(rng, 256), "microscopy", "generator", f"gen:cells:{k}", f"cells-{k}")


def synthetic_cells(rng, size):
    kind = rng.choice(["fluorescence", "fluorescence", "brightfield", "stained", "single"])
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    if kind in ("fluorescence", "single"):
        out = np.zeros((size, size, 3), np.float32) + rng.uniform(0, 12)
        colour = np.array(rng.choice([(60, 90, 255), (40, 255, 60), (255, 50, 40), (255, 255, 255), (0, 220, 220)]), np.float32)
    elif kind == "brightfield":
        out = np.zeros((size, size, 3), np.float32) + np.array([230, 225, 215])
        colour = np.array([-120, -140, -60], np.float32)
    else:
        out = np.zeros((size, size, 3), np.float32) + np.array([235, 170, 200])
        colour = np.array([-150, -150, -60], np.float32)
    count = 1 if kind == "single" else rng.randint(4, 150)
    for _ in range(count):
        r = (rng.uniform(0.2, 0.4) if kind == "single" else rng.uniform(0.015, 0.08)) * size
        cx, cy = rng.uniform(0, size), rng.uniform(0, size)
        ax, angle = rng.uniform(0.6, 1.4), rng.uniform(0, math.pi)
        x, y = xx - cx, yy - cy
        xr = (x * math.cos(angle) + y * math.sin(angle)) / ax
        yr = -x * math.sin(angle) + y * math.cos(angle)
        d = np.sqrt(xr ** 2 + yr ** 2) / r
        blob = np.clip(1.2 - d, 0, 1) ** 0.5 * (0.7 + 0.3 * np.sin(xx / 3 + rng.uniform(0, 6)) * np.cos(yy / 4))
        out += blob[..., None] * colour * rng.uniform(0.4, 1.0)
    out += np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, rng.uniform(1, 8), out.shape)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5)))


# --- dark-mode charts ------------------------------------------------------------------------------------------------

def charts(corpus, rng):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.style.use("dark_background")
    for k in range(150):
        np_rng = np.random.default_rng(k)
        fig = plt.figure(figsize=(rng.uniform(3, 6), rng.uniform(3, 6)), dpi=80)
        kind = rng.choice(["pie", "donut", "scatter", "line", "bar", "polar", "heatmap", "contour", "gauge"])
        if kind == "polar":
            ax = fig.add_subplot(projection="polar")
            theta = np.linspace(0, 2 * np.pi, 200)
            ax.plot(theta, 1 + 0.3 * np.sin(rng.randint(2, 8) * theta) + np_rng.normal(0, 0.05, 200))
        else:
            ax = fig.add_subplot()
            if kind in ("pie", "donut"):
                n = rng.randint(2, 7)
                ax.pie(np_rng.uniform(1, 5, n), labels=[f"{chr(65 + i)}" for i in range(n)], wedgeprops={"width": 0.4} if kind == "donut" else None)
            elif kind == "gauge":
                ax.add_patch(plt.Circle((0, 0), 1, color=np.clip(np_rng.uniform(0, 1, 3), 0, 1), fill=False, linewidth=rng.uniform(5, 25)))
                ax.text(0, 0, f"{rng.randint(0, 100)}%", ha="center", va="center", fontsize=rng.randint(14, 36))
                ax.set_xlim(-1.3, 1.3), ax.set_ylim(-1.3, 1.3), ax.set_aspect("equal"), ax.axis("off")
            elif kind == "scatter":
                n = rng.randint(20, 400)
                ax.scatter(np_rng.normal(0, 1, n), np_rng.normal(0, 1, n), s=np_rng.uniform(5, 120, n), c=np_rng.uniform(0, 1, n), alpha=0.8)
            elif kind == "line":
                for _ in range(rng.randint(1, 4)):
                    ax.plot(np.cumsum(np_rng.normal(0, 1, 100)))
            elif kind == "bar":
                bars = rng.randint(3, 12)
                ax.bar(range(bars), np_rng.uniform(1, 10, bars))
            elif kind == "heatmap":
                ax.imshow(np_rng.normal(0, 1, (rng.randint(5, 30), rng.randint(5, 30))), cmap=rng.choice(["viridis", "magma", "inferno", "plasma"]))
            else:
                x, y = np.meshgrid(np.linspace(-3, 3, 80), np.linspace(-3, 3, 80))
                ax.contourf(x, y, np.exp(-(x ** 2 + y ** 2) / rng.uniform(1, 4)) + 0.2 * np.sin(rng.uniform(1, 3) * x), cmap="magma")
            if rng.random() < 0.5:
                ax.set_title(rng.choice(["Revenue", "Latency (ms)", "Share by region", "CPU", "Signups", "Memory"]))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", facecolor=fig.get_facecolor())
        plt.close(fig)
        corpus.add(Image.open(io.BytesIO(buffer.getvalue())), "dark-mode charts", "python3-matplotlib (generated)", f"gen:chart:{k}", f"chart-{kind}-{k}")


# --- other medical images (synthetic: no real ones are packaged) ---------------------------------------------------

def _noise(rng, shape, sigma):
    return np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, sigma, shape)


def chest_xray(rng, size=320):
    h, w = size, int(size * rng.uniform(0.85, 1.15))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = w / 2 + rng.uniform(-10, 10)
    out = np.full((h, w), rng.uniform(0, 25), np.float32)
    body = (np.abs(xx - cx) < (0.42 + 0.08 * yy / h) * w) & (yy > 0.03 * h)
    out[body] = rng.uniform(120, 170)
    for side in (-1, 1):  # lungs
        lx, ly = cx + side * 0.2 * w, 0.45 * h
        lung = ((xx - lx) / (0.14 * w)) ** 2 + ((yy - ly) / (0.3 * h)) ** 2 <= 1
        out[lung] = rng.uniform(30, 80)
        for k in range(9):  # ribs across the lung
            y0 = 0.2 * h + k * 0.065 * h
            rib = np.abs(yy - (y0 + 0.05 * h * ((xx - lx) / (0.15 * w)) ** 2 * side * -0.0 + 0.04 * h * np.abs((xx - cx) / w) * 3)) < 0.012 * h
            out[rib & (np.abs(xx - lx) < 0.17 * w)] += rng.uniform(40, 70)
    out[np.abs(xx - cx) < 0.035 * w] += 60  # spine
    heart = ((xx - cx - 0.06 * w) / (0.13 * w)) ** 2 + ((yy - 0.62 * h) / (0.12 * h)) ** 2 <= 1
    out[heart] = np.maximum(out[heart], rng.uniform(140, 190))
    out[yy > (0.75 + 0.05 * np.cos((xx - cx) / w * 6)) * h] = np.maximum(out[yy > (0.75 + 0.05 * np.cos((xx - cx) / w * 6)) * h], 170)
    out += _noise(rng, out.shape, rng.uniform(2, 8))
    image = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(1, 3)))
    if rng.random() < 0.5:
        ImageDraw.Draw(image).text((rng.randint(5, 30), rng.randint(5, 30)), rng.choice(["L", "R", "PA", "AP"]), fill=255, font=font(rng.randint(14, 28)))
    if rng.random() < 0.15:
        image = Image.fromarray(255 - np.asarray(image))
    return image


def head_ct(rng, size=320):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    cx, cy = size / 2 + rng.uniform(-15, 15), size / 2 + rng.uniform(-15, 15)
    rx, ry = rng.uniform(0.3, 0.4) * size, rng.uniform(0.36, 0.46) * size
    d = np.sqrt(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)
    bone_window = rng.random() < 0.25
    brain_level = rng.uniform(20, 45) if bone_window else rng.uniform(85, 130)
    out = np.zeros((size, size), np.float32)
    if rng.random() < 0.4:  # the reconstruction circle
        out[np.sqrt((xx - size / 2) ** 2 + (yy - size / 2) ** 2) < 0.49 * size] = rng.uniform(5, 25)
    thickness = rng.uniform(0.03, 0.08)
    out[d < 1 + thickness + 0.03] = brain_level * 0.8  # scalp
    out[d < 1 + thickness] = 255  # skull
    out[d < 1] = brain_level
    texture = _noise(rng, (size // 8, size // 8), 1)
    texture = np.asarray(Image.fromarray(texture.astype(np.float32)).resize((size, size), Image.BICUBIC))
    out[d < 1] += texture[d < 1] * rng.uniform(2, 8)
    for side in (-1, 1):  # ventricles
        vent = (((xx - cx - side * 0.06 * size) / (0.03 * size)) ** 2 + ((yy - cy) / (0.12 * size)) ** 2) <= 1
        out[vent] = brain_level * 0.3
    if rng.random() < 0.5:  # the patient table
        table = np.abs(yy - (cy + ry * 1.25 + 0.004 * (xx - cx) ** 2 / size * 4)) < 3
        out[table] = 150
    out += _noise(rng, out.shape, rng.uniform(2, 7))
    image = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if rng.random() < 0.5:
        ImageDraw.Draw(image).multiline_text((4, 4), f"CT HEAD\nW {rng.choice([80, 2000])} L {rng.choice([40, 400])}", fill=220, font=font(rng.randint(10, 16)))
    return image


def ultrasound(rng, size=320):
    h, w = size, int(size * rng.uniform(1.0, 1.4))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ax, ay = w / 2, rng.uniform(0.02, 0.1) * h
    radius = np.sqrt((xx - ax) ** 2 + (yy - ay) ** 2)
    angle = np.arctan2(xx - ax, yy - ay)
    if rng.random() < 0.75:
        half = math.radians(rng.uniform(30, 45))
        sector = (np.abs(angle) < half) & (radius < rng.uniform(0.8, 0.95) * h) & (radius > rng.uniform(0.02, 0.1) * h)
    else:  # a linear probe
        sector = (np.abs(xx - ax) < 0.35 * w) & (yy > ay) & (yy < 0.9 * h)
    tissue = np.asarray(Image.fromarray(_noise(rng, (12, 12), 1).astype(np.float32)).resize((w, h), Image.BICUBIC))
    level = 70 + 30 * tissue
    for _ in range(rng.randint(0, 3)):  # fluid-filled structures
        cx, cy, r = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.8) * h, rng.uniform(0.04, 0.15) * h
        level[((xx - cx) / r) ** 2 + ((yy - cy) / (r * rng.uniform(0.5, 1.5))) ** 2 <= 1] = 5
    speckle = np.random.default_rng(rng.randint(0, 2 ** 31)).rayleigh(1.0, (h, w))
    out = np.where(sector, level * speckle * np.exp(-yy / h * rng.uniform(0, 1.5)), 0)
    image = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    draw = ImageDraw.Draw(image)
    for k in range(0, h, h // 10):
        draw.line((w - 12, k, w - 6, k), fill=200)
    if rng.random() < 0.7:
        draw.multiline_text((4, 4), f"{rng.choice(['ABD', 'OB', 'THY', 'CARD'])}\n{rng.randint(2, 15)} MHz\nD {rng.randint(4, 20)} cm", fill=220, font=font(rng.randint(10, 15)))
    return image


def medical(corpus, rng):
    for name, make in [("chest X-ray", chest_xray), ("head CT", head_ct), ("ultrasound", ultrasound)]:
        for k in range(130):
            image = make(rng, rng.choice([256, 320, 400]))
            corpus.add(image, name, "generator", f"gen:{name}:{k}", f"{name.replace(' ', '-')}-{k}")


# --- photos ----------------------------------------------------------------------------------------------------------

def photo_files():
    files = []
    for folder in sorted(glob.glob("/usr/share/wallpapers/*/contents/images")):
        sizes = sorted(glob.glob(f"{folder}/*.png") + glob.glob(f"{folder}/*.jpg"), key=os.path.getsize)
        if sizes:
            files.append((sizes[0], "plasma-workspace-wallpapers / desktop-base"))
    for f in sorted(glob.glob("/usr/share/backgrounds/**/*", recursive=True)):
        if f.lower().endswith((".jpg", ".png", ".webp")):
            files.append((f, "gnome-backgrounds" if "/gnome/" in f else "mate-backgrounds"))
    for name in ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png", "motorcycle_left.png", "grass.png",
                 "gravel.png", "brick.png", "color.png", "clock_motion.png", "horse.png", "chessboard_RGB.png"]:
        files.append((f"/usr/lib/python3/dist-packages/skimage/data/{name}", "python3-skimage"))
    files += [("/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg", "python3-matplotlib"),
              ("/usr/share/matplotlib/mpl-data/sample_data/Minduka_Present_Blue_Pack.png", "python3-matplotlib"),
              ("/usr/share/gimp/2.0/images/gimp-splash.png", "gimp-data")]
    files += [(f, "desktop-base") for f in sorted(glob.glob("/usr/share/desktop-base/*/grub/*.png"))]
    return files


def photos(corpus, rng):
    for file, package in photo_files():
        image = open_rgb(file)
        if image is None:
            continue
        image = on_background(image)
        if max(image.size) > 1600:
            image.thumbnail((1600, 1600))
        base = os.path.relpath(file, "/usr/share").replace("/", "-").rsplit(".", 1)[0][-60:]
        corpus.add(image, "photos", package, f"photo:{file}", base)
        corpus.add(random_crop(image, rng), "photos", package, f"photo:{file}", f"{base}-crop")


# --- documents -------------------------------------------------------------------------------------------------------

def render_page(text, rng):
    w, h = rng.choice([(256, 330), (400, 520), (600, 780), (512, 512), (640, 400)])
    dark = rng.random() < 0.3
    paper = (rng.randint(15, 40),) * 3 if dark else (rng.randint(225, 255),) * 3
    ink = (rng.randint(190, 240),) * 3 if dark else (rng.randint(0, 60),) * 3
    page = Image.new("RGB", (w, h), paper)
    draw = ImageDraw.Draw(page)
    mono = rng.random() < 0.3
    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf" if mono else rng.choice(
        ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"]), rng.randint(8, 16))
    margin, y = rng.randint(8, 40), rng.randint(8, 40)
    if rng.random() < 0.5:
        draw.text((margin, y), text.split("\n")[0][:40], fill=ink, font=font(rng.randint(16, 26)))
        y += 36
    for line in text.split("\n"):
        if y > h - margin:
            break
        draw.text((margin, y), line[: int((w - 2 * margin) / (face.size * 0.6))], fill=ink, font=face)
        y += int(face.size * 1.4)
    if rng.random() < 0.3:
        for k in range(rng.randint(2, 6)):
            draw.line((margin, h - margin - k * 14, w - margin, h - margin - k * 14), fill=ink)
    return page


def documents(corpus, rng):
    texts = sorted(glob.glob("/usr/share/common-licenses/*")) + sorted(glob.glob("/usr/share/doc/*/copyright"))[::8]
    for file in texts[:140]:
        try:
            text = open(file, errors="replace").read()[:6000]
        except OSError:
            continue
        base = os.path.relpath(file, "/usr/share").replace("/", "-")
        corpus.add(render_page(text, rng), "documents", "Debian licence and copyright texts (rendered)", f"doc:{file}", base)
    for name in ["page.png", "text.png", "bw_text.png"]:
        image = open_rgb(f"/usr/lib/python3/dist-packages/skimage/data/{name}")
        for k in range(3):
            corpus.add(image if k == 0 else random_crop(image, rng), "documents", "python3-skimage", f"skimage:{name}", f"skimage-{name[:-4]}-{k}")


# --- noise and patterns ----------------------------------------------------------------------------------------------

def noise(corpus, rng):
    for k in range(130):
        g = np.random.default_rng(k)
        size = rng.choice([128, 256, 400])
        kind = rng.choice(["uniform", "gaussian", "salt", "smooth", "speckle", "colour", "stripes", "checker", "gradient"])
        if kind == "uniform":
            a = g.integers(0, 256, (size, size, 1)).repeat(3, 2)
        elif kind == "gaussian":
            a = g.normal(rng.uniform(40, 200), rng.uniform(10, 60), (size, size, 1)).repeat(3, 2)
        elif kind == "salt":
            a = (g.random((size, size, 1)) < rng.uniform(0.01, 0.3)) * 255 * np.ones(3)
        elif kind == "smooth":
            a = np.asarray(Image.fromarray(g.normal(128, 60, (8, 8)).astype(np.float32)).resize((size, size), Image.BICUBIC))[..., None].repeat(3, 2)
        elif kind == "speckle":
            a = np.where(g.random((size, size, 1)) < 0.1, g.integers(0, 256, (size, size, 1)), 0).repeat(3, 2)
        elif kind == "colour":
            a = g.integers(0, 256, (size, size, 3))
        elif kind == "stripes":
            period = rng.randint(4, 40)
            a = ((np.arange(size)[None, :, None] // period) % 2 * 255 * np.ones((size, 1, 3)))
        elif kind == "checker":
            period = rng.randint(4, 64)
            yy, xx = np.mgrid[0:size, 0:size]
            a = (((yy // period + xx // period) % 2) * 255)[..., None].repeat(3, 2)
        else:
            a = np.linspace(0, 255, size)[None, :, None] * np.ones((size, 1, 3)) * np.array([rng.random(), rng.random(), rng.random()])
        corpus.add(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)), "noise and patterns", "generator", f"gen:noise:{k}", f"{kind}-{k}")


def main():
    parser = command_line(__doc__)
    option(parser, "--out", "training/cache/guard-corpus", "folder to build into")
    option(parser, "--split-file", "training/guard-corpus-split.json", "the frozen measuring split")
    option(parser, "--seed", 9, "generator seed")
    args = parser.parse_args()
    corpus = Corpus(args.out)
    for build in [planets, galaxies, logos, fruit, microscopy, charts, medical, photos, documents, noise]:
        build(corpus, random.Random(f"{args.seed}:{build.__name__}"))
        print(build.__name__, len(corpus.items), flush=True)
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump(corpus.items, f, indent=0)
    summary = {}
    for item in corpus.items:
        entry = summary.setdefault(item["category"], {"measure": 0, "val": 0, "train": 0})
        entry[item["split"]] += 1
    sources = {}
    for item in corpus.items:
        if item["split"] == "measure":
            sources[item["source"]] = sources.get(item["source"], 0) + 1
    split = {"rule": "sha256(group)[:8] % 100: < 40 measure, < 50 val, else train; groups keep every variant of one source together",
             "round_on_dark": ROUND_ON_DARK, "counts": summary, "measure_sources": sources,
             "measure": sorted(item["file"] for item in corpus.items if item["split"] == "measure")}
    with open(args.split_file, "w") as f:
        json.dump(split, f, indent=1)
    print(json.dumps(summary, indent=1))
    print(json.dumps(sources, indent=1))


if __name__ == "__main__":
    main()
