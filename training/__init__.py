"""The recipe that builds the model shipped in ``stance/data``."""
