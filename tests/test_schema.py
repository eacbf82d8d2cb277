"""JSON Schemas: committed copies are current, accept the starter content and catch typos."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from quizzes.schema import schemas
from tests.conftest import CONTENT, DATA, ROOT

SCHEMA_DIR = ROOT / "docs" / "schema"


@pytest.mark.parametrize("kind", ["lesson", "bank", "quiz", "competition", "assessment", "event", "daily"])
def test_committed_schema_is_current(kind):
    committed = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == schemas()[kind], "run: mingde schema --out docs/schema"


def _kind_of(path, data):
    folder = path.parent.name
    if path.name.startswith("assessment"):
        return "assessment"
    if path.name.startswith("daily"):
        return "daily"
    if folder == "quizzes":
        return "competition" if "rounds" in data else "quiz"
    return {"lessons": "lesson", "banks": "bank", "events": "event"}[folder]


@pytest.mark.parametrize("path", sorted(CONTENT.rglob("*.yaml")), ids=lambda p: p.name)
def test_starter_content_passes_the_schema(path):
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, schemas()[_kind_of(path, data)])


def test_schema_rejects_unknown_keys():
    data = yaml.safe_load((DATA / "broken" / "lessons" / "typo-key.yaml").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schemas()["lesson"])
