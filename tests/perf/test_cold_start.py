"""Cold start: loading the scanner imports only the medspaCy parts it uses (issue 14, item 12).

medspaCy's package ``__init__`` imports every component and, through ``medspacy.util``, QuickUMLS and NLTK,
which cptscan never uses. Each check runs in a fresh interpreter, since this test session has imported
medspaCy whole already. How long a cold start takes is the benchmark's to say (``bench.py``), not a test's.
"""

import json
import subprocess
import sys

LOADED = """
import json, sys
import cptscan
scanner = cptscan.load(rules_only=True)
loaded = [name for name in ("medspacy", "quickumls", "nltk", "PyRuSH") if name in sys.modules]
codes = scanner.scan_text("Coronary CTA today. AI plaque analysis (Cleerly) of the CCTA data set.")["codes"]
import medspacy
nlp = medspacy.load()
print(json.dumps({"loaded": loaded, "codes": len(codes), "medspacy_pipes": nlp.pipe_names}))
"""


def test_loading_the_scanner_skips_quickumls_nltk_and_the_medspacy_package():
    out = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, timeout=300, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == []
    assert seen["codes"] == 1
    # a later `import medspacy` in the same process is the real package (the benchmark's baseline needs it)
    assert "medspacy_context" in seen["medspacy_pipes"]
