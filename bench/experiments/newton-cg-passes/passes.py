#!/usr/bin/env python3
"""Passes over X to a relative objective gap of 1e-3 and 1e-6: trust-region Newton-CG (LIBLINEAR's TRON,
plain and with a diagonal preconditioner) against L-BFGS (history 10, strong Wolfe) with the scalar first
Hessian guess s'y/y'y I and with the diagonal guess diag(1/(c + k_j)) that knows the ridge term's
curvature k_j, all in descent's preconditioned coordinates (features centred and divided by
sqrt(var_j + l2/c_loss), intercept free, L2 on the original weights), on the time-to-solution set.

One pass = one read of X: an objective-and-gradient evaluation, or one Hessian-vector product (for TRON,
z = X w and X v in the same read, so no n-sized state is kept between passes). f* is Newton's solution,
iterated until the gradient is below 1e-11 relative. Both solvers run in float64 here: the question is
how many passes each needs, not the float32 rounding.

    /usr/bin/python3 bench/experiments/newton-cg-passes/passes.py [--small]

--small takes 20,000 rows of the generated logistic problem and 6,000 of the generated softmax one (the
full softmax problem's Newton solution takes hours in numpy on two cores).
"""
import sys

import numpy as np
from scipy.optimize import line_search
from scipy.special import expit, logsumexp, softmax
from sklearn.datasets import load_digits, load_wine


class Problem:
    """f(w) = (1/n) sum loss(x_i' W + b) + (l2/2) sum_j (W_j / s_j)^2 in standardized coordinates."""

    def __init__(self, kind, x, y, l2):
        x = x.astype(np.float64)
        self.mean = x.mean(axis=0)
        # descent's preconditioning: Jacobi on the Hessian's bound (Coordinates.preconditioning)
        bound = {"linear": 2.0, "logistic": 0.25, "softmax": 0.5}[kind]
        self.scale = np.sqrt(x.var(axis=0) + l2 / bound)
        self.scale[self.scale == 0] = 1
        self.x = (x - self.mean) / self.scale
        self.n, self.d = self.x.shape
        self.kind, self.l2 = kind, l2
        if kind == "softmax":
            classes = np.unique(y)
            self.k = len(classes)
            self.t = np.eye(self.k)[np.searchsorted(classes, y)]
        else:
            self.k = 1
            self.y = y.astype(np.float64)
        self.penalty = np.zeros((self.k, self.d + 1))
        self.penalty[:, :self.d] = l2 / self.scale ** 2
        self.passes = 0

    def size(self):
        return self.k * (self.d + 1)

    def _z(self, w):
        w = w.reshape(self.k, self.d + 1)
        return self.x @ w[:, :self.d].T + w[:, self.d]

    def value_gradient(self, w):
        self.passes += 1
        z = self._z(w)
        if self.kind == "linear":
            r = z[:, 0] - self.y
            loss = np.mean(r * r)
            dz = (2 * r)[:, None]
        elif self.kind == "logistic":
            z = z[:, 0]
            loss = np.mean(np.logaddexp(0, z) - self.y * z)
            dz = (expit(z) - self.y)[:, None]
        else:
            loss = np.mean(logsumexp(z, axis=1) - (z * self.t).sum(axis=1))
            dz = softmax(z, axis=1) - self.t
        g = np.hstack([dz.T @ self.x, dz.sum(axis=0)[:, None]]) / self.n
        pw = self.penalty * w.reshape(self.k, -1)
        return loss + 0.5 * np.sum(pw * w.reshape(self.k, -1)), (g + pw).ravel()

    def hessian_times(self, w, v):
        """H v in one read of X: z = X w and u = X v per row, then X^T (D u)."""
        self.passes += 1
        z = self._z(w)
        u = self._z(v)
        vb = v.reshape(self.k, -1)
        if self.kind == "linear":
            du = 2 * u
        elif self.kind == "logistic":
            p = expit(z[:, 0])
            du = (p * (1 - p) * u[:, 0])[:, None]
        else:
            p = softmax(z, axis=1)
            du = p * u - p * (p * u).sum(axis=1, keepdims=True)
        h = np.hstack([du.T @ self.x, du.sum(axis=0)[:, None]]) / self.n
        return (h + self.penalty * vb).ravel()

    def hessian_diagonal(self, w):
        """Diagonal of H, for the preconditioner; computed in the gradient's pass (counted there)."""
        z = self._z(w)
        if self.kind == "linear":
            c = np.full((self.n, 1), 2.0)
        elif self.kind == "logistic":
            p = expit(z[:, 0])
            c = (p * (1 - p))[:, None]
        else:
            p = softmax(z, axis=1)
            c = p * (1 - p)
        x2 = self.x ** 2
        diag = np.hstack([c.T @ x2, c.sum(axis=0)[:, None]]) / self.n
        return (diag + self.penalty).ravel()


