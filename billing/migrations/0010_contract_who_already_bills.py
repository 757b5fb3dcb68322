from django.db import migrations

RELEASED = ("declined", "cancelled", "expired", "no_show")


def contract_who_already_bills(apps, schema_editor):
    """Every provider that already billed a programme (a subsidised order) or has a care plan
    paid by one gets a contract for the programme's whole validity, covering all it covers at
    list price: nothing booked, planned or in flight loses its subsidy (decision 0033). What
    open orders hold is counted as used, so giving it back never goes below zero."""
    Contract = apps.get_model("billing", "Contract")
    Programme = apps.get_model("billing", "Programme")
    Order = apps.get_model("orders", "Order")
    CarePlan = apps.get_model("care", "CarePlan")
    pairs = set(
        Order.objects.filter(subsidy_fen__gt=0).values_list("programme_id", "provider_id")
    ) | set(
        CarePlan.objects.filter(programme__isnull=False).values_list(
            "programme_id", "provider_id"
        )
    )
    for programme_id, provider_id in sorted(pairs):
        programme = Programme.objects.get(pk=programme_id)
        orders = Order.objects.filter(
            programme_id=programme_id, provider_id=provider_id, subsidy_fen__gt=0
        )
        months = [programme.valid_from.replace(day=1), programme.valid_until.replace(day=1)]
        months += [m for m in orders.values_list("subsidy_month", flat=True) if m]
        held = orders.exclude(status__in=RELEASED)
        Contract.objects.create(
            programme_id=programme_id,
            provider_id=provider_id,
            first_month=min(months),
            last_month=max(months),
            used_fen=sum(held.values_list("subsidy_fen", flat=True)),
            used_minutes=sum(held.values_list("subsidy_minutes", flat=True)),
            note="Made when contracts came in, for a provider that already billed the programme.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0009_contracts"),
        ("orders", "0012_merge_cards_and_venues"),
        ("care", "0002_plan_pays_by"),
    ]
    operations = [migrations.RunPython(contract_who_already_bills, migrations.RunPython.noop)]
