"""hrd-lod source add: capture over http from a local server, with every refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hrd_lod.cli.archive import source_group
from hrd_lod.errors import LoadError, RemoteError, UsageError
from hrd_lod.pipeline import build, check
from hrd_lod.workflows import files as files_mod
from hrd_lod.workflows.capture import add_source, suffix_for

from .wf_helpers import Server, slow, snapshot, trickle

AT = dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC)
HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>\n  Défenseurs &amp; "
    "prix 2024\n</title></head><body><p>Text</p></body></html>"
)


def run(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(source_group, [*args, "--project", str(project)])
    return res.exit_code, res.output


def test_capture_html_with_redirects(new_project: Path, server: Server) -> None:
    server.page("/final", HTML)
    server.redirect("/old", "/mid", 301)
    server.redirect("/mid", server.url("/final"), 302)
    cap = add_source(new_project, server.url("/old"), retrieved_at=AT)
    assert cap.status == "new" and cap.source_id == "defenseurs-prix-2024"
    assert cap.fetched.redirects == ((server.url("/old"), 301), (server.url("/mid"), 302))
    copy = new_project / "data" / cap.archived_copy
    assert copy.name == "defenseurs-prix-2024.html" and copy.read_text() == HTML
    rec_path = new_project / cap.record_file
    rec = yaml.safe_load(rec_path.read_text())
    assert rec == {
        "id": "defenseurs-prix-2024",
        "type": "Source",
        "name": "Défenseurs & prix 2024",
        "url": server.url("/final"),
        "archived_copy": "sources/defenseurs-prix-2024.html",
        "sha256": hashlib.sha256(HTML.encode()).hexdigest(),
        "media_type": "text/html",
        "retrieved": dt.date(2025, 3, 4),
        "note": f"captured 2025-03-04T10:30:00Z by hrd-lod source add from {server.url('/old')};"
        f" redirects: {server.url('/old')} (301) -> {server.url('/mid')} (302) -> "
        f"{server.url('/final')}",
        "added": dt.date(2025, 3, 4),
    }
    # publisher is to be filled in: the commented line is where the CLI says, and the build
    # stops with a clear error at this record until it is.
    assert rec_path.read_text().splitlines()[cap.record_line - 1].startswith("# publisher:")
    with pytest.raises(LoadError) as exc:
        check(new_project)
    [problem] = exc.value.problems
    assert problem.location.file == cap.record_file and "needs 'publisher'" in problem.message
    text = rec_path.read_text().replace(
        "# publisher: id-of-the-publishing-organization", "publisher: example-foundation"
    )
    rec_path.write_text(text)
    assert build(new_project).checked.report.conforms


def test_capture_with_publisher_builds(new_project: Path, server: Server) -> None:
    server.page("/doc.txt", "\n\n  A plain report  \nbody\n", "text/plain")
    code, out = run(
        new_project,
        "add",
        server.url("/doc.txt"),
        "--publisher",
        "example-foundation",
        "--id",
        "report",
    )
    assert code == 0, out
    assert "record:        data/sources/report.yaml" in out and "to do" not in out
    rec = yaml.safe_load((new_project / "data/sources/report.yaml").read_text())
    assert rec["name"] == "A plain report" and rec["publisher"] == "example-foundation"
    assert check(new_project).report.conforms


def test_recapture_unchanged_then_changed(new_project: Path, server: Server) -> None:
    server.page("/p", HTML)
    first = add_source(
        new_project, server.url("/p"), retrieved_at=AT, publisher="example-foundation"
    )
    before = snapshot(new_project)
    code, out = run(new_project, "add", server.url("/p"))
    assert code == 0 and out.startswith("unchanged:") and "nothing written" in out
    assert snapshot(new_project) == before
    server.page("/p", HTML.replace("Text", "New text"))
    later = AT + dt.timedelta(days=30)
    second = add_source(
        new_project, server.url("/p"), retrieved_at=later, publisher="example-foundation"
    )
    assert second.status == "changed" and second.previous == (first.source_id,)
    assert second.source_id == f"{first.source_id}-2025-04-03"
    # both copies are kept, and both verify
    assert (new_project / "data" / first.archived_copy).read_text() == HTML
    assert "New text" in (new_project / "data" / second.archived_copy).read_text()
    assert check(new_project).report.conforms
    # the same new content captured again is recognised as the second capture
    again = add_source(new_project, server.url("/p"), retrieved_at=later)
    assert again.status == "unchanged" and again.source_id == second.source_id


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:x", "127.0.0.1/page", "http:///nohost"],
)
def test_bad_url_is_refused_without_network(new_project: Path, url: str) -> None:
    before = snapshot(new_project)
    code, out = run(new_project, "add", url)
    assert code == 2, out
    assert "http" in out
    assert snapshot(new_project) == before


def test_http_errors(new_project: Path, server: Server) -> None:
    before = snapshot(new_project)
    code, out = run(new_project, "add", server.url("/missing"))
    assert code == 3 and "answered 404" in out
    server.redirect("/loop", "/loop")
    code, out = run(new_project, "add", server.url("/loop"))
    assert code == 3 and "more than 10 redirects" in out
    assert len([h for h in server.hits if h == "/loop"]) == 11  # bounded
    server.redirect("/ftp", "ftp://127.0.0.1/file")
    code, out = run(new_project, "add", server.url("/ftp"))
    assert code == 3 and "not an http(s) URL" in out
    server.routes["/noloc"] = (302, {}, b"")
    code, out = run(new_project, "add", server.url("/noloc"))
    assert code == 3 and "without a Location" in out
    assert snapshot(new_project) == before


def test_connection_refused(new_project: Path) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens on this port now
    with pytest.raises(RemoteError, match="cannot fetch"):
        add_source(new_project, f"http://127.0.0.1:{port}/", retrieved_at=AT, timeout=2)


def test_oversize(new_project: Path, server: Server) -> None:
    before = snapshot(new_project)
    server.page("/big", b"x" * 5000, "text/plain")
    code, out = run(new_project, "add", server.url("/big"), "--max-bytes", "4000")
    assert code == 3 and "5,000 bytes, over the limit of 4,000" in out
    server.routes["/stream"] = trickle(3_000_000)  # no Content-Length: stopped while streaming
    code, out = run(new_project, "add", server.url("/stream"), "--max-bytes", "1000000")
    assert code == 3 and "over the limit of 1,000,000 bytes; the download was stopped" in out
    assert snapshot(new_project) == before


@pytest.mark.integration
def test_timeout_is_bounded(new_project: Path, server: Server) -> None:
    server.routes["/sleep"] = slow(3)
    before = snapshot(new_project)
    start = time.monotonic()
    code, out = run(new_project, "add", server.url("/sleep"), "--timeout", "0.5")
    assert code == 3 and "did not answer within 0.5 s" in out
    assert time.monotonic() - start < 2.5
    assert snapshot(new_project) == before


def test_no_title_and_media_type_suffixes(new_project: Path, server: Server) -> None:
    server.page("/file", b"%PDF-1.4 binary", "application/pdf")
    cap = add_source(new_project, server.url("/file"), retrieved_at=AT)
    assert cap.title is None and cap.archived_copy == "sources/127-0-0-1-file.pdf"
    rec = yaml.safe_load((new_project / cap.record_file).read_text())
    assert rec["name"] == server.url("/file")
    # a CSV or YAML document is never archived under a name the loader reads as records
    assert suffix_for("text/csv") == ".csv.txt"
    for media_type in (
        "text/csv",
        "application/yaml",
        "text/x-yaml",
        "application/x-yaml",
        "application/vnd.unknown",
        "text/html",
    ):
        assert not suffix_for(media_type).endswith((".yaml", ".yml", ".csv")), media_type
    server.page("/table", "a,b\n1,2\n", "text/csv")
    cap = add_source(
        new_project, server.url("/table"), retrieved_at=AT, publisher="example-foundation"
    )
    assert cap.archived_copy.endswith(".csv.txt")


def test_id_in_use_is_refused(new_project: Path, server: Server) -> None:
    server.page("/p", HTML)
    code, out = run(new_project, "add", server.url("/p"), "--id", "example-prize")
    assert code == 2 and "already used (data/examples.yaml:" in out
    code, out = run(new_project, "add", server.url("/p"), "--id", "Bad Id")
    assert code == 2 and "--id" in out
    assert server.hits == []  # refused before any request


def test_interrupted_capture_leaves_no_files(
    new_project: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.page("/p", HTML)
    real = files_mod.write_atomic
    calls: list[Path] = []

    def fail_second(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(files_mod, "write_atomic", fail_second)
    before = snapshot(new_project)
    with pytest.raises(OSError):
        add_source(new_project, server.url("/p"), retrieved_at=AT)
    assert len(calls) == 2  # the archived copy was written, then removed
    assert snapshot(new_project) == before


def test_existing_file_is_never_overwritten(new_project: Path, server: Server) -> None:
    server.page("/p", HTML)
    (new_project / "data/sources/defenseurs-prix-2024.html").write_text("mine")
    before = snapshot(new_project)
    with pytest.raises(UsageError, match="already exists"):
        add_source(new_project, server.url("/p"), retrieved_at=AT)
    assert snapshot(new_project) == before
