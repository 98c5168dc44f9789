import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo county (the authorization matrix runs over all of it)."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.fixture
def demo_user(db, django_user_model):
    from tongxin.demo import demo_exists

    if not demo_exists():  # a transactional test (a browser test) before this one flushed the database
        call_command("load_demo", verbosity=0)

    def get(username):
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def login(client, demo_user):
    """The test client, logged in as a demo user."""

    def as_(username):
        client.force_login(demo_user(username))
        return client

    return as_


# ---------------------------------------------------------------- end-to-end (one browser for the session)

@pytest.fixture(scope="session")
def browser():
    import os

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls are plain synchronous ones.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from tongxin.e2e import CHROMIUM, CHROMIUM_ARGS

    assert os.path.exists(CHROMIUM), f"找不到 Chromium：{CHROMIUM}（apt-get install chromium，或设置 TONGXIN_CHROMIUM）"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def demo_site(live_server):
    from tongxin.demo import demo_exists

    if not demo_exists():  # a transactional test before this one flushed the database
        call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def phone(browser):
    from tongxin.e2e import new_page

    page = new_page(browser)
    yield page
    page.context.close()
