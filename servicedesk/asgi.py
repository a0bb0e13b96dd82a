import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
application = get_asgi_application()

# Refuse to start without a real key (issue 9): DEBUG off and SECRET_KEY unset leaves the key empty, and
# reading it raises ImproperlyConfigured here, at start-up, instead of on the first request.
from django.conf import settings  # noqa: E402

settings.SECRET_KEY  # noqa: B018
