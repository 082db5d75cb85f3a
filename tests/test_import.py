"""Importing articles: the `import_articles` command and the upload form at /articles/import/."""

from __future__ import annotations

import html
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from reviews import defaults, services
from reviews.models import Article, AuditEvent, Outlet, Team
from reviews.text import MAX_ARTICLE_BYTES, content_hash
from tests.conftest import HTMX, SEEDS, client_for, seed_bytes

SEED_FILES = sorted(SEEDS.glob("*.txt"))

EXPECTED_META = {
    # seed prefix: (title, outlet name or None)
    "000": (
        "HEARTBREAKING MOMENT: Russian Troops Decry President Vladimir Putin’s Decision to Invade Ukraine",
        None,
    ),
    "001": (
        'Russian Soldiers Admit Vladimir Putin\'s Ukraine Invasion Is "Terrible Mistake" After Hearing '
        "Their Air Force Bombs Public Places",
        None,
    ),
    "002": (
        "Captured Russian soldiers were seen sobbing on live TV while apologizing for invading Ukraine and "
        "killing thousands of Ukrainian people including children.",
        None,
    ),
    "003": ("Crying Russian prisoners say ‘liars’ Putin is having the army throw in mass graves – World News", "Fry"),
    "004": (
        "Several Russian soldiers imprisoned in Ukraine have confessed feel sorry of having participated in the "
        "invasion initiated by Putin, and have even managed to shed some tears before the country’s media.",
        "Lasexta",
    ),
}

GOOD_TEXT = "A headline for a good file\n\nThe first paragraph of a good file.\n"


# --- helpers ----------------------------------------------------------------------------------


def run_import(*args: str) -> tuple[str, str, CommandError | None]:
    """Run the command; return its stdout, its stderr and the CommandError it raised (or None)."""
    out, err = StringIO(), StringIO()
    error = None
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as exc:
        error = exc
    return out.getvalue(), err.getvalue(), error


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def article_events(team: Team):
    return AuditEvent.objects.filter(object_type="reviews.article", team=team)


def result_rows(content: str) -> list[tuple[str, str, str]]:
    """(file, status, details) for each row of the results table, with the HTML stripped and unescaped."""
    rows = re.findall(r"<tr class=\"result-[a-z]+\">(.*?)</tr>", content, flags=re.S)
    parsed = []
    for row in rows:
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        parsed.append(tuple(cells))
    return parsed


# --- the command: the seeds -------------------------------------------------------------------


def test_it_imports_the_five_seeds_with_their_titles_and_outlets(team):
    out, err, error = run_import(*map(str, SEED_FILES), "--team", "desk")

    assert error is None
    assert err == ""
    assert out.splitlines()[-1] == "5 imported, 0 duplicate, 0 failed"
    assert team.articles.count() == 5
    for prefix, (title, outlet) in EXPECTED_META.items():
        path = seed_path(prefix)
        article = team.articles.get(source=path.name)
        assert article.title == title
        assert (article.outlet.name if article.outlet else None) == outlet
        assert article.imported_by is None
        assert f"imported   {path.name}: imported as “{title}”" in out.splitlines()


def test_it_stores_each_body_exactly_as_python_reads_the_file(team):
    run_import(*map(str, SEED_FILES), "--team", "desk")

    for path in SEED_FILES:
        article = Article.objects.get(team=team, source=path.name)
        expected = path.read_text(encoding="utf-8")
        assert article.body == expected
        assert article.content_hash == content_hash(expected)
    nbsp_body = Article.objects.get(team=team, source=seed_path("001").name).body
    assert "The Sun\u00a0reported" in nbsp_body
    assert "“treacherous invasion”" in Article.objects.get(team=team, source=seed_path("000").name).body


def test_the_titles_of_002_and_004_are_their_first_sentences_because_they_have_no_headline(team):
    run_import(str(seed_path("002")), str(seed_path("004")), "--team", "desk")

    only_sentence = team.articles.get(source=seed_path("002").name)
    assert only_sentence.body.split("\n")[0] == only_sentence.title  # a whole sentence, not a headline
    longer = team.articles.get(source=seed_path("004").name)
    first_line = longer.body.split("\n")[0]
    assert first_line.startswith(longer.title + " Galkin Sergei Alekseevich")
    assert longer.title.endswith("media.")


