"""Start a network from earlier weights: a training checkpoint, or an exported ONNX file whose PyTorch checkpoint is gone.

A checkpoint of a narrower network (fewer base filters) is widened: the wider network starts as the same function.

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
        state = torch.load(path, map_location="cpu")["state"]
        if state["enc1.0.weight"].shape[0] == model.enc1[0].out_channels:
            model.load_state_dict(state)
        else:
            widen(model, state)
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


def widen(model, old_state):
    """Copies a narrower network's weights into this one so that it computes exactly the same function at first.

    Each old channel keeps its place inside its level (the skip half of a decoder's input moves up with the wider
    upsampled half). The new channels start from their random initialisation, and every weight that reads a new
    channel starts at zero, so their output is ignored until training finds a use for it.
    """
    old_base, new_base = old_state["enc1.0.weight"].shape[0], model.enc1[0].out_channels
    old = [old_base * 2 ** k for k in range(5)]
    new = [new_base * 2 ** k for k in range(5)]
    levels = {"enc1": 0, "enc2": 1, "enc3": 2, "enc4": 3, "bottleneck": 4}

    def prefix(level):
        return torch.arange(old[level])

    def inputs(name):
        block, layer = name.split(".")[0], name.split(".")[-1]
        if block == "mask_head":
            return prefix(0)
        if block.startswith("dec"):
            level = int(block[3:])
            if layer == "0":  # reads cat([upsampled level, skip of the level below])
                return torch.cat([prefix(level), new[level] + prefix(level - 1)])
            return prefix(level - 1)
        if layer == "3":
            return prefix(levels[block])
        return torch.arange(3) if block == "enc1" else prefix(levels[block] - 1)

    def outputs(name):
        block = name.split(".")[0]
        return prefix(int(block[3:]) - 1) if block.startswith("dec") else prefix(levels[block])

    def pooled_inputs():
        # the slice head reads [bottleneck mean, bottleneck max, dec4 mean, dec4 max]
        starts = [0, new[4], 2 * new[4], 2 * new[4] + new[3]]
        return torch.cat([s + prefix(level) for s, level in zip(starts, (4, 4, 3, 3))])

    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, nn.Conv2d):
                rows = torch.arange(1) if name == "mask_head" else outputs(name)
                cols = inputs(name)
                w = module.weight
                w[:, torch.ones(w.shape[1], dtype=torch.bool).index_fill_(0, cols, False)] = 0
                w[rows[:, None], cols[None, :]] = old_state[name + ".weight"]
                if module.bias is not None:
                    module.bias[rows] = old_state[name + ".bias"]
            elif isinstance(module, nn.BatchNorm2d):
                rows = outputs(name)
                for key in ("weight", "bias", "running_mean", "running_var"):
                    getattr(module, key)[rows] = old_state[f"{name}.{key}"]
            elif name == "slice_head.0":
                cols = pooled_inputs()
                module.weight.zero_()
                module.weight[:, cols] = old_state[name + ".weight"]
                module.bias.copy_(old_state[name + ".bias"])
            elif name == "slice_head.3":
                module.weight.copy_(old_state[name + ".weight"])
                module.bias.copy_(old_state[name + ".bias"])
