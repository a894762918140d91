"""Lab mode, for a trainee working through the labs: the web view draws a request's fragments, the
lost-context marks and the logs but holds the doctor's verdict (signature and fix) until asked, and
counts what was asked; the services keep quiet about which toggle hit a request, as during a drill.
Its state lives beside the chaos flag file; `tracebreak lab on | off | status` turns it on and off."""
