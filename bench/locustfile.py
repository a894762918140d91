"""Locust, driven as the generator benchmark drives tracebreak's generator: each user asks for one order
a second (constant_throughput), so the target rate is the user count. FastHttpUser is Locust's fastest
client, so Locust is measured at its best."""

from locust import FastHttpUser, constant_throughput, task

from tracebreak.demo import DEMO_TOKEN


class OrderUser(FastHttpUser):
    wait_time = constant_throughput(1)

    @task
    def order(self) -> None:
        self.client.get("/orders/42", headers={"authorization": f"Bearer {DEMO_TOKEN}"})
