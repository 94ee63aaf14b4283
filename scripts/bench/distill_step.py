#!/usr/bin/env python3
"""PyTorch eager check and timing of one Sinkscope distillation step (PH-Reg student).

Reads a model folder in HF Dinov2 / Dinov2WithRegisters keys and a trace written by
`sinkscope distill --steps 1 --trace FILE`, rebuilds the student in plain torch (transformers'
Dinov2 layer math, registers after CLS without position embedding), and does the step with
torch.optim.AdamW: trainable = new registers, position_embeddings, patch projection, last block;
loss = 1 - mean cos (norm + 1e-8) + mse_scale * MSE on the final-LayerNorm-ed patch tokens.
Prints one JSON object: the loss here and in the trace, the largest difference of every trained
tensor after the step, and the median wall and CPU time (user + sys of the process) of a forward + backward + AdamW step
(milliseconds).

Needs torch and numpy (safetensors are read by torch_reference.py), e.g. a current CPU build:
  python3 -m venv .venv-bench && .venv-bench/bin/pip install torch numpy safetensors
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import read_safetensors  # noqa: E402


def student_forward(w, t, cfg, pixels, layers, heads, eps):
    """Final-LayerNorm-ed tokens [B, 1 + R + N, D]; w frozen weights, t trainable ones (HF key names)."""
    e = "embeddings."
    p = cfg["patch_size"]
    x = F.conv2d(pixels, t[e + "patch_embeddings.projection.weight"], t[e + "patch_embeddings.projection.bias"], stride=p)
    b, d, rows, cols = x.shape
    x = x.flatten(2).transpose(1, 2)
    pos = t[e + "position_embeddings"]
    grid = cfg["image_size"] // p
    if (rows, cols) != (grid, grid):
        g = pos[:, 1:].reshape(1, grid, grid, d).permute(0, 3, 1, 2)
        g = F.interpolate(g, size=(rows, cols), mode="bicubic", align_corners=False, antialias=True)
        pos = torch.cat([pos[:, :1], g.permute(0, 2, 3, 1).reshape(1, rows * cols, d)], dim=1)
    x = torch.cat([w[e + "cls_token"].expand(b, -1, -1), x], dim=1) + pos
    regs = t[e + "register_tokens"]
    x = torch.cat([x[:, :1], regs.expand(b, -1, -1), x[:, 1:]], dim=1)
    dh = d // heads
    for i in range(layers):
        k = f"encoder.layer.{i}."
        src = t if (k + "norm1.weight") in t else w
        a = k + "attention.attention."
        h = F.layer_norm(x, (d,), src[k + "norm1.weight"], src[k + "norm1.bias"], eps)
        bt, tt, _ = h.shape
        q = F.linear(h, src[a + "query.weight"], src[a + "query.bias"]).reshape(bt, tt, heads, dh).transpose(1, 2)
        kk = F.linear(h, src[a + "key.weight"], src[a + "key.bias"]).reshape(bt, tt, heads, dh).transpose(1, 2)
        v = F.linear(h, src[a + "value.weight"], src[a + "value.bias"]).reshape(bt, tt, heads, dh).transpose(1, 2)
        probs = (q @ kk.transpose(-2, -1) / math.sqrt(dh)).softmax(-1)
        out = (probs @ v).transpose(1, 2).reshape(bt, tt, d)
        x = x + src[k + "layer_scale1.lambda1"] * F.linear(out, src[k + "attention.output.dense.weight"],
                                                            src[k + "attention.output.dense.bias"])
        m = F.gelu(F.linear(F.layer_norm(x, (d,), src[k + "norm2.weight"], src[k + "norm2.bias"], eps),
                            src[k + "mlp.fc1.weight"], src[k + "mlp.fc1.bias"]))
        x = x + src[k + "layer_scale2.lambda1"] * F.linear(m, src[k + "mlp.fc2.weight"], src[k + "mlp.fc2.bias"])
    return F.layer_norm(x, (d,), w["layernorm.weight"], w["layernorm.bias"], eps)


def loss_fn(student, teacher, mse_scale):
    a = student / (student.norm(dim=-1, keepdim=True) + 1e-8)
    t = teacher / (teacher.norm(dim=-1, keepdim=True) + 1e-8)
    return 1 - (a * t).sum(dim=-1).mean() + mse_scale * F.mse_loss(student, teacher, reduction="mean")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="the model folder the trace was made from (HF Dinov2 keys)")
    ap.add_argument("--trace", required=True, help="sinkscope distill --steps 1 --trace FILE output")
    ap.add_argument("--runs", type=int, default=5, help="timed steps (after one warm-up)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with open(os.path.join(args.model, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(args.model, "model.safetensors"))
    tr = read_safetensors(args.trace)
    layers, heads, eps = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg.get("layer_norm_eps", 1e-6)
    old = w.get("embeddings.register_tokens")
    with open(args.trace, "rb") as f:
        import struct
        (n,) = struct.unpack("<Q", f.read(8))
        meta = json.loads(f.read(n)).get("__metadata__", {})
    mse_scale, wd = float(meta.get("mse_scale", 1)), float(meta.get("weight_decay", 0.01))

    def fresh():
        t = {k[len("init."):]: v.clone() for k, v in tr.items() if k.startswith("init.")}
        reg_all = t.pop("embeddings.register_tokens")
        n_old = 0 if old is None else old.shape[1]
        new = reg_all[:, n_old:].clone().requires_grad_(True)
        for v in t.values():
            v.requires_grad_(True)
        return t, new, n_old

    pixels, targets = tr["step.1.pixel_values"], tr["step.1.targets"]
    lr = float(tr["step.1.lr"][0])

    def step(t, new, n_old):
        t = dict(t)
        t["embeddings.register_tokens"] = new if n_old == 0 else torch.cat([old, new], dim=1)
        opt = torch.optim.AdamW([new] + [v for v in t.values() if v is not t["embeddings.register_tokens"]],
                                lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
        out = student_forward(w, t, cfg, pixels, layers, heads, eps)
        r = out.shape[1] - targets.shape[1] - 1
        loss = loss_fn(out[:, 1 + r:], targets, mse_scale)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    t, new, n_old = fresh()
    loss = step(t, new, n_old)
    diffs = {}
    for k, v in t.items():
        key = "final." + k
        if key in tr:
            diffs[k] = (v.detach() - tr[key]).abs().max().item()
    full = new.detach() if n_old == 0 else torch.cat([old, new.detach()], dim=1)
    diffs["embeddings.register_tokens"] = (full - tr["final.embeddings.register_tokens"]).abs().max().item()
    samples, cpu = [], []
    for i in range(args.runs + 1):
        t, new, n_old = fresh()
        start, start_cpu = time.perf_counter(), time.process_time()
        step(t, new, n_old)
        if i > 0:
            samples.append((time.perf_counter() - start) * 1e3)
            cpu.append((time.process_time() - start_cpu) * 1e3)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": int(pixels.shape[0]), "resolution": int(pixels.shape[2]),
                      "loss_torch": loss, "loss_trace": float(tr["step.1.loss"][0]),
                      "max_param_diff": max(diffs.values()), "worst_tensor": max(diffs, key=diffs.get),
                      "step_ms_median": statistics.median(samples), "step_ms_min": min(samples),
                      "step_cpu_ms_median": statistics.median(cpu), "step_cpu_ms_min": min(cpu)}))


if __name__ == "__main__":
    main()
