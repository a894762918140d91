"""The `tracebreak` console script: `up`, `request`, `trace`, and the commands the chaos, doctor,
load and store packages add; the terminal waterfall.
"""
