"""PixelSQL's SQL engine: statement routing, DuckDB sessions, results as typed values."""