def test_the_outlets_are_derived_from_the_text_and_shared_between_articles(team, other_team):
    run_import(*map(str, SEED_FILES), "--team", "desk")
    run_import(*map(str, SEED_FILES), "--team", "elsewhere")

    assert set(Outlet.objects.values_list("name", flat=True)) >= {"Fry", "Lasexta"}
    assert Outlet.objects.filter(name="Fry").count() == 1
    assert Outlet.objects.get(name="Fry").articles.count() == 2
    assert team.articles.filter(outlet__isnull=True).count() == 3


def test_it_writes_one_create_event_per_imported_article_attributed_to_the_command(team):
    run_import(*map(str, SEED_FILES), "--team", "desk")

    events = list(AuditEvent.objects.filter(object_type="reviews.article"))
    articles = list(team.articles.all())
    assert len(events) == len(articles) == 5
    assert {event.object_id for event in events} == {str(article.pk) for article in articles}
    for event in events:
        assert event.action == "create"
        assert event.actor is None
        assert event.actor_label == "system:import_articles"
        assert event.team_id == team.pk
        assert event.before is None
        assert event.after["content_hash"] == Article.objects.get(pk=event.object_id).content_hash
    assert len({event.request_id for event in events}) == 1
    assert events[0].request_id


def test_reimporting_the_seeds_is_a_no_op_reported_as_duplicate(team):
    run_import(*map(str, SEED_FILES), "--team", "desk")
    before = list(team.articles.order_by("pk").values_list("pk", "title", "body", "created_at"))
    events_before = AuditEvent.objects.count()

    out, err, error = run_import(*map(str, SEED_FILES), "--team", "desk")

    assert error is None
    assert err == ""
    assert list(team.articles.order_by("pk").values_list("pk", "title", "body", "created_at")) == before
    assert AuditEvent.objects.count() == events_before
    lines = out.splitlines()
    assert lines[-1] == "0 imported, 5 duplicate, 0 failed"
    for path in SEED_FILES:
        title = team.articles.get(source=path.name).title
        assert f"duplicate  {path.name}: same text as “{title}”, not imported again" in lines


def test_the_same_text_under_another_name_is_a_duplicate_within_one_run(team, tmp_path):
    copy = write(tmp_path, "copy-of-001.txt", seed_bytes("001"))

    out, err, error = run_import(str(seed_path("001")), str(copy), "--team", "desk")

    assert error is None
    assert team.articles.count() == 1
    assert team.articles.get().source == seed_path("001").name
    assert any(line.startswith("duplicate  copy-of-001.txt:") for line in out.splitlines())
    assert out.splitlines()[-1] == "1 imported, 1 duplicate, 0 failed"


def test_the_same_text_is_imported_separately_into_each_team(team, other_team):
    run_import(str(seed_path("003")), "--team", "desk")
    out, _, error = run_import(str(seed_path("003")), "--team", "elsewhere")

    assert error is None
    assert out.splitlines()[-1] == "1 imported, 0 duplicate, 0 failed"
    assert team.articles.count() == 1
    assert other_team.articles.count() == 1
    assert team.articles.get().content_hash == other_team.articles.get().content_hash


def test_windows_line_endings_are_stored_as_newlines_and_recognised_as_the_same_text(team, tmp_path):
    lf = seed_bytes("000")
    crlf = write(tmp_path, "crlf.txt", lf.replace(b"\n", b"\r\n"))
    run_import(str(seed_path("000")), "--team", "desk")

    out, _, error = run_import(str(crlf), "--team", "desk")

    assert error is None
    assert out.splitlines()[-1] == "0 imported, 1 duplicate, 0 failed"
    assert "\r" not in team.articles.get().body


def test_a_file_with_windows_line_endings_alone_is_stored_without_carriage_returns(team, tmp_path):
    path = write(tmp_path, "crlf.txt", b"Headline here\r\n\r\nOne paragraph.\rOld Mac line.\r\n")

    run_import(str(path), "--team", "desk")

    article = team.articles.get()
    assert article.body == "Headline here\n\nOne paragraph.\nOld Mac line.\n"
    assert article.title == "Headline here"