def newton_optimum(p):
    w = np.zeros(p.size())
    f, g = p.value_gradient(w)
    g0 = np.linalg.norm(g)
    for _ in range(200):
        if np.linalg.norm(g) < 1e-11 * g0:
            break
        # an inexact Newton step (CG to 1e-4 relative, at most 500 products): quadratic convergence is not
        # needed, only a gradient at 1e-11 in the end
        s = conjugate_gradient(p, w, g, 1e-4, 500, np.inf, None)[0]
        t = 1.0
        while True:
            fn, gn = p.value_gradient(w + t * s)
            if fn <= f + 1e-4 * t * g @ s or t < 1e-10:
                break
            t /= 2
        w, f, g = w + t * s, fn, gn
    return f


def conjugate_gradient(p, w, g, tolerance, limit, radius, preconditioner):
    """Steihaug CG on H s = -g inside ||s|| <= radius (LIBLINEAR's trcg, with its optional diagonal M)."""
    m = np.ones_like(g) if preconditioner is None else preconditioner
    s = np.zeros_like(g)
    r = -g
    z = r / m
    d = z.copy()
    rz = r @ z
    steps = 0
    while steps < limit:
        if np.sqrt(r @ (r / m * m)) <= tolerance * np.linalg.norm(g):
            break
        steps += 1
        hd = p.hessian_times(w, d)
        alpha = rz / (d @ hd)
        s_next = s + alpha * d
        if np.linalg.norm(s_next) > radius:
            # step to the boundary: ||s + tau d|| = radius
            sd, dd, ss = s @ d, d @ d, s @ s
            tau = (-sd + np.sqrt(sd * sd + dd * (radius * radius - ss))) / dd
            return s + tau * d, True
        s = s_next
        r = r - alpha * hd
        z = r / m
        rz_next = r @ z
        d = z + (rz_next / rz) * d
        rz = rz_next
    return s, False


def tron(p, fstar, preconditioned):
    """LIBLINEAR's trust-region Newton method (tron.cpp's constants), recording (passes, gap)."""
    eta0, eta1, eta2 = 1e-4, 0.25, 0.75
    sigma1, sigma2, sigma3 = 0.25, 0.5, 4.0
    p.passes = 0
    w = np.zeros(p.size())
    f, g = p.value_gradient(w)
    radius = np.linalg.norm(g)
    trace = [(p.passes, (f - fstar) / fstar)]
    for _ in range(1000):
        if (f - fstar) / fstar < 1e-7:
            break
        m = p.hessian_diagonal(w) if preconditioned else None
        s, _ = conjugate_gradient(p, w, g, 0.1, 10 * p.size(), radius, m)
        fn, gn = p.value_gradient(w + s)
        gs = g @ s
        # predicted reduction of the quadratic model, -(g s + s H s / 2): TRON has H s from CG's residual;
        # this trial takes one more product and does not count it
        hs = p.hessian_times(w, s)
        p.passes -= 1
        prered = -(gs + 0.5 * s @ hs)
        actred = f - fn
        snorm = np.linalg.norm(s)
        if _ == 0:
            radius = min(radius, snorm)
        alpha = sigma3 if fn - f - gs <= 0 else max(sigma1, -0.5 * gs / (fn - f - gs))
        if actred < eta0 * prered:
            radius = min(max(alpha, sigma1) * snorm, sigma2 * radius)
        elif actred < eta1 * prered:
            radius = max(sigma1 * radius, min(alpha * snorm, sigma2 * radius))
        elif actred < eta2 * prered:
            radius = max(sigma1 * radius, min(alpha * snorm, sigma3 * radius))
        else:
            radius = max(radius, min(alpha * snorm, sigma3 * radius))
        if actred > eta0 * prered:
            w, f, g = w + s, fn, gn
        trace.append((p.passes, (f - fstar) / fstar))
    return trace


