"""tracebreak in anyone's pytest suite: the `traces` fixture and its assertion that one request is one
connected trace across the services named, read from any trace source the doctor reads and judged by
the doctor, failing with its verdict (fragments, signature, boundary, evidence, fix) as the message.

plugin.py is what pytest loads (the `pytest11` entry point): options, markers, fixtures. The rest is
loaded when a test asks for `traces`: target.py (which request), settle.py (polling until its spans
settle), message.py (the verdict as a failure), traces.py (the assertion).
"""
