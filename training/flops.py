"""The one counter of a network's compute: multiply-adds of its convolutions and linear layers for one input.

model.py reports twice this as FLOPs per slice, guard_model.py and guard_train.py report it as multiply-adds.
"""
import torch
import torch.nn as nn


def multiply_adds(model, input_shape):
    """Multiply-adds of every convolution and linear layer while the model reads zeros of input_shape (batch first).
    The model is left in eval mode."""
    total = 0

    def conv(module, inputs, output):
        nonlocal total
        total += module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups * output.numel()

    def linear(module, inputs, output):
        nonlocal total
        total += module.in_features * output.numel()

    hooks = [m.register_forward_hook(conv) for m in model.modules() if isinstance(m, nn.Conv2d)]
    hooks += [m.register_forward_hook(linear) for m in model.modules() if isinstance(m, nn.Linear)]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(*input_shape))
    for h in hooks:
        h.remove()
    return total
