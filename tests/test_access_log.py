"""The gunicorn access line: the fields of our format, quotes escaped, JSON records still get their atoms."""

import datetime
import logging

from gunicorn.config import Config

from headache_site.access_log import ACCESS_LOG_FORMAT, AccessLogger


class Response:
    status = "200 OK"
    sent = 56815
    headers = [("Content-Type", "text/html; charset=utf-8")]


def access_record(caplog, *, log_format: str = ACCESS_LOG_FORMAT, user_agent: str = 'Reader "Mk II"'):
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", log_format)
    config.set("logger_class", "headache_site.access_log.AccessLogger")
    logger = AccessLogger(config)
    environ = {
        "REMOTE_ADDR": "192.0.2.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/articles/botox-for-headache/?cpage=2",
        "PATH_INFO": "/articles/botox-for-headache/",
        "QUERY_STRING": "cpage=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": user_agent,
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access_log.propagate = True
        logger.access(Response(), [], environ, datetime.timedelta(microseconds=12_345))
    (record,) = [r for r in caplog.records if r.name == "gunicorn.access"]
    return record


def test_the_access_line_has_client_request_status_bytes_time_and_agent(caplog):
    record = access_record(caplog)
    assert record.getMessage() == (
        '192.0.2.7 "GET /articles/botox-for-headache/?cpage=2 HTTP/1.1" 200 56815 12ms "Reader \\"Mk II\\""'
    )
    # The JSON formatter (LOG_FORMAT=json) reads these atoms from the record.
    assert {k: record.args[k] for k in ("m", "U", "q", "s", "B", "M", "h")} == {
        "m": "GET",
        "U": "/articles/botox-for-headache/",
        "q": "cpage=2",
        "s": "200",
        "B": 56815,
        "M": 12,
        "h": "192.0.2.7",
    }


def test_another_access_log_format_gets_gunicorns_own_formatter(caplog):
    record = access_record(caplog, log_format='%(h)s %(t)s "%(r)s" %(s)s "%(f)s"')
    message = record.getMessage()
    assert message.startswith("192.0.2.7 [") and message.endswith(
        '"GET /articles/botox-for-headache/?cpage=2 HTTP/1.1" 200 "-"'
    )
