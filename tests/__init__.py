import pytest

# Helpers whose assertions pytest explains when they fail, as it does a test's own.
pytest.register_assert_rewrite("tests.pages")
