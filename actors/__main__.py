"""``python -m actors`` / ``shardis-server [config-file] [--name value ...]``."""

from __future__ import annotations

import logging
import sys

import trio

from actors.config import ConfigError, parse_command_line
from actors.server import serve_forever

_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "verbose": logging.INFO,
    "notice": logging.WARNING,
    "warning": logging.ERROR,
    "nothing": logging.CRITICAL + 1,
}


def main(argv: list[str] | None = None) -> int:
    try:
        config = parse_command_line(sys.argv[1:] if argv is None else argv)
    except ConfigError as error:
        print(f"*** FATAL CONFIG ERROR ***\n{error}", file=sys.stderr)
        return 1
    logging.basicConfig(
        level=_LOG_LEVELS[config["loglevel"]],
        format="%(process)d:M %(asctime)s %(levelname).1s %(message)s",
        filename=config["logfile"] or None,
    )
    try:
        trio.run(serve_forever, config)
    except OSError as error:
        logging.getLogger("shardis").critical("could not start: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
