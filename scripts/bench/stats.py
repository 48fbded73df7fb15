"""Shared by the benchmark scripts: nearest-rank percentiles of milliseconds."""


def pct(xs):
    """p50, p95 and max of `xs` (milliseconds), as one line."""
    xs = sorted(xs)
    at = lambda p: xs[max(0, -(-len(xs) * p // 100) - 1)]
    return f"p50 {at(50):7.2f} ms  p95 {at(95):7.2f} ms  max {xs[-1]:7.2f} ms  (n={len(xs)})"
