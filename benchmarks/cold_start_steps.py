"""Where a cold start goes (issue 14, item 12): each loading step of ``cptscan.load()``, timed in one fresh process.

    .venv/bin/python benchmarks/cold_start_steps.py

bench.py times the whole ``cptscan scan`` process; this splits it: importing the CLI (spaCy and the medspaCy
components), importing scikit-learn, unpickling each model (after its hash check), building the pipeline and
the gate. Wall seconds; run it in a fresh process (the imports are what is measured).
"""

from __future__ import annotations

import json
import time

STEPS: list[tuple[str, float]] = []
_last = time.perf_counter()


def lap(step: str) -> None:
    global _last
    now = time.perf_counter()
    STEPS.append((step, round(now - _last, 3)))
    _last = now


def main() -> None:
    import cptscan.cli  # noqa: F401  (what `cptscan scan` imports first)
    lap("import the CLI (spaCy, medspaCy components)")
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.pipeline  # noqa: F401
    lap("import scikit-learn")
    from cptscan.ablation import checked
    from cptscan.knowledge import knowledge_for
    from cptscan.models import load_model_components, load_verified
    from cptscan.nlp.gate import Gate
    from cptscan.nlp.pipeline import build_pipeline

    knowledge = knowledge_for((), None, None, checked(()))
    lap("read the packs, rules and catalog")
    pipes, _ = load_model_components(knowledge.models_dir)
    for component, config in pipes:
        load_verified(config["model_path"], config["sha256"], config["sklearn_version"])
        lap(f"unpickle {component}")
    build_pipeline((), knowledge)
    lap("build the pipeline (rules only)")
    Gate.from_rules(ruleset=knowledge.rules)
    lap("build the gate")
    print(json.dumps({"steps": dict(STEPS), "total": round(sum(s for _, s in STEPS), 3)}, indent=1))


if __name__ == "__main__":
    main()
