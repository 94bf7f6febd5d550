"""PixelSQL's ML core: image models, training, inference, worker pool (arrives with issue 4)."""
