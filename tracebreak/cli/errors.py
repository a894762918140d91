"""What the commands raise for bad input: printed as one message, exit code 2."""


class UsageError(Exception):
    pass
