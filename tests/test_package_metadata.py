"""What a user of the package index sees: a licence, complete metadata, and the settings schema in the wheel."""

from __future__ import annotations

import zipfile
from email.parser import Parser

from conftest import ROOT
from test_packaging import wheel  # noqa: F401 - the built wheel, shared with the packaging tests


def test_license_file_is_mit_as_the_metadata_says():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_wheel_metadata_is_complete(wheel):  # noqa: F811
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    assert metadata["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata["Author"] and metadata["Keywords"] and "sweep" in metadata["Keywords"].split(",")
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3 :: Only" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert any(c.startswith("Topic :: Software Development :: Quality Assurance") for c in classifiers)
    assert {u.split(",")[0] for u in metadata.get_all("Project-URL")} >= {"Homepage", "Repository", "Documentation", "Issues"}
    # the settings schema editors can point to
    assert "sweeplint/schema/sweeplint.schema.json" in names
