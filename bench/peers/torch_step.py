#!/usr/bin/env python3
"""The step a PyTorch user would write, on data of the same shape as descent's benchmark.

Two variants per shape and model, both float32, full batch, Adam (lr 1e-3) like `descent bench`:
  torch-manual:   z = X @ w + b; r = dloss/dz; g = X.T @ r / n; Adam update by hand (the same math as descent)
  torch-autograd: the loss through autograd, loss.backward() and torch.optim.Adam
On a machine with CUDA the tensors live on the GPU and steps are timed with CUDA events; otherwise
on the CPU with all cores. Needs Debian's python3-torch.

    /usr/bin/python3 bench/peers/torch_step.py --shapes 1000000x64,50000x1024 --models linear,logistic --steps 50
"""
import argparse
import os
import statistics
import time

import torch


def loss_and_residual(z, y, model):
    if model == "linear":
        return ((z - y) ** 2).mean(), 2.0 * (z - y)
    return torch.nn.functional.binary_cross_entropy_with_logits(z, y), torch.sigmoid(z) - y


def time_steps(step, steps, device):
    for _ in range(5):
        step()
    times = []
    for _ in range(steps):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            step()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        else:
            begin = time.perf_counter()
            step()
            times.append((time.perf_counter() - begin) * 1e3)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default="1000000x64,50000x1024")
    parser.add_argument("--models", default="linear,logistic")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        torch.set_num_threads(os.cpu_count())
    name = torch.cuda.get_device_name(0) if device.type == "cuda" else f"cpu x{torch.get_num_threads()}"
    print(f"# torch {torch.__version__} on {name}")
    # generated where they are used: 10^9 values take seconds on one CPU core, milliseconds on a GPU
    generator = torch.Generator(device=device).manual_seed(args.seed)
    for shape in args.shapes.split(","):
        n, d = (int(v) for v in shape.split("x"))
        x = torch.rand(n, d, generator=generator, device=device).mul_(2).sub_(1)
        y = torch.randint(0, 2, (n,), generator=generator, device=device).float()
        for model in args.models.split(","):
            w = torch.zeros(d, device=device)
            b = torch.zeros((), device=device)
            m = torch.zeros(d + 1, device=device)
            v = torch.zeros(d + 1, device=device)
            state = {"t": 0}

            def manual():
                z = x @ w + b
                _, r = loss_and_residual(z, y, model)
                g = torch.cat([x.T @ r / n, r.mean().reshape(1)])
                state["t"] += 1
                m.mul_(0.9).add_(0.1 * g)
                v.mul_(0.999).add_(0.001 * g * g)
                step = 1e-3 * (m / (1 - 0.9 ** state["t"])) / ((v / (1 - 0.999 ** state["t"])).sqrt() + 1e-8)
                w.sub_(step[:d])
                b.sub_(step[d])

            wa = torch.zeros(d, device=device, requires_grad=True)
            ba = torch.zeros((), device=device, requires_grad=True)
            optimizer = torch.optim.Adam([wa, ba], lr=1e-3)

            def autograd():
                optimizer.zero_grad()
                loss, _ = loss_and_residual(x @ wa + ba, y, model)
                loss.backward()
                optimizer.step()

            for label, step in (("torch-manual", manual), ("torch-autograd", autograd)):
                median, times = time_steps(step, args.steps, device)
                print(f"{label} {shape} {model}: median {median:.3f} ms over {args.steps} steps ({device.type})")


if __name__ == "__main__":
    main()
