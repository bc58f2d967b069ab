"""The code catalog: date-aware look-ups, replacements, licensed descriptors, refusal of a malformed file."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

import cptscan
from cptscan import packs
from cptscan.catalog import Catalog, CatalogError, load_catalog, official_descriptors, parse_date


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def raw() -> dict:
    """A site catalog file as a site would write it: the default pack's codes with the vocabulary's elements."""
    vocabulary = packs.vocabulary()[1]
    return {"elements": vocabulary["elements"], **json.loads(packs.read_pack("cpt2026").raw["codes.json"])}


@pytest.mark.parametrize("code, day, effective", [
    ("75577", "2025-12-31", False),
    ("75577", "2026-01-01", True),
    ("75577", dt.date(2027, 6, 1), True),
    ("0623T", "2025-12-31", True),
    ("0626T", "2026-01-01", False),
    ("0972T", "2025-06-30", False),
    ("0972T", "2025-07-01", True),
    ("0992T", "2025-12-31", False),
    ("0992T", "2026-01-01", True),
    ("0993T", "2026-01-01", True),
])
def test_effective_dates(catalog, code, day, effective):
    assert catalog.is_effective(code, day) is effective


@pytest.mark.parametrize("old", ["0623T", "0624T", "0625T", "0626T"])
def test_deleted_plaque_codes_are_replaced_by_75577(catalog, old):
    assert catalog.replacement(old) == "75577"
    assert old in catalog["75577"].replaces
    assert not catalog[old].detectable  # a deleted code only shows up on claims


def test_detectable_codes_and_their_concepts(catalog):
    assert sorted(e.code for e in catalog.detectable()) == ["0972T", "0992T", "0993T", "75577"]
    assert catalog.service_concepts() == ["BURN_MULTISPECTRAL_IMAGING", "CCTA_PLAQUE_ANALYSIS",
                                          "PERIVASCULAR_FAT_ANALYSIS"]
    assert sorted(e.code for e in catalog.for_concept("PERIVASCULAR_FAT_ANALYSIS")) == ["0992T", "0993T"]


def test_variants_and_add_on(catalog):
    assert catalog.variants("0992T") == ["0993T"]
    assert catalog.variants("0993T") == ["0992T"]
    assert catalog.variants("75577") == []
    assert "75574" in catalog["0993T"].addon_to
    assert catalog["0993T"].requires_concept == "SAME_SESSION_CT"
    assert catalog["0992T"].excludes_concept == "SAME_SESSION_CT"


def test_categories_and_coverage(catalog):
    assert catalog["75577"].category == "I" and not catalog["75577"].coverage_applies
    for code in ("0972T", "0992T", "0993T"):
        assert catalog[code].category == "III" and catalog[code].coverage_applies


def test_unknown_codes(catalog):
    assert "75574" not in catalog
    with pytest.raises(KeyError):
        catalog["99999"]


def test_dates_must_be_iso():
    assert parse_date("2026-01-01T08:30:00") == dt.date(2026, 1, 1)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("01/02/2026")


# -- official descriptors from a licensed site's own file -----------------------------------------------------------
def test_official_descriptors_from_json_override_descriptions(catalog, tmp_path):
    path = tmp_path / "cpt.json"
    path.write_text(json.dumps({"75577": "SITE LICENSED DESCRIPTOR 75577"}), encoding="utf-8")
    licensed = catalog.with_descriptors(official_descriptors(path))
    assert licensed["75577"].description == "SITE LICENSED DESCRIPTOR 75577"
    assert licensed["0972T"].description == catalog["0972T"].description
    assert catalog["75577"].description != "SITE LICENSED DESCRIPTOR 75577"  # the packaged catalog is unchanged
    assert licensed.is_effective("75577", "2026-01-01")


def test_official_descriptors_from_csv(catalog, tmp_path):
    path = tmp_path / "cpt.csv"
    path.write_text("code,descriptor\n0992T, Site descriptor 0992T \n0993T,Site descriptor 0993T\n", encoding="utf-8")
    descriptors = official_descriptors(path)
    assert descriptors == {"0992T": "Site descriptor 0992T", "0993T": "Site descriptor 0993T"}
    assert catalog.with_descriptors(descriptors)["0993T"].description == "Site descriptor 0993T"


def test_descriptors_for_unknown_codes_are_refused(catalog):
    with pytest.raises(CatalogError, match="99999"):
        catalog.with_descriptors({"99999": "not ours"})


def test_packaged_descriptions_are_not_ama_descriptors(raw):
    assert "not AMA descriptors" in raw["source"]


# -- malformed catalogs are refused -------------------------------------------------------------------------------
def _write(tmp_path, data, name="codes.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_not_json_is_refused(tmp_path):
    with pytest.raises(CatalogError, match="not valid JSON"):
        load_catalog(_write(tmp_path, "{ not json"))


def test_missing_field_is_refused(tmp_path, raw):
    data = copy.deepcopy(raw)
    del data["codes"]["0972T"]["effective_from"]
    with pytest.raises(CatalogError, match="0972T"):
        load_catalog(_write(tmp_path, data))


def test_an_element_the_catalog_does_not_declare_is_refused(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["codes"]["75577"]["elements"]["signature"] = ["PHYSICIAN_INTERPRETATION"]
    with pytest.raises(CatalogError, match="signature"):
        load_catalog(_write(tmp_path, data))


def test_a_code_may_require_any_subset_of_the_elements(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["codes"]["75577"]["elements"].pop("interpretation")
    catalog = load_catalog(_write(tmp_path, data))
    assert catalog["75577"].required == ("input", "process")
    assert catalog["0972T"].required == ("input", "process", "interpretation")


def test_an_element_policy_must_say_where_its_mentions_count(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["elements"]["input"]["where"] = "anywhere"
    with pytest.raises(CatalogError, match="input"):
        load_catalog(_write(tmp_path, data))


def test_unknown_replacement_is_refused(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["codes"]["0623T"]["replaced_by"] = "75599"
    with pytest.raises(CatalogError, match="75599"):
        load_catalog(_write(tmp_path, data))


def test_a_site_catalog_with_the_same_structure_loads(tmp_path, raw):
    data = copy.deepcopy(raw)
    data["catalog_version"] = "site-2026.2"
    catalog = load_catalog(_write(tmp_path, data))
    assert catalog.version == "site-2026.2"
    assert catalog.is_effective("75577", "2026-01-01")


def test_the_scanner_refuses_a_malformed_catalog(tmp_path):
    with pytest.raises(CatalogError):
        cptscan.load(catalog_path=_write(tmp_path, {"catalog_version": "x", "elements": {},
                                                    "codes": {"75577": {"category": "I"}}}))
