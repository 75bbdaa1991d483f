#!/usr/bin/env python3
"""Reference values for strand-agreement's tests.

Reads JSON datasets on stdin and prints, for each, the statistic computed by
the reference implementation: scikit-learn's cohen_kappa_score for
{"kind": "kappa", "a": [...], "b": [...]} and the krippendorff package's
alpha (nominal) for {"kind": "alpha", "data": [[coder 1's values], ...]}
with null for a missing value. Undefined results print as null.
"""
import json
import math
import sys
import warnings

import krippendorff
from sklearn.metrics import cohen_kappa_score

warnings.simplefilter("ignore")
out = []
for case in json.load(sys.stdin):
    try:
        if case["kind"] == "kappa":
            value = cohen_kappa_score(case["a"], case["b"])
        else:
            data = [[math.nan if v is None else v for v in row] for row in case["data"]]
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        value = float(value)
        out.append(None if math.isnan(value) else value)
    except (ValueError, ZeroDivisionError):
        out.append(None)
json.dump(out, sys.stdout)
