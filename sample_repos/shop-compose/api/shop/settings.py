import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = os.getenv("DEBUG", "false") == "true"
DATABASE_URL = os.environ.get("DATABASE_URL")
SENTRY_DSN = os.getenv("SENTRY_DSN")
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
