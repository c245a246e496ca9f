"""PostgreSQL search: pg_trgm, a full-text GIN index and a trigram GIN index on the folded search
text. Nothing happens on SQLite, where search falls back to substring matching."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        PostgresOnlySQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        # The expression matches what SearchVector("search_text", config="simple") compiles to,
        # so the planner uses the index.
        PostgresOnlySQL(
            "CREATE INDEX IF NOT EXISTS referrals_service_fts ON referrals_service "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
            reverse_sql="DROP INDEX IF EXISTS referrals_service_fts",
        ),
        PostgresOnlySQL(
            "CREATE INDEX IF NOT EXISTS referrals_service_trgm ON referrals_service "
            "USING gin (search_text gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS referrals_service_trgm",
        ),
    ]
