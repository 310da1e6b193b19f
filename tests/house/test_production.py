"""What production runs beyond the smoke suite: the request log, the app server's
configuration and the database file storage."""

import importlib
import json
import logging
import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.logs import JsonFormatter, RequestIdFilter, bind_request_id, unbind_request_id
from core.storage import DatabaseStorage


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "quarterdeck.requests"]


def test_every_request_logs_one_line_with_route_status_and_request_id(
    client, db, caplog, coordinator, assessment
):
    caplog.set_level(logging.INFO, logger="quarterdeck.requests")
    client.force_login(coordinator)
    response = client.get(
        reverse(
            "quarter:assessment-detail", args=[assessment.trust.ods_code, assessment.cycle.slug]
        )
    )
    (line,) = request_lines(caplog)
    assert line.fields == {
        "method": "GET",
        "route": "/trusts/<str:ods_code>/assessments/<str:cycle>/",
        "view": "quarter:assessment-detail",
        "status": 200,
        "duration_ms": line.fields["duration_ms"],
    }
    assert len(response["X-Request-ID"]) == 32  # made here: no proxy sent one


def test_request_log_never_holds_a_token_an_email_or_a_query_string(client, db, caplog):
    caplog.set_level(logging.INFO, logger="quarterdeck.requests")
    client.get("/invitations/secret-token-value/?email=someone@test.example")
    (line,) = request_lines(caplog)
    text = json.dumps(line.fields)
    assert "secret-token-value" not in text
    assert "someone@test.example" not in text
    assert line.fields["route"] == "/invitations/<str:token>/"


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, db):
    kept = client.get(reverse("core:healthz"), headers={"X-Request-ID": "proxy-id-12345678"})
    assert kept["X-Request-ID"] == "proxy-id-12345678"
    replaced = client.get(reverse("core:healthz"), headers={"X-Request-ID": "bad id\nwith newline"})
    assert replaced["X-Request-ID"] != "bad id\nwith newline"
    assert len(replaced["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id_and_fields():
    record = logging.LogRecord("quarterdeck.requests", logging.INFO, "x", 1, "request", (), None)
    record.fields = {"status": 200}
    bound = bind_request_id("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        unbind_request_id(bound)
    line = json.loads(JsonFormatter().format(record))
    assert (line["request_id"], line["message"], line["status"]) == ("abc12345", "request", 200)


def test_gunicorn_runs_four_threads_in_a_process_per_core(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_WORKER_CLASS"):
        monkeypatch.delenv(name, raising=False)
    from config import gunicorn

    importlib.reload(gunicorn)
    assert (gunicorn.worker_class, gunicorn.workers, gunicorn.threads) == (
        "gthread",
        len(os.sched_getaffinity(0)),
        4,
    )
    assert gunicorn.wsgi_app == "config.wsgi:application"
    assert gunicorn.accesslog is None  # Django's request line is the access log


def test_database_storage_keeps_files_where_every_app_server_reads_them(db):
    storage = DatabaseStorage()
    name = storage.save("exports/papers.zip", ContentFile(b"PK\x03\x04 a zip", name="x"))
    assert storage.exists(name)
    assert storage.size(name) == 10
    with storage.open(name) as handle:
        assert handle.read() == b"PK\x03\x04 a zip"
    assert storage.listdir("exports") == ([], ["papers.zip"])
    # A second file of the same name gets a name of its own, as on disk.
    other = storage.save("exports/papers.zip", ContentFile(b"second", name="x"))
    assert other != name
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


def test_gunicorn_counts_the_cores_it_may_run_on_not_the_hosts(monkeypatch):
    """In a container or under taskset the process may use fewer cores than the host
    has: a worker per host core would only queue for the same few."""
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    from config import gunicorn

    assert importlib.reload(gunicorn).workers == 2
    monkeypatch.undo()
    importlib.reload(gunicorn)  # as the host is, for whatever reads it next
