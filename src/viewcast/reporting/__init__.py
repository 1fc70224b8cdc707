"""Everything a person reads or looks at: terminal text, figures, report.html, the folders they fill.

Reporting only reads results; it never trains. It may import every layer below it (`lecture`,
`forecasting`, `core`, `engine`); nothing below imports it. `plots.py` is the one module that
imports matplotlib. matplotlib is a plain dependency and is loaded by `import viewcast`, since
the package's public savers (`save_lecture`, `save_forecast`, ...) draw their pictures.
"""
