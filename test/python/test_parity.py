"""The Python half of the parity tests, with unittest: parity.test.ts writes a table of calls and payloads with
the outcomes the TypeScript side gave (PARITY_FILE); the generated package must give the same on every row:
the value, or the error with its message, and the validation verdict with its issues."""
import importlib
import json
import os
import unittest


def plain(value):
    """Results as the TypeScript side shows them: named tuples as objects."""
    if type(value).__name__ == "NormalizeResult":
        return {
            "payload": plain(value.payload),
            "renamed": [{"from": r.alias, "to": r.canonical} for r in value.renamed],
            "conflicts": [{"from": c.alias, "to": c.canonical} for c in value.conflicts],
        }
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def outcome(call):
    try:
        return {"value": plain(call())}
    except Exception as e:  # the error and its message are what is compared
        return {"error": type(e).__name__, "message": str(e)}


class Parity(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        with open(os.environ["PARITY_FILE"], encoding="utf-8") as f:
            cls.table = json.load(f)
        cls.m = importlib.import_module(cls.table["package"])

    def test_calls_give_what_typescript_gave(self):
        for (fn, args), expected in zip(self.table["calls"], self.table["expected_calls"]):
            with self.subTest(fn=fn, args=args):
                self.assertEqual(outcome(lambda: getattr(self.m, fn)(*args)), expected)

    def test_validation_gives_the_ajv_verdicts(self):
        for (event, payload), expected in zip(self.table["validations"], self.table["expected_validations"]):
            r = self.m.validate_payload(event, payload)
            got = {"ok": True} if r.ok else {"ok": False, "issues": [{"field": i.field, "message": i.message} for i in r.issues]}
            if got != expected:  # a subTest per row only where they differ: 20,000 rows
                with self.subTest(event=event, payload=payload):
                    self.assertEqual(got, expected)


if __name__ == "__main__":
    unittest.main()
