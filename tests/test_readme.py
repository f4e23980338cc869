"""The README's Python examples give what the README shows (doctest, on the shipped model)."""
from __future__ import annotations

import doctest
import re

from .conftest import ROOT


def test_readme_python_examples_run_as_shown():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    examples = "\n".join(b for b in blocks if ">>>" in b)
    assert examples.count(">>>") >= 5, "the README's Python examples were not found"
    test = doctest.DocTestParser().get_doctest(examples, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README example(s) give another answer (see output)"
