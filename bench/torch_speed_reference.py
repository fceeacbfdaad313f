"""PyTorch reference for bench/train_speed.ts: training samples/s of the issue's MLP (6420 -> 128 -> 3),
LSTM(64) and GRU(64) on a window of 60 x 107, batch 256, one Adam step at a time with the loss read back each step
(as NetworkModel.fit does). Run on the same machine as the tfjs figures so they compare as a ratio.

Usage: python3 bench/torch_speed_reference.py [--devices cpu,cuda] [--threads 2] [--steps 20] [--models mlp,lstm,gru]
Prints one JSON object. bench/train_speed.ts --torch runs it between its own measurements, one model at a time.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

L, F, BATCH = 60, 107, 256


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(L * F, 128), nn.ReLU(), nn.Linear(128, 3))

    def forward(self, x):
        return self.net(x)


class Recurrent(nn.Module):
    """One recurrent layer of 64 units (nn.LSTM or nn.GRU, whose cell is "reset after" as the toolkit's) and a head on
    the last step."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(F, 64, batch_first=True)
        self.head = nn.Linear(64, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def measure(model_cls, device, steps):
    torch.manual_seed(1)
    model = model_cls().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(BATCH * 4, L, F, device=device)
    y = torch.randint(0, 3, (BATCH * 4,), device=device)
    times = []
    for step in range(steps + 3):
        i = (step % 4) * BATCH
        start = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + BATCH]), y[i:i + BATCH])
        loss.backward()
        opt.step()
        loss.item()  # read back, as the tfjs loop does
        if step >= 3:
            times.append(time.perf_counter() - start)
    return round(BATCH / statistics.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--models", default="mlp,lstm")
    args = parser.parse_args()
    models = {"mlp": Mlp, "lstm": lambda: Recurrent(nn.LSTM), "gru": lambda: Recurrent(nn.GRU)}
    unknown = [m for m in args.models.split(",") if m not in models]
    if unknown:
        parser.error(f"--models: unknown {', '.join(unknown)}; expected some of {', '.join(models)}")
    torch.set_num_threads(args.threads)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": {}}
    for device in args.devices.split(","):
        if device == "cuda":
            if not torch.cuda.is_available():
                continue
            result["gpu"] = torch.cuda.get_device_name(0)
        result["results"][device] = {name: measure(models[name], device, args.steps) for name in args.models.split(",")}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