def lbfgs(p, fstar, diagonal, history=10):
    """L-BFGS by the two-loop recursion and scipy's strong Wolfe search (c2 = 0.9), as descent's Lbfgs."""
    ridge = p.penalty.ravel()
    p.passes = 0
    w = np.zeros(p.size())
    f, g = p.value_gradient(w)
    pairs = []
    trace = []
    cache = {}

    def evaluate(x):
        key = x.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = p.value_gradient(x)
        return cache[key]

    for _ in range(5000):
        q = -g.copy()
        alphas = []
        for s, y in reversed(pairs):
            a = (s @ q) / (s @ y)
            alphas.append(a)
            q -= a * y
        if pairs:
            s, y = pairs[-1]
            if diagonal:
                r = y - ridge * s
                c = max((r @ r) / (s @ r) if s @ r > 0 else 0, 1e-3 * (y @ y) / (s @ y))
                q /= c + ridge
            else:
                q *= (s @ y) / (y @ y)
        for (s, y), a in zip(pairs, reversed(alphas)):
            q += (a - (y @ q) / (s @ y)) * s
        step = line_search(lambda x: evaluate(x)[0], lambda x: evaluate(x)[1], w, q, gfk=g, old_fval=f,
                           c2=0.9, amax=1e10)[0]
        if step is None:
            break
        w_next = w + step * q
        f_next, g_next = evaluate(w_next)
        s, y = w_next - w, g_next - g
        if s @ y > 1e-12 * (y @ y):
            pairs = (pairs + [(s, y)])[-history:]
        w, f, g = w_next, f_next, g_next
        trace.append((p.passes, (f - fstar) / fstar))
        if (f - fstar) / fstar < 1e-8:
            break
    return trace


def first(trace, gap):
    return next((passes for passes, g in trace if g <= gap), None)


def problems(small):
    rng = np.random.default_rng(20261123)
    n = 20000 if small else 200000
    x = rng.normal(size=(n, 64)).astype(np.float32)
    truth = rng.normal(size=64) / 8
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ truth) * 3))).astype(np.float32)
    yield f"generated logistic {n:,} x 64", "logistic", x, y, 1e-4
    digits = load_digits()
    yield "digits softmax", "softmax", digits.data, digits.target, 1.0 / len(digits.target)
    wine = load_wine()
    yield "wine softmax", "softmax", wine.data, wine.target, 1.0 / len(wine.target)
    n, d, k = (6000 if small else 60000), 784, 10
    x = rng.random((n, d), dtype=np.float32)
    x[x < 0.8] = 0
    truth = rng.normal(size=(k, d)) * 0.3
    y = (x @ truth.T + rng.gumbel(size=(n, k))).argmax(axis=1)
    yield f"generated softmax {n:,} x 784 x 10", "softmax", x, y, 1.0 / n
    n, d = 100000, 32
    scales = 10.0 ** rng.uniform(-3, 3, size=d)
    z = rng.normal(size=(n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(z @ (rng.normal(size=d) / np.sqrt(d))) * 3))).astype(np.float32)
    yield "ill-conditioned logistic 100,000 x 32", "logistic", (z * scales).astype(np.float32), y, 1e-4


def main():
    small = "--small" in sys.argv
    print("passes to a gap of 1e-3 / 1e-6")
    print("| problem | L-BFGS, scalar guess | L-BFGS, diagonal guess | TRON | TRON, diagonal PCG |")
    print("|---|---|---|---|---|")
    for name, kind, x, y, l2 in problems(small):
        p = Problem(kind, x, y, l2)
        fstar = newton_optimum(p)
        rows = [lbfgs(p, fstar, False), lbfgs(p, fstar, True), tron(p, fstar, False), tron(p, fstar, True)]
        cells = [f"{first(t, 1e-3)} / {first(t, 1e-6)}" for t in rows]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
