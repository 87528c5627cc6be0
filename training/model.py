"""A small U-Net with two heads: a tumour probability map and a slice-level tumour logit.

Print its size and FLOPs per 256x256 slice:
    /usr/bin/python3 training/model.py --base 8
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import command_line, option
from flops import multiply_adds


def block(cin, cout):
    # leaky: with 8 channels at full resolution a dead ReLU channel is a large share of the decoder (seen: the mask head collapsed)
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.05, inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.05, inplace=True),
    )


class Up(nn.Module):
    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.conv = block(cin + cskip, cout)

    def forward(self, x, skip):
        # nearest upsampling exports to a single ONNX Resize and costs nothing to learn
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        return self.conv(torch.cat([x, skip], 1))


class TumourUNet(nn.Module):
    def __init__(self, in_channels=3, base=8):
        super().__init__()
        c = [base, base * 2, base * 4, base * 8, base * 16]
        self.enc1 = block(in_channels, c[0])
        self.enc2 = block(c[0], c[1])
        self.enc3 = block(c[1], c[2])
        self.enc4 = block(c[2], c[3])
        self.bottleneck = block(c[3], c[4])
        self.dec4 = Up(c[4], c[3], c[3])
        self.dec3 = Up(c[3], c[2], c[2])
        self.dec2 = Up(c[2], c[1], c[1])
        self.dec1 = Up(c[1], c[0], c[0])
        self.mask_head = nn.Conv2d(c[0], 1, 1)
        # slice head sees the bottleneck and the coarse decoder, pooled two ways
        self.slice_head = nn.Sequential(nn.Linear(2 * (c[4] + c[3]), 64), nn.ReLU(inplace=True), nn.Dropout(0.2), nn.Linear(64, 1))

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        e4 = self.enc4(F.max_pool2d(e3, 2))
        b = self.bottleneck(F.max_pool2d(e4, 2))
        d4 = self.dec4(b, e4)
        d3 = self.dec3(d4, e3)
        d2 = self.dec2(d3, e2)
        d1 = self.dec1(d2, e1)
        mask_logits = self.mask_head(d1)
        pooled = torch.cat([b.mean((2, 3)), b.amax((2, 3)), d4.mean((2, 3)), d4.amax((2, 3))], 1)
        slice_logit = self.slice_head(pooled)
        return mask_logits, slice_logit


def count_flops(model, size=256):
    """FLOPs of one size x size slice: multiply-adds of convolutions and linear layers, times two."""
    return 2 * multiply_adds(model, (1, 3, size, size))


def main():
    parser = command_line(__doc__)
    option(parser, "--base", 8, "filters in the first level")
    args = parser.parse_args()
    model = TumourUNet(base=args.base)
    params = sum(p.numel() for p in model.parameters())
    print(f"base {args.base}: {params / 1e6:.2f} M parameters, {params * 4 / 1e6:.1f} MB fp32, "
          f"{count_flops(model) / 1e9:.2f} GFLOPs per 256x256 slice")


if __name__ == "__main__":
    main()
