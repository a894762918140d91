from opentelemetry import propagate
from opentelemetry.propagators.b3 import B3MultiFormat, B3SingleFormat
from opentelemetry.propagators.composite import CompositePropagator


def configure(single: bool) -> None:
    if single:
        propagate.set_global_textmap(CompositePropagator([B3SingleFormat()]))  # expect: TB603
    else:
        propagate.set_global_textmap(B3MultiFormat())  # expect: TB603
