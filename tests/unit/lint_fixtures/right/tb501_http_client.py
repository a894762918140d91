import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

HTTPXClientInstrumentor().instrument()


async def fetch_rates(base_url: str) -> dict:
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.get("/rates")
        return response.json()
