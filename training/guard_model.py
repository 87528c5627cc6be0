"""The guard's network: is a picture an axial FLAIR slice, another MRI (T1, T1c, sagittal, coronal) or not an MRI at all.

    /usr/bin/python3 training/guard_model.py    # parameters and multiply-adds per picture

Input: the upload letterboxed into 256 x 256 as the tumour model sees it, averaged over 4 x 4 cells: RGB 64 x 64 in 0..1.
Five strided 3 x 3 convolutions (64 -> 2 pixels), global average pooling, one linear layer to three classes.
"""
import torch
import torch.nn as nn

CLASSES = ["axial-flair", "other-mri", "not-mri"]
INPUT_SIZE = 64
CELL = 4  # the 256 model square averaged over CELL x CELL pixels


def stage(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class GuardNet(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        w = [width, 2 * width, 3 * width, 4 * width, 6 * width]
        self.enc1 = stage(3, w[0])  # 32 x 32
        self.enc2 = stage(w[0], w[1])  # 16 x 16
        self.enc3 = stage(w[1], w[2])  # 8 x 8
        self.enc4 = stage(w[2], w[3])  # 4 x 4
        self.enc5 = stage(w[3], w[4])  # 2 x 2
        self.classify = nn.Linear(w[4], len(CLASSES))

    def forward(self, x):
        x = self.enc5(self.enc4(self.enc3(self.enc2(self.enc1(x)))))
        return self.classify(x.mean((2, 3)))


def multiply_adds(model):
    total, x = 0, torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    for block in [model.enc1, model.enc2, model.enc3, model.enc4, model.enc5]:
        x = block(x)
        conv = block[0]
        total += x.shape[2] * x.shape[3] * conv.in_channels * conv.out_channels * 9
    return total + model.classify.in_features * model.classify.out_features


if __name__ == "__main__":
    net = GuardNet().eval()
    print({"parameters": sum(p.numel() for p in net.parameters()), "multiply_adds": multiply_adds(net)})
