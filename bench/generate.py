"""Generate a dataset project of N award conferrals, kept the way an archivist with that many would.

    python bench/generate.py N DIR [--seed S] [--violations FRACTION]

Bulk tables as CSV (conferrals, organisations, people, places, sources), hand-curated YAML
(awards and juries, a few organisations, quotations of 100-300 characters), archived source
files with their SHA-256 (the loader checks fixity), private telephone numbers on a share of
people and organisations (the policy withholds them), and a share of deliberate violations that
only SHACL catches (the loader accepts them):

- a conferral presented on a day outside its year (the SHACL-SPARQL rule);
- a conferral that cites no source (sh:minCount on prov:wasDerivedFrom);
- a source without its publication date (a warning).

The same N, seed and fraction always give the same bytes. About 17 triples per conferral.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import shutil
import sys
from pathlib import Path

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "sen",
    "to",
    "vi",
    "na",
    "dor",
    "el",
    "ya",
    "zu",
    "ber",
    "an",
    "go",
    "li",
    "mar",
    "te",
    "os",
    "qui",
)
WORDS = (
    "defenders",
    "documented",
    "abuses",
    "courage",
    "rights",
    "investigation",
    "torture",
    "justice",
    "community",
    "witnesses",
    "protection",
    "freedom",
    "lawyers",
    "journalists",
    "region",
    "missions",
    "survivors",
    "accountability",
    "dignity",
    "persistence",
)
ROLES = ("director", "founder", "chair of the jury", "laureate", "lawyer", "spokesperson")


def word(rng: random.Random, n: int = 3) -> str:
    """Return a made-up capitalised name of ``n`` syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def sentence(rng: random.Random, low: int, high: int) -> str:
    """Return text of ``low``-``high`` characters made of plain words."""
    target = rng.randint(low, high)
    out = ""
    while len(out) < target:
        out += rng.choice(WORDS) + " "
    return out[:target].strip().capitalize() + "."


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV table (UTF-8, header row)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def yaml_str(text: str) -> str:
    """Return a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


DATASET = """\
id: bench
title: Synthetic award conferrals ({n})
description: A generated dataset for the hrd-lod benchmark; every name in it is made up.
license: https://creativecommons.org/licenses/by/4.0/
publisher: hrd-lod benchmark
version: 0.0.{n}
issued: 2026-01-01
modified: 2026-01-01
base_iri: https://w3id.org/hrd/
language: en
"""


def generate(n: int, root: Path, seed: int = 1, violations: float = 0.0) -> dict[str, int]:
    """Write the project into ``root`` (replacing it) and return counts of what was made."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    data = root / "data"
    (data / "sources" / "files").mkdir(parents=True)
    (data / "dataset.yaml").write_text(DATASET.format(n=n), encoding="utf-8")
    counts: dict[str, int] = {}

    # Places: countries > regions > cities.
    places: list[list[str]] = []
    countries = [f"country-{i:03d}" for i in range(40)]
    regions = [f"region-{i:04d}" for i in range(200)]
    cities = [f"city-{i:05d}" for i in range(max(50, n // 100))]

    n_sources = max(2, n // 100)
    sources = [f"source-{i:05d}" for i in range(n_sources)]
    publishers = [f"publisher-{i:02d}" for i in range(20)]

    def src() -> str:
        return rng.choice(sources)

    for c in countries:
        places.append([c, word(rng) + "land", "", "Country", "", src()])
    for r in regions:
        places.append([r, word(rng) + " Region", "", "Region", rng.choice(countries), src()])
    for c in cities:
        places.append(
            [c, word(rng, 2) + "burg", word(rng, 2) + "ville", "City", rng.choice(regions), src()]
        )
    write_csv(
        data / "places.csv",
        ["id", "name@en", "name@fr", "place_type", "contained_in", "sources"],
        places,
    )
    counts["places"] = len(places)

    # Sources, each with a real archived file and its SHA-256.
    rows = []
    for i, s in enumerate(sources):
        body = f"Archived copy of {s}.\n{sentence(rng, 200, 600)}\n".encode()
        rel = f"sources/files/{s}.txt"
        (data / rel).write_bytes(body)
        missing_date = violations and rng.random() < violations
        date = (
            ""
            if missing_date
            else f"20{rng.randint(0, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
        rows.append(
            [
                s,
                f"Report {i} on human rights defenders",
                publishers[i % 20],
                date,
                rel,
                hashlib.sha256(body).hexdigest(),
                "text/plain",
            ]
        )
    write_csv(
        data / "sources" / "sources.csv",
        ["id", "name", "publisher", "date_published", "archived_copy", "sha256", "media_type"],
        rows,
    )
    counts["sources"] = len(rows)

    # Organisations: publishers and laureates in bulk CSV, award givers curated in YAML.
    n_org_laureates = int(n * 0.35)
    n_person_laureates = int(n * 0.35)
    org_laureates = [f"org-{i:06d}" for i in range(n_org_laureates)]
    orgs = []
    for p in publishers:
        orgs.append([p, word(rng) + " Media", "", "NewsMediaOrganization", "", "", "", src()])
    for o in org_laureates:
        phone = (
            f"+41 22 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.1
            else ""
        )
        orgs.append(
            [
                o,
                word(rng) + " Human Rights Centre",
                word(rng) + " Centre des droits" if rng.random() < 0.2 else "",
                "NGO",
                rng.choice(cities) if rng.random() < 0.5 else "",
                rng.choice(countries) if rng.random() < 0.3 else "",
                phone,
                src(),
            ]
        )
    write_csv(
        data / "organizations.csv",
        [
            "id",
            "name@en",
            "name@fr",
            "organization_type",
            "location",
            "area_served",
            "telephone",
            "sources",
        ],
        orgs,
    )
    counts["organizations"] = len(orgs)

    # People: laureates and presenters.
    presenters = [f"presenter-{i:05d}" for i in range(max(5, n // 50))]
    person_laureates = [f"person-{i:06d}" for i in range(n_person_laureates)]
    people = []
    for p in presenters + person_laureates:
        phone = (
            f"+7 495 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.1
            else ""
        )
        people.append([p, f"{word(rng, 2)} {word(rng)}", phone, src()])
    write_csv(data / "people.csv", ["id", "name", "telephone", "sources"], people)
    counts["people"] = len(people)

    # Curated YAML: award givers, awards, juries.
    n_awards = max(3, n // 2000)
    givers = [f"foundation-{i:03d}" for i in range(n_awards)]
    awards = [f"award-{i:03d}" for i in range(n_awards)]
    juries = {a: f"jury-{a}" for i, a in enumerate(awards) if i % 2 == 0}
    y = ["# Curated by hand: the foundations that give the awards."]
    for g in givers:
        y += [
            f"- id: {g}",
            "  type: Organization",
            f"  name: {word(rng)} Foundation",
            "  organization_type: Foundation",
            f"  description: {yaml_str(sentence(rng, 60, 140))}",
            f"  location: [{rng.choice(cities)}]",
            f"  sources: [{src()}]",
            "",
        ]
    (data / "foundations.yaml").write_text("\n".join(y), encoding="utf-8")
    y = ["# Curated by hand: the awards and their juries."]
    for a, g in zip(awards, givers, strict=True):
        y += [
            f"- id: {a}",
            "  type: Award",
            f"  name: {word(rng)} Award for Human Rights",
            f"  conferred_by: [{g}]",
            f"  purpose: [{yaml_str(sentence(rng, 60, 160))}]",
        ]
        if a in juries:
            y.append(f"  jury: [{juries[a]}]")
        y += [f"  sources: [{src()}]", ""]
    for a, j in juries.items():
        members = sorted(
            rng.sample(org_laureates or publishers, k=min(5, len(org_laureates or publishers)))
        )
        y += [
            f"- id: {j}",
            "  type: Jury",
            f"  name: Jury of the {a}",
            f"  member: [{', '.join(members)}]",
            f"  sources: [{src()}]",
            "",
        ]
    (data / "awards.yaml").write_text("\n".join(y), encoding="utf-8")
    counts["awards"] = n_awards

    # Conferrals: the bulk table.
    conferrals = []
    bad = {"date": 0, "sources": 0}
    laureates = org_laureates + person_laureates
    for i in range(n):
        cid = f"conferral-{i:06d}"
        award = rng.choice(awards)
        laureate = rng.choice(laureates)
        year = rng.randint(1980, 2025)
        date_year = year
        srcs = src()
        roll = rng.random() if violations else 1.0
        if roll < violations / 2:
            date_year = year + 1  # presented on a day outside its year
            bad["date"] += 1
        elif roll < violations:
            srcs = ""  # cites no source
            bad["sources"] += 1
        elif rng.random() < 0.2:
            srcs = " | ".join(sorted({srcs, src()}))
        date = (
            f"{date_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if rng.random() < 0.9
            else ""
        )
        if not date and date_year != year:
            date = f"{date_year}-06-01"
        conferrals.append(
            [
                cid,
                f"{year} {award} to {laureate}",
                award,
                laureate,
                str(year),
                date,
                rng.choice(cities) if rng.random() < 0.8 else "",
                rng.choice(presenters) if rng.random() < 0.5 else "",
                juries.get(award, ""),
                sentence(rng, 40, 120) if rng.random() < 0.3 else "",
                srcs,
            ]
        )
    write_csv(
        data / "conferrals.csv",
        [
            "id",
            "name",
            "award",
            "laureate",
            "year",
            "date",
            "location",
            "presented_by",
            "selected_by",
            "rationale",
            "sources",
        ],
        conferrals,
    )
    counts["conferrals"] = n
    counts["violations_date"] = bad["date"]
    counts["violations_sources"] = bad["sources"]

    # Curated YAML: quotations (100-300 characters), one file per 2,000.
    n_quotes = max(2, n // 20)
    for start in range(0, n_quotes, 2000):
        y = ["# Quotations transcribed from the sources."]
        for q in range(start, min(n_quotes, start + 2000)):
            y += [
                f"- id: quotation-{q:06d}",
                "  type: Quotation",
                f"  name: Quotation {q}",
                f"  text: {yaml_str(sentence(rng, 100, 300))}",
                f"  creator: {rng.choice(presenters + person_laureates)}",
                f"  speaker_role: {rng.choice(ROLES)}",
                f"  spoken_at: conferral-{rng.randrange(n):06d}",
                f"  sources: [{src()}]",
                "",
            ]
        (data / f"quotations-{start // 2000:03d}.yaml").write_text("\n".join(y), encoding="utf-8")
    counts["quotations"] = n_quotes
    return counts


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, generate, print the counts."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("n", type=int, help="number of award conferrals")
    ap.add_argument("dir", type=Path, help="project folder to write (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--violations",
        type=float,
        default=0.0,
        help="share of conferrals and sources with a deliberate violation (0-1)",
    )
    args = ap.parse_args(argv)
    if args.n < 1 or not 0.0 <= args.violations <= 1.0:
        ap.error("N must be positive and --violations between 0 and 1")
    counts = generate(args.n, args.dir, args.seed, args.violations)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
