"""The W3C SHACL test suite (core and SPARQL, 120 cases) through every engine.

Read from ``../shared/test-suites/shacl/`` (never copied; where it is missing the tests skip,
and in CI that skip is a failure). Each case runs through:

- ``reference`` (pyshacl): right, or a known divergence of pyshacl listed in
  :data:`w3c.PYSHACL_DIVERGES` with the reason (a strict expected failure, never a skip);
- ``fast`` as the build runs it: the suite's results, or a refusal (:class:`Unsupported`,
  with the reason); never a wrong answer;
- ``fast`` comparing results only (shapes without ``sh:message`` compiled too, since the suite
  does not judge messages): the same rule, over many more of the compiled constraints;
- ``auto``: right from the fast path, or it fell back with a stated reason (and is then as
  right as pyshacl).

Where the suite expects a failure (a shape no engine may run), every engine must say so:
:class:`ShapesError` from the reference and auto, a refusal from the fast engine; never a
traceback and never an empty, conforming report.
"""

from __future__ import annotations

import logging
import warnings

import pytest
import rdflib

from hrd_lod.errors import ShapesError
from hrd_lod.validate import run_engine
from hrd_lod.validate.fast import Unsupported, validate_fast

from ..conftest import SHARED, require_shared
from .w3c import Case, actual, cases, differences, diverges

SUITE = SHARED / "test-suites" / "shacl"
CASES = sorted(cases(SUITE), key=lambda c: c.name) if (SUITE / "manifest.ttl").is_file() else []

ENGINES = ("reference", "fast", "fast-results", "auto")


def _run(engine: str, case: Case) -> tuple[list, str, str | None, rdflib.Graph]:
    store, written, shapes = case.load()
    ontology = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyshacl warns about the suite's odd shapes
        logging.disable(logging.CRITICAL)  # and rdflib logs ill-typed literals it meets
        try:
            if engine == "fast-results":
                results = validate_fast(
                    store, shapes, ontology, written=written, require_messages=False
                )
                return results, "fast", None, shapes
            results, used, reason = run_engine(engine, store, shapes, ontology, written=written)
            return results, used, reason, shapes
        finally:
            logging.disable(logging.NOTSET)


def _params() -> list:
    if not CASES:
        return [pytest.param("reference", None, id="suite-missing")]
    out = []
    for case in CASES:
        for engine in ENGINES:
            marks = []
            reason = diverges(case.name, engine)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=f"pyshacl: {reason}"))
            out.append(pytest.param(engine, case, id=f"{engine}:{case.name}", marks=marks))
    return out


@pytest.mark.parametrize(("engine", "case"), _params())
def test_w3c_shacl_case(engine: str, case: Case | None) -> None:
    if case is None:
        require_shared("test-suites/shacl/manifest.ttl")
        return
    fast_path = engine in ("fast", "fast-results")
    store, _written, shapes = case.load()
    expected = case.expected(shapes)
    try:
        results, used, reason, shapes = _run(engine, case)
    except Unsupported as exc:
        assert fast_path, f"{engine} raised {exc}"
        assert str(exc).startswith("unsupported: ") and exc.items, "a refusal says why"
        return
    except ShapesError as exc:
        assert not fast_path, f"the fast engine raised {exc} instead of refusing"
        assert expected is None, f"{engine} could not run a case the suite runs: {exc}"
        assert exc.message.startswith(("pyshacl cannot run", "no engine can run"))
        return
    assert expected is not None, (
        f"{engine} ({used}) reported {len(results)} result(s) where the suite expects "
        "the shapes to be refused"
    )
    if engine == "auto" and used != "fast":
        assert reason, "auto fell back without saying why"
    missing, extra = differences(expected, actual(results, shapes), shapes)
    assert not missing and not extra, (
        f"{engine} ({used}): expected but not reported {missing}; reported but not expected {extra}"
    )


def test_the_suite_is_all_there() -> None:
    require_shared("test-suites/shacl/manifest.ttl")
    names = {c.name.split("/")[0] for c in CASES}
    assert names == {"core", "sparql"}
    assert len(CASES) >= 120
