"""Draws an 8x8 grid of images from an exported image generator (the Generative tab's or the CLI's
`--export` of a GAN: generator.py and generator.safetensors) and writes it as a PNG.

    /usr/bin/python3 scripts/generator-grid.py EXPORT_DIR OUT.png [SEED]

Needs PyTorch (Debian's python3-torch); the PNG is written with the standard library only.
"""
import importlib.util
import os
import struct
import sys
import zlib

import torch


def load_generator(folder):
    spec = importlib.util.spec_from_file_location("generator", os.path.join(folder, "generator.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.load_weights(module.Generator())
    model.eval()
    return model, module.INPUT_SHAPE


def write_png(path, pixels):
    """pixels: a list of rows of grey values 0-255."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    folder, out = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    model, latent_shape = load_generator(folder)
    torch.manual_seed(seed)
    with torch.no_grad():
        images = model(torch.randn(64, *latent_shape))  # (64, 1, H, W) in [-1, 1] (tanh)
    images = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)[:, 0]
    size, gap = images.shape[-1], 2
    side = 8 * size + 9 * gap
    pixels = [[0] * side for _ in range(side)]
    for k in range(64):
        top, left = gap + (k // 8) * (size + gap), gap + (k % 8) * (size + gap)
        for y in range(size):
            pixels[top + y][left:left + size] = images[k, y].tolist()
    write_png(out, [[255 - v for v in row] for row in pixels])  # dark digits on white
    print(f"wrote {out}: 64 samples, seed {seed}")


if __name__ == "__main__":
    main()
