"""Uncached search at city scale (issue 21, decision 0047), PostgreSQL only:

- the GIN index of the search terms without a pending list (`fastupdate = off`): with it, new
  and changed services waited in an unordered list that every search read from end to end
  (5 ms for three terms on 2,000 services until a vacuum merged it); services change rarely;
- `search_headline`, the title, category and provider terms alone (weights A and B of the
  search vector), computed by the database and kept in the row (storage MAIN), with a GIN
  index of its own: ranking reads it instead of the whole vector, which is stored out of
  line (TOAST), and matching tries it first, so a word that thousands of services hold in
  their titles is matched without fetching thousands of vectors.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER INDEX service_search_idx SET (fastupdate = off)")
    schema_editor.execute("SELECT gin_clean_pending_list('service_search_idx'::regclass)")
    # One statement: the table is rewritten once, at its end, with the storage already set.
    schema_editor.execute(
        "ALTER TABLE marketplace_service ADD COLUMN search_headline tsvector "
        "GENERATED ALWAYS AS (ts_filter(search_vector, '{a,b}')) STORED, "
        "ALTER COLUMN search_headline SET STORAGE MAIN"
    )
    schema_editor.execute(
        "CREATE INDEX service_search_headline_idx ON marketplace_service "
        "USING gin (search_headline) WITH (fastupdate = off)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS service_search_headline_idx")
    schema_editor.execute("ALTER TABLE marketplace_service DROP COLUMN search_headline")
    schema_editor.execute("ALTER INDEX service_search_idx RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0008_constraint_messages")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
