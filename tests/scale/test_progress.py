"""The cluster progress line: shards, samples, errors, failed shards, workers and an ETA."""

from trustbench.scale.progress import ClusterProgress


def test_progress_line_counts_and_estimates_the_time_left():
    progress = ClusterProgress(shards=4, samples=100, workers=2, started=0.0)
    assert progress.line(0, 0, 0, 0, now=5.0) == (
        "shards 0/4 · samples 0/100 · errors 0 · workers 2 · elapsed 0:00:05 · ETA ?"
    )
    assert progress.line(1, 25, 2, 1, now=60.0) == (
        "shards 1/4 · samples 25/100 · errors 2 · failed shards 1 · workers 2 · "
        "elapsed 0:01:00 · ETA 0:03:00"
    )
    assert progress.line(4, 100, 2, 0, now=240.0).endswith("ETA 0:00:00")