def test_a_byte_order_mark_is_dropped_so_it_reaches_neither_the_title_nor_the_body(team, tmp_path):
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfHeadline after a BOM\r\n\r\nBody text.\r\n")

    _, _, error = run_import(str(path), "--team", "desk")

    assert error is None
    article = team.articles.get()
    assert article.title == "Headline after a BOM"
    assert article.body == "Headline after a BOM\n\nBody text.\n"
    assert article.body == path.read_text(encoding="utf-8-sig")


def test_the_same_text_with_and_without_a_byte_order_mark_is_a_duplicate(team, tmp_path):
    with_bom = write(tmp_path, "with-bom.txt", b"\xef\xbb\xbf" + seed_bytes("002"))

    out, _, error = run_import(str(seed_path("002")), str(with_bom), "--team", "desk")

    assert error is None
    assert out.splitlines()[-1] == "1 imported, 1 duplicate, 0 failed"
    assert team.articles.get().title == EXPECTED_META["002"][0]


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        (
            "U.S. officials said on Tuesday that the convoy was hit. Others disagreed.",
            "U.S. officials said on Tuesday that the convoy was hit.",
        ),
        (
            "Mr. Putin told Gen. J. Smith the war went to plan! Nobody believed it.",
            "Mr. Putin told Gen. J. Smith the war went to plan!",
        ),
        ("“Forgive us,” the soldier said. Then he wept.", "“Forgive us,” the soldier said."),
        ("Did the soldiers apologise? Reports differ.", "Did the soldiers apologise?"),
        ("A headline without a full stop", "A headline without a full stop"),
    ],
    ids=["initials", "titles-and-initials", "curly-quotes", "question", "headline"],
)
def test_the_title_is_the_headline_or_the_whole_first_sentence(team, tmp_path, first_line, title):
    path = write(tmp_path, "lead.txt", f"{first_line}\nSecond line of the article.\n".encode())

    run_import(str(path), "--team", "desk")

    assert team.articles.get().title == title


def test_a_long_title_is_shortened_at_a_word_boundary(team, tmp_path):
    sentence = " ".join(["word"] * 100) + "."
    path = write(tmp_path, "long.txt", f"{sentence}\n\nBody.\n".encode())

    run_import(str(path), "--team", "desk")

    title = team.articles.get().title
    assert len(title) <= 200
    assert title.endswith("word…")
    assert sentence.startswith(title[:-1])


# --- the command: folders ---------------------------------------------------------------------


def test_it_imports_a_folder_of_seeds(team):
    out, err, error = run_import(str(SEEDS), "--team", "desk")

    assert error is None
    assert err == ""
    assert out.splitlines()[-1] == "5 imported, 0 duplicate, 0 failed"
    assert set(team.articles.values_list("source", flat=True)) == {path.name for path in SEED_FILES}
    assert article_events(team).filter(action="create").count() == 5


