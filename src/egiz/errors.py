"""Errors that the CLI turns into one clear line and a non-zero exit code."""


class EgizError(Exception):
    """A problem with the user's input or settings (not a bug): shown without a traceback."""


class InputError(EgizError):
    """Input that cannot be read: missing, binary, undecodable, malformed."""


class InstallationError(EgizError):
    """egiz is installed without a package it needs (an ImportError): never bad input.

    Raised once, for the whole run, instead of turning every record that needs the package into
    a per-record problem. The CLI exits with code 3 (bad input is 2).
    """


def missing_package(what: str, package: str, exc: ImportError) -> InstallationError:
    """The InstallationError for an ImportError met while doing `what`: one line, with the
    install command and the import's own message (which often names the real culprit)."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return InstallationError(
        f"broken installation: {what} needs the Python package {package}, which cannot be "
        f"imported ({detail}); install it (pip install {package}) or reinstall egiz"
    )


def raised_by_library(exc: BaseException) -> bool:
    """Whether `exc` was raised inside a third-party parser (warcio, lxml, trafilatura, zlib ...)
    rather than in egiz's own code, and is no ImportError.

    Parsers of crawled data raise all kinds of exceptions on broken input (warcio an
    AttributeError on a cut-off record, lxml a ValueError): those are problems of one record. The
    same exception raised by egiz's own code is a bug, and a missing module a broken
    installation: neither may be reported as bad input.
    """
    if isinstance(exc, (ImportError, EgizError)) or not isinstance(exc, Exception):
        return False
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    return module != "egiz" and not module.startswith("egiz.")
