"""`tracebreak audit`: the article's Senior Audit Checklist, item by item, run against a stack."""
