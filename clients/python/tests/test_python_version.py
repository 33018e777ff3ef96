"""pyproject.toml promises Python >= 3.9: every file of the package and of these tests parses with
the 3.9 grammar (no match statements, no parenthesized context managers, no `except*`), and the
package imports nothing outside the standard library."""
import ast
import os
import sys
import unittest

import support

PACKAGE_DIR = os.path.join(support.PYTHON_CLIENT_DIR, "taskmeter")
TESTS_DIR = os.path.join(support.PYTHON_CLIENT_DIR, "tests")


def python_files(directory):
    return sorted(os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(".py"))


# Imports a package file may make beyond the standard library: each optional, guarded at import.
OPTIONAL_IMPORTS = {"active_span.py": {"opentelemetry"}}


class PythonVersionTest(unittest.TestCase):
    def test_every_file_parses_as_python_3_9(self):
        files = python_files(PACKAGE_DIR) + python_files(TESTS_DIR) + [os.path.join(support.REPO_ROOT, "bench", "python-client.bench.py")]
        for path in files:
            with self.subTest(path=os.path.relpath(path, support.REPO_ROOT)):
                with open(path, encoding="utf-8") as f:
                    ast.parse(f.read(), filename=path, feature_version=(3, 9))

    def test_the_package_imports_only_the_standard_library_and_itself(self):
        with open(os.path.join(PACKAGE_DIR, "active_span.py"), encoding="utf-8") as f:
            self.assertIn("except Exception:", f.read(), "the optional import is guarded")
        stdlib = getattr(sys, "stdlib_module_names", None)
        if stdlib is None:  # Python < 3.10: the list of names is not available; the grammar check still ran
            stdlib = {"atexit", "collections", "contextvars", "errno", "functools", "inspect", "logging", "numbers", "os", "random", "re", "secrets", "socket", "struct", "threading", "time", "weakref"}
        for path in python_files(PACKAGE_DIR):
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    roots = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    roots = [node.module.split(".")[0]]
                else:
                    continue
                for root in roots:
                    with self.subTest(path=os.path.basename(path), module=root):
                        # The one optional import: the app's OpenTelemetry API, inside try/except.
                        allowed = OPTIONAL_IMPORTS.get(os.path.basename(path), set())
                        self.assertIn(root, set(stdlib) | allowed)


if __name__ == "__main__":
    unittest.main()
