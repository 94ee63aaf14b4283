#!/usr/bin/env python3
"""PyTorch eager reference for the Sinkscope benchmarks.

A plain-torch ViT with the transformers Dinov2Model math (conv patch embedding, CLS + position
embeddings resized bicubically when the grid differs, pre-norm blocks with LayerNorm eps from the
config, fused q/k/v, explicit softmax attention, layer scale, exact-erf GELU MLP, final LayerNorm),
reading the HF Dinov2 keys from a model.safetensors. It runs the same work the Java benchmark times
and prints one JSON object with the timings (milliseconds).

Needs only torch and numpy: a current CPU wheel (python3 -m venv .venv-bench &&
.venv-bench/bin/pip install torch numpy safetensors; MKL follows --threads) or Debian's
(apt-get install python3-torch libopenblas0-pthread; run it with OPENBLAS_NUM_THREADS=1 and
--threads 2 on a 2-core machine, more BLAS threads oversubscribe).
"""
import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import mmap  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

IMPORTED = time.perf_counter()

DTYPES = {"F32": np.float32, "F16": np.float16}


def read_safetensors(path):
    """name -> float32 tensor (owned copies, so the file can be closed)."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        (header_len,) = struct.unpack("<Q", mm[:8])
        header = json.loads(mm[8:8 + header_len])
        base = 8 + header_len
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            start, end = info["data_offsets"]
            dtype = DTYPES[info["dtype"]]
            count = (end - start) // np.dtype(dtype).itemsize
            # astype copies, so no view of the mapping outlives it
            copy = np.frombuffer(mm, dtype=dtype, count=count, offset=base + start).astype(np.float32)
            out[name] = torch.from_numpy(copy.reshape(info["shape"]))
        return out


class Dinov2:
    """Weights in HF Dinov2 keys; q, k, v fused into one [3D, D] projection with 1/sqrt(dh) folded into q,
    layer scales folded into proj and fc2 (the same algebra as the Java engine, so both do the same work)."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.d = cfg["hidden_size"]
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.dh = self.d // self.heads
        self.patch = cfg["patch_size"]
        self.grid = cfg["image_size"] // self.patch
        self.eps = cfg.get("layer_norm_eps", 1e-6)
        e = "embeddings."
        self.patch_w = w[e + "patch_embeddings.projection.weight"]    # [D, 3, P, P]
        self.patch_b = w[e + "patch_embeddings.projection.bias"]      # [D]
        self.cls = w[e + "cls_token"]                                 # [1, 1, D]
        self.pos = w[e + "position_embeddings"]                       # [1, 1 + g*g, D]
        self.norm_w, self.norm_b = w["layernorm.weight"], w["layernorm.bias"]
        scale = torch.ones(3 * self.d)
        scale[: self.d] = 1.0 / math.sqrt(self.dh)
        self.blocks = []
        for i in range(self.layers):
            b = f"encoder.layer.{i}."
            a = b + "attention.attention."
            qkv_w = torch.cat([w[a + "query.weight"], w[a + "key.weight"], w[a + "value.weight"]]) * scale[:, None]
            qkv_b = torch.cat([w[a + "query.bias"], w[a + "key.bias"], w[a + "value.bias"]]) * scale
            ls1, ls2 = w[b + "layer_scale1.lambda1"], w[b + "layer_scale2.lambda1"]
            # layer scales folded into the output rows of proj and fc2, as the Java engine does in fp32
            self.blocks.append(dict(
                n1w=w[b + "norm1.weight"], n1b=w[b + "norm1.bias"], qkv_w=qkv_w.contiguous(), qkv_b=qkv_b,
                proj_w=(w[b + "attention.output.dense.weight"] * ls1[:, None]).contiguous(),
                proj_b=w[b + "attention.output.dense.bias"] * ls1,
                n2w=w[b + "norm2.weight"], n2b=w[b + "norm2.bias"],
                fc1_w=w[b + "mlp.fc1.weight"], fc1_b=w[b + "mlp.fc1.bias"],
                fc2_w=(w[b + "mlp.fc2.weight"] * ls2[:, None]).contiguous(), fc2_b=w[b + "mlp.fc2.bias"] * ls2))
        self._positions = {}

    def positions(self, rows, cols):
        """[1, 1 + rows*cols, D]: the table, bicubically resized (align_corners=False) for another grid."""
        if (rows, cols) == (self.grid, self.grid):
            return self.pos
        if (rows, cols) not in self._positions:
            grid = self.pos[:, 1:].reshape(1, self.grid, self.grid, self.d).permute(0, 3, 1, 2)  # [1, D, g, g]
            resized = F.interpolate(grid, size=(rows, cols), mode="bicubic", align_corners=False)
            patches = resized.permute(0, 2, 3, 1).reshape(1, rows * cols, self.d)
            self._positions[(rows, cols)] = torch.cat([self.pos[:, :1], patches], dim=1)
        return self._positions[(rows, cols)]

    def embed(self, pixels):
        """[B, 3, H, W] -> [B, 1 + N, D]."""
        b = pixels.shape[0]
        x = F.conv2d(pixels, self.patch_w, self.patch_b, stride=self.patch)  # [B, D, h, w]
        rows, cols = x.shape[2], x.shape[3]
        x = x.flatten(2).transpose(1, 2)                                       # [B, N, D]
        x = torch.cat([self.cls.expand(b, -1, -1), x], dim=1)
        return x + self.positions(rows, cols)

    def block(self, i, x, sigmoid=False, neurons=None, keep=None):
        """One pre-norm block on [B, T, D]; keep collects the attention probabilities [B, H, T, T]."""
        w = self.blocks[i]
        bsz, t, d = x.shape
        h = F.layer_norm(x, (d,), w["n1w"], w["n1b"], self.eps)
        qkv = F.linear(h, w["qkv_w"], w["qkv_b"]).reshape(bsz, t, 3, self.heads, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                                       # [B, H, T, dh]
        logits = q @ k.transpose(-2, -1)                                       # [B, H, T, T]
        probs = torch.sigmoid(logits - math.log(t)) if sigmoid else logits.softmax(-1)
        if keep is not None:
            keep.append(probs)
        out = (probs @ v).transpose(1, 2).reshape(bsz, t, d)                  # [B, T, D]
        x = x + F.linear(out, w["proj_w"], w["proj_b"])
        act = F.gelu(F.linear(F.layer_norm(x, (d,), w["n2w"], w["n2b"], self.eps), w["fc1_w"], w["fc1_b"]))
        if neurons is not None and i in neurons:
            act = move_to_register(act, neurons[i])
        return x + F.linear(act, w["fc2_w"], w["fc2_b"])

    def forward(self, pixels, capture=True, neurons=None):
        """Full pass; with capture every block output and attention map is kept (as output_hidden_states/attentions)."""
        x = self.embed(pixels)
        if neurons is not None:  # test-time register: one zero token after the patches
            x = torch.cat([x, x.new_zeros(x.shape[0], 1, x.shape[2])], dim=1)
        hidden, attentions = [x], []
        for i in range(self.layers):
            x = self.block(i, x, neurons=neurons, keep=attentions if capture else None)
            if capture:
                hidden.append(x)
        return F.layer_norm(x, (self.d,), self.norm_w, self.norm_b, self.eps), hidden, attentions

    def resume_sigmoid(self, hidden, start):
        """Blocks start..L-1 again from the kept input of block start, with sigmoid attention, capturing."""
        x = hidden[start]
        attentions = []
        for i in range(start, self.layers):
            x = self.block(i, x, sigmoid=True, keep=attentions)
        return F.layer_norm(x, (self.d,), self.norm_w, self.norm_b, self.eps)


def move_to_register(act, cols):
    """Reference test-time-register edit: the signed max of the neurons over all tokens goes to the register
    (last token), the other non-CLS tokens get 0 in those neurons."""
    values = act[0][:, cols]                                                  # [T, k]
    hi, lo = values.max(), values.min()
    value = hi if hi.abs() > lo.abs() else lo
    act = act.clone()
    index = torch.tensor(cols)
    act[0, 1:-1, index] = 0.0
    act[0, -1, index] = value
    return act


def timed(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return {"min": min(samples), "median": statistics.median(samples), "runs": runs}


def write_f32(path, tensor):
    tensor.detach().contiguous().numpy().astype("<f4").tofile(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="folder with config.json and model.safetensors (HF Dinov2 keys)")
    ap.add_argument("--pixels", required=True, help="safetensors with pixel_values [1, 3, H, W]")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (BLAS threads: OPENBLAS_NUM_THREADS)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--neurons", default="", help="test-time register neurons, 'layer:neuron,...' (0-based)")
    ap.add_argument("--swap-from", type=int, default=-1, help="first block (0-based) of the sigmoid swap")
    ap.add_argument("--outputs", default="", help="folder for last_hidden_state of each scenario (raw float32)")
    ap.add_argument("--scenarios", default="forward_capture,forward_only,ttr_toggle,swap_toggle",
                    help="comma-separated subset of forward_capture, forward_only, ttr_toggle, swap_toggle, "
                         "batch_capture")
    ap.add_argument("--batch", type=int, default=1, help="images per pass in the batch_capture scenario")
    ap.add_argument("--cold", action="store_true", help="load, run one captured pass, print the time and exit")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    pixels = read_safetensors(args.pixels)["pixel_values"]
    with torch.inference_mode():
        load_start = time.perf_counter()
        model = Dinov2(args.model)
        loaded = time.perf_counter()
        if args.cold:
            model.forward(pixels)
            done = time.perf_counter()
            print(json.dumps({"import_ms": (IMPORTED - PROCESS_START) * 1e3, "load_ms": (loaded - load_start) * 1e3,
                              "first_result_ms_since_interpreter_start": (done - PROCESS_START) * 1e3}), flush=True)
            return
        neurons = {}
        for pair in filter(None, args.neurons.split(",")):
            layer, neuron = (int(s) for s in pair.split(":"))
            neurons.setdefault(layer, []).append(neuron)
        result = {"torch": torch.__version__, "threads": torch.get_num_threads(),
                  "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
                  "load_ms": (loaded - load_start) * 1e3}
        scenarios = set(args.scenarios.split(","))
        if "forward_capture" in scenarios:
            result["forward_capture"] = timed(lambda: model.forward(pixels), args.runs, args.warmup)
        if "batch_capture" in scenarios:
            # B different images (shifted intensities) in one captured pass, as a batched sweep runs them
            batch = torch.cat([pixels + 0.01 * k for k in range(args.batch)], dim=0)   # [B, 3, H, W]
            result["batch"] = args.batch
            result["batch_capture"] = timed(lambda: model.forward(batch), args.runs, args.warmup)
            print(json.dumps(result), flush=True)
            return
        if "forward_only" in scenarios:
            result["forward_only"] = timed(lambda: model.forward(pixels, capture=False), args.runs, args.warmup)
        last, hidden, _ = model.forward(pixels)
        if neurons and "ttr_toggle" in scenarios:
            result["ttr_toggle"] = timed(lambda: model.forward(pixels, neurons=neurons), args.runs, args.warmup)
        if args.swap_from >= 0 and "swap_toggle" in scenarios:
            result["swap_toggle"] = timed(lambda: model.resume_sigmoid(hidden, args.swap_from), args.runs, args.warmup)
        if args.outputs:
            os.makedirs(args.outputs, exist_ok=True)
            write_f32(os.path.join(args.outputs, "plain.f32"), last)
            if neurons:
                write_f32(os.path.join(args.outputs, "ttr.f32"), model.forward(pixels, neurons=neurons)[0])
            if args.swap_from >= 0:
                write_f32(os.path.join(args.outputs, "swap.f32"), model.resume_sigmoid(hidden, args.swap_from))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
