"""Provider resolution from settings, keys never shown, allowlists."""

from playground.facts import providers


def test_no_key_starts_offline():
    config = providers.resolve(None, env={})
    assert config.provider.id == "offline" and config.usable


def test_modelslab_is_the_default_with_a_key():
    config = providers.resolve(None, env={"MODELSLAB_API_KEY": "k-123456"})
    assert config.provider.id == "modelslab" and config.base_url == "https://modelslab.com/api/v7/llm"
    assert config.key_source == "environment" and "k-123456" not in repr(config)


def test_secrets_are_read_after_the_environment():
    config = providers.resolve("xai", env={}, secrets={"XAI_API_KEY": "from-secrets"})
    assert config.api_key == "from-secrets" and config.key_source == "secrets"
    config = providers.resolve("xai", env={"XAI_API_KEY": "from-env"}, secrets={"XAI_API_KEY": "from-secrets"})
    assert config.api_key == "from-env"


def test_playground_settings_choose_provider_url_and_model():
    env = {
        "PLAYGROUND_PROVIDER": "custom",
        "PLAYGROUND_BASE_URL": "http://127.0.0.1:9/v1/",
        "PLAYGROUND_MODEL": "llama3.2",
    }
    config = providers.resolve(None, env=env)
    assert config.provider.id == "custom" and config.base_url == "http://127.0.0.1:9/v1"
    assert not config.api_key and config.usable  # local servers need no key
    assert providers.configured_model(env) == "llama3.2"


def test_a_session_key_wins_and_is_marked_as_such():
    config = providers.resolve("openrouter", env={"OPENROUTER_API_KEY": "env"}, session_key="typed-key")
    assert config.api_key == "typed-key" and config.key_source == "session"


def test_allowlists():
    env = {
        "PLAYGROUND_ALLOWED_PROVIDERS": "offline, modelslab",
        "PLAYGROUND_ALLOWED_BASE_URLS": "http://127.0.0.1:8011/v1",
    }
    assert providers.allowed_provider_ids(env) == ["modelslab", "offline"]
    assert providers.base_url_allowed("http://127.0.0.1:8011/v1", env)
    assert providers.base_url_allowed("https://modelslab.com/api/v7/llm", env)
    assert not providers.base_url_allowed("http://169.254.169.254/latest", env)
    assert not providers.base_url_allowed("http://127.0.0.1:8011/v10", env)
    assert providers.base_url_allowed("http://10.0.0.1/v1", {})
    assert providers.custom_url_hidden({"PLAYGROUND_HIDE_CUSTOM_URL": "true"})
    assert not providers.custom_url_hidden({})


def test_operator_url_from_secrets_is_allowed_with_an_allowlist() -> None:
    env = {"PLAYGROUND_ALLOWED_BASE_URLS": "https://llm.example.com/v1"}
    secrets = {"PLAYGROUND_BASE_URL": "http://127.0.0.1:8011/v1/"}
    assert providers.base_url_allowed("http://127.0.0.1:8011/v1", env, secrets)
    assert not providers.base_url_allowed("http://127.0.0.1:8011/v1", env, {})
    assert not providers.base_url_allowed("http://127.0.0.1:8012/v1", env, secrets)
    config = providers.resolve("custom", env=env, secrets=secrets)
    assert config.base_url == "http://127.0.0.1:8011/v1"
