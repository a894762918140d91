"""`tracebreak wire`: the article's first step, "trust the wire", hop by hop. tshark captures the
stack's ports on loopback and decodes every hop (HTTP/1.1 headers, gRPC metadata through HPACK, Kafka
record headers); each hop says whether the request's trace context is physically on it."""
