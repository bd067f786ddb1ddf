"""The publication policy: withheld fields and restricted records never reach dist/."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_lod.pipeline import build
from hrd_lod.policy import apply_policy
from hrd_lod.records.load import load_records
from tests.conftest import write

MARKERS = {
    "phone": "+00 99 MARKER-PHONE-7731",
    "email": "marker-email-5521@example.invalid",
    "address": "MARKER-ADDRESS 12 Secret Street",
    "restricted-name": "MARKER-RESTRICTED-PERSON-4410",
    "restricted-id": "marker-restricted-person",
}

SEED = f"""
- id: {MARKERS["restricted-id"]}
  type: Person
  name: {MARKERS["restricted-name"]}
  visibility: restricted
  sources: [doc]

- id: contact-person
  type: Person
  name: Contact Person
  telephone: ["{MARKERS["phone"]}"]
  email: ["{MARKERS["email"]}"]
  address: ["{MARKERS["address"]}"]
  sources: [doc]

- id: public-office
  type: Organization
  name: Public Office
  telephone: ["+00 55 PUBLIC-OFFICE-LINE"]
  public_fields: [telephone]
  member: [{MARKERS["restricted-id"]}, contact-person]
  sources: [doc]

- id: restricted-quote
  type: Quotation
  name: A quotation by a restricted person
  text: Words of a person who must stay unnamed.
  creator: {MARKERS["restricted-id"]}
  sources: [doc]
"""


def all_bytes(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_policy_withholds_and_reports(project: Path) -> None:
    write(project / "data" / "seed.yaml", SEED)
    records = load_records(project, project / "data")
    public, withheld = apply_policy(records)
    assert public.get(MARKERS["restricted-id"]) is None
    assert public.get("restricted-quote") is None  # its required creator is restricted
    contact = public.get("contact-person")
    assert contact is not None and not {"telephone", "email", "address"} & set(contact.values)
    office = public.get("public-office")
    assert office is not None and "telephone" in office.values
    assert [v.id for v in office.values["member"]] == ["contact-person"]  # type: ignore
    reasons = {(i.record_id, i.field, i.reason) for i in withheld.items}
    assert (MARKERS["restricted-id"], None, "restricted record") in reasons
    assert ("contact-person", "email", "personal contact data") in reasons
    assert ("public-office", "member", "reference to a restricted record") in reasons
    assert ("restricted-quote", None, "its 'creator' is a restricted record") in reasons
    assert withheld.records == 2
    # The report carries no values.
    assert not any(m in repr(withheld) for m in MARKERS.values() if " " in m)


def test_no_marker_reaches_dist(project: Path) -> None:
    write(project / "data" / "seed.yaml", SEED)
    built = build(project)
    blob = all_bytes(built.dist)
    for name, marker in MARKERS.items():
        assert marker.encode() not in blob, name
    assert b"+00 11 222 3333" not in blob  # the fixture's own private telephone
    assert b"PUBLIC-OFFICE-LINE" in blob  # marked public, so published


@pytest.mark.parametrize("field", ["telephone", "email", "address"])
def test_contact_fields_are_private_by_default(project: Path, field: str) -> None:
    from hrd_lod.records.schema import TYPES

    assert TYPES["Person"].by_name[field].private
    assert TYPES["Organization"].by_name[field].private
