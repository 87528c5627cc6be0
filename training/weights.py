"""Start a network from earlier weights: a training checkpoint, or an exported ONNX file whose PyTorch checkpoint is gone.

The ONNX export folded each BatchNorm into the convolution before it. Those fused weights go back into the
convolutions, and each BatchNorm is set to pass through exactly what the fused layer gave: its running mean and
variance are measured on real slices, so batch statistics in training reproduce the exported network from step one.
"""
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

from data import normalise


def load_weights(model, path, images_u8=None):
    if path.endswith(".pt"):
        model.load_state_dict(torch.load(path, map_location="cpu")["state"])
        return
    graph = onnx.load(path).graph
    tensors = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    # fused convolutions appear in graph order, which is the order the modules run in
    fused = [graph_node.input[1:] for graph_node in graph.node if graph_node.op_type == "Conv" and graph_node.input[1] in tensors
             and not graph_node.input[1].startswith("net.")]
    pairs = [(m, n) for m, n in zip(model.modules(), list(model.modules())[1:]) if isinstance(m, nn.Conv2d) and isinstance(n, nn.BatchNorm2d)]
    if len(fused) != len(pairs):
        raise ValueError(f"{path} has {len(fused)} fused convolutions, the network {len(pairs)}")
    state = model.state_dict()
    for name, value in tensors.items():
        if name.startswith("net.") and name[4:] in state:
            state[name[4:]] = value
    model.load_state_dict(state)
    biases = []
    with torch.no_grad():
        for (conv, bn), (weight_name, bias_name) in zip(pairs, fused):
            conv.weight.copy_(tensors[weight_name])
            biases.append(tensors[bias_name])
            bn.weight.fill_(1.0)
            bn.bias.copy_(tensors[bias_name])
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
    if images_u8 is None:
        return
    # measure what each convolution gives on real slices, then make its BatchNorm a pass-through in both modes
    stats = {}
    hooks = [conv.register_forward_hook(lambda m, i, o, key=k: stats.__setitem__(key, (o.mean((0, 2, 3)), o.var((0, 2, 3)))))
             for k, (conv, _) in enumerate(pairs)]
    model.eval()
    with torch.no_grad():
        model(normalise(torch.from_numpy(images_u8).permute(0, 3, 1, 2).float()))
        for k, (_, bn) in enumerate(pairs):
            mean, var = stats[k]
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(var)
            bn.weight.copy_(torch.sqrt(var + bn.eps))
            bn.bias.copy_(mean + biases[k])
    for h in hooks:
        h.remove()

