"""The guard's network: is a picture an axial FLAIR slice, another MRI (T1, T1c, sagittal, coronal) or not an MRI at all.

    /usr/bin/python3 training/guard_model.py [depth]    # parameters and multiply-adds per picture (depth 1 by default)

Input: the upload letterboxed into 256 x 256 as the tumour model sees it, averaged over 4 x 4 cells: RGB 64 x 64 in 0..1.
Five stages, each a strided 3 x 3 convolution (64 -> 2 pixels) and depth - 1 more at the same size, global average pooling,
one linear layer to three classes (the orientation reader, orientation_train.py, uses the same network with five).
"""
import torch
import torch.nn as nn

from common import command_line
from flops import multiply_adds

CLASSES = ["axial-flair", "other-mri", "not-mri"]
INPUT_SIZE = 64
CELL = 4  # the 256 model square averaged over CELL x CELL pixels


def stage(cin, cout, depth):
    layers = [nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    for _ in range(depth - 1):
        layers += [nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class GuardNet(nn.Module):
    def __init__(self, width=16, depth=1, classes=len(CLASSES)):
        super().__init__()
        self.width, self.depth = width, depth
        w = [width, 2 * width, 3 * width, 4 * width, 6 * width]
        self.enc1 = stage(3, w[0], depth)  # 32 x 32
        self.enc2 = stage(w[0], w[1], depth)  # 16 x 16
        self.enc3 = stage(w[1], w[2], depth)  # 8 x 8
        self.enc4 = stage(w[2], w[3], depth)  # 4 x 4
        self.enc5 = stage(w[3], w[4], depth)  # 2 x 2
        self.classify = nn.Linear(w[4], classes)

    def forward(self, x):
        x = self.enc5(self.enc4(self.enc3(self.enc2(self.enc1(x)))))
        return self.classify(x.mean((2, 3)))


def from_state(state):
    """A GuardNet of whatever width and depth these saved weights have."""
    depth = sum(1 for key in state if key.startswith("enc1.") and state[key].dim() == 4)  # convolution weights of stage 1
    net = GuardNet(state["enc1.0.weight"].shape[0], depth, state["classify.weight"].shape[0])
    net.load_state_dict(state)
    return net.eval()


class Ensemble(nn.Module):
    """The mean of its members' class probabilities: members trained differently fail on different pictures. With
    `mirror`, each member also reads the picture mirrored left to right (either hemisphere may be on either side), and
    the mean is over both readings.

    With `sequence` (a count), only the first `sequence` members say which MRI it is (axial FLAIR or another sequence or
    plane), while every member says whether it is an MRI at all: members trained with turns (guard_train.py --turns) know
    a turned picture that is not an MRI, but an upright axial T1c from a FLAIR less well. The not-MRI probability is the
    mean over all members; the rest is shared between axial FLAIR and other MRI as the first members share it. With every
    member judging the sequence this is the plain mean."""

    def __init__(self, members, mirror=False, sequence=None):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.mirror = mirror
        self.sequence = len(members) if sequence is None else sequence

    def forward(self, x):
        views = [x, x.flip(3)] if self.mirror else [x]
        return combine(torch.stack([torch.softmax(m(v), 1) for m in self.members for v in views]), self.sequence * len(views))


def combine(readings, sequence_readings):
    """readings: (members x views, batch, 3) probabilities, the sequence judges' readings first."""
    not_mri = readings[:, :, 2].mean(0)
    judged = readings[:sequence_readings].mean(0)
    other = judged[:, 1] / (judged[:, 0] + judged[:, 1]).clamp_min(1e-12)
    return torch.stack([(1 - not_mri) * (1 - other), (1 - not_mri) * other, not_mri], 1)


def main():
    parser = command_line(__doc__)
    parser.add_argument("depth", nargs="?", type=int, default=1, help="convolutions per stage (default: %(default)s)")
    net = GuardNet(depth=parser.parse_args().depth).eval()
    print({"parameters": sum(p.numel() for p in net.parameters()), "multiply_adds": multiply_adds(net, (1, 3, INPUT_SIZE, INPUT_SIZE))})


if __name__ == "__main__":
    main()
