"""JSON-lines log records for log collectors (LOG_FORMAT=json), from Django and gunicorn alike."""

import datetime
import json
import logging

# gunicorn's access-log atoms worth a field of their own.
ACCESS_FIELDS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "M": "ms", "h": "remote"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry |= {name: record.args.get(atom) for atom, name in ACCESS_FIELDS.items() if atom in record.args}
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
