"""The three services of the cascade: A "orders" (HTTP), B "auth" (gRPC), C "enrichment" (Kafka)."""
