"""Figures and summaries drawn from run directories (never from live training state)."""
