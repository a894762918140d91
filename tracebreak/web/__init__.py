"""The web view: the store's query port serves pages that read its Jaeger-shaped API and the doctor's
JSON — search by request, a request's fragments side by side, a trace, the service graph, and the
chaos panel (the one page that changes the stack: loopback only, same origin only)."""
