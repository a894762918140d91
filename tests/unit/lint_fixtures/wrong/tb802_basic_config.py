import logging


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")  # expect: TB802
    logging.getLogger(__name__).info("started")
