"""``make run`` (tools/run.py): PUBLIC_BASE_URL follows PORT unless it is set."""

from tools.run import listen_env


def test_public_base_url_follows_the_port():
    env = listen_env({"PORT": "8123"})
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:8123" and env["PORT"] == "8123"
    assert listen_env({})["PUBLIC_BASE_URL"] == "http://127.0.0.1:8000"
    explicit = listen_env({"PORT": "8123", "PUBLIC_BASE_URL": "https://app.example.com"})
    assert explicit["PUBLIC_BASE_URL"] == "https://app.example.com"
