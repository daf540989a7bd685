"""What the tests share, each defined once: fake credentials and clients (`clients`), local
servers (`local_server`, `fault_server`, `proxy_server`, `mock_server`), wire bodies built
like the server builds them (`factories`), and the cassette filters (`cassette_filters`).
Tests import from here; `conftest.py` only declares fixtures."""
