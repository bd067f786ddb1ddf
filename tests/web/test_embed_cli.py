"""``hrd-lod embed ID``: the schema.org block of an entity, exit 2 for unknown ids."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.pipeline import Built


def test_embed_prints_the_same_block_as_the_site(built: Built) -> None:
    root = built.checked.project.root
    res = CliRunner().invoke(main, ["embed", "joint-mobile-group", "--project", str(root)])
    assert res.exit_code == 0, res.output
    file = built.dist / "id/organization/joint-mobile-group.schema.jsonld"
    assert res.output == file.read_text("utf-8")
    assert json.loads(res.output)["name"] == {"@value": "Joint Mobile Group", "@language": "en"}


def test_embed_script_wraps_escaped_json(hostile: Built) -> None:
    root = hostile.checked.project.root
    res = CliRunner().invoke(main, ["embed", "hostile-org", "-p", str(root), "--script"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith('<script type="application/ld+json">\n')
    assert res.output.count("</script>") == 1 and res.output.endswith("</script>\n")


def test_embed_unknown_id_exits_2_with_a_suggestion(built: Built) -> None:
    root = built.checked.project.root
    res = CliRunner().invoke(main, ["embed", "joint-mobile-grup", "-p", str(root)])
    assert res.exit_code == 2
    assert "no public entity with the id 'joint-mobile-grup'" in res.output
    assert "did you mean 'joint-mobile-group'?" in res.output


def test_embed_without_a_project_exits_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(main, ["embed", "x", "-p", str(tmp_path)])
    assert res.exit_code == 2 and "no data/ folder" in res.output
