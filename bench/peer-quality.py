#!/usr/bin/python3
"""PyTorch side of `npm run bench:quality` (bench/peer-quality.ts): trains the setup Tagscape trained, on
the jets and the split Tagscape used, preprocessed with the standardisation Tagscape fitted, and writes
the test-set class probabilities so that Tagscape's ROC code computes both AUCs.

The network and training are written the way the paper's code (AnnikaStein/Adversarial-Training-for-
Jet-Tagging, training/training.py) writes them: nn.Linear layers with PyTorch's default initialisation,
Adam, the learning rate lr0 / (1 + epoch / 30) set at the start of every epoch (epoch counted from 0),
torch.randperm shuffling, per-jet weights as sum(w * l) / sum(w), and FGSM adversarial training with the
model in training mode (dropout active), integer inputs and default entries kept fixed. Unlike the
paper's code it has no Softmax layer in front of the cross-entropy (see docs/defaults.md).

Usage: peer-quality.py --dir DIR --seed S --epochs 5,40 [--adv-eps 0.01] [--threads 1]
DIR holds what bench/peer-quality.ts exported: raw.f32 (n x F), labels.i32, weights.f32 (optional),
schema.json, split-S.u8 and standardizer-S.json. Writes probs-S-{nominal,fgsm}-eE.f32 and prints one
JSON line (torch version, BLAS, per-epoch training losses).
"""
import argparse, json, os, sys, time
# One BLAS thread per torch thread: OpenBLAS threads on top of torch's own oversubscribe the cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--seed", type=int, required=True)
p.add_argument("--epochs", default="5,40", help="epochs after which the test probabilities are written")
p.add_argument("--batch", type=int, default=512)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--hidden", default="100,100,100,100,100")
p.add_argument("--dropout", type=float, default=0.1)
p.add_argument("--adv-eps", type=float, default=0.01, help="FGSM training eps in training sigma; 0 skips the FGSM model")
p.add_argument("--threads", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return {"blas": lib.get("internal_api"), "blas_version": lib.get("version"),
                        "blas_architecture": lib.get("architecture")}
    except ImportError:
        pass
    maps = open("/proc/self/maps").read() if os.path.exists("/proc/self/maps") else ""
    return {"blas": "openblas" if "openblas" in maps else ("reference" if "libblas" in maps else "unknown")}


torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # load the BLAS before asking which it is
BLAS = blas_info()

d = a.dir
schema = json.load(open(os.path.join(d, "schema.json")))
F, C = len(schema["features"]), len(schema["classes"])
raw = np.fromfile(os.path.join(d, "raw.f32"), dtype="<f4").reshape(-1, F)
N = raw.shape[0]
labels = np.fromfile(os.path.join(d, "labels.i32"), dtype="<i4")
wfile = os.path.join(d, "weights.f32")
weights = np.fromfile(wfile, dtype="<f4") if os.path.exists(wfile) else np.ones(N, dtype=np.float32)
split = np.fromfile(os.path.join(d, f"split-{a.seed}.u8"), dtype=np.uint8)
st = json.load(open(os.path.join(d, f"standardizer-{a.seed}.json")))
assert labels.shape == (N,) and split.shape == (N,), "exported arrays disagree in length"

# Tagscape's standardisation, applied here from its exported numbers: entries at the default value get
# the sentinel (one sigma beyond the training range), all others (x - mean) / std. float32 comparison,
# as in Tagscape; NaN defaults never match.
defaults = np.array([np.nan if v is None else v for v in schema["defaults"]], dtype=np.float32)
mean = np.array(st["mean"], dtype=np.float64)
std = np.array(st["std"], dtype=np.float64)
sentinel = np.array([np.nan if v is None else v for v in st["defaultScaled"]], dtype=np.float64)
at_default = raw == defaults[None, :]
X = np.where(at_default, sentinel[None, :], (raw.astype(np.float64) - mean) / std).astype(np.float32)
frozen = at_default | np.array(schema["integer"], dtype=bool)[None, :]

tr, va, te = (np.flatnonzero(split == k) for k in (0, 1, 2))
Xtr, ytr, wtr, ftr = (torch.from_numpy(np.ascontiguousarray(v[tr])) for v in (X, labels.astype(np.int64), weights, frozen))
Xte = torch.from_numpy(np.ascontiguousarray(X[te]))
hidden = [int(h) for h in a.hidden.split(",")]
save_at = sorted({int(e) for e in a.epochs.split(",")})


def make():
    mods, w = [], F
    for h in hidden:
        mods += [nn.Linear(w, h), nn.ReLU(), nn.Dropout(a.dropout)]
        w = h
    mods += [nn.Linear(w, C)]  # logits: the loss applies the (log-)softmax once
    return nn.Sequential(*mods)


def weighted_ce(logits, y, w):
    return (nn.functional.cross_entropy(logits, y, reduction="none") * w).sum() / w.sum()


def fgsm(model, xb, yb, fb, eps):
    x = xb.clone().requires_grad_(True)
    # Summed per-jet loss: each row of the gradient is its own jet's, and its sign is all FGSM uses.
    loss = nn.functional.cross_entropy(model(x), yb, reduction="sum")
    g, = torch.autograd.grad(loss, x)
    return torch.where(fb, xb, xb + eps * g.sign()).detach()


def train(adv_eps, tag):
    torch.manual_seed(a.seed)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, eps=1e-8)
    n = len(ytr)
    losses = []
    t0 = time.perf_counter()
    for epoch in range(save_at[-1]):
        for g in opt.param_groups:
            g["lr"] = a.lr / (1 + epoch / 30)
        model.train()
        perm = torch.randperm(n)
        loss_sum = weight_sum = 0.0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            xb, yb, wb = Xtr[idx], ytr[idx], wtr[idx]
            if adv_eps > 0:
                xb = fgsm(model, xb, yb, ftr[idx], adv_eps)
            opt.zero_grad()
            loss = weighted_ce(model(xb), yb, wb)
            loss.backward()
            opt.step()
            bw = float(wb.sum())
            loss_sum += float(loss) * bw
            weight_sum += bw
        losses.append(loss_sum / weight_sum)
        if epoch + 1 in save_at:
            model.eval()
            with torch.no_grad():
                probs = torch.softmax(model(Xte), 1).numpy().astype("<f4")
            probs.tofile(os.path.join(d, f"probs-{a.seed}-{tag}-e{epoch + 1}.f32"))
    return {"epoch_losses": [round(l, 5) for l in losses], "seconds": round(time.perf_counter() - t0, 1)}


out = {"peer": "pytorch " + torch.__version__, "threads": a.threads, **BLAS, "seed": a.seed,
       "train_jets": int(len(tr)), "test_jets": int(len(te)), "nominal": train(0.0, "nominal")}
if a.adv_eps > 0:
    out["fgsm"] = train(a.adv_eps, "fgsm")
print(json.dumps(out))
sys.stdout.flush()
