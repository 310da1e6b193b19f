"""The app as production serves it, plus the bare view (bench/common.py) at BARE_URL, for
bench/capacity.py only: gunicorn runs this with config/gunicorn.py and the production
settings, so the bare view's rate is measured through the very stack the members' mix
goes through. The production URL configuration (config/urls.py) never holds it.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from bench.common import BARE_URL, bare  # noqa: E402 (after Django is set up)
from config.urls import urlpatterns as app_urlpatterns  # noqa: E402

urlpatterns = [*app_urlpatterns, path(BARE_URL.strip("/") + "/", bare)]
settings.ROOT_URLCONF = __name__