def test_a_folder_import_takes_only_its_txt_files_in_name_order(team, tmp_path):
    for path in SEED_FILES[:3]:
        shutil.copy(path, tmp_path / path.name)
    write(tmp_path, "notes.md", b"Not an article\n")
    write(tmp_path, "LOUD.TXT", b"A shouted headline\n\nBody of the shouted file.\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "nested.txt", b"Nested headline\n\nNot imported: folders are not recursive.\n")

    out, _, error = run_import(str(tmp_path), "--team", "desk")

    assert error is None
    names = [line.split()[1].rstrip(":") for line in out.splitlines()[:-1]]
    assert names == sorted(["LOUD.TXT", *(path.name for path in SEED_FILES[:3])])
    assert set(team.articles.values_list("source", flat=True)) == set(names)
    assert not team.articles.filter(source__in=["notes.md", "nested.txt"]).exists()


def test_importing_a_folder_again_reports_every_file_as_duplicate(team):
    run_import(str(SEEDS), "--team", "desk")

    out, _, error = run_import(str(SEEDS), "--team", "desk")

    assert error is None
    assert out.splitlines()[-1] == "0 imported, 5 duplicate, 0 failed"
    assert team.articles.count() == 5


# --- the command: bad input -------------------------------------------------------------------


def _missing(folder: Path) -> tuple[str, str]:
    path = folder / "does-not-exist.txt"
    return str(path), str(path)


def _folder_without_txt(folder: Path) -> tuple[str, str]:
    empty = folder / "no-texts"
    empty.mkdir()
    write(empty, "readme.md", b"A markdown file, not an article\n")
    return str(empty), str(empty)


def _file(name: str, data: bytes):
    def make(folder: Path) -> tuple[str, str]:
        return str(write(folder, name, data)), name

    return make


BAD_INPUTS = [
    pytest.param(_missing, "no such file or folder", id="missing-file"),
    pytest.param(_folder_without_txt, "folder contains no .txt files", id="folder-without-txt"),
    pytest.param(_file("empty.txt", b""), "file is empty", id="empty-file"),
    pytest.param(_file("blank.txt", b"  \n\t\n \r\n\xc2\xa0\n"), "file is empty", id="whitespace-only"),
    pytest.param(
        _file("binary.txt", b"Headline\n\nText\x00with a NUL"), "file looks binary (it contains NUL bytes)", id="nul"
    ),
    pytest.param(
        _file("utf16.txt", "Headline\n\nText".encode("utf-16")),
        "file looks binary (it contains NUL bytes)",
        id="utf-16",
    ),
    pytest.param(
        _file("latin1.txt", "Headline\n\nCafé au lait".encode("latin-1")),
        "file is not valid UTF-8 text (bad byte at position 13)",
        id="invalid-utf-8",
    ),
    pytest.param(
        _file("bell.txt", b"Headline\n\nA bell\x07 rings"),
        "file contains control characters (first: U+0007); is it binary?",
        id="control-character",
    ),
    pytest.param(
        _file("c1.txt", "Headline\n\nA C1 control \u0085 here".encode()),
        "file contains control characters (first: U+0085); is it binary?",
        id="c1-control-character",
    ),
    pytest.param(
        _file("huge.txt", b"Big headline\n\n" + b"x" * MAX_ARTICLE_BYTES),
        f"file is larger than the {MAX_ARTICLE_BYTES // 1000} kB limit",
        id="over-size-limit",
    ),
]


@pytest.mark.parametrize(("make_bad", "reason"), BAD_INPUTS)
def test_a_bad_input_is_refused_with_a_one_line_reason_while_the_good_file_still_imports(
    team, tmp_path, make_bad, reason
):
    bad_arg, bad_source = make_bad(tmp_path)
    good = write(tmp_path, "good.txt", GOOD_TEXT.encode())

    out, err, error = run_import(bad_arg, str(good), "--team", "desk")

    assert isinstance(error, CommandError)
    assert str(error) == "1 of 2 files could not be imported"
    assert err.splitlines() == [f"failed     {bad_source}: {reason}"]
    assert out.splitlines() == [
        "imported   good.txt: imported as “A headline for a good file”",
        "1 imported, 0 duplicate, 1 failed",
    ]
    assert list(team.articles.values_list("source", flat=True)) == ["good.txt"]
    assert not Article.objects.filter(source=bad_source).exists()
    assert article_events(team).count() == 1
    event = article_events(team).get()
    assert event.action == "create"
    assert event.actor_label == "system:import_articles"


def test_every_kind_of_bad_input_in_one_run_fails_alone_and_the_good_files_import(team, tmp_path):
    bad = [param.values[0](tmp_path) for param in BAD_INPUTS]
    good = [str(seed_path("000")), str(seed_path("003"))]
    outlets_before = set(Outlet.objects.values_list("name", flat=True))

    out, err, error = run_import(good[0], *(arg for arg, _ in bad), good[1], "--team", "desk")

    assert isinstance(error, CommandError)
    assert str(error) == f"{len(bad)} of {len(bad) + 2} files could not be imported"
    err_lines = err.splitlines()
    assert len(err_lines) == len(bad)
    for (_, source), line, param in zip(bad, err_lines, BAD_INPUTS, strict=True):
        assert line == f"failed     {source}: {param.values[1]}"
    assert out.splitlines()[-1] == f"2 imported, 0 duplicate, {len(bad)} failed"
    assert team.articles.count() == 2
    assert set(team.articles.values_list("source", flat=True)) == {seed_path("000").name, seed_path("003").name}
    assert article_events(team).filter(action="create").count() == 2
    assert AuditEvent.objects.exclude(action="create").count() == 0
    assert set(Outlet.objects.values_list("name", flat=True)) == outlets_before | {"Fry"}


def test_a_failed_file_leaves_no_outlet_behind(team, tmp_path):
    bad = write(tmp_path, "ghost.txt", b"Ghost headline\nSource: Ghost Outlet\n\nBody\x00")

    _, err, error = run_import(str(bad), "--team", "desk")

    assert isinstance(error, CommandError)
    assert "file looks binary" in err
    assert not Outlet.objects.filter(name="Ghost Outlet").exists()
    assert not Article.objects.filter(source="ghost.txt").exists()
    assert not AuditEvent.objects.filter(object_type="reviews.article").exists()


def test_a_file_of_exactly_the_size_limit_is_imported(team, tmp_path):
    head = b"Exactly one megabyte\n\n"
    data = head + b"word " * ((MAX_ARTICLE_BYTES - len(head)) // 5)
    data += b"." * (MAX_ARTICLE_BYTES - len(data))
    assert len(data) == MAX_ARTICLE_BYTES
    path = write(tmp_path, "limit.txt", data)

    out, err, error = run_import(str(path), "--team", "desk")

    assert error is None
    assert err == ""
    article = team.articles.get()
    assert article.title == "Exactly one megabyte"
    assert len(article.body.encode()) == MAX_ARTICLE_BYTES


def test_the_size_limit_counts_bytes_not_characters(team, tmp_path):
    # 500,001 two-byte characters: fewer characters than the limit, more bytes.
    path = write(tmp_path, "wide.txt", ("é" * (MAX_ARTICLE_BYTES // 2 + 1)).encode())

    _, err, error = run_import(str(path), "--team", "desk")

    assert isinstance(error, CommandError)
    assert err.strip() == f"failed     wide.txt: file is larger than the {MAX_ARTICLE_BYTES // 1000} kB limit"
    assert not team.articles.exists()


def test_an_unknown_team_is_an_error_and_imports_nothing(team):
    out, _, error = run_import(str(seed_path("000")), "--team", "nope")

    assert isinstance(error, CommandError)
    assert str(error) == "no team with slug 'nope'"
    assert out == ""
    assert not Article.objects.exists()


def test_without_team_it_imports_into_the_default_newsroom_team(db):
    newsroom, _ = Team.objects.get_or_create(
        slug=defaults.DEFAULT_TEAM_SLUG, defaults={"name": defaults.DEFAULT_TEAM_NAME}
    )

    out, _, error = run_import(str(seed_path("000")))

    assert error is None
    assert out.splitlines()[-1] == "1 imported, 0 duplicate, 0 failed"
    assert newsroom.articles.get().source == seed_path("000").name


def test_at_verbosity_zero_only_failures_are_written(team, tmp_path):
    empty = write(tmp_path, "empty.txt", b"")

    out, err, error = run_import(str(seed_path("000")), str(empty), "--team", "desk", "--verbosity", "0")

    assert isinstance(error, CommandError)
    assert out == ""
    assert err.splitlines() == ["failed     empty.txt: file is empty"]
    assert team.articles.count() == 1


# --- the command: dry run ---------------------------------------------------------------------


def test_a_dry_run_reports_what_would_happen_and_changes_nothing(team):
    counts_before = (Article.objects.count(), Outlet.objects.count(), AuditEvent.objects.count())

    out, err, error = run_import(*map(str, SEED_FILES), "--team", "desk", "--dry-run")

    assert error is None
    assert err == ""
    assert out.splitlines()[-1] == "dry run, nothing saved: 5 imported, 0 duplicate, 0 failed"
    assert sum(line.startswith("imported   ") for line in out.splitlines()) == 5
    assert (Article.objects.count(), Outlet.objects.count(), AuditEvent.objects.count()) == counts_before
    assert not Outlet.objects.filter(name__in=["Fry", "Lasexta"]).exists()


def test_a_dry_run_after_an_import_reports_duplicates(team):
    run_import(str(SEEDS), "--team", "desk")
    events_before = AuditEvent.objects.count()

    out, _, error = run_import(str(SEEDS), "--team", "desk", "--dry-run")

    assert error is None
    assert out.splitlines()[-1] == "dry run, nothing saved: 0 imported, 5 duplicate, 0 failed"
    assert team.articles.count() == 5
    assert AuditEvent.objects.count() == events_before


def test_a_dry_run_with_a_bad_file_still_exits_non_zero_and_changes_nothing(team, tmp_path):
    empty = write(tmp_path, "empty.txt", b"")

    out, err, error = run_import(str(seed_path("000")), str(empty), "--team", "desk", "--dry-run")

    assert isinstance(error, CommandError)
    assert err.splitlines() == ["failed     empty.txt: file is empty"]
    assert out.splitlines()[-1] == "dry run, nothing saved: 1 imported, 0 duplicate, 1 failed"
    assert not Article.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reviews.article").exists()


def test_a_real_import_after_a_dry_run_imports_everything(team):
    run_import(str(SEEDS), "--team", "desk", "--dry-run")

    out, _, error = run_import(str(SEEDS), "--team", "desk")

    assert error is None
    assert out.splitlines()[-1] == "5 imported, 0 duplicate, 0 failed"
    assert team.articles.count() == 5


# --- the upload form --------------------------------------------------------------------------


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def seed_uploads() -> list[SimpleUploadedFile]:
    return [upload(path.name, path.read_bytes()) for path in SEED_FILES]


def test_an_owner_sees_the_upload_form(owner):
    response = client_for(owner).get("/articles/import/")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert re.search(r'<input type="file" name="files"[^>]*multiple', content)
    assert "<html" in content


def test_an_owner_can_upload_the_five_seeds_at_once(team, owner):
    response = client_for(owner).post("/articles/import/", {"files": seed_uploads()})

    assert response.status_code == 200
    rows = result_rows(response.content.decode())
    assert [(name, status) for name, status, _ in rows] == [(path.name, "imported") for path in SEED_FILES]
    assert team.articles.count() == 5
    for prefix, (title, outlet) in EXPECTED_META.items():
        article = team.articles.get(source=seed_path(prefix).name)
        assert article.title == title
        assert (article.outlet.name if article.outlet else None) == outlet
        assert article.imported_by == owner
        assert article.body == seed_path(prefix).read_text(encoding="utf-8")
        assert (seed_path(prefix).name, "imported", f"imported as “{title}”") in rows
        assert f'href="/articles/{article.pk}/"' in response.content.decode()


def test_an_upload_writes_one_create_event_per_article_attributed_to_the_owner(team, owner):
    client_for(owner).post("/articles/import/", {"files": seed_uploads()[:2]})

    events = list(article_events(team))
    assert len(events) == 2
    assert {event.object_id for event in events} == {str(pk) for pk in team.articles.values_list("pk", flat=True)}
    for event in events:
        assert event.action == "create"
        assert event.actor == owner
        assert event.actor_label == "user:olga"


def test_uploading_the_same_files_again_reports_duplicates_and_changes_nothing(team, owner):
    client = client_for(owner)
    client.post("/articles/import/", {"files": seed_uploads()})
    events_before = AuditEvent.objects.count()

    response = client.post("/articles/import/", {"files": seed_uploads()})

    assert response.status_code == 200
    rows = result_rows(response.content.decode())
    assert [status for _, status, _ in rows] == ["duplicate"] * 5
    assert all(details.endswith("not imported again") for _, _, details in rows)
    assert team.articles.count() == 5
    assert AuditEvent.objects.count() == events_before


def test_an_upload_reports_each_bad_file_with_its_reason_and_imports_the_good_ones(team, owner):
    files = [
        upload("good.txt", GOOD_TEXT.encode()),
        upload("blank.txt", b" \n\t \n"),
        upload("binary.txt", b"Head\x00line"),
        upload("latin1.txt", "Café".encode("latin-1")),
        upload("bell.txt", b"Ring\x07ring"),
        upload("huge.txt", b"y" * (MAX_ARTICLE_BYTES + 1)),
        upload("seed.txt", seed_bytes("004")),
    ]

    response = client_for(owner).post("/articles/import/", {"files": files})

    assert response.status_code == 200
    assert result_rows(response.content.decode()) == [
        ("good.txt", "imported", "imported as “A headline for a good file”"),
        ("blank.txt", "failed", "file is empty"),
        ("binary.txt", "failed", "file looks binary (it contains NUL bytes)"),
        ("latin1.txt", "failed", "file is not valid UTF-8 text (bad byte at position 3)"),
        ("bell.txt", "failed", "file contains control characters (first: U+0007); is it binary?"),
        ("huge.txt", "failed", f"file is larger than the {MAX_ARTICLE_BYTES // 1000} kB limit"),
        ("seed.txt", "imported", f"imported as “{EXPECTED_META['004'][0]}”"),
    ]
    assert set(team.articles.values_list("source", flat=True)) == {"good.txt", "seed.txt"}
    assert article_events(team).filter(action="create").count() == 2


def test_an_htmx_upload_returns_only_the_results_fragment(team, owner):
    response = client_for(owner).post("/articles/import/", {"files": seed_uploads()[:2]}, **HTMX)

    assert response.status_code == 200
    content = response.content.decode().strip()
    assert content.startswith('<section id="import-results">')
    assert content.endswith("</section>")
    assert "<html" not in content
    assert "<form" not in content
    assert [status for _, status, _ in result_rows(content)] == ["imported", "imported"]
    assert team.articles.count() == 2


def test_an_empty_file_in_an_upload_fails_alone_and_the_other_files_still_import(team, owner):
    files = [upload("good.txt", GOOD_TEXT.encode()), upload("empty.txt", b"")]

    response = client_for(owner).post("/articles/import/", {"files": files}, **HTMX)

    assert response.status_code == 200
    assert result_rows(response.content.decode()) == [
        ("good.txt", "imported", "imported as “A headline for a good file”"),
        ("empty.txt", "failed", "file is empty"),
    ]
    assert list(team.articles.values_list("source", flat=True)) == ["good.txt"]


def test_an_upload_without_files_imports_nothing(team, owner):
    response = client_for(owner).post("/articles/import/", {"csrfmiddlewaretoken": "token"})

    assert response.status_code == 200
    assert result_rows(response.content.decode()) == []
    assert not Article.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reviews.article").exists()


def test_an_upload_without_files_shows_the_form_error_and_imports_nothing(team, owner):
    # A browser always sends the CSRF token along, so the form is bound even with no file chosen.
    response = client_for(owner).post("/articles/import/", {"csrfmiddlewaretoken": "token"}, **HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="errors"' in content
    assert "This field is required." in content
    assert result_rows(content) == []
    assert not Article.objects.exists()


def test_a_reviewer_gets_403_and_nothing_is_imported(team, reviewer):
    client = client_for(reviewer)

    get = client.get("/articles/import/")
    post = client.post("/articles/import/", {"files": seed_uploads()})

    assert get.status_code == 403
    assert post.status_code == 403
    assert "Only a team owner may import articles." in post.content.decode()
    assert not Article.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reviews.article").exists()


def test_a_moderator_gets_403_and_nothing_is_imported(team, moderator):
    response = client_for(moderator).post("/articles/import/", {"files": seed_uploads()[:1]}, **HTMX)

    assert response.status_code == 403
    assert not Article.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(team):
    response = Client().post("/articles/import/", {"files": seed_uploads()[:1]})

    assert response.status_code == 302
    assert "/articles/import/" in response["Location"]
    assert not Article.objects.exists()


def test_an_owner_of_another_team_imports_into_their_own_team(team, other_team, outsider):
    response = client_for(outsider).post("/articles/import/", {"files": seed_uploads()[:1]})

    assert response.status_code == 200
    assert not team.articles.exists()
    assert other_team.articles.get().imported_by == outsider


def test_the_service_refuses_an_import_by_someone_who_is_not_an_owner(team, reviewer):
    with pytest.raises(services.ActionRefused, match="Only a team owner may do this."):
        services.import_article(team=team, data=seed_bytes("000"), source="000.txt", actor=reviewer)

    assert not Article.objects.exists()
