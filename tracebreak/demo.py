"""The demo's shared facts: who the services are, the token that works, the orders that exist.

The services, the client, the load generator and the tests read them here, so they never disagree.
"""

# Service names as they appear in traces.
CLIENT_SERVICE = "tracebreak-client"
SERVICES = ("service-a", "service-b", "service-c")

# The one bearer token B accepts, and the user it stands for.
DEMO_TOKEN = "demo-token"
DEMO_USER = "demo-user"
# The tenant the demo user belongs to: C reads its data by the tenant.id baggage B sets.
DEMO_TENANT = "acme"
TENANT_KEY = "tenant.id"  # the baggage key it travels under

# The orders C's simulated database holds.
ORDER_IDS = range(1, 1001)

# The spans of one successful request, per service: the client's root and its HTTP CLIENT span;
# Envoy's SERVER and upstream CLIENT; A's SERVER, gRPC CLIENT, background audit and served-order
# notice; B's SERVER, PRODUCER and the reply's CONSUMER; C's receive and process CONSUMER spans, its
# database CLIENT, the read in its pool thread, the SQLite driver's statement and the reply PRODUCER.
WHOLE_REQUEST = {CLIENT_SERVICE: 2, "envoy": 2, "service-a": 4, "service-b": 3, "service-c": 6}
WHOLE_SPANS = sum(WHOLE_REQUEST.values())
