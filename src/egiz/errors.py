"""Errors that the CLI turns into one clear line and a non-zero exit code."""


class EgizError(Exception):
    """A problem with the user's input or settings (not a bug): shown without a traceback."""


class InputError(EgizError):
    """Input that cannot be read: missing, binary, undecodable, malformed."""
