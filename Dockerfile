# Limen's production image: gunicorn, Celery worker and beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LIMEN_DATA_DIR=/app/data

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py compile_translations \
    && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 limen && chown -R limen /app/data
USER limen
EXPOSE 8000
CMD ["gunicorn", "config.wsgi"]
