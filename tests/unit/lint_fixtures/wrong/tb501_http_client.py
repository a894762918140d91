import httpx


async def fetch_rates(base_url: str) -> dict:
    async with httpx.AsyncClient(base_url=base_url) as client:  # expect: TB501
        response = await client.get("/rates")
        return response.json()
