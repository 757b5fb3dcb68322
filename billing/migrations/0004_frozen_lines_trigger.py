from django.db import migrations

# On PostgreSQL the database itself refuses to change a frozen statement row, whatever
# code path tries (the models refuse too, on every database).
FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of an issued statement never change'
        USING ERRCODE = 'integrity_constraint_violation', TABLE = TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
TABLES = ["billing_statementline", "billing_adjustment"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS billing_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_statements")]

    operations = [migrations.RunPython(create, drop)]
